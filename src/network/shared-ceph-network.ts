import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AttachmentKind, INetworkAttachment } from './attachment';
import { BridgeNetwork } from './bridge-network';
import { IpRoute, Ipam, WhereaboutsIpamProps } from './ipam';
import { MacvlanMode, MacvlanNetwork } from './macvlan-network';
import { check, fail } from '../core/errors';
import { parseCidr } from '../core/ip';
import { requireDns1123Subdomain } from '../core/names';
import { metadata, resolveNamespace, setSyncWave, SyncWaves } from '../core/objects';
import { CephCluster } from '../imports/ceph.rook.io';

/**
 * How tenant VMs on the shared storage network are kept apart.
 */
export enum TenantIsolation {
  /**
   * VMs attach through a NetworkAttachmentDefinition with bridge `portIsolation`, Ceph through a second one
   * on the same bridge, VLAN and address pool without it. Isolated ports reach only non-isolated ports, so
   * every VM reaches Ceph and no VM reaches another VM. Enforced by the node's bridge, whatever runs in the guest.
   */
  PORT_ISOLATION = 'port-isolation',
  /**
   * VMs and Ceph attach to one NetworkAttachmentDefinition, exactly as in the talk. VMs on it can reach each
   * other; use only when every VM on the network belongs to one trust domain.
   */
  NONE = 'none',
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
   * The nodes' addresses on (or reachable from) the storage network. Ceph daemons get a route to it, since
   * Ceph clients on the hosts (kernel RBD, CSI) talk to Ceph from there; inside `range` it is excluded from
   * the pool so pods never take a node's address.
   * @default - no route to the nodes
   */
  readonly nodeRange?: string;
  /**
   * How tenant VMs are kept apart on the shared network.
   * @default TenantIsolation.PORT_ISOLATION
   */
  readonly isolation?: TenantIsolation;
  /**
   * How Ceph attaches.
   * @default CephAttachment.bridge()
   */
  readonly cephAttachment?: CephAttachment;
  /**
   * A separate Ceph cluster network for OSD replication.
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
 * The talk's "one shared storage network": a Multus network that tenant VMs and Rook-Ceph both attach to,
 * so VM disk traffic to Ceph skips the pod overlay. Writes the NetworkAttachmentDefinitions in the Ceph
 * namespace and the CephCluster `spec.network` (`provider: multus`, selectors and explicit address ranges).
 *
 * VMs attach to `reference` (`rook-ceph/ceph` by default). With the default port isolation they reach Ceph
 * and never each other.
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
  /** The network Ceph's public side attaches to (the VM network itself without isolation). */
  public readonly cephPublicNetwork: INetworkAttachment;
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
    const ceph = props.cephAttachment ?? CephAttachment.bridge();
    if (isolation === TenantIsolation.NONE && ceph.master !== undefined) {
      fail(this, 'cephAttachment', `macvlan on ${ceph.master}`, 'needs TenantIsolation.PORT_ISOLATION: without isolation VMs and Ceph share one bridge NetworkAttachmentDefinition');
    }

    const range = parseCidr(props.range);
    if (!range.block) fail(this, 'range', props.range, range.error!);
    const exclude = [...(props.exclude ?? [])];
    const routes: IpRoute[] = [];
    if (props.nodeRange !== undefined) {
      const nodes = parseCidr(props.nodeRange);
      if (!nodes.block) fail(this, 'nodeRange', props.nodeRange, nodes.error!);
      check(nodes.block.family === range.block.family, this, 'nodeRange', props.nodeRange, `must be of the same IP family as range ${JSON.stringify(props.range)}`);
      const inside = nodes.block.first >= range.block.first && nodes.block.last <= range.block.last;
      const apart = nodes.block.last < range.block.first || nodes.block.first > range.block.last;
      check(inside || apart, this, 'nodeRange', props.nodeRange, `must lie inside range ${JSON.stringify(props.range)} or apart from it, not across its edge`);
      if (inside) exclude.push(props.nodeRange);
      routes.push({ destination: props.nodeRange });
    }
    const pool: WhereaboutsIpamProps = {
      range: props.range,
      rangeStart: props.rangeStart,
      rangeEnd: props.rangeEnd,
      exclude: exclude.length > 0 ? exclude : undefined,
    };

    const common = { namespace, bridge: props.bridge, vlan: props.vlan, mtu: props.mtu };
    if (isolation === TenantIsolation.NONE) {
      // The talk's layout: one attachment for everyone, with the route to the nodes for Ceph.
      this.vmNetwork = new BridgeNetwork(this, 'Network', { ...common, name, ipam: Ipam.whereabouts({ ...pool, routes: routes.length ? routes : undefined }) });
      this.cephPublicNetwork = this.vmNetwork;
    } else {
      this.vmNetwork = new BridgeNetwork(this, 'VmNetwork', { ...common, name, portIsolation: true, ipam: Ipam.whereabouts(pool) });
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

    this.networkSpec = {
      provider: 'multus',
      selectors: {
        public: this.cephPublicNetwork.reference,
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
