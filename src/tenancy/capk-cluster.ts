import { createHash } from 'crypto';
import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { checkDisjointClusterNetworks, ClusterNetwork, parseCapiVersion, parseClusterCidr } from './cluster-rules';
import type { TenantPlan } from './tenant-plan';
import { VmDisk } from '../compute/disks';
import { VmInstancetype, VmPreference } from '../compute/instancetype';
import { KubeVirtVm } from '../compute/kubevirt-vm';
import { PodNetwork, VmDns, VmMultusNetwork } from '../compute/networking';
import { EvictionStrategy, InterfaceBinding, VmServiceType } from '../compute/options';
import { PerformanceKnobs, PerformanceProfile } from '../compute/performance';
import { check, checkEnum, fail, problem } from '../core/errors';
import { parseAddress } from '../core/ip';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain } from '../core/names';
import { metadata, resolveNamespace, setSyncWave, SyncWaves } from '../core/objects';
import { TENANT_PLAN_ID } from '../core/vm-rules';
import { KubeadmConfigTemplate } from '../imports/bootstrap.cluster.x-k8s.io';
import { Cluster, MachineDeployment } from '../imports/cluster.x-k8s.io';
import { KubeadmControlPlane } from '../imports/controlplane.cluster.x-k8s.io';
import { KubevirtCluster, KubevirtMachineTemplate } from '../imports/infrastructure.cluster.x-k8s.io';
import { NetworkPlan } from '../network/plan';

/** The API server port CAPK's control-plane Service forwards (cluster-api-provider-kubevirt v0.1.10 pkg/loadbalancer). */
const API_SERVER_PORT = 6443;
/** The volume CAPK adds to every node VM for its bootstrap data (pkg/kubevirt/utils.go buildVirtualMachineInstanceTemplate). */
const CAPK_CLOUD_INIT_VOLUME = 'cloudinitvolume';
const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';
const DEPLOYMENT_NAME_LABEL = 'cluster.x-k8s.io/deployment-name';
const AUTOSCALER_MIN = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size';
const AUTOSCALER_MAX = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size';
const INT32_MAX = 2 ** 31 - 1;

/**
 * How CAPK decides that a node VM finished bootstrapping (`virtualMachineBootstrapCheck.checkStrategy`).
 */
export enum CapkBootstrapCheck {
  /** CAPK logs in over SSH (as its own `capk` user) and looks for Cluster API's sentinel file. */
  SSH = 'ssh',
  /** CAPK takes a running VM as bootstrapped; Cluster API still waits for the Node to join. */
  NONE = 'none',
}

/**
 * The VM of a Cluster API machine on KubeVirt: the same building blocks as `KubeVirtVm` (CPU, memory,
 * performance knobs, networks, disks), with the checks of `KubeVirtVm`. CAPK names each VM after its Machine,
 * puts it in the cluster's namespace and writes its cloud-init (the kubeadm bootstrap data), so name,
 * namespace, host name, cloud-init and SSH keys are not settings here.
 */
export interface CapkMachineProps extends PerformanceKnobs {
  /**
   * Virtual CPUs, written as cores of one socket (with `sockets` or `threads`: cores per socket).
   * @default 1, unless an instancetype gives the CPUs
   */
  readonly cpu?: number;
  /**
   * CPU sockets.
   * @default 1
   */
  readonly sockets?: number;
  /**
   * Threads per core.
   * @default 1
   */
  readonly threads?: number;
  /**
   * Guest memory, e.g. `8Gi`; required unless an instancetype gives the memory.
   * @default - from the instancetype
   */
  readonly memory?: string;
  /**
   * Memory limit of the VM's pod.
   * @default - no limit
   */
  readonly memoryLimit?: string;
  /**
   * CPU request of the VM's pod.
   * @default - KubeVirt's default
   */
  readonly cpuRequest?: string;
  /**
   * CPU limit of the VM's pod.
   * @default - no limit
   */
  readonly cpuLimit?: string;
  /**
   * Take CPU and memory from this instancetype.
   * @default - CPU and memory are set on the machine
   */
  readonly instancetype?: VmInstancetype;
  /**
   * Take defaults from this preference.
   * @default - none
   */
  readonly preference?: VmPreference;
  /**
   * A set of performance knobs; knobs set on the machine itself win over it.
   * @default PerformanceProfile.balanced()
   */
  readonly performance?: PerformanceProfile;
  /**
   * Run only on nodes of the hosting cluster with these labels.
   * @default - any node
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Tolerations of the VM's pod.
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Affinity of the VM's pod.
   * @default - none
   */
  readonly affinity?: k8s.Affinity;
  /**
   * Service account of the VM's pod; CDI checks the clone permissions of the root disk against it.
   * @default - `default` of the cluster's namespace
   */
  readonly serviceAccountName?: string;
  /**
   * What a drain of a hosting node does to the VM.
   * @default EvictionStrategy.EXTERNAL - CAPK replaces the machine (as CAPK's own templates do)
   */
  readonly evictionStrategy?: EvictionStrategy;
  /**
   * How long the guest may take to shut down.
   * @default - KubeVirt's default (180 seconds)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * How the VM attaches to the hosting cluster's pod network.
   * @default - PodNetwork.masquerade(), or none when a Multus network is the default network
   */
  readonly podNetwork?: PodNetwork;
  /**
   * Multus networks: a tenant network as the default network isolates the nodes from the pod network;
   * shared networks such as the Ceph storage network are added beside it.
   * @default - none
   */
  readonly networks?: VmMultusNetwork[];
  /**
   * DNS settings of the node VMs; required on a Multus default network.
   * @default - the hosting cluster's DNS
   */
  readonly dns?: VmDns;
  /**
   * The root disk: a clone of a `GoldenImage` (`VmDisk.fromGoldenImage`), a clone of another source, a blank
   * disk or a container image. CAPK turns `dataVolumeTemplates` into one DataVolume per machine; a disk that
   * already exists would be shared by every machine and is refused.
   */
  readonly rootDisk: VmDisk;
  /**
   * Further disks (blank or cloned DataVolumes, one per machine).
   * @default - none
   */
  readonly disks?: VmDisk[];
  /**
   * Labels of the node VMs and their pods.
   * @default - only the labels CAPK adds
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the node VMs.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * The control plane: a KubeadmControlPlane with stacked etcd.
 */
export interface CapkControlPlaneProps {
  /**
   * Number of control-plane machines: odd, because etcd runs on them.
   * @default 1
   */
  readonly replicas?: number;
  /** The VM of each control-plane machine. */
  readonly machine: CapkMachineProps;
}

/**
 * A pool of worker machines: a MachineDeployment with its KubeadmConfigTemplate and KubevirtMachineTemplate.
 */
export interface CapkWorkerPoolProps {
  /** Name of the pool; the MachineDeployment is `<cluster>-<pool>`. */
  readonly name: string;
  /**
   * A fixed number of machines.
   * @default 1, unless minReplicas and maxReplicas hand the pool to the cluster autoscaler
   */
  readonly replicas?: number;
  /**
   * Lower bound for the cluster autoscaler (at least 1); with `maxReplicas`, `replicas` is left to the autoscaler.
   * @default - the pool is not autoscaled
   */
  readonly minReplicas?: number;
  /**
   * Upper bound for the cluster autoscaler.
   * @default - the pool is not autoscaled
   */
  readonly maxReplicas?: number;
  /** The VM of each machine. */
  readonly machine: CapkMachineProps;
}

/**
 * Where the workload cluster's API server is reached.
 */
export interface CapkEndpoint {
  /** Address or DNS name. */
  readonly host: string;
  /**
   * Port.
   * @default 6443
   */
  readonly port?: number;
}

/**
 * A Cluster API cluster whose machines are KubeVirt VMs.
 */
export interface CapkClusterProps {
  /** Name of the Cluster (a DNS-1035 label of at most 60 characters: CAPK names its Service `<name>-lb`). */
  readonly name: string;
  /**
   * Namespace of the cluster's objects and of its node VMs (CAPK creates the VMs next to their machines).
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;
  /** Kubernetes version of the machines, e.g. `1.33.4` (the root disk image must carry it). */
  readonly kubernetesVersion: string;
  /** The control plane. */
  readonly controlPlane: CapkControlPlaneProps;
  /**
   * Worker pools.
   * @default - none
   */
  readonly workerPools?: CapkWorkerPoolProps[];
  /**
   * Pod network of the workload cluster (`clusterNetwork.pods`).
   * @default - the CNI's default
   */
  readonly podsCidr?: string;
  /**
   * Service network of the workload cluster (`clusterNetwork.services`).
   * @default - kubeadm's default, 10.96.0.0/12
   */
  readonly servicesCidr?: string;
  /**
   * The API server endpoint the machines and the management cluster use. Required when machines have no pod
   * network: then an address on their node network that the management cluster can reach (a kube-vip VIP or
   * a load balancer in front of the control-plane VMs, kept out of the network's IPAM pool).
   * @default - CAPK's control-plane Service `<name>-lb` in the cluster's namespace
   */
  readonly controlPlaneEndpoint?: CapkEndpoint;
  /**
   * Type of CAPK's control-plane Service.
   * @default VmServiceType.CLUSTER_IP - reachable inside the hosting cluster only
   */
  readonly controlPlaneServiceType?: VmServiceType;
  /**
   * How CAPK confirms that a machine bootstrapped.
   * @default - SSH when every machine is on the pod network; NONE when a machine is isolated, because CAPK
   * connects to the VM's first interface, which is then on the tenant network
   */
  readonly bootstrapCheck?: CapkBootstrapCheck;
}

/** One machine template, rendered. */
interface RenderedMachine {
  readonly vm: KubeVirtVm;
  readonly template: ApiObject;
  readonly templateName: string;
}

/**
 * A Kubernetes cluster on KubeVirt through Cluster API Provider KubeVirt (CAPK v0.1.10, Cluster API v1.10):
 * `Cluster`, `KubevirtCluster`, a `KubeadmControlPlane` with its `KubevirtMachineTemplate`, and per worker pool a
 * `MachineDeployment`, `KubeadmConfigTemplate` and `KubevirtMachineTemplate`. These objects go to the management
 * cluster where CAPI and CAPK run, in CAPK's in-cluster mode the KubeVirt cluster itself: the node VMs are created
 * in the cluster's namespace there.
 *
 * Node VMs are built and checked like `KubeVirtVm` (they join the app-wide network plan and tenancy rules:
 * in an `IsolatedTenant`'s namespace they may use only its networks and the shared networks granted to it), and
 * root disks cloned from a `GoldenImage` come with the clone RBAC CDI checks. Machine templates are immutable in
 * CAPK, so their names end in a hash of their content: a change writes a new template and rolls the machines.
 *
 * Machines on a Multus default network (full isolation) have no pod network, which CAPK's own control-plane
 * Service routes over: such a cluster needs `controlPlaneEndpoint`.
 */
export class CapkCluster extends Construct {
  /** Name of the Cluster. */
  public readonly name: string;
  /** Namespace of the cluster's objects and node VMs. */
  public readonly namespace: string;
  /** The Cluster (cluster.x-k8s.io/v1beta1). */
  public readonly cluster: ApiObject;
  /** The KubevirtCluster. */
  public readonly kubevirtCluster: ApiObject;
  /** The KubeadmControlPlane. */
  public readonly controlPlane: ApiObject;
  /** The MachineDeployments, one per worker pool, in the order given. */
  public readonly machineDeployments: ApiObject[] = [];
  /** The Kubernetes version, as Cluster API stores it (`v1.33.4`). */
  public readonly kubernetesVersion: string;

  private readonly props: CapkClusterProps;
  private readonly bootstrapCheck: CapkBootstrapCheck;

  constructor(scope: Construct, id: string, props: CapkClusterProps) {
    super(scope, id);
    this.props = props;
    this.namespace = resolveNamespace(this, props.namespace);
    this.name = this.checkName(props.name);
    this.kubernetesVersion = parseCapiVersion(this, 'kubernetesVersion', props.kubernetesVersion).text;
    check(props.controlPlane !== undefined && props.controlPlane !== null, this, 'controlPlane', props.controlPlane, 'is required: a Cluster API cluster needs a control plane');
    const pools = props.workerPools ?? [];
    check(Array.isArray(pools), this, 'workerPools', pools, 'must be a list of worker pools');
    if (props.controlPlaneServiceType !== undefined) {
      checkEnum(this, 'controlPlaneServiceType', props.controlPlaneServiceType, VmServiceType as Record<string, VmServiceType>, 'VmServiceType');
    }
    if (props.bootstrapCheck !== undefined) {
      checkEnum(this, 'bootstrapCheck', props.bootstrapCheck, CapkBootstrapCheck as Record<string, CapkBootstrapCheck>, 'CapkBootstrapCheck');
    }
    const endpoint = this.checkEndpoint(props.controlPlaneEndpoint);

    // Machines first: whether any is isolated decides the bootstrap check and whether an endpoint is needed.
    const cpReplicas = props.controlPlane.replicas ?? 1;
    // KCP webhook validateKubeadmControlPlaneSpec: replicas > 0, and odd with stacked etcd.
    check(Number.isInteger(cpReplicas) && cpReplicas >= 1 && cpReplicas <= INT32_MAX && cpReplicas % 2 === 1, this, 'controlPlane.replicas', cpReplicas,
      'must be an odd whole number of at least 1: the control-plane machines run stacked etcd, which needs a majority');
    const cpVm = this.buildVm('controlPlane.machine', 'control-plane', props.controlPlane.machine);
    const poolVms = pools.map((p, i) => {
      this.checkPool(p, i, pools);
      return this.buildVm(`workerPools[${i}].machine`, p.name, p.machine);
    });
    const vms = [cpVm, ...poolVms];
    const isolated = vms.find(({ vm }) => !vm.hasPodNetwork);
    if (isolated && !endpoint) {
      const net = isolated.vm.defaultNetwork;
      fail(this, 'controlPlaneEndpoint', undefined,
        `is required: the machines of ${isolated.field} have no pod network (their default network is ${net ? net.reference : 'none'}), and CAPK's control-plane Service ${this.name}-lb reaches the API servers over the pod network only; give an address on the node network that the management cluster can reach (a kube-vip VIP or a load balancer in front of the control-plane VMs)`);
    }
    this.bootstrapCheck = props.bootstrapCheck ?? (isolated ? CapkBootstrapCheck.NONE : CapkBootstrapCheck.SSH);
    vms.forEach((v, i) => this.checkPorts(v.vm, v.field, v.machine, i === 0));
    // App-wide: a tenant's NetworkPolicy may come after this cluster in the code.
    const onPodNetwork = vms.find(({ vm }) => vm.hasPodNetwork);
    if (onPodNetwork && (!endpoint || this.bootstrapCheck === CapkBootstrapCheck.SSH)) {
      this.node.addValidation({ validate: () => this.tenantPolicyProblems(onPodNetwork.field) });
    }
    this.checkNetworks(vms.map((v) => v.vm));

    // The objects.
    const cp = this.writeMachineTemplate('ControlPlaneTemplate', 'control-plane', cpVm.field, cpVm.vm, cpVm.machine);
    this.kubevirtCluster = this.write(KubevirtCluster.GVK, 'KubevirtCluster', this.name, {
      controlPlaneServiceTemplate: { spec: { type: props.controlPlaneServiceType ?? VmServiceType.CLUSTER_IP } },
      ...(endpoint ? { controlPlaneEndpoint: endpoint } : {}),
    });
    const kcpName = `${this.name}-control-plane`;
    this.controlPlane = this.write(KubeadmControlPlane.GVK, 'KubeadmControlPlane', kcpName, {
      replicas: cpReplicas,
      version: this.kubernetesVersion,
      machineTemplate: { infrastructureRef: this.ref(KubevirtMachineTemplate.GVK, cp.templateName) },
      // Networking, the endpoint and the cluster name come from the Cluster (CAPI's KubeadmConfig controller).
      kubeadmConfigSpec: { initConfiguration: { nodeRegistration: {} }, joinConfiguration: { nodeRegistration: {} } },
    });
    const clusterNetwork: Record<string, any> = {};
    if (props.podsCidr !== undefined) clusterNetwork.pods = { cidrBlocks: [props.podsCidr] };
    if (props.servicesCidr !== undefined) clusterNetwork.services = { cidrBlocks: [props.servicesCidr] };
    this.cluster = this.write(Cluster.GVK, 'Cluster', this.name, {
      ...(Object.keys(clusterNetwork).length > 0 ? { clusterNetwork } : {}),
      infrastructureRef: this.ref(KubevirtCluster.GVK, this.name),
      controlPlaneRef: this.ref(KubeadmControlPlane.GVK, kcpName),
    });
    pools.forEach((p, i) => this.writePool(p, poolVms[i].field, poolVms[i].vm, poolVms[i].machine));
  }

  /** The reference Cluster API objects use for another object of this cluster. */
  private ref(gvk: { apiVersion: string; kind: string }, name: string): Record<string, string> {
    return { apiVersion: gvk.apiVersion, kind: gvk.kind, name, namespace: this.namespace };
  }

  private write(
    gvk: { apiVersion: string; kind: string }, id: string, name: string, spec: Record<string, any>, annotations?: Record<string, string>,
  ): ApiObject {
    const obj = new ApiObject(this, id, {
      apiVersion: gvk.apiVersion,
      kind: gvk.kind,
      metadata: metadata({ name, namespace: this.namespace, annotations }),
      spec,
    });
    setSyncWave(obj, SyncWaves.WORKLOAD);
    return obj;
  }

  /**
   * Cluster API refuses names that are not label values (cluster webhook), and CAPK names the control-plane
   * Service `<name>-lb`, a Service name (DNS-1035 label).
   */
  private checkName(name: string): string {
    check(isDns1035Label(name) && name.length <= 60, this, 'name', name,
      'must be a DNS-1035 label of at most 60 characters (lower-case letters, digits and \'-\', starting with a letter): CAPK names the control-plane Service "<name>-lb"');
    return name;
  }

  private checkEndpoint(endpoint: CapkEndpoint | undefined): { host: string; port: number } | undefined {
    if (endpoint === undefined) return undefined;
    const host = endpoint.host;
    check(typeof host === 'string' && (parseAddress(host) !== undefined || isDns1123Subdomain(host)), this, 'controlPlaneEndpoint.host', host,
      'must be an IP address or a DNS name');
    const port = endpoint.port ?? API_SERVER_PORT;
    check(Number.isInteger(port) && port >= 1 && port <= 65535, this, 'controlPlaneEndpoint.port', port, 'must be an integer from 1 to 65535');
    return { host, port };
  }

  private checkPool(p: CapkWorkerPoolProps, i: number, pools: CapkWorkerPoolProps[]): void {
    const f = `workerPools[${i}]`;
    // The MachineDeployment `<cluster>-<pool>` must be a label value (machinedeployment webhook).
    check(isDns1123Label(p.name) && `${this.name}-${p.name}`.length <= 63, this, `${f}.name`, p.name,
      `must be a DNS-1123 label that keeps "${this.name}-<pool>" within 63 characters: Cluster API uses the MachineDeployment's name as a label value`);
    check(p.name !== 'control-plane', this, `${f}.name`, p.name, `is the name of the control plane's objects (${this.name}-control-plane); pick another`);
    check(pools.findIndex((q) => q.name === p.name) === i, this, `${f}.name`, p.name, 'is used by another worker pool; pool names are unique');
    const autoscaled = p.minReplicas !== undefined || p.maxReplicas !== undefined;
    if (autoscaled) {
      check(p.replicas === undefined, this, `${f}.replicas`, p.replicas,
        'cannot be combined with minReplicas/maxReplicas: the cluster autoscaler owns the replicas of an autoscaled pool (a replicas field in Git would fight it)');
      check(p.minReplicas !== undefined && p.maxReplicas !== undefined, this, `${f}.${p.minReplicas === undefined ? 'minReplicas' : 'maxReplicas'}`, undefined,
        'is required with the other bound: the cluster autoscaler needs both annotations');
      // CAPK v0.1.10 reports no status.capacity on KubevirtMachineTemplate, which scaling from zero needs.
      check(Number.isInteger(p.minReplicas) && p.minReplicas! >= 1 && p.minReplicas! <= INT32_MAX, this, `${f}.minReplicas`, p.minReplicas,
        'must be a whole number of at least 1: the cluster autoscaler scales a Cluster API pool up from zero only when it knows the node capacity, which CAPK v0.1.10 does not report');
      check(Number.isInteger(p.maxReplicas) && p.maxReplicas! >= p.minReplicas! && p.maxReplicas! <= INT32_MAX, this, `${f}.maxReplicas`, p.maxReplicas,
        `must be a whole number of at least minReplicas (${p.minReplicas})`);
    } else if (p.replicas !== undefined) {
      check(Number.isInteger(p.replicas) && p.replicas >= 0 && p.replicas <= INT32_MAX, this, `${f}.replicas`, p.replicas, 'must be a whole number >= 0');
    }
  }

  /** Builds a node VM with KubeVirtVm's checks but without writing it, and checks what CAPK needs of it. */
  private buildVm(field: string, role: string, machine: CapkMachineProps): { vm: KubeVirtVm; field: string; machine: CapkMachineProps } {
    check(machine !== undefined && machine !== null && typeof machine === 'object', this, field, machine, 'is required: the VM of each machine');
    const asAny = machine as unknown as Record<string, unknown>;
    const notHere: Array<[string, string]> = [
      ['name', 'CAPK names each node VM after its Machine'],
      ['namespace', `node VMs live in the cluster's namespace ${JSON.stringify(this.namespace)}`],
      ['hostname', 'CAPK names each node VM after its Machine, and kubeadm needs distinct node names'],
      ['cloudInit', 'CAPK writes each node\'s cloud-init: the kubeadm bootstrap data and its own capk user; put first-boot settings into the KubeadmConfig'],
      ['sshKeys', 'CAPK writes each node\'s cloud-init, with its own SSH key for the capk user; add users through the KubeadmConfig'],
    ];
    for (const [key, why] of notHere) {
      check(asAny[key] === undefined, this, `${field}.${key}`, asAny[key], `is not a setting of a machine: ${why}`);
    }
    check(machine.rootDisk instanceof VmDisk, this, `${field}.rootDisk`, machine.rootDisk,
      'is required: a VmDisk the machines boot from, e.g. VmDisk.fromGoldenImage(image) with a Kubernetes node image');
    // One template gives every machine of a pool the same interfaces: a fixed MAC would be on all of them.
    (machine.networks ?? []).forEach((n, i) => check(n?.macAddress === undefined, this, `${field}.networks[${i}].macAddress`, n?.macAddress,
      'cannot be set on a machine: every VM made from the template would get it, and one MAC on several VMs breaks the segment'));
    const podMac = machine.podNetwork instanceof PodNetwork ? machine.podNetwork._options.macAddress : undefined;
    check(podMac === undefined, this, `${field}.podNetwork.macAddress`, podMac,
      'cannot be set on a machine: every VM made from the template would get it, and one MAC on several VMs breaks the segment');
    for (const [i, d] of (machine.disks ?? []).entries()) {
      check(d?.options?.name !== CAPK_CLOUD_INIT_VOLUME, this, `${field}.disks[${i}].name`, CAPK_CLOUD_INIT_VOLUME,
        'is the volume CAPK adds to every node VM for its bootstrap data; pick another name');
    }
    const { rootDisk, disks, evictionStrategy, ...vmProps } = machine;
    // A name the VM is never written under: it only names the VM's default DataVolumes, which CAPK prefixes
    // with each machine's name anyway; the prefix is taken off again in the template.
    const vmName = `capk-${shortHash(`${this.node.path}/${role}`)}`;
    const vm = KubeVirtVm._templateOnly(this, field, {
      ...vmProps,
      name: vmName,
      namespace: this.namespace,
      evictionStrategy: evictionStrategy ?? EvictionStrategy.EXTERNAL,
      rootDisk,
      disks,
    });
    return { vm, field, machine };
  }

  /**
   * An IsolatedTenant's NetworkPolicy admits pod-network traffic from its own namespace only, while CAPK connects
   * from its namespace (SSH bootstrap check) and Cluster API's controllers reach the API servers through the
   * `<name>-lb` Service, both over the pod network.
   */
  private tenantPolicyProblems(field: string): string[] {
    const plan = this.node.root.node.tryFindChild(TENANT_PLAN_ID) as TenantPlan | undefined;
    const tenant = plan?.tenantInNamespace(this.namespace);
    if (!tenant) return [];
    return [problem(`${field}.podNetwork`, this.namespace,
      `is the namespace of tenant ${JSON.stringify(tenant.tenantName)}, whose NetworkPolicy admits pod-network traffic from that namespace only: CAPK's SSH bootstrap check and Cluster API's controllers (reaching the API servers through the Service ${this.name}-lb) would be dropped; put the machines on the tenant's network (with controlPlaneEndpoint), or the cluster outside the tenant`)];
  }

  /** Ports CAPK uses on a pod network that forwards only listed ports (masquerade binding). */
  private checkPorts(vm: KubeVirtVm, field: string, machine: CapkMachineProps, controlPlane: boolean): void {
    const pod = machine.podNetwork;
    if (!vm.hasPodNetwork || !pod || pod.binding !== InterfaceBinding.MASQUERADE || !pod._options.ports) return;
    const forwarded = pod._options.ports.map((p) => `${p.port}/${p.protocol}`);
    if (controlPlane) {
      check(forwarded.includes(`${API_SERVER_PORT}/TCP`), this, `${field}.podNetwork.ports`, forwarded,
        `must forward ${API_SERVER_PORT}/TCP: CAPK's control-plane Service sends API server traffic to it`);
    }
    if (this.bootstrapCheck === CapkBootstrapCheck.SSH) {
      check(forwarded.includes('22/TCP'), this, `${field}.podNetwork.ports`, forwarded,
        'must forward 22/TCP with the SSH bootstrap check: CAPK logs in to every node VM to confirm its bootstrap');
    }
  }

  /**
   * The workload cluster's pod and service networks must not overlap each other or any network its node VMs
   * attach to (their ranges from the app-wide network plan): the nodes would route such addresses wrongly.
   */
  private checkNetworks(vms: KubeVirtVm[]): void {
    const p = this.props;
    const networks: ClusterNetwork[] = [];
    const seen = new Set<string>();
    const plan = NetworkPlan.of(this);
    const attached = new Map<IConstruct, string>();
    for (const vm of vms) {
      for (const net of vm.attachedNetworks) {
        if (seen.has(net.reference)) continue;
        seen.add(net.reference);
        if (Construct.isConstruct(net)) attached.set(net, net.reference);
      }
    }
    // A network registers itself or a child with the plan (a SharedCephNetwork registers its VM side).
    for (const r of plan.registrations) {
      const owner = [r.network, ...r.network.node.scopes].find((s) => attached.has(s));
      if (!owner) continue;
      for (const range of r.ranges) networks.push({ field: `network ${attached.get(owner)}`, role: 'node', block: range.block });
    }
    for (const [field, role, cidr] of [['podsCidr', 'pod', p.podsCidr], ['servicesCidr', 'service', p.servicesCidr]] as const) {
      if (cidr !== undefined) networks.push({ field, role, block: parseClusterCidr(this, field, cidr) });
    }
    checkDisjointClusterNetworks(this, networks);
  }

  /** Renders a machine template; its name ends in a hash of its spec (CAPK refuses changes to a template). */
  private writeMachineTemplate(id: string, role: string, field: string, vm: KubeVirtVm, machine: CapkMachineProps): RenderedMachine {
    const { spec, shared } = templateSpec(vm);
    if (shared) {
      const which = shared.volume === (machine.rootDisk.options.name ?? 'root') ? 'rootDisk' : 'disks';
      fail(this, `${field}.${which}`, shared.name,
        `is an existing ${shared.kind} that every machine would share; give machines disks of their own (VmDisk.blank, fromGoldenImage or fromClone), which CAPK creates per machine`);
    }
    // Labels and annotations were checked by the VM (KubeVirtVm puts them on the VM as well).
    const vmMetadata: Record<string, any> = { namespace: this.namespace };
    if (machine.labels && Object.keys(machine.labels).length > 0) vmMetadata.labels = { ...machine.labels };
    if (machine.annotations && Object.keys(machine.annotations).length > 0) vmMetadata.annotations = { ...machine.annotations };
    const templateSpecJson = {
      template: {
        spec: {
          virtualMachineBootstrapCheck: { checkStrategy: this.bootstrapCheck },
          virtualMachineTemplate: { metadata: vmMetadata, spec },
        },
      },
    };
    const templateName = `${this.name}-${role}-${shortHash(stableJson(templateSpecJson))}`;
    const template = this.write(KubevirtMachineTemplate.GVK, id, templateName, templateSpecJson);
    return { vm, template, templateName };
  }

  private writePool(p: CapkWorkerPoolProps, field: string, vm: KubeVirtVm, machine: CapkMachineProps): void {
    const infra = this.writeMachineTemplate(`Pool-${p.name}-Template`, p.name, field, vm, machine);
    const bootstrapSpec = { template: { spec: { joinConfiguration: { nodeRegistration: {} } } } };
    const bootstrapName = `${this.name}-${p.name}-${shortHash(stableJson(bootstrapSpec))}`;
    this.write(KubeadmConfigTemplate.GVK, `Pool-${p.name}-Bootstrap`, bootstrapName, bootstrapSpec);
    const mdName = `${this.name}-${p.name}`;
    const labels = { [CLUSTER_NAME_LABEL]: this.name, [DEPLOYMENT_NAME_LABEL]: mdName };
    const autoscaled = p.minReplicas !== undefined;
    const md = this.write(MachineDeployment.GVK, `Pool-${p.name}`, mdName, {
      clusterName: this.name,
      ...(autoscaled ? {} : { replicas: p.replicas ?? 1 }),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          clusterName: this.name,
          version: this.kubernetesVersion,
          bootstrap: { configRef: this.ref(KubeadmConfigTemplate.GVK, bootstrapName) },
          infrastructureRef: this.ref(KubevirtMachineTemplate.GVK, infra.templateName),
        },
      },
    }, autoscaled ? { [AUTOSCALER_MIN]: String(p.minReplicas), [AUTOSCALER_MAX]: String(p.maxReplicas) } : undefined);
    this.machineDeployments.push(md);
  }
}

/**
 * The VirtualMachine spec of a node VM as CAPK wants it in a template: no label naming one VM (CAPK labels each
 * VM itself), DataVolume templates named after their disk (CAPK prefixes each with the machine's name), and no
 * volume that every machine of a pool would share.
 */
function templateSpec(vm: KubeVirtVm): { spec: Record<string, any>; shared?: { volume: string; name: string; kind: string } } {
  const spec = JSON.parse(JSON.stringify(vm._renderSpec())) as Record<string, any>;
  const labels = spec.template?.metadata?.labels as Record<string, string> | undefined;
  if (labels) {
    delete labels['vm.kubevirt.io/name'];
    if (Object.keys(labels).length === 0) delete spec.template.metadata.labels;
    if (Object.keys(spec.template.metadata).length === 0) delete spec.template.metadata;
  }
  const owned = new Map<string, string>();
  for (const t of spec.dataVolumeTemplates ?? []) {
    const prefix = `${vm.name}-`;
    const name = t.metadata.name as string;
    const short = name.startsWith(prefix) ? name.slice(prefix.length) : name;
    owned.set(name, short);
    t.metadata.name = short;
  }
  for (const v of spec.template?.spec?.volumes ?? []) {
    if (v.dataVolume) {
      const short = owned.get(v.dataVolume.name);
      if (short === undefined) return { spec, shared: { volume: v.name, name: v.dataVolume.name, kind: 'DataVolume' } };
      v.dataVolume.name = short;
    } else if (v.persistentVolumeClaim) {
      return { spec, shared: { volume: v.name, name: v.persistentVolumeClaim.claimName, kind: 'PersistentVolumeClaim' } };
    }
  }
  return { spec };
}

/** JSON with object keys sorted, so that equal content hashes equally. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
