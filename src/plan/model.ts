/**
 * The estate as one data structure, collected from the app-wide registries (NetworkPlan, TenantPlan,
 * ClusterPrerequisites) and one walk over the construct tree: linear in the estate. Every list is sorted by
 * name, never by construction order, so that a change to the estate changes only the lines it concerns.
 * Renderers (markdown.ts, topology.ts) read only this. Internal: not re-exported.
 */
import { IConstruct } from 'constructs';
import { cmp, compressNumbers, formatBytes, pushTo, sortedUnique } from './format';
import { renderPrerequisites } from './prerequisites-section';
import { KubeVirtVm } from '../compute/kubevirt-vm';
import { formatAddress } from '../core/ip';
import { VmPlanFacts } from '../core/vm-rules';
import { BridgeNetwork } from '../network/bridge-network';
import { MacvlanNetwork } from '../network/macvlan-network';
import { NetworkPlan, NetworkRegistration } from '../network/plan';
import { Allocator, CapacitySettings, countPools, DEFAULT_CAPACITY, PoolUsage, referenceOf } from '../network/pools';
import { CephNetworkProvider, SharedCephNetwork, TenantIsolation } from '../network/shared-ceph-network';
import { ClusterPrerequisites, Prerequisite } from '../platform/prerequisites';
import { CLONE_STRATEGY_FALLBACK_ANNOTATION } from '../storage/clone';
import { ClonedDisk } from '../storage/cloned-disk';
import { GoldenImage } from '../storage/golden-image';
import { StorageClassProfile } from '../storage/storage-class-profile';
import { IsolatedTenant } from '../tenancy/isolated-tenant';
import { KubeVirtShoot } from '../tenancy/kubevirt-shoot';

/** How full a pool is. */
export type PoolStatus = 'ok' | 'warning' | 'full' | 'per-node';

/** One address range of a network and the pool it belongs to. */
export interface PoolModel {
  readonly cidr: string;
  readonly allocator: Allocator;
  /** First and last address handed out. */
  readonly first: string;
  readonly last: string;
  /** Exclusions as written (gateways included). */
  readonly exclude: string[];
  /** Addresses that may be handed out (host-local: on each node). */
  readonly usable: bigint;
  /** Static addresses of VM interfaces inside the pool. */
  readonly reserved: string[];
  /** VM interfaces that take an address from the pool (all networks of the pool). */
  readonly interfaces: number;
  /** Spare addresses for live migration. */
  readonly headroom: number;
  /** Interfaces + reserved + headroom. */
  readonly need: bigint;
  /** usable - need (negative when the pool is too small). */
  readonly free: bigint;
  readonly status: PoolStatus;
  /** The first (by name) of the other networks that draw from the same pool, at most SHARED_NAMED. */
  readonly sharedWith: string[];
  /** How many other networks draw from the same pool. */
  readonly sharedCount: number;
}

/** How many of the networks sharing a pool each network's entry names (a storage network may be shared into every namespace). */
const SHARED_NAMED = 4;

export interface NetworkModel {
  /** `namespace/name` of the NetworkAttachmentDefinition. */
  readonly reference: string;
  readonly path: string;
  /** `bridge`, `macvlan` or `shoot network`. */
  readonly kind: string;
  /** The bridge (or macvlan parent). */
  readonly device: string;
  /** Access VLAN (0: untagged); undefined for a trunk port. */
  readonly vlan?: number;
  /** Trunk VLANs, for a trunk port. */
  readonly trunk?: string;
  readonly tenant?: string;
  readonly shoot?: string;
  /** Whether Ceph's pods attach here (the storage network's Ceph side or cluster network), not VMs. */
  readonly ceph: boolean;
  /** How addresses are given: `whereabouts`, `host-local`, `static`, `dhcp` or `none`. */
  readonly ipam: string;
  readonly pools: PoolModel[];
  /** VM interfaces on this network. */
  readonly interfaces: number;
  /** Addresses VMs pin on their interfaces on this network (static addresses), sorted. */
  readonly staticAddresses: string[];
  /** The worst status of its pools. */
  readonly status: PoolStatus;
}

export interface SegmentModel {
  /** `VLAN 100`, `untagged` or `trunk 10–20`. */
  readonly vlanText: string;
  readonly networks: string[];
}

export interface BridgeModel {
  readonly device: string;
  /** The construct that defines the bridge on the nodes, if the app does. */
  readonly nodePolicy?: string;
  /** VLANs the node bridge lets through, when it lists them. */
  readonly allowedVlans?: string;
  readonly segments: SegmentModel[];
}

/** A network VMs attach to that this app does not define. */
export interface ExternalNetworkModel {
  readonly reference: string;
  readonly interfaces: number;
}

export interface CountModel {
  readonly key: string;
  readonly count: number;
}

/** What the VMs of a tenant or namespace request, against its quota. */
export interface UsageModel {
  readonly cpuMillis: number;
  readonly memoryBytes: bigint;
  readonly storageBytes: bigint;
  readonly virtualMachines: number;
  readonly persistentVolumeClaims: number;
  /** VMs whose CPU and memory come from an instancetype (not counted). */
  readonly instancetypeVms: number;
  /** Volumes whose size is left to CDI (not counted). */
  readonly unsizedVolumes: number;
}

export interface QuotaModel {
  readonly cpuMillis?: number;
  readonly memoryBytes?: bigint;
  readonly storageBytes?: bigint;
  readonly virtualMachines?: number;
  readonly persistentVolumeClaims?: number;
}

/** A tenant, or a namespace with VMs that belongs to no tenant. */
export interface WorkloadModel {
  readonly kind: 'tenant' | 'namespace';
  /** The tenant's name, or the namespace. */
  readonly name: string;
  readonly namespace: string;
  /** Networks the tenant owns, default first then sorted. */
  readonly ownNetworks: string[];
  /** Shared networks granted to the tenant. */
  readonly sharedNetworks: string[];
  readonly vmNames: string[];
  /**
   * VMs built as templates of several machines (Cluster API machine templates): `<owner> <template>` and how
   * many machines it makes at most.
   */
  readonly machineTemplates: CountModel[];
  /** Machines made from those templates, at most. */
  readonly machines: number;
  /** VMs by size and disks, most common first (machines counted once each). */
  readonly shapes: CountModel[];
  /** VM interfaces per network reference. */
  readonly attachments: CountModel[];
  /** Volumes cloned per golden image reference (VM disks and standalone clones). */
  readonly clones: CountModel[];
  /** DataVolumes in the namespace (VM disks, standalone clones, golden images). */
  readonly volumes: number;
  readonly quota?: QuotaModel;
  readonly usage: UsageModel;
}

export interface ImageModel {
  /** `namespace/name` of the image's DataVolume. */
  readonly reference: string;
  readonly path: string;
  /** `http`, `registry`, `upload`, ... */
  readonly source: string;
  /** URL or source object, when there is one. */
  readonly location?: string;
  readonly size: string;
  readonly sizeBytes: bigint;
  readonly storageClass?: string;
  readonly dataSource?: string;
  /** The DataImportCron schedule, when the image is refreshed. */
  readonly refresh?: string;
  /** Volumes cloned from the image (VM disks and standalone clones). */
  readonly clones: number;
  /** Clones per namespace. */
  readonly cloneNamespaces: CountModel[];
  /** Per namespace, the VMs and standalone DataVolumes that hold the clones. */
  readonly cloneOwners: Array<{ readonly namespace: string; readonly owners: string[] }>;
}

export interface StorageClassModel {
  readonly name: string;
  readonly profile?: string;
  readonly cloneStrategy?: string;
  /** The VolumeSnapshotClass, `unavailable`, or undefined when unknown. */
  readonly snapshotClass?: string;
  readonly volumeBindingMode?: string;
  readonly images: number;
  readonly clones: number;
  /** Clones whose expected strategy will not happen, by reason. */
  readonly fallbacks: CountModel[];
}

export interface CephModel {
  readonly path: string;
  readonly vmNetwork: string;
  /** The network Ceph's daemons are reached on: Ceph's own NAD, or the VMs' network with host networking. */
  readonly publicNetwork: string;
  /** With host networking (CephNetworkProvider.HOST): the nodes' range Ceph listens on. */
  readonly hostAddresses?: string;
  readonly clusterNetwork?: string;
  /** `namespace/name` of the CephCluster this app writes, if any. */
  readonly cephCluster?: string;
  readonly isolation: string;
}

export interface ShootModel {
  /** `namespace/name` of the Shoot. */
  readonly reference: string;
  /** Its tenant networks. */
  readonly networks: string[];
  /** The shared networks its workers attach to. */
  readonly sharedNetworks: string[];
}

export interface EstateModel {
  readonly bridges: BridgeModel[];
  readonly networks: NetworkModel[];
  readonly externalNetworks: ExternalNetworkModel[];
  /** Tenants by name, then namespaces with VMs outside tenants. */
  readonly workloads: WorkloadModel[];
  readonly images: ImageModel[];
  readonly storageClasses: StorageClassModel[];
  readonly ceph: CephModel[];
  readonly shoots: ShootModel[];
  readonly prerequisites: Prerequisite[];
  /** The "Cluster prerequisites" section, as ClusterPrerequisites renders it (heading included). */
  readonly prerequisitesSection: string;
  readonly headroomText: string;
  readonly warningThreshold: number;
  /** VMs written as VirtualMachines. */
  readonly vms: number;
  /** Machines of machine templates (Cluster API), at most. */
  readonly machines: number;
  readonly interfaces: number;
}

/** A volume the app creates: a VM disk, a standalone clone or a golden image. */
interface Volume {
  readonly namespace: string;
  readonly spec: Record<string, any>;
  readonly annotations?: Record<string, string>;
  readonly image?: GoldenImage;
  /** The golden image's own volume (not a clone of it). */
  readonly isImage: boolean;
  /** The VM (for a VM disk) or the DataVolume (for a standalone clone) the volume belongs to. */
  readonly owner?: string;
  /** How many volumes this stands for (a machine template's disk: one per machine). */
  readonly copies: number;
}

/** KubeVirt's default cpuAllocationRatio: a VM's pod requests 1/10 CPU per vCPU (pkg/virt-config/virt-config.go). */
const CPU_ALLOCATION_RATIO = 10;

/** A VM as the plan counts it: itself, or a template standing for several machines. */
interface VmEntry {
  readonly vm: KubeVirtVm;
  readonly facts: VmPlanFacts;
  /** For a machine template (its VirtualMachine is not written): `<owner> <template>`. */
  readonly template?: string;
  /** How many VMs it stands for. */
  readonly copies: number;
}

function vmEntry(vm: KubeVirtVm, copiesOf: (owner: IConstruct) => number): VmEntry {
  // A VM built only as a template (Cluster API machines) has no VirtualMachine of its own in the tree.
  const written = vm.node.tryFindChild(vm.apiObject.node.id) === vm.apiObject;
  const owner = vm.node.scope as (IConstruct & { name?: unknown }) | undefined;
  const ownerName = typeof owner?.name === 'string' ? owner.name : owner?.node.path ?? '';
  return {
    vm,
    facts: vm._planFacts(),
    template: written ? undefined : `${ownerName} ${vm.node.id}`,
    copies: written ? 1 : copiesOf(vm),
  };
}

/** Collects the estate of the app that `scope` belongs to. */
export function collectEstate(scope: IConstruct): EstateModel {
  const root = scope.node.root;
  const found = walk(root);
  const plan = root.node.children.find((c): c is NetworkPlan => c instanceof NetworkPlan);
  const registrations = plan?.registrations ?? [];
  const settings: CapacitySettings = plan?.capacitySettings ?? DEFAULT_CAPACITY;
  const copiesOf = (owner: IConstruct) => plan?.copiesOf(owner) ?? 1;
  const count = countPools(registrations, plan?.nicRegistrations ?? [], settings, copiesOf);
  const vms = found.vms.map((vm) => vmEntry(vm, copiesOf));

  const images = collectImages(found);
  const volumes = collectVolumes(found, vms, images.lookup);
  const networks = collectNetworks(registrations, count.pools, count.interfacesByReference, count.staticByReference, settings, found);
  const shoots = collectShoots(found.shoots, registrations);
  const defined = new Set(networks.map((n) => n.reference));
  const external = new Map<string, number>();
  for (const [ref, n] of count.interfacesByReference) if (!defined.has(ref)) external.set(ref, n);
  for (const ref of shoots.flatMap((sh) => sh.sharedNetworks)) if (!defined.has(ref) && !external.has(ref)) external.set(ref, 0);
  const externalNetworks = [...external.entries()]
    .map(([reference, interfaces]) => ({ reference, interfaces }))
    .sort((a, b) => cmp(a.reference, b.reference));
  const registry = root.node.children.find((c): c is ClusterPrerequisites => c instanceof ClusterPrerequisites);

  return {
    bridges: collectBridges(networks, plan),
    networks,
    externalNetworks,
    workloads: collectWorkloads(found, vms, volumes, images.lookup),
    images: finishImages(images.list, volumes),
    storageClasses: collectStorageClasses(found.profiles, volumes),
    ceph: found.ceph.map(cephModel).sort((a, b) => cmp(a.vmNetwork, b.vmNetwork)),
    shoots,
    prerequisites: registry?.all ?? [],
    prerequisitesSection: renderPrerequisites(registry),
    headroomText: settings.headroomText,
    warningThreshold: settings.warningThreshold,
    vms: vms.filter((v) => v.template === undefined).length,
    machines: vms.reduce((n, v) => n + (v.template !== undefined ? v.copies : 0), 0),
    interfaces: [...count.interfacesByReference.values()].reduce((a, b) => a + b, 0),
  };
}

interface Found {
  readonly vms: KubeVirtVm[];
  readonly tenants: IsolatedTenant[];
  readonly images: GoldenImage[];
  readonly clones: ClonedDisk[];
  readonly profiles: StorageClassProfile[];
  readonly ceph: SharedCephNetwork[];
  readonly shoots: KubeVirtShoot[];
}

/** One walk over the tree (iterative: estates are deep and wide). */
function walk(root: IConstruct): Found {
  const f: Found = { vms: [], tenants: [], images: [], clones: [], profiles: [], ceph: [], shoots: [] };
  const stack: IConstruct[] = [root];
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (c instanceof KubeVirtVm) f.vms.push(c);
    else if (c instanceof IsolatedTenant) f.tenants.push(c);
    else if (c instanceof GoldenImage) f.images.push(c);
    else if (c instanceof ClonedDisk) f.clones.push(c);
    else if (c instanceof StorageClassProfile) f.profiles.push(c);
    else if (c instanceof SharedCephNetwork) f.ceph.push(c);
    else if (c instanceof KubeVirtShoot) f.shoots.push(c);
    for (const child of c.node.children) stack.push(child);
  }
  return f;
}

// ---------------------------------------------------------------------------------------------------------
// Networks and bridges
// ---------------------------------------------------------------------------------------------------------

function statusOf(pool: PoolUsage, threshold: number): PoolStatus {
  if (!pool.checked) return 'per-node';
  if (pool.need > pool.usable) return 'full';
  // need / usable >= threshold, in integers (basis points).
  if (pool.need * 10_000n >= BigInt(Math.round(threshold * 10_000)) * pool.usable) return 'warning';
  return 'ok';
}

const STATUS_RANK: Record<PoolStatus, number> = { 'per-node': 0, 'ok': 1, 'warning': 2, 'full': 3 };

function collectNetworks(
  registrations: readonly NetworkRegistration[], pools: PoolUsage[], interfacesByReference: Map<string, number>,
  staticByReference: Map<string, string[]>, settings: CapacitySettings, found: Found,
): NetworkModel[] {
  const poolsOf = new Map<NetworkRegistration, PoolUsage[]>();
  const sortedMembers = new Map<PoolUsage, Array<{ r: NetworkRegistration; ref: string }>>();
  for (const pool of pools) {
    for (const n of pool.networks) pushTo(poolsOf, n, pool);
    if (pool.networks.length > 1) {
      sortedMembers.set(pool, pool.networks.map((n) => ({ r: n, ref: referenceOf(n) ?? n.network.node.path })).sort((a, b) => cmp(a.ref, b.ref)));
    }
  }
  const othersIn = (pool: PoolUsage, self: NetworkRegistration): string[] => {
    const out: string[] = [];
    for (const m of sortedMembers.get(pool) ?? []) {
      if (out.length === SHARED_NAMED) break;
      if (m.r !== self) out.push(m.ref);
    }
    return out;
  };
  // The Ceph side of a storage network (when it is not the VMs' network itself) and Ceph's cluster network.
  const cephSides = new Set<unknown>();
  for (const c of found.ceph) {
    if (c.cephPublicNetwork && c.cephPublicNetwork !== c.vmNetwork) cephSides.add(c.cephPublicNetwork);
    if (c.cephClusterNetwork) cephSides.add(c.cephClusterNetwork);
  }
  const shootOf = new Map<IConstruct, string>();
  for (const s of found.shoots) shootOf.set(s, `${s.apiObject.metadata.namespace}/${s.apiObject.name}`);
  const out: NetworkModel[] = [];
  const seen = new Set<string>();
  for (const r of registrations) {
    const reference = referenceOf(r) ?? r.network.node.path;
    if (seen.has(reference)) continue;
    seen.add(reference);
    const shoot = r.network.node.scope ? shootOf.get(r.network.node.scope) : undefined;
    const ceph = cephSides.has(r.network);
    const own = poolsOf.get(r) ?? [];
    const poolModels = r.ranges.map((planned) => {
      const pool = own.find((p) => p.range.block.cidr === planned.block.cidr && p.range.poolName === planned.poolName) ?? own[0];
      const family = planned.block.family;
      return {
        cidr: planned.block.cidr,
        allocator: pool.allocator,
        first: formatAddress(family, planned.first),
        last: formatAddress(family, planned.last),
        exclude: [...(planned.exclude ?? [])],
        usable: pool.usable,
        reserved: [...pool.reserved].sort(cmp),
        interfaces: pool.interfaces,
        headroom: pool.headroom,
        need: pool.need,
        free: pool.usable - pool.need,
        status: statusOf(pool, settings.warningThreshold),
        sharedWith: othersIn(pool, r),
        sharedCount: pool.networks.length - 1,
      };
    });
    const net = r.network as any;
    const ipam = poolModels.length > 0
      ? sortedUnique(poolModels.map((p) => p.allocator)).join(', ')
      : (net.assignsAddresses === true ? 'dhcp' : 'none');
    const segment = r.segment;
    out.push({
      reference,
      path: r.network.node.path,
      kind: r.network instanceof BridgeNetwork ? 'bridge' : r.network instanceof MacvlanNetwork ? 'macvlan' : shoot ? 'shoot network' : 'network',
      device: segment.device,
      vlan: r.checksVlan ? segment.vlan ?? 0 : undefined,
      trunk: r.trunkVlans ? compressNumbers(r.trunkVlans.flatMap(([lo, hi]) => range(lo, hi))) : undefined,
      tenant: r.tenant,
      shoot,
      ceph,
      ipam,
      pools: poolModels,
      interfaces: interfacesByReference.get(reference) ?? 0,
      staticAddresses: sortedUnique(staticByReference.get(reference) ?? []),
      status: poolModels.reduce<PoolStatus>((worst, p) => (STATUS_RANK[p.status] > STATUS_RANK[worst] ? p.status : worst), 'ok'),
    });
  }
  return out.sort((a, b) => cmp(a.reference, b.reference));
}

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi && out.length < 4096; i++) out.push(i);
  return out;
}

export function vlanText(n: Pick<NetworkModel, 'vlan' | 'trunk'>): string {
  if (n.trunk !== undefined) return `trunk ${n.trunk}`;
  return n.vlan === undefined || n.vlan === 0 ? 'untagged' : `VLAN ${n.vlan}`;
}

function collectBridges(networks: NetworkModel[], plan: NetworkPlan | undefined): BridgeModel[] {
  const byDevice = new Map<string, Map<string, { sort: number; networks: string[] }>>();
  for (const n of networks) {
    const segments = byDevice.get(n.device) ?? new Map();
    byDevice.set(n.device, segments);
    const key = vlanText(n);
    const seg = segments.get(key) ?? { sort: n.trunk !== undefined ? 5000 : n.vlan ?? 0, networks: [] };
    seg.networks.push(n.reference);
    segments.set(key, seg);
  }
  const policies = new Map<string, { path: string; allowed?: string }>();
  for (const b of plan?.nodeBridges ?? []) {
    if (policies.has(b.bridge)) continue;
    byDevice.set(b.bridge, byDevice.get(b.bridge) ?? new Map());
    policies.set(b.bridge, {
      path: b.policy.node.path,
      allowed: b.allowedVlans ? compressNumbers(b.allowedVlans.flatMap(([lo, hi]) => range(lo, hi))) : undefined,
    });
  }
  return [...byDevice.entries()].sort(([a], [b]) => cmp(a, b)).map(([device, segments]) => ({
    device,
    nodePolicy: policies.get(device)?.path,
    allowedVlans: policies.get(device)?.allowed,
    segments: [...segments.entries()]
      .sort(([ka, a], [kb, b]) => a.sort - b.sort || cmp(ka, kb))
      .map(([vlan, s]) => ({ vlanText: vlan, networks: s.networks.sort(cmp) })),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Images and volumes
// ---------------------------------------------------------------------------------------------------------

interface ImageDraft {
  readonly image: GoldenImage;
  readonly reference: string;
}

function collectImages(found: Found): { list: ImageDraft[]; lookup: (spec: Record<string, any>) => GoldenImage | undefined } {
  const byDataSource = new Map<string, GoldenImage>();
  const byPvc = new Map<string, GoldenImage>();
  const list: ImageDraft[] = [];
  for (const image of found.images) {
    list.push({ image, reference: `${image.namespace}/${image.name}` });
    if (image.dataSourceName !== undefined) byDataSource.set(`${image.namespace}/${image.dataSourceName}`, image);
    byPvc.set(`${image.namespace}/${image.name}`, image);
  }
  const lookup = (spec: Record<string, any>): GoldenImage | undefined => {
    const ref = spec?.sourceRef;
    if (ref?.kind === 'DataSource') return byDataSource.get(`${ref.namespace}/${ref.name}`);
    const pvc = spec?.source?.pvc;
    if (pvc) return byPvc.get(`${pvc.namespace}/${pvc.name}`);
    return undefined;
  };
  return { list, lookup };
}

function collectVolumes(found: Found, vms: VmEntry[], lookup: (spec: Record<string, any>) => GoldenImage | undefined): Volume[] {
  const out: Volume[] = [];
  for (const { vm, facts, template, copies } of vms) {
    for (const dv of facts.dataVolumes) {
      const annotations = dv.metadata.annotations;
      out.push({ namespace: vm.namespace, spec: dv.spec, annotations, image: lookup(dv.spec), isImage: false, owner: template ?? vm.name, copies });
    }
  }
  for (const clone of found.clones) {
    const json = clone.apiObject.toJson();
    out.push({
      namespace: clone.namespace,
      spec: json.spec,
      annotations: json.metadata?.annotations,
      image: clone.source._image ?? lookup(json.spec),
      isImage: false,
      owner: clone.name,
      copies: 1,
    });
  }
  for (const image of found.images) {
    const spec = { storage: { storageClassName: image.storageClass, resources: { requests: { storage: image.size } } } };
    out.push({ namespace: image.namespace, spec, image, isImage: true, copies: 1 });
  }
  return out;
}

/** Size of a volume in bytes: as written, else (storage API, left to CDI) the golden image's. */
function volumeBytes(v: Volume): bigint | undefined {
  const written = v.spec?.storage?.resources?.requests?.storage ?? v.spec?.pvc?.resources?.requests?.storage;
  const text = typeof written === 'string' ? written : v.image?.size;
  return text === undefined ? undefined : quantityBytes(text);
}

function storageClassOf(v: Volume): string | undefined {
  return v.spec?.storage?.storageClassName ?? v.spec?.pvc?.storageClassName;
}

const BINARY: Record<string, bigint> = { Ki: 2n ** 10n, Mi: 2n ** 20n, Gi: 2n ** 30n, Ti: 2n ** 40n, Pi: 2n ** 50n, Ei: 2n ** 60n };
const DECIMAL: Record<string, bigint> = { k: 10n ** 3n, M: 10n ** 6n, G: 10n ** 9n, T: 10n ** 12n, P: 10n ** 15n, E: 10n ** 18n };

/** Whole-number quantities with binary or decimal suffixes (what golden images and disks use); else undefined. */
function quantityBytes(text: string): bigint | undefined {
  const m = /^([0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(text);
  if (!m) return undefined;
  const unit = m[2] === undefined ? 1n : BINARY[m[2]] ?? DECIMAL[m[2]];
  return BigInt(m[1]) * unit;
}

function finishImages(drafts: ImageDraft[], volumes: Volume[]): ImageModel[] {
  const clones = new Map<GoldenImage, Map<string, number>>();
  const owners = new Map<GoldenImage, Map<string, Set<string>>>();
  for (const v of volumes) {
    if (v.isImage || !v.image) continue;
    const byNs = clones.get(v.image) ?? new Map<string, number>();
    byNs.set(v.namespace, (byNs.get(v.namespace) ?? 0) + v.copies);
    clones.set(v.image, byNs);
    const ownersByNs = owners.get(v.image) ?? new Map<string, Set<string>>();
    if (v.owner !== undefined) ownersByNs.set(v.namespace, (ownersByNs.get(v.namespace) ?? new Set()).add(v.owner));
    owners.set(v.image, ownersByNs);
  }
  return drafts.map(({ image, reference }) => {
    const byNs = clones.get(image) ?? new Map<string, number>();
    const source = image.dataImportCron
      ? image.dataImportCron.toJson().spec?.template?.spec?.source
      : image.dataVolume?.toJson().spec?.source;
    return {
      reference,
      path: image.node.path,
      source: image.sourceKind,
      location: locationOf(source),
      size: image.size,
      sizeBytes: quantityBytes(image.size) ?? 0n,
      storageClass: image.storageClass,
      dataSource: image.dataSourceName,
      refresh: image.dataImportCron?.toJson().spec?.schedule,
      clones: [...byNs.values()].reduce((a, b) => a + b, 0),
      cloneNamespaces: [...byNs.entries()].map(([key, count]) => ({ key, count })).sort((a, b) => cmp(a.key, b.key)),
      cloneOwners: [...(owners.get(image) ?? new Map<string, Set<string>>()).entries()]
        .map(([namespace, set]) => ({ namespace, owners: sortedUnique(set) }))
        .sort((a, b) => cmp(a.namespace, b.namespace)),
    };
  }).sort((a, b) => cmp(a.reference, b.reference));
}

function locationOf(source: any): string | undefined {
  if (!source || typeof source !== 'object') return undefined;
  for (const kind of ['http', 'registry', 's3', 'gcs']) {
    if (typeof source[kind]?.url === 'string') return source[kind].url;
  }
  if (source.pvc) return `pvc ${source.pvc.namespace}/${source.pvc.name}`;
  return undefined;
}

function collectStorageClasses(profiles: StorageClassProfile[], volumes: Volume[]): StorageClassModel[] {
  interface Draft { images: number; clones: number; fallbacks: Map<string, number> }
  const byClass = new Map<string, Draft>();
  const draft = (name: string) => {
    let d = byClass.get(name);
    if (!d) byClass.set(name, d = { images: 0, clones: 0, fallbacks: new Map() });
    return d;
  };
  const profileOf = new Map<string, StorageClassProfile>();
  for (const p of profiles) {
    if (!profileOf.has(p.storageClass)) profileOf.set(p.storageClass, p);
    draft(p.storageClass);
  }
  for (const v of volumes) {
    const name = storageClassOf(v);
    if (name === undefined) continue;
    const d = draft(name);
    if (v.isImage) {
      d.images++;
      continue;
    }
    if (!v.spec?.sourceRef && !v.spec?.source?.pvc && !v.spec?.source?.snapshot) continue;
    d.clones += v.copies;
    const reason = v.annotations?.[CLONE_STRATEGY_FALLBACK_ANNOTATION];
    if (reason !== undefined) d.fallbacks.set(reason, (d.fallbacks.get(reason) ?? 0) + v.copies);
  }
  return [...byClass.entries()].sort(([a], [b]) => cmp(a, b)).map(([name, d]) => {
    const p = profileOf.get(name);
    return {
      name,
      profile: p?.node.path,
      cloneStrategy: p?.cloneStrategy,
      snapshotClass: p?.snapshotClass ? (p.snapshotClass.available ? p.snapshotClass.name : 'unavailable') : undefined,
      volumeBindingMode: p?.volumeBindingMode,
      images: d.images,
      clones: d.clones,
      fallbacks: [...d.fallbacks.entries()].map(([key, count]) => ({ key, count })).sort((a, b) => cmp(a.key, b.key)),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Tenants, namespaces and VMs
// ---------------------------------------------------------------------------------------------------------

interface WorkloadDraft {
  readonly kind: 'tenant' | 'namespace';
  readonly name: string;
  readonly namespace: string;
  readonly tenant?: IsolatedTenant;
  readonly vmNames: string[];
  readonly templates: Map<string, number>;
  readonly shapes: Map<string, number>;
  readonly attachments: Map<string, number>;
  readonly clones: Map<string, number>;
  cpuMillis: number;
  memoryBytes: bigint;
  storageBytes: bigint;
  pvcs: number;
  instancetypeVms: number;
  unsizedVolumes: number;
}

function collectWorkloads(
  found: Found, vms: VmEntry[], volumes: Volume[], lookup: (spec: Record<string, any>) => GoldenImage | undefined,
): WorkloadModel[] {
  const byNamespace = new Map<string, WorkloadDraft>();
  const draft = (namespace: string, kind: 'tenant' | 'namespace', name: string, tenant?: IsolatedTenant): WorkloadDraft => {
    let d = byNamespace.get(namespace);
    if (!d) {
      d = {
        kind,
        name,
        namespace,
        tenant,
        vmNames: [],
        templates: new Map(),
        shapes: new Map(),
        attachments: new Map(),
        clones: new Map(),
        cpuMillis: 0,
        memoryBytes: 0n,
        storageBytes: 0n,
        pvcs: 0,
        instancetypeVms: 0,
        unsizedVolumes: 0,
      };
      byNamespace.set(namespace, d);
    }
    return d;
  };
  for (const t of found.tenants) {
    if (!byNamespace.has(t.namespace)) draft(t.namespace, 'tenant', t.tenantName, t);
  }
  const bump = (m: Map<string, number>, key: string, by = 1) => m.set(key, (m.get(key) ?? 0) + by);

  for (const { vm, facts, template, copies } of vms) {
    const d = byNamespace.get(vm.namespace) ?? draft(vm.namespace, 'namespace', vm.namespace);
    if (template !== undefined) bump(d.templates, template, copies);
    else d.vmNames.push(vm.name);
    for (const n of vm.attachedNetworks) bump(d.attachments, n.reference, copies);
    let size: string;
    if (facts.vcpus === undefined || facts.memoryBytes === undefined) {
      d.instancetypeVms += copies;
      size = facts.instancetype ?? 'instancetype';
    } else {
      const cpu = facts.cpuRequestMillis ?? (facts.dedicatedCpu ? facts.vcpus * 1000 : Math.floor((facts.vcpus * 1000) / CPU_ALLOCATION_RATIO));
      d.cpuMillis += cpu * copies;
      d.memoryBytes += facts.memoryBytes * BigInt(copies);
      size = `${facts.vcpus} vCPU${facts.dedicatedCpu ? ' (dedicated)' : ''}, ${formatBytes(facts.memoryBytes)}`;
    }
    const disks = facts.dataVolumes.map((dv) => {
      const image = lookup(dv.spec);
      const bytes = volumeBytes({ namespace: vm.namespace, spec: dv.spec, image, isImage: false, copies: 1 });
      const disk = bytes === undefined ? 'disk' : `${formatBytes(bytes)} disk`;
      return image ? `${disk} from ${image.namespace}/${image.name}` : disk;
    });
    bump(d.shapes, disks.length > 0 ? `${size}, ${disks.join(' + ')}` : size, copies);
  }
  for (const v of volumes) {
    // A namespace outside tenants shows when it holds VMs or clones of golden images.
    const d = byNamespace.get(v.namespace) ?? (!v.isImage && v.image ? draft(v.namespace, 'namespace', v.namespace) : undefined);
    if (!d) continue;
    d.pvcs += v.copies;
    const bytes = volumeBytes(v);
    if (bytes === undefined) d.unsizedVolumes += v.copies;
    else d.storageBytes += bytes * BigInt(v.copies);
    if (!v.isImage && v.image) bump(d.clones, `${v.image.namespace}/${v.image.name}`, v.copies);
  }

  const counts = (m: Map<string, number>) => [...m.entries()].map(([key, count]) => ({ key, count })).sort((a, b) => cmp(a.key, b.key));
  return [...byNamespace.values()]
    .filter((d) => d.kind === 'tenant' || d.vmNames.length > 0 || d.templates.size > 0 || d.clones.size > 0)
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'tenant' ? -1 : 1) || cmp(a.name, b.name))
    .map((d) => {
      const t = d.tenant;
      const own = t ? t.networks.map((n) => n.reference) : [];
      return {
        kind: d.kind,
        name: d.name,
        namespace: d.namespace,
        ownNetworks: own.length > 0 ? [own[0], ...own.slice(1).sort(cmp)] : [],
        sharedNetworks: t ? sortedUnique(t.sharedNetworks.map((n) => n.reference)) : [],
        vmNames: d.vmNames.sort(cmp),
        machineTemplates: counts(d.templates),
        machines: [...d.templates.values()].reduce((a, b) => a + b, 0),
        shapes: [...d.shapes.entries()].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || cmp(a.key, b.key)),
        attachments: counts(d.attachments),
        clones: counts(d.clones),
        volumes: d.pvcs,
        quota: t?.quota ? quotaModel(t) : undefined,
        usage: {
          cpuMillis: d.cpuMillis,
          memoryBytes: d.memoryBytes,
          storageBytes: d.storageBytes,
          virtualMachines: d.vmNames.length + [...d.templates.values()].reduce((a, b) => a + b, 0),
          persistentVolumeClaims: d.pvcs,
          instancetypeVms: d.instancetypeVms,
          unsizedVolumes: d.unsizedVolumes,
        },
      };
    });
}

function quotaModel(t: IsolatedTenant): QuotaModel {
  const q = t.quota!;
  return {
    cpuMillis: q.cpu === undefined ? undefined : cpuMillis(q.cpu),
    memoryBytes: q.memory === undefined ? undefined : quantityBytes(q.memory),
    storageBytes: q.storage === undefined ? undefined : quantityBytes(q.storage),
    virtualMachines: q.virtualMachines,
    persistentVolumeClaims: q.persistentVolumeClaims,
  };
}

function cpuMillis(text: string): number | undefined {
  const m = /^([0-9]+)(?:\.([0-9]{1,3}))?(m)?$/.exec(text);
  if (!m) return undefined;
  if (m[3]) return m[2] === undefined ? Number(m[1]) : undefined;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

// ---------------------------------------------------------------------------------------------------------
// Ceph and shoots
// ---------------------------------------------------------------------------------------------------------

function cephModel(c: SharedCephNetwork): CephModel {
  const cluster = c.cephCluster;
  return {
    path: c.node.path,
    vmNetwork: c.vmNetwork.reference,
    publicNetwork: (c.cephPublicNetwork ?? c.vmNetwork).reference,
    hostAddresses: c.provider === CephNetworkProvider.HOST ? c.nodeRange : undefined,
    clusterNetwork: c.cephClusterNetwork?.reference,
    cephCluster: cluster ? `${cluster.metadata.namespace}/${cluster.name}` : undefined,
    isolation: c.vmNetwork._props.portIsolation ? TenantIsolation.PORT_ISOLATION : TenantIsolation.NONE,
  };
}

function collectShoots(shoots: KubeVirtShoot[], registrations: readonly NetworkRegistration[]): ShootModel[] {
  const byShoot = new Map<IConstruct, string[]>();
  for (const r of registrations) {
    const parent = r.network.node.scope;
    if (parent && parent instanceof KubeVirtShoot) pushTo(byShoot, parent, referenceOf(r) ?? r.network.node.path);
  }
  return shoots.map((s) => ({
    reference: `${s.apiObject.metadata.namespace}/${s.apiObject.name}`,
    networks: (byShoot.get(s) ?? []).sort(cmp),
    sharedNetworks: sortedUnique(((s.infrastructureConfig.networks?.sharedNetworks ?? []) as Array<{ name: string; namespace: string }>)
      .map((n) => `${n.namespace}/${n.name}`)),
  })).sort((a, b) => cmp(a.reference, b.reference));
}
