import { Construct, IConstruct } from 'constructs';
import { PlannedRange } from './internal';
import { CapacitySettings, capacityProblems, DEFAULT_CAPACITY } from './pools';
import { problem } from '../core/errors';
import { formatAddress } from '../core/ip';
import { NETWORK_PLAN_ID, RequiredNodeLabel, VmFacts, VmRules } from '../core/vm-rules';

/**
 * One layer-2 segment: a bridge and access VLAN (or a macvlan parent), shared by the networks that
 * explicitly join it (see `BridgeNetwork.shareInto`).
 */
export class Segment {
  constructor(
    public readonly device: string,
    /** Access VLAN, or undefined for untagged / trunk-only. */
    public readonly vlan: number | undefined,
    public readonly owner: IConstruct) {}
}

/** What a network registers with the plan. */
export interface NetworkRegistration {
  readonly network: IConstruct;
  /** `namespace/name` of the network's NetworkAttachmentDefinition (written by this app or not). */
  readonly reference: string;
  /** The MTU the network asks for, if it sets one. */
  readonly mtu?: number;
  /** Name of the NetworkAttachmentDefinition (written by this app or, for shoots, by Gardener). */
  readonly name?: string;
  /** Namespace of the NetworkAttachmentDefinition. */
  readonly namespace?: string;
  readonly segment: Segment;
  /** Whether the segment is keyed by (device, vlan) for VLAN conflicts (false for trunk-only ports). */
  readonly checksVlan: boolean;
  readonly ranges: PlannedRange[];
  /** VLAN intervals carried tagged (trunk ports). */
  readonly trunkVlans?: ReadonlyArray<readonly [number, number]>;
  /** The tenant (namespace owner) the network belongs to, when it belongs to one. */
  tenant?: string;
}

/** A node-side bridge definition (nmstate) and the VLANs it lets through. */
export interface NodeBridgeRegistration {
  readonly policy: IConstruct;
  readonly bridge: string;
  /** Allowed VLAN intervals; undefined when the bridge does not filter VLANs. */
  readonly allowedVlans?: Array<readonly [number, number]>;
  /** The nodes that get the bridge; undefined for every node. */
  readonly nodeSelector?: { readonly [key: string]: string };
  /** MTU of the bridge and its uplink; undefined when the policy leaves it unchanged. */
  readonly mtu?: number;
}

/**
 * One VM interface on a network, counted against the network's address pool (see pools.ts). A VM registers
 * each Multus interface when it attaches it.
 */
export interface NicRegistration {
  /** The VM. */
  readonly owner: IConstruct;
  /** `namespace/name` of the NetworkAttachmentDefinition. */
  readonly reference: string;
  /**
   * Addresses the interface holds instead of one from the pool (static addresses of a VM). Each one inside a
   * pool's range counts against that pool, and the interface takes no address from the pool of its family.
   */
  readonly staticAddresses?: readonly string[];
}

/**
 * A port of the node itself on a node bridge: a veth pair whose bridge end is an access port of `vlan` and
 * whose host end carries the node's address on that VLAN. nmstate cannot give a VLAN-filtering bridge's own
 * port a VLAN (nmstate/nmstate#2769, open), so a VLAN interface on top of the bridge would never see the
 * VLAN's frames; a veth pair can be written with what nmstate expresses today (nmstate.io/features/veth.html).
 */
export interface HostPortRegistration {
  /** The construct that needs the port (reported on when the app has no node bridge for it). */
  readonly owner: IConstruct;
  /** The field of `owner` that asked for it, for messages. */
  readonly field: string;
  readonly bridge: string;
  /** Access VLAN of the port; 0 or undefined for untagged. */
  readonly vlan?: number;
  readonly mtu?: number;
  /** The host end, which holds the address. */
  readonly hostInterface: string;
  /** The bridge end. */
  readonly bridgeInterface: string;
  /** nmstate settings of the host end beyond its name, type and peer (e.g. `ipv4` with DHCP); none when per-node policies set them. */
  readonly hostSettings?: Record<string, any>;
  /** nmstate routes (`routes.config` entries) every node of the bridge gets. */
  readonly routes?: ReadonlyArray<Record<string, any>>;
}

/** The MTU of a bridge whose node policy leaves it unchanged: Linux's Ethernet default. */
const DEFAULT_LINK_MTU = 1500;

/**
 * The app-wide network plan: every network of the app registers here, and cross-construct rules
 * (one VLAN per segment, no overlapping ranges, bridges that exist on nodes) are checked once per
 * validation pass, in O(n log n), and reported on the construct at fault.
 */
export class NetworkPlan extends Construct implements VmRules {
  /** The plan of the app that `scope` belongs to. */
  public static of(scope: IConstruct): NetworkPlan {
    const root = scope.node.root as Construct;
    return (root.node.tryFindChild(NETWORK_PLAN_ID) as NetworkPlan | undefined) ?? new NetworkPlan(root, NETWORK_PLAN_ID);
  }

  private readonly networks: NetworkRegistration[] = [];
  private readonly byNetwork = new Map<IConstruct, NetworkRegistration>();
  private readonly byReference = new Map<string, NetworkRegistration>();
  private readonly bridges: NodeBridgeRegistration[] = [];
  private readonly hostPorts: HostPortRegistration[] = [];
  /** Networks whose clients need the pod network too, and why. */
  private readonly needsPodNetwork = new Map<string, string>();
  private readonly nics: NicRegistration[] = [];
  private readonly copies = new Map<IConstruct, number>();
  private capacity?: { readonly settings: CapacitySettings; readonly owner: IConstruct };
  private problems?: Map<IConstruct, string[]>;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  public register(registration: NetworkRegistration): void {
    this.networks.push(registration);
    this.byNetwork.set(registration.network, registration);
    if (!this.byReference.has(registration.reference)) this.byReference.set(registration.reference, registration);
    this.problems = undefined;
    registration.network.node.addValidation({ validate: () => this.problemsOf(registration.network) });
  }

  public registerNodeBridge(registration: NodeBridgeRegistration): void {
    this.bridges.push(registration);
    this.problems = undefined;
    registration.policy.node.addValidation({ validate: () => this.problemsOf(registration.policy) });
  }

  /** Records one VM interface on a network, for the capacity rule (pools.ts). */
  public registerNic(nic: NicRegistration): void {
    this.nics.push(nic);
    this.problems = undefined;
  }

  /**
   * Records that `owner`, a VM used as the template of several machines (a Cluster API machine template),
   * stands for `copies` VMs at most: each of its interfaces counts that many times.
   */
  public setCopies(owner: IConstruct, copies: number): void {
    this.copies.set(owner, copies);
    this.problems = undefined;
  }

  /** How many VMs `owner` stands for (1 unless `setCopies` said otherwise). */
  public copiesOf(owner: IConstruct): number {
    return this.copies.get(owner) ?? 1;
  }

  /** Every registered VM interface, in registration order. */
  public get nicRegistrations(): readonly NicRegistration[] {
    return this.nics;
  }

  /** Every node bridge definition, in registration order. */
  public get nodeBridges(): readonly NodeBridgeRegistration[] {
    return this.bridges;
  }

  /** How addresses are counted: the app's settings (AddressCapacity.configure), else the defaults. */
  public get capacitySettings(): CapacitySettings {
    return this.capacity?.settings ?? DEFAULT_CAPACITY;
  }

  /** Sets how addresses are counted, once per app; returns the construct that set them before, if any. */
  public configureCapacity(owner: IConstruct, settings: CapacitySettings): IConstruct | undefined {
    if (this.capacity) return this.capacity.owner;
    this.capacity = { settings, owner };
    this.problems = undefined;
    return undefined;
  }

  /** Adds a port of the nodes themselves to a node bridge (see HostPortRegistration). */
  public registerHostPort(port: HostPortRegistration): void {
    this.hostPorts.push(port);
    this.problems = undefined;
    port.owner.node.addValidation({ validate: () => this.problemsOf(port.owner) });
  }

  /** The host ports on `bridge`, in registration order. */
  public hostPortsOf(bridge: string): HostPortRegistration[] {
    return this.hostPorts.filter((p) => p.bridge === bridge);
  }

  /**
   * Records that a VM attached to the network `reference` must also have the pod network, because some of
   * what it must reach answers only there (`why` completes the sentence "... cannot work: <why>").
   */
  public requirePodNetwork(reference: string, why: string): void {
    this.needsPodNetwork.set(reference, why);
  }

  /** The node bridge definition of `bridge`, if the app has one (the first, when defined twice). */
  public nodeBridge(bridge: string): NodeBridgeRegistration | undefined {
    return this.bridges.find((b) => b.bridge === bridge);
  }

  /** The registration of a network by its `namespace/name`, if a network of this app has it. */
  public registrationByReference(reference: string): NetworkRegistration | undefined {
    return this.byReference.get(reference);
  }

  /** VMs on a network whose clients need the pod network must have it. */
  public vmProblems(vm: VmFacts): string[] {
    if (vm.hasPodNetwork) return [];
    const problems: string[] = [];
    vm.attachedNetworks.forEach((n, i) => {
      const why = this.needsPodNetwork.get(n.reference);
      if (why !== undefined) problems.push(problem(`networks[${i}]`, n.reference, `cannot work for a VM without the pod network: ${why}`));
    });
    return problems;
  }

  /**
   * A VM on a bridge network runs only on nodes that have the bridge: the node selector of the app's
   * NodeBridgePolicy for it. The bridge plugin would otherwise create a missing bridge itself, unconnected,
   * and the VM would get an address on a segment that leads nowhere.
   */
  public vmNodeLabels(vm: VmFacts): RequiredNodeLabel[] {
    const labels: RequiredNodeLabel[] = [];
    const seen = new Set<string>();
    for (const n of vm.attachedNetworks) {
      const device = this.byReference.get(n.reference)?.segment.device;
      if (device === undefined || seen.has(device)) continue;
      seen.add(device);
      const bridge = this.nodeBridge(device);
      for (const [key, value] of Object.entries(bridge?.nodeSelector ?? {})) {
        labels.push({ key, value, reason: `the node bridge ${JSON.stringify(device)} of ${bridge!.policy.node.path} (network ${n.reference})` });
      }
    }
    return labels;
  }

  /** The registration of `network`, if it registered. */
  public registrationOf(network: IConstruct): NetworkRegistration | undefined {
    return this.byNetwork.get(network);
  }

  /** Every registered network, in registration order. */
  public get registrations(): readonly NetworkRegistration[] {
    return this.networks;
  }

  /** Problems of one construct; the whole plan is checked at most once between registrations. */
  public problemsOf(construct: IConstruct): string[] {
    if (!this.problems) this.problems = this.check();
    return this.problems.get(construct) ?? [];
  }

  private check(): Map<IConstruct, string[]> {
    const found = new Map<IConstruct, string[]>();
    const report = (c: IConstruct, message: string) => {
      const list = found.get(c) ?? [];
      list.push(message);
      found.set(c, list);
    };
    this.checkVlans(report);
    this.checkRanges(report);
    this.checkNodeBridges(report);
    this.checkHostPorts(report);
    // Address capacity: counted per pool, linear in networks and interfaces (pools.ts).
    const copies = (owner: IConstruct) => this.copiesOf(owner);
    for (const [network, message] of capacityProblems(this.networks, this.nics, this.capacitySettings, copies)) report(network, message);
    return found;
  }

  /** One access VLAN on one bridge is one layer-2 segment; two networks on it must share it explicitly. */
  private checkVlans(report: (c: IConstruct, m: string) => void) {
    const owners = new Map<string, NetworkRegistration>();
    for (const r of this.networks) {
      if (!r.checksVlan) continue;
      const key = `${r.segment.device}\u0000${r.segment.vlan ?? 'untagged'}`;
      const first = owners.get(key);
      if (!first) {
        owners.set(key, r);
      } else if (first.segment !== r.segment) {
        const vlan = r.segment.vlan ?? 'untagged';
        report(r.network, problem('vlan', vlan,
          `on bridge ${JSON.stringify(r.segment.device)} is already used by network ${describe(first)}: `
          + (tenantsDiffer(first, r)
            ? 'two tenants never share a VLAN on one bridge'
            : 'two networks on one VLAN of one bridge share a layer-2 segment; pick another VLAN, or share the network with shareInto()')));
      }
    }
  }

  /**
   * Ranges of different networks must not overlap. Networks on one segment may use one pool only when
   * they name the same pool (same range and network name), which is how a segment is shared on purpose.
   */
  private checkRanges(report: (c: IConstruct, m: string) => void) {
    interface Item { readonly r: NetworkRegistration; readonly range: PlannedRange }
    const items: Item[] = [];
    for (const r of this.networks) for (const range of r.ranges) items.push({ r, range });
    const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
    items.sort((a, b) => a.range.block.family - b.range.block.family || cmp(a.range.block.first, b.range.block.first));

    const sharesPool = (a: Item, b: Item) => a.r.segment === b.r.segment
      && a.range.poolName === b.range.poolName
      && a.range.block.cidr === b.range.block.cidr;

    // Sweep: `reach` is the item whose block reaches furthest among those seen so far in this family.
    let reach: Item | undefined;
    for (const item of items) {
      const block = item.range.block;
      if (reach && reach.range.block.family === block.family && reach.range.block.last >= block.first
          && reach.r.network !== item.r.network && !sharesPool(reach, item)) {
        const other = reach.range.block;
        const sameSegment = reach.r.segment === item.r.segment;
        report(item.r.network, problem('range', block.cidr,
          `overlaps ${JSON.stringify(other.cidr)} of network ${describe(reach.r)}`
          + ` (first shared address ${formatAddress(block.family, block.first > other.first ? block.first : other.first)}): `
          + (sameSegment
            ? 'networks that share a segment must use the same range and network name to share one pool'
            : tenantsDiffer(reach.r, item.r)
              ? 'two tenants never share an address range'
              : 'address ranges of different networks must not overlap')));
      }
      if (!reach || reach.range.block.family !== block.family || block.last > reach.range.block.last) reach = item;
    }
  }

  /** A network's VLAN must be let through by the node bridge that carries it, when the app defines one. */
  private checkNodeBridges(report: (c: IConstruct, m: string) => void) {
    const byBridge = new Map<string, NodeBridgeRegistration>();
    for (const b of this.bridges) {
      const first = byBridge.get(b.bridge);
      if (first) {
        report(b.policy, problem('bridge', b.bridge, `is already defined on nodes by ${first.policy.node.path}; define each node bridge once`));
      } else {
        byBridge.set(b.bridge, b);
      }
    }
    for (const r of this.networks) {
      const b = byBridge.get(r.segment.device);
      const vlan = r.segment.vlan;
      if (!b || !b.allowedVlans || vlan === undefined || vlan === 0) continue;
      if (!b.allowedVlans.some(([lo, hi]) => vlan >= lo && vlan <= hi)) {
        report(r.network, problem('vlan', vlan, `is not let through by the node bridge ${JSON.stringify(b.bridge)} of ${b.policy.node.path}; add it to the bridge's allowed VLANs`));
      }
    }
    // A frame larger than the bridge's (and uplink's) MTU is dropped there, silently.
    for (const r of this.networks) {
      const b = byBridge.get(r.segment.device);
      if (!b || r.mtu === undefined) continue;
      if (b.mtu !== undefined && r.mtu > b.mtu) {
        report(r.network, problem('mtu', r.mtu, `is above the MTU ${b.mtu} of the node bridge ${JSON.stringify(b.bridge)} of ${b.policy.node.path}, which drops larger frames; raise the NodeBridgePolicy mtu or lower this one`));
      } else if (b.mtu === undefined && r.mtu > DEFAULT_LINK_MTU) {
        report(r.network, problem('mtu', r.mtu, `is above ${DEFAULT_LINK_MTU}, and the node bridge ${JSON.stringify(b.bridge)} of ${b.policy.node.path} leaves its MTU unchanged (${DEFAULT_LINK_MTU} on a default uplink), which drops larger frames; set the NodeBridgePolicy mtu`));
      }
    }
  }

  /** A host port joins the port list of the app's node bridge, so the app must define that bridge. */
  private checkHostPorts(report: (c: IConstruct, m: string) => void) {
    for (const p of this.hostPorts) {
      if (!this.nodeBridge(p.bridge)) {
        report(p.owner, problem(p.field, p.bridge, `needs a NodeBridgePolicy for bridge ${JSON.stringify(p.bridge)} in this app: the nodes' storage interface is a port of that bridge, written into its NodeNetworkConfigurationPolicy`));
      }
    }
  }
}

function describe(r: NetworkRegistration): string {
  return r.tenant === undefined ? r.network.node.path : `${r.network.node.path} of tenant ${JSON.stringify(r.tenant)}`;
}

function tenantsDiffer(a: NetworkRegistration, b: NetworkRegistration): boolean {
  return a.tenant !== undefined && b.tenant !== undefined && a.tenant !== b.tenant;
}
