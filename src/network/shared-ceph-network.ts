import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AttachmentKind, INetworkAttachment } from './attachment';
import { BridgeNetwork, validateInterfaceName } from './bridge-network';
import { IpRoute, Ipam, WhereaboutsIpamProps } from './ipam';
import { MacvlanMode, MacvlanNetwork } from './macvlan-network';
import { NetworkPlan } from './plan';
import { check, checkEnum, fail } from '../core/errors';
import { formatAddress, IpBlock, parseAddress, parseCidr } from '../core/ip';
import { requireDns1123Subdomain, requireLabels } from '../core/names';
import { clusterScoped, metadata, resolveNamespace, setSyncWave, SyncWaves } from '../core/objects';
import { CephCluster } from '../imports/ceph.rook.io';
import { NodeNetworkConfigurationPolicy } from '../imports/nmstate.io';
import { ClusterComponent, ClusterPrerequisites, PrerequisiteKind } from '../platform/prerequisites';

/**
 * How tenant VMs on the shared storage network are kept apart.
 *
 * Whatever is chosen here acts on each node's bridge only. The uplink is an ordinary (non-isolated) bridge
 * port, so two VMs on different nodes reach each other through the switch. Blocking that needs the physical
 * network (private VLAN isolated ports, or ACLs that pass only traffic to and from Ceph's addresses) or L3
 * filtering; the library cannot write it and registers it as an external cluster prerequisite
 * (docs/isolation.md).
 */
export enum TenantIsolation {
  /**
   * VMs attach through a NetworkAttachmentDefinition with bridge `portIsolation`; Ceph (and the nodes) attach
   * through non-isolated ports of the same bridge, VLAN and address pool. Isolated ports reach only
   * non-isolated ports, so on one node every VM reaches Ceph and the node, and no VM reaches another VM of that
   * node, whatever runs in the guest. Across nodes see the enum's note: the switch must do it. Needs
   * containernetworking-plugins v1.7.0 or later (older plugins ignore `portIsolation`).
   */
  PORT_ISOLATION = 'port-isolation',
  /**
   * VMs and Ceph attach to one NetworkAttachmentDefinition, exactly as in the talk. VMs on it can reach each
   * other; use only when every VM on the network belongs to one trust domain.
   */
  NONE = 'none',
}

/**
 * Where the Ceph daemons (monitors, managers, OSDs) listen (Rook CephCluster `spec.network.provider`).
 */
export enum CephNetworkProvider {
  /**
   * Ceph pods attach to the storage network through Multus (the talk's layout). Only OSDs listen on it:
   * monitors, managers and rgw listen on the pod network (Rook network-providers.md, "Known limitations with
   * Multus"), so a Ceph client needs the pod network too. VMs without a pod network (fully isolated tenants,
   * cluster nodes on a Multus default network) cannot use Ceph this way: the library refuses them.
   */
  MULTUS = 'multus',
  /**
   * Ceph daemons run on the host network and listen on the nodes' storage addresses (`nodeRange`, Rook
   * `addressRanges.public`). Every daemon, monitors included, is reachable on the storage VLAN, so VMs
   * without a pod network can use Ceph. Needs `nodeRange` inside `range` and addresses on the nodes.
   */
  HOST = 'host',
}

/**
 * A node and its address on the storage network.
 */
export interface StorageNodeAddress {
  /** Name of the node (the value of its `kubernetes.io/hostname` label). */
  readonly node: string;
  /**
   * Address of the node on the storage network (inside `nodeRange`).
   * @default - the (n+1)-th usable address of `nodeRange` for the n-th entry, skipping addresses given explicitly
   */
  readonly address?: string;
}

/**
 * Options of the nodes' interface on the storage network.
 */
export interface NodeStorageInterfaceOptions {
  /**
   * Name of the nodes' interface on the storage network (1-12 characters); its peer on the bridge is
   * `<name>-br`.
   * @default - `ceph<vlan>`, e.g. `ceph100` (`ceph0` when untagged)
   */
  readonly interfaceName?: string;
}

/**
 * How the nodes get their address on the storage network. Rook requires one on every node: ceph-csi runs on
 * the host network and reaches the OSDs from there (Rook network-providers.md, "Multus Prerequisites").
 *
 * The library writes the interface as a veth pair, one end an access port of the storage VLAN on the node
 * bridge (in the app's NodeBridgePolicy), the other the node's address: nmstate cannot give a VLAN-filtering
 * bridge's own port a VLAN (nmstate/nmstate#2769), so a VLAN interface on the bridge would see no frames.
 */
export class NodeStorageAddresses {
  /**
   * One NodeNetworkConfigurationPolicy per node with a fixed address from `nodeRange`. nmstate has no address
   * pools and no per-node templates, so the nodes are listed here; an entry's position gives its default
   * address, so append new nodes (or give addresses explicitly) to keep the others' addresses.
   */
  public static perNode(nodes: StorageNodeAddress[], options: NodeStorageInterfaceOptions = {}): NodeStorageAddresses {
    return new NodeStorageAddresses('per-node', [...(nodes ?? [])], options);
  }

  /**
   * DHCP on the nodes' storage interface; a DHCP server on the storage VLAN must hand the nodes addresses in
   * `nodeRange` (registered as an external cluster prerequisite).
   */
  public static dhcp(options: NodeStorageInterfaceOptions = {}): NodeStorageAddresses {
    return new NodeStorageAddresses('dhcp', [], options);
  }

  /**
   * The nodes' addresses are configured outside this app (PXE, Ignition, cloud-init, ...); registered as a
   * cluster prerequisite so the plan says so.
   */
  public static managedOutside(): NodeStorageAddresses {
    return new NodeStorageAddresses('outside', [], {});
  }

  private constructor(
    /** @internal */
    public readonly _mode: string,
    /** @internal */
    public readonly _nodes: StorageNodeAddress[],
    /** @internal */
    public readonly _options: NodeStorageInterfaceOptions) {}
}

/**
 * How Ceph's pods attach to the storage network.
 */
export class CephAttachment {
  /** A port on the same bridge and VLAN as the VMs (non-isolated). */
  public static bridge(): CephAttachment {
    return new CephAttachment();
  }

  /**
   * A macvlan interface (what Rook recommends) on a node interface that carries the VMs' bridge VLAN,
   * e.g. `br1.1234`. The node side must make `master` part of the same layer-2 segment.
   */
  public static macvlan(master: string, mode?: MacvlanMode): CephAttachment {
    return new CephAttachment(master, mode ?? MacvlanMode.BRIDGE);
  }

  private constructor(
    /** The macvlan parent, when Ceph uses macvlan. */
    public readonly master?: string,
    /** The macvlan mode, when Ceph uses macvlan. */
    public readonly mode?: MacvlanMode) {}
}

/**
 * An optional Ceph cluster network (OSD replication only; VMs never attach to it).
 */
export interface CephClusterNetworkProps {
  /** Whereabouts range (CIDR) of the cluster network. */
  readonly range: string;
  /**
   * Bridge of the cluster network.
   * @default - the storage network's bridge
   */
  readonly bridge?: string;
  /**
   * Access VLAN of the cluster network; must differ from the public network's on the same bridge.
   * @default - untagged
   */
  readonly vlan?: number;
  /**
   * MTU (jumbo frames help replication).
   * @default - the storage network's MTU
   */
  readonly mtu?: number;
  /**
   * Name of the NetworkAttachmentDefinition.
   * @default - `<name>-cluster`
   */
  readonly name?: string;
}

/**
 * A CephCluster for the user to complete: the library owns `spec.network`, the rest comes from here.
 */
export interface CephClusterOptions {
  /**
   * Name of the CephCluster.
   * @default 'rook-ceph'
   */
  readonly name?: string;
  /** Ceph container image, e.g. `quay.io/ceph/ceph:v19.2.3`. */
  readonly cephImage: string;
  /**
   * Host path for Ceph's configuration and monitor data.
   * @default '/var/lib/rook'
   */
  readonly dataDirHostPath?: string;
  /**
   * Number of monitors (odd, 1-9).
   * @default 3
   */
  readonly monCount?: number;
  /**
   * Further `spec` fields of the CephCluster (storage, placement, resources, ...), merged over the defaults.
   * `network` is not allowed here: it comes from the storage network.
   * @default - none
   */
  readonly spec?: { [key: string]: any };
}

/**
 * The one storage network shared by VMs and Rook-Ceph.
 */
export interface SharedCephNetworkProps {
  /**
   * Name of the NetworkAttachmentDefinition VMs attach to.
   * @default 'ceph'
   */
  readonly name?: string;
  /**
   * Namespace of Rook-Ceph, where the NetworkAttachmentDefinitions live.
   * @default 'rook-ceph'
   */
  readonly namespace?: string;
  /** Linux bridge on the nodes. */
  readonly bridge: string;
  /**
   * Access VLAN of the storage network (0-4094).
   * @default - untagged
   */
  readonly vlan?: number;
  /**
   * MTU.
   * @default - the bridge's
   */
  readonly mtu?: number;
  /** Whereabouts range of the public storage network, e.g. `192.168.100.0/24`. */
  readonly range: string;
  /**
   * First address handed out.
   * @default - the first host address of `range`
   */
  readonly rangeStart?: string;
  /**
   * Last address handed out.
   * @default - the last host address of `range`
   */
  readonly rangeEnd?: string;
  /**
   * CIDRs never handed out.
   * @default - none besides `nodeRange` when it lies inside `range`
   */
  readonly exclude?: string[];
  /**
   * The nodes' addresses on (or reachable from) the storage network. Every node needs one: Ceph clients on
   * the hosts (ceph-csi, kernel RBD) talk to Ceph from there (Rook network-providers.md). Ceph pods get a route
   * to it; inside `range` it is excluded from the pool so pods never take a node's address. Required with
   * `CephNetworkProvider.HOST` (inside `range`) and when the library writes the nodes' addresses.
   * @default - none: the nodes' addresses are outside the library's knowledge (a cluster prerequisite)
   */
  readonly nodeRange?: string;
  /**
   * How the nodes get their address in `nodeRange`.
   * @default NodeStorageAddresses.managedOutside()
   */
  readonly nodeAddresses?: NodeStorageAddresses;
  /**
   * Where the Ceph daemons listen.
   * @default CephNetworkProvider.MULTUS
   */
  readonly provider?: CephNetworkProvider;
  /**
   * How tenant VMs are kept apart on the shared network (on each node; see TenantIsolation for between nodes).
   * @default TenantIsolation.PORT_ISOLATION
   */
  readonly isolation?: TenantIsolation;
  /**
   * How Ceph attaches (with `CephNetworkProvider.MULTUS`).
   * @default CephAttachment.bridge()
   */
  readonly cephAttachment?: CephAttachment;
  /**
   * A separate Ceph cluster network for OSD replication (with `CephNetworkProvider.MULTUS`).
   * @default - none: replication uses the public network
   */
  readonly clusterNetwork?: CephClusterNetworkProps;
  /**
   * Also write a CephCluster using this network.
   * @default - no CephCluster; merge `networkSpec` into yours
   */
  readonly cephCluster?: CephClusterOptions;
}

/**
 * The talk's "one shared storage network": a bridge VLAN that tenant VMs and Rook-Ceph share, so Ceph traffic
 * of the guests skips the pod overlay. Writes the NetworkAttachmentDefinitions in the Ceph namespace, the
 * CephCluster `spec.network` (Multus selectors, or host networking, with explicit address ranges) and, when
 * asked, the nodes' interface and address on the network.
 *
 * VMs attach to `reference` (`rook-ceph/ceph` by default), with MAC spoof checking. With the default port
 * isolation, VMs on one node reach Ceph and the node, never each other. VMs on different nodes are kept
 * apart only by the physical network or L3 filtering, which this library does not write: it registers that
 * as an external cluster prerequisite (docs/isolation.md). The nodes' own storage address is reachable from
 * every VM on the network, so the nodes must firewall it (also a registered prerequisite).
 */
export class SharedCephNetwork extends Construct implements INetworkAttachment {
  public readonly name: string;
  public readonly namespace: string;
  public readonly reference: string;
  public readonly attachmentKind = AttachmentKind.BRIDGE;
  /** The storage network gives no default route: it is for storage traffic only. */
  public readonly providesDefaultRoute = false;
  public readonly assignsAddresses = true;
  /** The network VMs attach to. */
  public readonly vmNetwork: BridgeNetwork;
  /**
   * The network Ceph's public side attaches to (the VM network itself without isolation); none with
   * `CephNetworkProvider.HOST`, where Ceph runs on the host network.
   */
  public readonly cephPublicNetwork?: INetworkAttachment;
  /** Where the Ceph daemons listen. */
  public readonly provider: CephNetworkProvider;
  /** How tenant VMs are kept apart on each node. */
  public readonly isolation: TenantIsolation;
  /** The Linux bridge of the network. */
  public readonly bridge: string;
  /** Access VLAN of the network, if tagged. */
  public readonly vlan?: number;
  /** MTU of the network, when set. */
  public readonly mtu?: number;
  /** The nodes' range on the network (canonical CIDR), when given. */
  public readonly nodeRange?: string;
  /** The Ceph cluster network, if any. */
  public readonly cephClusterNetwork?: INetworkAttachment;
  /** The CephCluster, when asked for. */
  public readonly cephCluster?: ApiObject;
  /** The CephCluster `spec.network` fragment to merge into a CephCluster defined elsewhere. */
  public readonly networkSpec: { [key: string]: any };

  constructor(scope: Construct, id: string, props: SharedCephNetworkProps) {
    super(scope, id);
    const namespace = resolveNamespace(this, props.namespace ?? 'rook-ceph');
    const name = requireDns1123Subdomain(this, 'name', props.name ?? 'ceph');
    const isolation = props.isolation ?? TenantIsolation.PORT_ISOLATION;
    checkEnum(this, 'isolation', isolation, TenantIsolation as Record<string, TenantIsolation>, 'TenantIsolation');
    const provider = props.provider ?? CephNetworkProvider.MULTUS;
    checkEnum(this, 'provider', provider, CephNetworkProvider as Record<string, CephNetworkProvider>, 'CephNetworkProvider');
    const hostNetworking = provider === CephNetworkProvider.HOST;
    const ceph = props.cephAttachment ?? CephAttachment.bridge();
    if (isolation === TenantIsolation.NONE && ceph.master !== undefined) {
      fail(this, 'cephAttachment', `macvlan on ${ceph.master}`, 'needs TenantIsolation.PORT_ISOLATION: without isolation VMs and Ceph share one bridge NetworkAttachmentDefinition');
    }
    if (hostNetworking && ceph.master !== undefined) {
      fail(this, 'cephAttachment', `macvlan on ${ceph.master}`, 'does not apply with CephNetworkProvider.HOST: Ceph runs on the host network and attaches to no NetworkAttachmentDefinition');
    }
    if (hostNetworking && props.clusterNetwork) {
      fail(this, 'clusterNetwork', props.clusterNetwork.range, 'is not supported with CephNetworkProvider.HOST: the nodes would need a second storage address; use CephNetworkProvider.MULTUS or leave it out');
    }
    const nodeAddresses = props.nodeAddresses ?? NodeStorageAddresses.managedOutside();

    const range = parseCidr(props.range);
    if (!range.block) fail(this, 'range', props.range, range.error!);
    const exclude = [...(props.exclude ?? [])];
    const routes: IpRoute[] = [];
    let nodes: IpBlock | undefined;
    let nodesInside = false;
    if (props.nodeRange !== undefined) {
      const parsed = parseCidr(props.nodeRange);
      if (!parsed.block) fail(this, 'nodeRange', props.nodeRange, parsed.error!);
      nodes = parsed.block;
      check(nodes.family === range.block.family, this, 'nodeRange', props.nodeRange, `must be of the same IP family as range ${JSON.stringify(props.range)}`);
      nodesInside = nodes.first >= range.block.first && nodes.last <= range.block.last;
      const apart = nodes.last < range.block.first || nodes.first > range.block.last;
      check(nodesInside || apart, this, 'nodeRange', props.nodeRange, `must lie inside range ${JSON.stringify(props.range)} or apart from it, not across its edge`);
      if (nodesInside) exclude.push(props.nodeRange);
      routes.push({ destination: props.nodeRange });
    }
    if (hostNetworking) {
      // VMs reach the daemons at the nodes' addresses; on one subnet they need no route (KubeVirt's DHCP
      // hands the guest only the pod interface's own routes).
      check(nodes !== undefined && nodesInside, this, 'nodeRange', props.nodeRange,
        `must be given, inside range ${JSON.stringify(props.range)}, with CephNetworkProvider.HOST: Ceph listens on the nodes' addresses, which the VMs reach on the storage subnet`);
    }
    if (nodeAddresses._mode !== 'outside') {
      check(nodes !== undefined, this, 'nodeRange', props.nodeRange, `is required with NodeStorageAddresses.${nodeAddresses._mode === 'dhcp' ? 'dhcp' : 'perNode'}(): the nodes' addresses come from it`);
    }
    const pool: WhereaboutsIpamProps = {
      range: props.range,
      rangeStart: props.rangeStart,
      rangeEnd: props.rangeEnd,
      exclude: exclude.length > 0 ? exclude : undefined,
    };

    const common = { namespace, bridge: props.bridge, vlan: props.vlan, mtu: props.mtu };
    // A VLAN port that kept VLAN 1 would also meet every other port of VLAN 1 on the node, around the VLAN.
    const dropVlan1 = props.vlan !== undefined && props.vlan > 0 ? { preserveDefaultVlan: false } : {};
    // Every NAD a tenant VM can use checks source MACs: this is the one segment all tenants share.
    if (isolation === TenantIsolation.NONE) {
      // The talk's layout: one attachment for everyone, with the route to the nodes for Ceph.
      this.vmNetwork = new BridgeNetwork(this, 'Network', { ...common, ...dropVlan1, name, macSpoofCheck: true, ipam: Ipam.whereabouts({ ...pool, routes: routes.length && !hostNetworking ? routes : undefined }) });
      this.cephPublicNetwork = hostNetworking ? undefined : this.vmNetwork;
    } else {
      this.vmNetwork = new BridgeNetwork(this, 'VmNetwork', { ...common, ...dropVlan1, name, portIsolation: true, macSpoofCheck: true, ipam: Ipam.whereabouts(pool) });
      if (!hostNetworking) {
        const cephName = `${name}-public`;
        // Ceph's attachment joins the VMs' segment and pool, without port isolation and with the node route.
        const cephIpam = Ipam.whereabouts({ ...pool, routes: routes.length ? routes : undefined });
        this.cephPublicNetwork = ceph.master === undefined
          ? new BridgeNetwork(this, 'CephPublic', { namespace, name: cephName, shareSegmentWith: this.vmNetwork, ipam: cephIpam })
          : new MacvlanNetwork(this, 'CephPublic', {
            namespace,
            name: cephName,
            master: ceph.master,
            mode: ceph.mode,
            mtu: props.mtu,
            shareSegmentWith: this.vmNetwork,
            ipam: cephIpam,
          });
      }
    }

    if (props.clusterNetwork) {
      const c = props.clusterNetwork;
      this.cephClusterNetwork = new BridgeNetwork(this, 'CephCluster', {
        namespace,
        name: c.name ?? `${name}-cluster`,
        bridge: c.bridge ?? props.bridge,
        vlan: c.vlan,
        mtu: c.mtu ?? props.mtu,
        ipam: Ipam.whereabouts({ range: c.range }),
      });
    }

    this.provider = provider;
    this.networkSpec = hostNetworking
      ? { provider: 'host', addressRanges: { public: [nodes!.cidr] } }
      : {
        provider: 'multus',
        selectors: {
          public: this.cephPublicNetwork!.reference,
          ...(this.cephClusterNetwork ? { cluster: this.cephClusterNetwork.reference } : {}),
        },
        addressRanges: {
          public: [range.block.cidr],
          ...(props.clusterNetwork ? { cluster: [parseCidr(props.clusterNetwork.range).block!.cidr] } : {}),
        },
      };

    if (props.cephCluster) {
      this.cephCluster = this.writeCephCluster(namespace, props.cephCluster);
    }

    this.name = this.vmNetwork.name;
    this.namespace = namespace;
    this.reference = this.vmNetwork.reference;
    this.bridge = props.bridge;
    this.vlan = props.vlan;
    this.mtu = props.mtu;
    this.nodeRange = nodes?.cidr;
    this.isolation = isolation;

    if (!hostNetworking) this.requirePodNetworkOf(this.vmNetwork);
    this.writeNodeAddresses(nodeAddresses, range.block, nodes, nodesInside, props);
    this.registerPrerequisites(isolation, provider, nodeAddresses, props, range.block, nodes);
  }

  /**
   * Offers the VM side of this network in another namespace (e.g. a tenant's, for Multus namespace
   * isolation): same bridge, VLAN, pool, port isolation and MAC spoof check, as a NAD of that namespace.
   * @internal
   */
  public _offerInto(scope: Construct, id: string, namespace: string, labels?: { [key: string]: string }): BridgeNetwork {
    const copy = this.vmNetwork.shareInto(scope, id, { namespace, name: this.vmNetwork.name, labels });
    if (this.provider === CephNetworkProvider.MULTUS) this.requirePodNetworkOf(copy);
    return copy;
  }

  private requirePodNetworkOf(network: INetworkAttachment): void {
    NetworkPlan.of(this).requirePodNetwork(network.reference,
      `the storage network ${this.node.path} uses CephNetworkProvider.MULTUS, where the Ceph monitors listen on the pod network only `
      + '(Rook network-providers.md, "Known limitations with Multus"); use CephNetworkProvider.HOST on the storage network, or give the VM the pod network');
  }

  /** The nodes' interface and address on the storage network, when the library writes them. */
  private writeNodeAddresses(mode: NodeStorageAddresses, range: IpBlock, nodes: IpBlock | undefined, inside: boolean,
    props: SharedCephNetworkProps): void {
    if (mode._mode === 'outside' || nodes === undefined) return;
    const hostInterface = mode._options.interfaceName ?? `ceph${props.vlan ?? 0}`;
    check(typeof hostInterface === 'string' && hostInterface.length <= 12, this, 'nodeAddresses.interfaceName', hostInterface,
      'must have at most 12 characters: its bridge peer is named <name>-br, and Linux interface names have at most 15');
    validateInterfaceName(this, 'nodeAddresses.interfaceName', hostInterface);
    const bridgeInterface = `${hostInterface}-br`;
    const v6 = range.family === 6;
    // On the pool's subnet the node's address gives it the route to the pods; apart from it, a route does.
    const prefix = inside ? range.prefix : nodes.prefix;
    const route = inside ? [] : [{ 'destination': range.cidr, 'next-hop-interface': hostInterface }];
    const off = { enabled: false };
    if (mode._mode === 'dhcp') {
      const dhcp = v6 ? { ipv4: off, ipv6: { enabled: true, dhcp: true, autoconf: false } } : { ipv4: { enabled: true, dhcp: true }, ipv6: off };
      NetworkPlan.of(this).registerHostPort({
        owner: this,
        field: 'nodeAddresses',
        bridge: props.bridge,
        vlan: props.vlan,
        mtu: props.mtu,
        hostInterface,
        bridgeInterface,
        hostSettings: dhcp,
        routes: route,
      });
      return;
    }
    NetworkPlan.of(this).registerHostPort({ owner: this, field: 'nodeAddresses', bridge: props.bridge, vlan: props.vlan, mtu: props.mtu, hostInterface, bridgeInterface });
    const entries = mode._nodes;
    check(entries.length > 0, this, 'nodeAddresses', [], 'must list at least one node');
    // Usable addresses of nodeRange: IPv4 blocks of 4 or more lose their network and broadcast addresses.
    const first = !v6 && nodes.prefix <= 30 ? nodes.first + 1n : nodes.first;
    const last = !v6 && nodes.prefix <= 30 ? nodes.last - 1n : nodes.last;
    const taken = new Set<bigint>();
    const seenNodes = new Set<string>();
    entries.forEach((e, i) => {
      if (e.address === undefined) return;
      const a = parseAddress(e.address);
      check(a !== undefined && a.family === nodes.family && a.value >= first && a.value <= last, this, `nodeAddresses[${i}].address`, e.address,
        `must be a usable address of nodeRange ${JSON.stringify(nodes.cidr)}`);
      check(!taken.has(a!.value), this, `nodeAddresses[${i}].address`, e.address, 'is given to another node');
      taken.add(a!.value);
    });
    let next = first;
    entries.forEach((e, i) => {
      requireLabels(this, `nodeAddresses[${i}].node`, { 'kubernetes.io/hostname': e.node });
      check(!seenNodes.has(e.node), this, `nodeAddresses[${i}].node`, e.node, 'is listed twice');
      seenNodes.add(e.node);
      let value: bigint;
      if (e.address !== undefined) {
        value = parseAddress(e.address)!.value;
      } else {
        while (taken.has(next)) next++;
        check(next <= last, this, `nodeAddresses[${i}]`, e.node, `finds no free address left in nodeRange ${JSON.stringify(nodes.cidr)}; widen it or give addresses explicitly`);
        value = next++;
      }
      const address = { 'ip': formatAddress(nodes.family, value), 'prefix-length': prefix };
      const host: Record<string, any> = { name: hostInterface, type: 'veth', state: 'up', veth: { peer: bridgeInterface } };
      host[v6 ? 'ipv6' : 'ipv4'] = v6 ? { enabled: true, dhcp: false, autoconf: false, address: [address] } : { enabled: true, dhcp: false, address: [address] };
      host[v6 ? 'ipv4' : 'ipv6'] = off;
      const policyName = `${this.namespace}-${this.name}-${e.node}`.toLowerCase();
      requireDns1123Subdomain(this, `nodeAddresses[${i}].node`, policyName);
      const policy = new NodeNetworkConfigurationPolicy(this, `Node-${e.node}`, {
        metadata: metadata({ name: policyName }),
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': e.node },
          desiredState: route.length > 0 ? { interfaces: [host], routes: { config: route } } : { interfaces: [host] },
        },
      });
      clusterScoped(policy);
      setSyncWave(policy, SyncWaves.INFRASTRUCTURE);
    });
  }

  /** What this network needs from the cluster and its surroundings, for the plan. */
  private registerPrerequisites(isolation: TenantIsolation, provider: CephNetworkProvider, addresses: NodeStorageAddresses,
    props: SharedCephNetworkProps, range: IpBlock, nodes: IpBlock | undefined): void {
    const r = ClusterPrerequisites.of(this);
    const segment = `VLAN ${props.vlan ?? 'untagged'} of bridge ${props.bridge}`;
    const nodeText = nodes ? `in ${nodes.cidr}` : `on ${range.cidr}, outside the pool`;
    if (isolation === TenantIsolation.PORT_ISOLATION) {
      r.require(this, {
        kind: PrerequisiteKind.EXTERNAL,
        component: ClusterComponent.NETWORK_FABRIC,
        requirement: `on ${segment}, traffic between VMs on different nodes is blocked: private VLAN isolated ports for nodes that run only VMs, `
          + `or ACLs / L3 filtering that pass only traffic to and from Ceph's addresses${provider === CephNetworkProvider.HOST ? ` (${nodes!.cidr})` : ''}`,
        reason: `tenant isolation on the shared storage network ${this.reference} between nodes (port isolation acts on one node only)`,
        field: 'isolation',
        value: isolation,
      });
    }
    r.require(this, {
      kind: PrerequisiteKind.NODE,
      component: ClusterComponent.NODES,
      requirement: `a host firewall on the nodes' storage address ${nodeText} that accepts only Ceph (TCP 3300, 6789, 6800-7300) from ${range.cidr}`,
      reason: `VMs on the storage network ${this.reference} reach the nodes' own storage address`,
    });
    if (addresses._mode === 'outside') {
      r.require(this, {
        kind: PrerequisiteKind.NODE,
        component: ClusterComponent.NODES,
        requirement: `every node has an address ${nodeText} on ${segment}`,
        reason: 'Rook: ceph-csi on the host network reaches Ceph from the nodes\' storage addresses',
        field: 'nodeAddresses',
        value: 'managedOutside',
      });
    } else {
      r.require(this, {
        kind: PrerequisiteKind.CONFIGURATION,
        component: ClusterComponent.NMSTATE,
        requirement: 'nmstate 1.0.1 or later with NetworkManager 1.30 or later on the nodes (veth interfaces)',
        reason: `the nodes' storage interface on ${props.bridge}`,
        field: 'nodeAddresses',
      });
    }
    if (addresses._mode === 'dhcp') {
      r.require(this, {
        kind: PrerequisiteKind.EXTERNAL,
        component: ClusterComponent.NETWORK_FABRIC,
        requirement: `a DHCP server on ${segment} that hands the nodes addresses in ${nodes!.cidr}`,
        reason: 'NodeStorageAddresses.dhcp()',
        field: 'nodeAddresses',
        value: 'dhcp',
      });
    }
    if (provider === CephNetworkProvider.MULTUS) {
      r.require(this, {
        kind: PrerequisiteKind.CONFIGURATION,
        component: ClusterComponent.ROOK,
        requirement: 'operator setting CSI_ENABLE_HOST_NETWORK: "true" (the default)',
        reason: 'ceph-csi reaches the OSDs on the Multus public network from the nodes\' storage addresses',
        field: 'provider',
        value: provider,
      });
    }
    if (!props.cephCluster) {
      r.require(this, {
        kind: PrerequisiteKind.CONFIGURATION,
        component: ClusterComponent.ROOK,
        requirement: `CephCluster spec.network: ${JSON.stringify(this.networkSpec)}`,
        reason: `Ceph on the shared storage network ${this.reference}`,
      });
    }
  }

  private writeCephCluster(namespace: string, options: CephClusterOptions): ApiObject {
    if (options.spec && 'network' in options.spec) {
      fail(this, 'cephCluster.spec.network', options.spec.network, 'must not be set: the shared storage network defines it');
    }
    const monCount = options.monCount ?? 3;
    check(Number.isInteger(monCount) && monCount >= 1 && monCount <= 9 && monCount % 2 === 1, this, 'cephCluster.monCount', monCount, 'must be an odd number from 1 to 9 (monitors need a majority)');
    check(typeof options.cephImage === 'string' && options.cephImage.length > 0, this, 'cephCluster.cephImage', options.cephImage, 'must name a Ceph image such as "quay.io/ceph/ceph:v19.2.3"');
    const cluster = new CephCluster(this, 'Cluster', {
      metadata: metadata({ name: options.name ?? 'rook-ceph', namespace }),
      spec: {
        cephVersion: { image: options.cephImage },
        dataDirHostPath: options.dataDirHostPath ?? '/var/lib/rook',
        mon: { count: monCount, allowMultiplePerNode: false },
        ...(options.spec ?? {}),
        network: this.networkSpec,
      } as any,
    });
    setSyncWave(cluster, SyncWaves.IMAGE);
    return cluster;
  }
}
