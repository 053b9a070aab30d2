/**
 * Addresses that VMs pin on L2-only networks: reserved app-wide, so that neither another VM nor an IPAM pool on the
 * same layer-2 segment hands them out. Internal: not re-exported by index.ts.
 */
import { Construct, IConstruct } from 'constructs';
import { SegmentKey } from './mac-registry';
import { problem } from '../core/errors';
import { formatAddress, IpAddress } from '../core/ip';
import { PlannedRange } from '../network/internal';
import { NetworkPlan, Segment } from '../network/plan';

interface Entry {
  readonly vm: IConstruct;
  readonly field: string;
  readonly segment: SegmentKey;
  readonly address: IpAddress;
}

const REGISTRY_ID = 'cdk8s-kubevirt.AddressRegistry';

/**
 * Every pinned address of the app. Checked once per validation pass: one map per segment for duplicates, and each
 * address against the pools of its segment (whereabouts, host-local and static IPAM of every network registered
 * with the NetworkPlan on that segment), linear in pinned addresses plus networks.
 */
export class AddressRegistry extends Construct {
  /** The registry of the app `scope` belongs to. */
  public static of(scope: IConstruct): AddressRegistry {
    const root = scope.node.root as Construct;
    return (root.node.tryFindChild(REGISTRY_ID) as AddressRegistry | undefined) ?? new AddressRegistry(root, REGISTRY_ID);
  }

  private readonly entries: Entry[] = [];
  private readonly validated = new Set<IConstruct>();
  private problems?: Map<IConstruct, string[]>;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Records that `field` of `vm` pins `address` on `segment`. */
  public register(vm: IConstruct, field: string, segment: SegmentKey, address: IpAddress): void {
    this.entries.push({ vm, field, segment, address });
    this.problems = undefined;
    if (!this.validated.has(vm)) {
      this.validated.add(vm);
      vm.node.addValidation({ validate: () => this.problemsOf(vm) });
    }
  }

  private problemsOf(vm: IConstruct): string[] {
    if (!this.problems) this.problems = this.check();
    return this.problems.get(vm) ?? [];
  }

  private check(): Map<IConstruct, string[]> {
    const found = new Map<IConstruct, string[]>();
    const report = (e: Entry, message: string) => {
      const list = found.get(e.vm) ?? [];
      list.push(message);
      found.set(e.vm, list);
    };
    // The pools of every segment that has a pinned address.
    const pools = new Map<Segment, Array<{ readonly network: IConstruct; readonly range: PlannedRange }>>();
    for (const e of this.entries) if (e.segment.key instanceof Segment) pools.set(e.segment.key, []);
    if (pools.size > 0) {
      for (const r of NetworkPlan.of(this).registrations) {
        const list = pools.get(r.segment);
        if (list) for (const range of r.ranges) list.push({ network: r.network, range });
      }
    }
    const bySegment = new Map<unknown, Map<string, Entry>>();
    for (const e of this.entries) {
      let taken = bySegment.get(e.segment.key);
      if (!taken) bySegment.set(e.segment.key, taken = new Map());
      const key = `${e.address.family}/${e.address.value}`;
      const first = taken.get(key);
      if (first) {
        report(e, problem(e.field, e.address.text, `is also pinned by ${first.vm.node.path} ${first.field} on ${e.segment.label}: an address belongs to one NIC of a segment`));
        continue;
      }
      taken.set(key, e);
      for (const { network, range } of pools.get(e.segment.key as Segment) ?? []) {
        const a = e.address;
        if (range.block.family !== a.family || a.value < range.first || a.value > range.last) continue;
        if ((range.excluded ?? []).some(([lo, hi]) => a.value >= lo && a.value <= hi)) continue;
        const host = `${formatAddress(a.family, a.value)}/${a.family === 4 ? 32 : 128}`;
        report(e, problem(e.field, e.address.text, `lies in the address pool ${range.block.cidr} of ${network.node.path} on ${e.segment.label}, `
          + `which could hand it to another attachment; exclude it from that pool (exclude: ["${host}"]) or pin an address outside it`));
        break;
      }
    }
    return found;
  }
}
