import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { StackImage } from './high-performance-vms';
import { VmDisk } from '../compute/disks';
import { VmDns, VmMultusNetwork } from '../compute/networking';
import { check } from '../core/errors';
import { contains, parseAddress, parseCidr } from '../core/ip';
import { INetworkAttachment } from '../network/attachment';
import { Ipam } from '../network/ipam';
import { GoldenImage } from '../storage/golden-image';
import { CapkCluster, CapkMachineProps, CapkWorkerPoolProps } from '../tenancy/capk-cluster';
import { IsolatedTenant } from '../tenancy/isolated-tenant';
import { KubeVirtShoot, ShootWorkerProps } from '../tenancy/kubevirt-shoot';

/** The name of each cluster's own network, in both forms (the talk's InfrastructureConfig calls it `network1`). */
const TENANT_NETWORK = 'network1';

/**
 * Who runs the clusters of a `KubernetesClustersStack`.
 */
export enum ClusterProviderKind {
  /** Gardener with the KubeVirt provider extension (archived in 2022): Shoots for the garden cluster. */
  GARDENER = 'gardener',
  /** Cluster API Provider KubeVirt: Cluster API objects for the management cluster where CAPK runs. */
  CAPK = 'capk',
}

/**
 * What the Gardener form needs beyond the cluster descriptions.
 */
export interface GardenerClusterOptions {
  /** The garden project namespace, e.g. `garden-dev`. */
  readonly projectNamespace: string;
  /** Region of the KubeVirt CloudProfile. */
  readonly region: string;
  /** The KubeVirt CloudProfile. */
  readonly cloudProfileName: string;
  /** CredentialsBinding with the hosting cluster's kubeconfig. */
  readonly credentialsBindingName: string;
  /** Machine image of the CloudProfile, e.g. `ubuntu`. */
  readonly machineImageName: string;
  /** Machine image version of the CloudProfile. */
  readonly machineImageVersion: string;
  /** CloudProfile volume type of the nodes' disks. */
  readonly volumeType: string;
  /** Zones of the hosting cluster the nodes run in. */
  readonly zones: string[];
}

/**
 * What the CAPK form needs beyond the cluster descriptions.
 */
export interface CapkClusterOptions {
  /**
   * The node image, imported once and cloned for every node's root disk: a Kubernetes node image of the stack's
   * Kubernetes version (kubeadm, kubelet and a container runtime), as Cluster API's image-builder makes them.
   */
  readonly image: StackImage;
  /** Namespace of the node image. */
  readonly imageNamespace: string;
  /** Storage class of the node image and of the nodes' disks. */
  readonly storageClass: string;
  /**
   * Number of control-plane machines per cluster (odd).
   * @default 1
   */
  readonly controlPlaneReplicas?: number;
  /**
   * Virtual CPUs of a control-plane machine.
   * @default 2
   */
  readonly controlPlaneCpu?: number;
  /**
   * Memory of a control-plane machine.
   * @default '4Gi'
   */
  readonly controlPlaneMemory?: string;
  /**
   * Root disk size of a control-plane machine.
   * @default '30Gi'
   */
  readonly controlPlaneDiskSize?: string;
}

/**
 * Gardener or CAPK, with what each needs. A class with factories rather than a union, so that it reads the same
 * from every language.
 */
export class ClusterProvider {
  /** Gardener shoots (the talk's form; the KubeVirt provider is archived, see `KubeVirtShoot`). */
  public static gardener(options: GardenerClusterOptions): ClusterProvider {
    return new ClusterProvider(ClusterProviderKind.GARDENER, options, undefined);
  }

  /** Cluster API clusters through CAPK, each in its own isolated tenant. */
  public static capk(options: CapkClusterOptions): ClusterProvider {
    return new ClusterProvider(ClusterProviderKind.CAPK, undefined, options);
  }

  /** Which provider. */
  public readonly kind: ClusterProviderKind;
  /** @internal */
  public readonly _gardener?: GardenerClusterOptions;
  /** @internal */
  public readonly _capk?: CapkClusterOptions;

  private constructor(kind: ClusterProviderKind, gardener: GardenerClusterOptions | undefined, capk: CapkClusterOptions | undefined) {
    this.kind = kind;
    this._gardener = gardener;
    this._capk = capk;
  }
}

/**
 * A data disk of every node of a pool.
 */
export interface StackClusterDisk {
  /** Name of the disk (at most 15 characters: Gardener's limit). */
  readonly name: string;
  /** Size in whole gibibytes, e.g. `100Gi`. */
  readonly size: string;
}

/**
 * A pool of worker nodes, described once for both forms.
 */
export interface StackClusterPool {
  /** Name of the pool (at most 15 characters: Gardener's limit). */
  readonly name: string;
  /** Fewest nodes (at least 1 when `maximum` is above 0). */
  readonly minimum: number;
  /** Most nodes; with CAPK the pool is autoscaled when it is above `minimum`. */
  readonly maximum: number;
  /** Root disk size in whole gibibytes, e.g. `30Gi`. */
  readonly volumeSize: string;
  /**
   * CloudProfile machine type of the nodes. Required with Gardener; CAPK ignores it (it uses `cpu` and `memory`).
   * @default - none
   */
  readonly machineType?: string;
  /**
   * Virtual CPUs of a node VM. Required with CAPK; Gardener ignores it (the machine type decides).
   * @default - none
   */
  readonly cpu?: number;
  /**
   * Memory of a node VM, e.g. `16Gi`. Required with CAPK; Gardener ignores it (the machine type decides).
   * @default - none
   */
  readonly memory?: string;
  /**
   * Data disks of every node.
   * @default - none
   */
  readonly dataVolumes?: StackClusterDisk[];
}

/**
 * One cluster of the stack: its own network and its worker pools.
 */
export interface StackCluster {
  /** Name of the cluster (the Shoot, or the Cluster and its namespace). */
  readonly name: string;
  /** Access VLAN of the cluster's own network on the bridge (unique on it). */
  readonly vlan: number;
  /** Range of the cluster's node network (unique in the app). */
  readonly range: string;
  /** Router of the node network: the nodes' default route. */
  readonly gateway: string;
  /** DNS servers the nodes reach on their network (the hosting cluster's DNS is out of their reach). */
  readonly dnsServers: string[];
  /**
   * Address the API server is reached at on the node network. Required with CAPK: the nodes are isolated, so
   * CAPK's control-plane Service cannot front them; something on the network must serve this address (a
   * kube-vip VIP on the control-plane VMs, or a load balancer). Inside `range` it is kept out of the pool.
   * Gardener ignores it: the control plane runs in the seed.
   * @default - none
   */
  readonly apiServerAddress?: string;
  /** The worker pools. */
  readonly pools: StackClusterPool[];
}

/**
 * Kubernetes clusters on KubeVirt.
 */
export interface KubernetesClustersStackProps extends ChartProps {
  /** Gardener or CAPK, with what it needs. */
  readonly provider: ClusterProvider;
  /** Linux bridge of the hosting cluster's nodes that carries the clusters' VLANs. */
  readonly bridge: string;
  /** Kubernetes version of the clusters, e.g. `1.33.4`. */
  readonly kubernetesVersion: string;
  /**
   * Networks of the hosting cluster every cluster's nodes attach to (e.g. the Ceph storage network).
   * @default - none
   */
  readonly sharedNetworks?: INetworkAttachment[];
  /** The clusters. */
  readonly clusters: StackCluster[];
}

/**
 * The talk's third use case, "multiple clusters access shared networks and create their own isolated tenant
 * networks", from one description in either form: Gardener Shoots (for the garden cluster) or Cluster API
 * clusters through CAPK (for the management cluster where CAPK runs, here the KubeVirt cluster itself). Each
 * cluster's nodes use the cluster's own network as their default network, reach the shared networks, get the
 * cluster's DNS servers, and are nobody else's: in the CAPK form each cluster is an `IsolatedTenant` whose
 * namespace holds the cluster, and the node image is imported once and cloned per node.
 */
export class KubernetesClustersStack extends Chart {
  /** The Gardener shoots (empty in the CAPK form). */
  public readonly shoots: KubeVirtShoot[] = [];
  /** The CAPK clusters (empty in the Gardener form). */
  public readonly capkClusters: CapkCluster[] = [];
  /** The tenant of each CAPK cluster (empty in the Gardener form). */
  public readonly tenants: IsolatedTenant[] = [];
  /** The node image of the CAPK form. */
  public readonly nodeImage?: GoldenImage;

  constructor(scope: Construct, id: string, props: KubernetesClustersStackProps) {
    super(scope, id, props);
    check(props.provider instanceof ClusterProvider, this, 'provider', props.provider, 'must be a ClusterProvider (ClusterProvider.gardener() or ClusterProvider.capk())');
    check(Array.isArray(props.clusters) && props.clusters.length > 0, this, 'clusters', props.clusters, 'must list at least one cluster');
    props.clusters.forEach((c, i) => check(Array.isArray(c.pools) && c.pools.length > 0, this, `clusters[${i}].pools`, c.pools,
      'must list at least one worker pool: a Gardener shoot on KubeVirt cannot be workerless, and both forms take the same description'));
    const gardener = props.provider._gardener;
    const capk = props.provider._capk;
    if (gardener) {
      props.clusters.forEach((c, i) => this.shoots.push(this.shoot(props, gardener, c, `clusters[${i}]`)));
    } else {
      this.nodeImage = new GoldenImage(this, 'NodeImage', {
        name: capk!.image.name,
        namespace: capk!.imageNamespace,
        source: capk!.image.source,
        size: capk!.image.size,
        storageClass: capk!.storageClass,
      });
      props.clusters.forEach((c, i) => this.capkCluster(props, capk!, this.nodeImage!, c, `clusters[${i}]`));
    }
  }

  private shoot(props: KubernetesClustersStackProps, o: GardenerClusterOptions, c: StackCluster, field: string): KubeVirtShoot {
    const dns = VmDns.custom({ nameservers: c.dnsServers });
    c.pools.forEach((p, j) => check(p.machineType !== undefined, this, `${field}.pools[${j}].machineType`, p.machineType,
      'is required with ClusterProvider.gardener(): Gardener sizes nodes by CloudProfile machine type'));
    const workers: ShootWorkerProps[] = c.pools.map((p) => ({
      name: p.name,
      machineType: p.machineType!,
      machineImageName: o.machineImageName,
      machineImageVersion: o.machineImageVersion,
      minimum: p.minimum,
      maximum: p.maximum,
      zones: o.zones,
      volumeSize: p.volumeSize,
      volumeType: o.volumeType,
      dataVolumes: p.dataVolumes?.map((d) => ({ name: d.name, size: d.size })),
      dns,
    }));
    return new KubeVirtShoot(this, c.name, {
      name: c.name,
      namespace: o.projectNamespace,
      region: o.region,
      cloudProfileName: o.cloudProfileName,
      credentialsBindingName: o.credentialsBindingName,
      kubernetesVersion: props.kubernetesVersion,
      sharedNetworks: props.sharedNetworks,
      tenantNetworks: [{ name: TENANT_NETWORK, isDefault: true, network: { bridge: props.bridge, vlan: c.vlan, ipam: nodeIpam(c) } }],
      workers,
    });
  }

  private capkCluster(props: KubernetesClustersStackProps, o: CapkClusterOptions, image: GoldenImage, c: StackCluster, field: string): void {
    check(c.apiServerAddress !== undefined, this, `${field}.apiServerAddress`, c.apiServerAddress,
      'is required with ClusterProvider.capk(): the nodes are isolated on the cluster\'s own network, where CAPK\'s control-plane Service cannot reach them; give the address something on that network serves the API on (a kube-vip VIP or a load balancer)');
    const address = c.apiServerAddress!;
    const vip = parseAddress(address);
    const range = parseCidr(c.range).block;
    // The VIP is kept out of the node pool, or whereabouts would hand it to a node.
    const exclude = vip && range && contains(range, vip) ? [`${vip.text}/${vip.family === 4 ? 32 : 128}`] : undefined;
    const tenant = new IsolatedTenant(this, c.name, {
      name: c.name,
      defaultNetwork: { name: TENANT_NETWORK, bridge: props.bridge, vlan: c.vlan, ipam: nodeIpam(c, exclude) },
      sharedNetworks: props.sharedNetworks,
      dnsServers: c.dnsServers,
    });
    this.tenants.push(tenant);
    const networks: VmMultusNetwork[] = [
      { network: tenant.defaultNetwork, name: TENANT_NETWORK, isDefault: true },
      ...(props.sharedNetworks ?? []).map((n) => ({ network: n, name: n.name })),
    ];
    const dns = VmDns.custom({ nameservers: c.dnsServers });
    const machine = (cpu: number, memory: string, size: string, disks: StackClusterDisk[] | undefined): CapkMachineProps => ({
      cpu,
      memory,
      networks,
      dns,
      rootDisk: VmDisk.fromGoldenImage(image, { size }),
      disks: disks?.map((d) => VmDisk.blank(d.size, { name: d.name, storageClass: o.storageClass })),
    });
    const pools: CapkWorkerPoolProps[] = c.pools.map((p, j) => {
      const f = `${field}.pools[${j}]`;
      for (const key of ['cpu', 'memory'] as const) {
        check(p[key] !== undefined, this, `${f}.${key}`, p[key], 'is required with ClusterProvider.capk(): CAPK sizes each node VM by CPUs and memory');
      }
      const m = machine(p.cpu!, p.memory!, p.volumeSize, p.dataVolumes);
      // A pool with room to grow is handed to the cluster autoscaler; a fixed one keeps its size in Git.
      return p.maximum > p.minimum
        ? { name: p.name, minReplicas: p.minimum, maxReplicas: p.maximum, machine: m }
        : { name: p.name, replicas: p.minimum, machine: m };
    });
    this.capkClusters.push(new CapkCluster(this, `${c.name}-capk`, {
      name: c.name,
      namespace: tenant.namespace,
      kubernetesVersion: props.kubernetesVersion,
      controlPlane: {
        replicas: o.controlPlaneReplicas,
        machine: machine(o.controlPlaneCpu ?? 2, o.controlPlaneMemory ?? '4Gi', o.controlPlaneDiskSize ?? '30Gi', undefined),
      },
      workerPools: pools,
      controlPlaneEndpoint: { host: address },
    }));
  }
}

/** The node network's IPAM: the cluster's range, its router as default route, and what must stay out of the pool. */
function nodeIpam(c: StackCluster, exclude?: string[]): Ipam {
  return Ipam.whereabouts({ range: c.range, gateway: c.gateway, exclude, routes: [{ destination: '0.0.0.0/0', gateway: c.gateway }] });
}
