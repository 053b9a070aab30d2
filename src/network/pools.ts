/**
 * Address pools and how full they are: every range of every network of the app, the VM interfaces that take
 * addresses from it, and whether it can hand out enough. Internal: not re-exported by index.ts; the public
 * settings are in capacity.ts, the estate plan (src/plan) reads the same numbers.
 *
 * Why a VM takes more than one address at times: live migration starts a second virt-launcher pod for the
 * VM on the target node (KubeVirt v1.9.0 pkg/virt-controller/watch/migration/migration.go, createTargetPod:
 * RenderMigrationManifest renders it from the VMI, with the same Multus networks), and KubeVirt runs up to
 * parallelMigrationsPerCluster (5 by default, pkg/virt-config/virt-config.go) such migrations at once.
 * whereabouts allocates per pod: AssignIP(range, reservations, containerID, podRef) in
 * IPManagementKubernetesUpdate (whereabouts v0.9.x pkg/storage/kubernetes/ipam.go), and releases an address
 * only on the CNI DEL of the pod that holds it. So the target pod gets an address of its own while the source
 * pod still holds the VM's, until the migration ends and the source pod is torn down. Each VM migrating at
 * the same time therefore needs one spare address per whereabouts network it is on.
 */
import type { IConstruct } from 'constructs';
import type { PlannedRange } from './internal';
import type { NetworkRegistration, NicRegistration } from './plan';
import { problem } from '../core/errors';
import { countRemaining, formatAddress, parseAddress } from '../core/ip';

/** How the capacity rule counts (AddressCapacity.configure sets them). */
export interface CapacitySettings {
  /** Spare addresses a pool needs for live migration, given the interfaces that take addresses from it. */
  readonly headroom: (interfaces: number) => number;
  /** The headroom in words, for messages and the plan. */
  readonly headroomText: string;
  /** The share of a pool's usable addresses from which the plan warns (0 to 1). */
  readonly warningThreshold: number;
}

/** The default share of a network's VMs that may live-migrate at once (see capacity.ts). */
export const DEFAULT_MIGRATION_SHARE = 0.1;
/** The default warning threshold of the plan. */
export const DEFAULT_WARNING_THRESHOLD = 0.8;

/** `share` of `n`, rounded up, in exact integer arithmetic (basis points), so 10 % of 30 is 3, not 4. */
export function shareOf(n: number, share: number): number {
  const bp = Math.round(share * 10_000);
  return Math.floor((n * bp + 9_999) / 10_000);
}

/** A share as a percentage for people: `10 %`, `12.5 %`. */
export function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))} %`;
}

export const DEFAULT_CAPACITY: CapacitySettings = {
  headroom: (n) => shareOf(n, DEFAULT_MIGRATION_SHARE),
  headroomText: `${percent(DEFAULT_MIGRATION_SHARE)} of the interfaces, rounded up`,
  warningThreshold: DEFAULT_WARNING_THRESHOLD,
};

/** Who hands out a pool's addresses. */
export type Allocator = 'whereabouts' | 'host-local' | 'static';

/** One address pool and its use. */
export interface PoolUsage {
  /** `allocator|cidr|pool name`: whereabouts keys an IPPool by range and network_name. */
  readonly key: string;
  readonly allocator: Allocator;
  /** The range as the first network of the pool declares it. */
  readonly range: PlannedRange;
  /** The networks that draw from the pool, in registration order. */
  readonly networks: NetworkRegistration[];
  /** Addresses the allocator may hand out (for host-local: on each node; for static: the one address). */
  readonly usable: bigint;
  /** Interfaces that take an address from the pool. */
  interfaces: number;
  /** Static addresses of interfaces that lie inside the pool's range. */
  readonly reserved: string[];
  /** Spare addresses for live migration (0 for host-local and static pools). */
  headroom: number;
  /** Interfaces + reserved + headroom. */
  need: bigint;
  /** Whether the app-wide count applies (false for host-local, which allocates per node). */
  readonly checked: boolean;
}

/** The outcome: pools in registration order, and interfaces per network reference (also for networks this app does not define). */
export interface PoolCount {
  readonly pools: PoolUsage[];
  /** Interfaces attached per `namespace/name`. */
  readonly interfacesByReference: Map<string, number>;
  /** Static addresses per `namespace/name`, in registration order. */
  readonly staticByReference: Map<string, string[]>;
}

/** `namespace/name` of a registered network, when it has one. */
export function referenceOf(r: NetworkRegistration): string | undefined {
  return r.namespace !== undefined && r.name !== undefined ? `${r.namespace}/${r.name}` : undefined;
}

/** The pools of the app and what takes addresses from them: one pass over networks, one over interfaces. */
export function countPools(
  networks: readonly NetworkRegistration[], nics: readonly NicRegistration[], settings: CapacitySettings,
  copiesOf: (owner: IConstruct) => number = () => 1,
): PoolCount {
  const pools = new Map<string, PoolUsage>();
  const poolsOfNetwork = new Map<NetworkRegistration, PoolUsage[]>();
  const byReference = new Map<string, NetworkRegistration>();
  for (const r of networks) {
    const ref = referenceOf(r);
    if (ref !== undefined && !byReference.has(ref)) byReference.set(ref, r);
    const own: PoolUsage[] = [];
    for (const range of r.ranges) {
      // (A network with two ranges in one pool is not possible: one range per family, and a pool is one range.)
      const allocator = range.allocator ?? 'whereabouts';
      const key = `${allocator}|${range.block.cidr}|${range.poolName}`;
      let pool = pools.get(key);
      if (!pool) {
        const usable = allocator === 'static' ? 1n : countRemaining(range.first, range.last, range.excluded ?? []);
        pool = { key, allocator, range, networks: [], usable, interfaces: 0, reserved: [], headroom: 0, need: 0n, checked: allocator !== 'host-local' };
        pools.set(key, pool);
      }
      pool.networks.push(r);
      own.push(pool);
    }
    poolsOfNetwork.set(r, own);
  }

  const interfacesByReference = new Map<string, number>();
  const staticByReference = new Map<string, string[]>();
  for (const nic of nics) {
    // A machine template's interface is on every machine made from it.
    const copies = copiesOf(nic.owner);
    interfacesByReference.set(nic.reference, (interfacesByReference.get(nic.reference) ?? 0) + copies);
    const statics = (nic.staticAddresses ?? []).map((a) => parseAddress(a)).filter((a) => a !== undefined);
    if (statics.length > 0) {
      const list = staticByReference.get(nic.reference) ?? [];
      list.push(...statics.map((a) => a.text));
      staticByReference.set(nic.reference, list);
    }
    const network = byReference.get(nic.reference);
    if (!network) continue;
    for (const pool of poolsOfNetwork.get(network) ?? []) {
      const family = pool.range.block.family;
      const own = statics.filter((a) => a.family === family);
      if (own.length === 0 || pool.allocator === 'static') {
        pool.interfaces += copies;
        continue;
      }
      // A static address takes no address from the pool; inside the allocatable range it is one the pool
      // must not hand out, so it counts.
      for (const a of own) {
        const inside = a.value >= pool.range.first && a.value <= pool.range.last
          && !(pool.range.excluded ?? []).some(([lo, hi]) => a.value >= lo && a.value <= hi);
        if (inside) pool.reserved.push(a.text);
      }
    }
  }
  for (const pool of pools.values()) {
    pool.headroom = pool.allocator === 'whereabouts' ? settings.headroom(pool.interfaces) : 0;
    pool.need = BigInt(pool.interfaces + pool.reserved.length + pool.headroom);
  }
  return { pools: [...pools.values()], interfacesByReference, staticByReference };
}

/**
 * The capacity rule: a pool must hand out an address to every interface that takes one from it, keep the
 * static addresses inside it free, and have the migration headroom spare. Reported once per pool, on the
 * first network of the pool that has interfaces.
 */
export function capacityProblems(
  networks: readonly NetworkRegistration[], nics: readonly NicRegistration[], settings: CapacitySettings,
  copiesOf: (owner: IConstruct) => number = () => 1,
): Array<[IConstruct, string]> {
  if (nics.length === 0) return [];
  const out: Array<[IConstruct, string]> = [];
  const { pools, interfacesByReference } = countPools(networks, nics, settings, copiesOf);
  for (const pool of pools) {
    if (!pool.checked || pool.need <= pool.usable) continue;
    const at = pool.networks.find((n) => (interfacesByReference.get(referenceOf(n) ?? '') ?? 0) > 0) ?? pool.networks[0];
    out.push([at.network, poolProblem(pool, at, settings)]);
  }
  return out;
}

function poolProblem(pool: PoolUsage, at: NetworkRegistration, settings: CapacitySettings): string {
  if (pool.allocator === 'static') {
    return problem('ipam.addresses', formatAddress(pool.range.block.family, pool.range.first),
      `is given to every interface of the network by static IPAM, and ${pool.interfaces} VM interfaces attach to it; `
      + 'static IPAM serves one VM: give each VM a network of its own, or use whereabouts');
  }
  const r = pool.range;
  const others = pool.networks.filter((n) => n !== at).map(referenceOf).filter((ref) => ref !== undefined);
  const named = others.length > 4 ? `${others.slice(0, 4).join(', ')} and ${others.length - 4} more` : others.join(', ');
  const shared = others.length > 0 ? ` in a pool shared with ${named}` : '';
  const excluded = r.excluded && r.excluded.length > 0 ? ', less exclusions' : '';
  const parts = [`${pool.interfaces} VM interfaces`];
  if (pool.reserved.length > 0) parts.push(`${pool.reserved.length} static addresses`);
  const needs = pool.headroom > 0
    ? `${parts.join(', ')} plus ${pool.headroom} spare for live migration (${settings.headroomText}: a migration's target pod takes an address of its own before the source pod releases the VM's)`
    : parts.join(' and ');
  return problem('range', r.block.cidr,
    `has ${pool.usable} usable addresses (${formatAddress(r.block.family, r.first)} to ${formatAddress(r.block.family, r.last)}${excluded})${shared}, `
    + `fewer than the ${pool.need} it needs: ${needs}; use a larger range or fewer VMs, or set the migration headroom with AddressCapacity.configure()`);
}
