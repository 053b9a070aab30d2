import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { SshKeys } from '../compute/cloud-init';
import { VmDisk } from '../compute/disks';
import { KubeVirtVm } from '../compute/kubevirt-vm';
import { PerformanceProfile } from '../compute/performance';
import { check } from '../core/errors';
import { BridgeNetwork } from '../network/bridge-network';
import { Ipam } from '../network/ipam';
import { NodeBridgePolicy } from '../network/node-bridge-policy';
import { SharedCephNetwork } from '../network/shared-ceph-network';
import { GoldenImage } from '../storage/golden-image';
import { ImageSource } from '../storage/image-source';

/**
 * Settings of a storage network a stack creates, shared by the VMs and Rook-Ceph.
 */
export interface StackStorageNetworkProps {
  /** Linux bridge on the nodes. */
  readonly bridge: string;
  /** Access VLAN of the storage network. */
  readonly vlan: number;
  /** Whereabouts range of the storage network. */
  readonly range: string;
  /**
   * The nodes' addresses on the storage network (routed to, and excluded from the pool when inside it).
   * @default - none
   */
  readonly nodeRange?: string;
  /**
   * MTU (jumbo frames for storage traffic).
   * @default 9000
   */
  readonly mtu?: number;
  /**
   * Also write a CephCluster with this Ceph image on the storage network.
   * @default - no CephCluster; merge the network fragment into yours
   */
  readonly cephImage?: string;
}

/**
 * The storage network of a stack: created by the stack, or one that several stacks share.
 */
export class StackStorage {
  /** The stack creates the storage network. */
  public static create(props: StackStorageNetworkProps): StackStorage {
    return new StackStorage(props, undefined);
  }

  /** The stack uses a storage network defined elsewhere in the app (e.g. shared by several stacks). */
  public static existing(network: SharedCephNetwork): StackStorage {
    return new StackStorage(undefined, network);
  }

  private constructor(private readonly props?: StackStorageNetworkProps, private readonly network?: SharedCephNetwork) {}

  /** @internal */
  public _resolve(scope: Construct): SharedCephNetwork {
    if (this.network) return this.network;
    const p = this.props!;
    return new SharedCephNetwork(scope, 'Storage', {
      bridge: p.bridge,
      vlan: p.vlan,
      mtu: p.mtu ?? 9000,
      range: p.range,
      nodeRange: p.nodeRange,
      cephCluster: p.cephImage ? { cephImage: p.cephImage } : undefined,
    });
  }
}

/**
 * A golden image of a stack.
 */
export interface StackImage {
  /** Name of the image (its DataVolume and DataSource). */
  readonly name: string;
  /** Where it is imported from, once. */
  readonly source: ImageSource;
  /** Size of the image's disk. */
  readonly size: string;
}

/**
 * One VM of a stack.
 */
export interface StackVm {
  /** Name of the VM. */
  readonly name: string;
  /**
   * Virtual CPUs.
   * @default 2
   */
  readonly cpu?: number;
  /**
   * Memory.
   * @default '4Gi'
   */
  readonly memory?: string;
  /**
   * Size of the root disk cloned from the image (at least the image's).
   * @default - the image's size
   */
  readonly diskSize?: string;
}

/**
 * High-performance VMs next to Ceph.
 */
export interface HighPerformanceVmStackProps {
  /** Namespace of the VMs and their network (the chart's namespace). */
  readonly namespace: string;
  /** Linux bridge on the nodes that carries the VMs' VLAN. */
  readonly bridge: string;
  /**
   * The node interface under the bridge; with it the stack writes the nmstate policy that creates the
   * bridge and carries exactly the stack's VLANs.
   * @default - the bridge is created outside this app
   */
  readonly uplink?: string;
  /** The storage network shared with Ceph. */
  readonly storage: StackStorage;
  /** Access VLAN of the VMs' own network. */
  readonly vmVlan: number;
  /** Whereabouts range of the VMs' own network. */
  readonly vmRange: string;
  /**
   * Gateway of the VMs' network (a router on the VLAN), written into the network's IPAM as its default route. The
   * stack's VMs keep one default route, the pod network's (cluster DNS, Services and egress through masquerade):
   * their NIC on this network is configured with `defaultRoute: false`, so their guests reach the VLAN's own subnet
   * directly and ignore the gateway. Other VMs on the network may take it.
   * @default - none: the network reaches only its own segment
   */
  readonly vmGateway?: string;
  /** The golden image the VMs' root disks are cloned from. */
  readonly image: StackImage;
  /** Storage class of the image and the clones (a Ceph RBD class, so clones are copy-on-write). */
  readonly storageClass: string;
  /** The VMs. */
  readonly vms: StackVm[];
  /**
   * Performance profile of every VM.
   * @default PerformanceProfile.dedicatedCpu()
   */
  readonly profile?: PerformanceProfile;
  /**
   * Thick-provision the VMs' root disks (CDI `preallocation`): predictable write latency and native IO with
   * `PerformanceProfile.lowLatency()`, at the cost of every disk taking its full size and, on Ceph RBD, losing
   * copy-on-write from the golden image.
   * @default false
   */
  readonly preallocateDisks?: boolean;
  /**
   * SSH public keys of every VM, put into the guests by cloud-init (public keys may stay in Git).
   * @default - none
   */
  readonly sshKeys?: SshKeys;
}

/**
 * The talk's first use case in a few lines: VMs and Ceph attach to the same storage network (VM disk
 * traffic skips the pod overlay), VMs also get a VLAN of their own, and their root disks are cloned from
 * one golden image imported ahead of time, with dedicated CPUs by default. Every VM gets stable MACs and
 * cloud-init network data for its three NICs, with one default route (the pod network's).
 */
export class HighPerformanceVmStack extends Chart {
  /** The storage network shared with Ceph. */
  public readonly storageNetwork: SharedCephNetwork;
  /** The VMs' own network. */
  public readonly vmNetwork: BridgeNetwork;
  /** The golden image. */
  public readonly image: GoldenImage;
  /** The VMs. */
  public readonly vms: KubeVirtVm[];

  constructor(scope: Construct, id: string, props: HighPerformanceVmStackProps) {
    super(scope, id, { namespace: props.namespace });
    check(props.vms.length > 0, this, 'vms', props.vms, 'must list at least one VM');
    if (props.uplink !== undefined) {
      new NodeBridgePolicy(this, 'NodeBridge', { bridge: props.bridge, uplink: props.uplink });
    }
    this.storageNetwork = props.storage._resolve(this);
    this.vmNetwork = new BridgeNetwork(this, 'VmNetwork', {
      name: 'vm-network',
      namespace: props.namespace,
      bridge: props.bridge,
      vlan: props.vmVlan,
      macSpoofCheck: true,
      ipam: Ipam.whereabouts({
        range: props.vmRange,
        routes: props.vmGateway ? [{ destination: '0.0.0.0/0', gateway: props.vmGateway }] : undefined,
      }),
    });
    this.image = new GoldenImage(this, 'Image', {
      name: props.image.name,
      namespace: props.namespace,
      source: props.image.source,
      size: props.image.size,
      storageClass: props.storageClass,
    });
    const profile = props.profile ?? PerformanceProfile.dedicatedCpu();
    this.vms = props.vms.map((spec) => new KubeVirtVm(this, spec.name, {
      name: spec.name,
      namespace: props.namespace,
      cpu: spec.cpu ?? 2,
      memory: spec.memory ?? '4Gi',
      performance: profile,
      networks: [
        // One default route per guest: the pod network's; the VM network's gateway route is left to others.
        { network: this.vmNetwork, name: 'vm', defaultRoute: props.vmGateway !== undefined ? false : undefined },
        { network: this.storageNetwork, name: 'storage' },
      ],
      rootDisk: VmDisk.fromGoldenImage(this.image, { size: spec.diskSize, preallocation: props.preallocateDisks || undefined }),
      sshKeys: props.sshKeys,
    }));
  }
}
