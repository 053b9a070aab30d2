import { ApiObject, Duration, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AddressRegistry } from './address-registry';
import { CloudInit, SshKeys } from './cloud-init';
import { BoundDisk, effectiveCacheAndIo, renderDisk } from './disk-binding';
import { VmDisk } from './disks';
import { GuestConfig } from './guest-config';
import { VmInstancetype, VmPreference } from './instancetype';
import { CPU_MEMORY_KNOBS, effectiveKnobs } from './knobs';
import { MacAddressSource } from './mac-address';
import { deriveMac, MacRegistry, segmentOf } from './mac-registry';
import { PodNetwork, VmDns, VmMultusNetwork, VmNetworkOptions, VmPort } from './networking';
import { multusNic, Nic, podNic, renderNic } from './nics';
import { DiskCache, DiskIo, EvictionStrategy, InterfaceBinding, IoThreadsPolicy, NicModel, RunStrategy, VmServiceType } from './options';
import { PerformanceKnobs, PerformanceProfile } from './performance';
import { registerComputePrerequisites, registerKubeMacPool } from './prerequisites';
import { templateToJson } from './template-json';
import { check, checkEnum, fail } from '../core/errors';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain, requireAnnotations, requireDns1123Label, requireLabels } from '../core/names';
import { metadata, resolveNamespace, setSyncWave, SyncWaves } from '../core/objects';
import { GIBIBYTE, MEBIBYTE, parseBytes, parseMillicores } from '../core/quantity';
import { appVmProblems } from '../core/vm-rules';
import {
  VirtualMachine,
  VirtualMachineSpecTemplate,
  VirtualMachineSpecTemplateSpecDomainCpu,
  VirtualMachineSpecTemplateSpecDomainResourcesLimits,
  VirtualMachineSpecTemplateSpecDomainResourcesRequests,
} from '../imports/kubevirt.io';
import { INetworkAttachment } from '../network/attachment';

/** The label KubeVirt puts on a VM's pods; Services select the VM by it. */
const VM_NAME_LABEL = 'vm.kubevirt.io/name';
const CLOUD_INIT_VOLUME = 'cloudinit';

/**
 * A KubeVirt virtual machine.
 */
export interface KubeVirtVmProps extends PerformanceKnobs {
  /**
   * Name of the VirtualMachine (a DNS-1123 label).
   * @default - a name generated from the construct path
   */
  readonly name?: string;
  /**
   * Namespace of the VirtualMachine; its disks, Secrets and Services land there too.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * Labels of the VirtualMachine, also put on its pods (so network policies and Services can select them).
   * @default - none besides `vm.kubevirt.io/name` on the pods
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the VirtualMachine.
   * @default - none besides the sync wave
   */
  readonly annotations?: { [key: string]: string };
  /**
   * When the VM runs.
   * @default RunStrategy.ALWAYS
   */
  readonly runStrategy?: RunStrategy;
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
   * Threads per core (at most 2 with dedicated CPUs).
   * @default 1
   */
  readonly threads?: number;
  /**
   * Guest memory, e.g. `4Gi` (at least 1M); required unless an instancetype gives the memory.
   * @default - from the instancetype
   */
  readonly memory?: string;
  /**
   * Memory limit of the VM's pod (at least `memory`; equal to it with dedicated CPUs).
   * @default - no limit
   */
  readonly memoryLimit?: string;
  /**
   * CPU request of the VM's pod, e.g. `500m` to overcommit (an integer equal to the vCPUs with dedicated CPUs).
   * @default - KubeVirt's default (the vCPUs divided by the cluster's CPU allocation ratio)
   */
  readonly cpuRequest?: string;
  /**
   * CPU limit of the VM's pod (at least `cpuRequest`).
   * @default - no limit
   */
  readonly cpuLimit?: string;
  /**
   * Take CPU and memory from this instancetype; CPU topology, CPU and memory resources and the CPU and
   * memory performance knobs must then come from it too.
   * @default - CPU and memory are set on the VM
   */
  readonly instancetype?: VmInstancetype;
  /**
   * Take defaults (devices, topology, ...) from this preference.
   * @default - none
   */
  readonly preference?: VmPreference;
  /**
   * Run only on nodes with these labels.
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
   * Service account of the VM's pod. CDI checks clone permissions of the VM's disks against it.
   * @default - `default` of the VM's namespace
   */
  readonly serviceAccountName?: string;
  /**
   * What a node drain does to the VM.
   * @default - the cluster's default eviction strategy
   */
  readonly evictionStrategy?: EvictionStrategy;
  /**
   * How long the guest may take to shut down.
   * @default - KubeVirt's default (180 seconds)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Host name of the guest (a DNS-1123 label).
   * @default - the VM's name
   */
  readonly hostname?: string;
  /**
   * Subdomain of the guest (a DNS-1123 subdomain); with a headless Service of that name the VM resolves as
   * `<hostname>.<subdomain>.<namespace>.svc`.
   * @default - none
   */
  readonly subdomain?: string;
  /**
   * How the VM attaches to the pod network.
   * @default - PodNetwork.masquerade(), or no pod network when a Multus network is the default network
   */
  readonly podNetwork?: PodNetwork;
  /**
   * Multus networks, in the order of the guest's NICs (after the pod network; the default network first).
   * @default - none
   */
  readonly networks?: VmMultusNetwork[];
  /**
   * DNS settings of the VM's pod, which KubeVirt hands to the guest. Required when a Multus network is the
   * default network (cluster DNS is unreachable without the pod network).
   * @default - cluster DNS
   */
  readonly dns?: VmDns;
  /**
   * Whether Multus runs with `namespaceIsolation`: then a VM may use only NetworkAttachmentDefinitions of
   * its own namespace, `default` and `multusGlobalNamespaces`, and others are refused here.
   * @default - the app context `KubeVirtVm.MULTUS_NAMESPACE_ISOLATION_CONTEXT`, else false
   */
  readonly multusNamespaceIsolation?: boolean;
  /**
   * Multus `globalNamespaces`: namespaces whose NetworkAttachmentDefinitions every VM may use under
   * namespace isolation.
   * @default - the app context `KubeVirtVm.MULTUS_GLOBAL_NAMESPACES_CONTEXT`, else none
   */
  readonly multusGlobalNamespaces?: string[];
  /**
   * The disk the VM boots from (boot order 1 unless it says otherwise).
   * @default - no root disk
   */
  readonly rootDisk?: VmDisk;
  /**
   * Further disks.
   * @default - none
   */
  readonly disks?: VmDisk[];
  /**
   * First-boot configuration: user data (from a Secret or a secret store; plain only if the app allows it) and
   * network data merged into the generated one.
   * @default - only the generated network data
   */
  readonly cloudInit?: CloudInit;
  /**
   * SSH public keys for the guest (KubeVirt access credentials). Public keys are not secret and may stay in Git.
   * @default - none
   */
  readonly sshKeys?: SshKeys;
  /**
   * Where the NICs' MAC addresses come from; a NIC's own `macAddress` wins.
   * @default MacAddressSource.derived() - stable MACs derived from namespace, VM and NIC name
   */
  readonly macAddresses?: MacAddressSource;
  /**
   * Configure every NIC on first boot with cloud-init network data (version 2) generated from the NICs: matched
   * by MAC, DHCP where KubeVirt hands out the address (pod network, Multus networks with IPAM), the pinned
   * `staticAddresses` where given, brought up without an address otherwise; the VM's `cloudInit` network data is
   * merged into it. Without it cloud-init's fallback configures only the first NIC. Not possible with KubeMacPool
   * (no MAC known), with ConfigDrive or with a network data Secret of your own.
   * @default true where possible
   */
  readonly configureGuestNetwork?: boolean;
  /**
   * Let the guest take more than one default route. Without it, a VM whose NICs hand the guest several default
   * routes (the pod network, Multus networks whose IPAM routes 0.0.0.0/0 or ::/0, pinned default routes) is refused;
   * keep one with `defaultRoute: false` on the others.
   * @default false
   */
  readonly allowMultipleDefaultRoutes?: boolean;
  /**
   * A set of performance knobs; knobs set on the VM itself win over it.
   * @default PerformanceProfile.balanced()
   */
  readonly performance?: PerformanceProfile;
}

/**
 * The Service in front of a VM.
 */
export interface VmServiceOptions {
  /**
   * Name of the Service (a DNS-1035 label).
   * @default - the VM's name
   */
  readonly name?: string;
  /**
   * Ports; the Service forwards each to the same port of the VM. With more than one port, each needs a name.
   * @default - [VmPort.ssh()]
   */
  readonly ports?: VmPort[];
  /**
   * Type of the Service.
   * @default VmServiceType.CLUSTER_IP
   */
  readonly type?: VmServiceType;
}

/**
 * A KubeVirt VirtualMachine (`kubevirt.io/v1`): CPU and memory or an instancetype, the pod network and
 * Multus networks (or a Multus default network for full isolation), disks owned by the VM, cloud-init and
 * performance profiles. Everything KubeVirt's admission webhooks would refuse is refused here first.
 *
 * @example
 * const vm = new KubeVirtVm(chart, 'my-vm', { name: 'my-vm', namespace: 'my-ns', memory: '2Gi' });
 * vm.addNetwork(myBridge, { name: 'other-net' }); // bridge binding on my-ns/my-bridge
 */
export class KubeVirtVm extends Construct {
  /** App context key: `true` when the cluster runs Multus with `namespaceIsolation`. */
  public static readonly MULTUS_NAMESPACE_ISOLATION_CONTEXT = 'cdk8s-kubevirt:multusNamespaceIsolation';
  /** App context key: Multus `globalNamespaces` (a list, or a comma-separated string). */
  public static readonly MULTUS_GLOBAL_NAMESPACES_CONTEXT = 'cdk8s-kubevirt:multusGlobalNamespaces';

  /**
   * A VM that another controller creates from a template (Cluster API Provider KubeVirt's
   * KubevirtMachineTemplate): built and checked like any KubeVirtVm, app-wide rules included, but no
   * VirtualMachine object is written; `_renderSpec()` gives the spec to embed.
   * @internal
   */
  public static _templateOnly(scope: Construct, id: string, props: KubeVirtVmProps): KubeVirtVm {
    // A template makes many VMs: none may carry a MAC chosen here, and the template's owner writes the cloud-init.
    const vm = new KubeVirtVm(scope, id, {
      ...props,
      macAddresses: props.macAddresses?.kind === 'kubemacpool' ? props.macAddresses : MacAddressSource._perVm(),
      configureGuestNetwork: false,
    });
    vm.node.tryRemoveChild(vm.apiObject.node.id);
    return vm;
  }

  /** Name of the VirtualMachine. */
  public readonly name: string;
  /** Namespace of the VirtualMachine. */
  public readonly namespace: string;
  /** The VirtualMachine (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  /** The performance knobs in effect (the profile's, overridden by the VM's own). */
  public readonly performanceKnobs: PerformanceKnobs;

  private readonly props: KubeVirtVmProps;
  private readonly dns?: { dnsPolicy: string; dnsConfig?: any };
  private readonly podNetworkExplicit: boolean;
  private pod?: Nic;
  private readonly multus: Nic[] = [];
  private defaultNic?: Nic;
  private readonly nicNames = new Set<string>();
  /** Boot order -> the field that claimed it. */
  private readonly bootOrders = new Map<number, string>();
  private readonly disks: Array<{ readonly bound: BoundDisk; readonly bootOrder?: number }> = [];
  private readonly diskNames = new Set<string>([CLOUD_INIT_VOLUME]);
  private readonly dataVolumeNames = new Set<string>();
  private extraDiskCount = 0;
  private readonly instancetype?: Record<string, string>;
  private readonly preference?: Record<string, string>;
  private readonly services: string[] = [];
  private readonly guest: GuestConfig;
  private isolation?: { readonly enabled: boolean; readonly globals: ReadonlySet<string> };

  constructor(scope: Construct, id: string, props: KubeVirtVmProps = {}) {
    super(scope, id);
    this.props = props;
    this.namespace = resolveNamespace(this, props.namespace);
    requireLabels(this, 'labels', props.labels);
    requireAnnotations(this, 'annotations', props.annotations);
    requireLabels(this, 'nodeSelector', props.nodeSelector);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: VirtualMachine.GVK.apiVersion,
      kind: VirtualMachine.GVK.kind,
      metadata: metadata({ name: props.name, namespace: this.namespace, labels: props.labels, annotations: props.annotations }),
      spec: Lazy.any({ produce: () => this._renderSpec() }),
    });
    this.name = requireDns1123Label(this, 'name', this.apiObject.name);
    setSyncWave(this.apiObject, SyncWaves.WORKLOAD);
    // App-wide rules other modules own (tenancy: a VM uses only its tenant's networks).
    this.node.addValidation({ validate: () => appVmProblems(this) });

    this.performanceKnobs = effectiveKnobs(props.performance, props);
    this.instancetype = props.instancetype?._render(this);
    this.preference = props.preference?._render(this);
    this.checkCompute();
    registerComputePrerequisites(this, this.performanceKnobs, props.instancetype !== undefined);
    this.checkPod();
    this.dns = props.dns?._render(this);
    // Cloud-init and SSH keys first: how the guest is configured decides what the NICs may ask for.
    this.guest = new GuestConfig({
      scope: this,
      vmName: this.name,
      namespace: this.namespace,
      labels: props.labels,
      cloudInit: props.cloudInit,
      sshKeys: props.sshKeys,
      macAddresses: props.macAddresses,
      configureGuestNetwork: props.configureGuestNetwork,
      allowMultipleDefaultRoutes: props.allowMultipleDefaultRoutes,
      dns: this.dns,
    });
    if (this.guest.macAddresses.kind === 'kubemacpool') registerKubeMacPool(this);
    this.node.addValidation({ validate: () => this.guest.problems(this.nics()) });

    // Networks: the pod network is implicit unless the VM says otherwise or a Multus network replaces it.
    this.podNetworkExplicit = props.podNetwork !== undefined;
    const replaced = (props.networks ?? []).some((n) => n.isDefault === true);
    const pod = props.podNetwork ?? (replaced ? PodNetwork.none() : PodNetwork.masquerade());
    const podInterface = podNic(this, pod);
    this.pod = podInterface ? this.withMac(podInterface) : undefined;
    if (this.pod) this.registerNic(this.pod);
    (props.networks ?? []).forEach((n, i) => this.attach(n, `networks[${i}]`));

    // Disks: the root disk first, so it is the first disk the guest sees.
    if (props.rootDisk) this.attachDisk(props.rootDisk, 'root', 'rootDisk', true);
    (props.disks ?? []).forEach((d) => this.addDisk(d));

  }

  /** The Multus networks the VM attaches to, in NIC order (the default network first). */
  public get attachedNetworks(): INetworkAttachment[] {
    return this.orderedMultus().map((n) => n.network!);
  }

  /** Whether the VM is on the Kubernetes pod network (false when fully isolated). */
  public get hasPodNetwork(): boolean {
    return this.pod !== undefined;
  }

  /** The Multus network that replaces the pod network, if any. */
  public get defaultNetwork(): INetworkAttachment | undefined {
    return this.defaultNic?.network;
  }

  /**
   * Attaches the VM to a Multus network: a `BridgeNetwork` or any NetworkAttachmentDefinition reference.
   * The interface gets bridge binding (SR-IOV binding on an SR-IOV network); with `isDefault` the network
   * replaces the pod network.
   */
  public addNetwork(network: INetworkAttachment, options: VmNetworkOptions = {}): void {
    this.attach({ ...options, network }, `networks[${this.multus.length}]`);
  }

  /** Adds a disk after the root disk and the disks given so far. */
  public addDisk(disk: VmDisk): void {
    const index = this.extraDiskCount++;
    let name = disk.options.name;
    if (name === undefined) {
      let n = index + 1;
      while (this.diskNames.has(`disk${n}`)) n++;
      name = `disk${n}`;
    }
    this.attachDisk(disk, name, `disks[${index}]`, false);
  }

  /**
   * A Service in front of the VM (SSH unless other ports are given). Services reach a VM only over the
   * pod network, so a fully isolated VM has none.
   */
  public exposeViaService(options: VmServiceOptions = {}): k8s.KubeService {
    const name = options.name ?? this.name;
    check(isDns1035Label(name), this, 'service.name', name, 'must be a DNS-1035 label (lower-case letters, digits and \'-\', starting with a letter, at most 63 characters)');
    check(!this.services.includes(name), this, 'service.name', name, 'is already a Service of this VM');
    if (!this.pod) {
      const why = this.defaultNic
        ? `its default network is the Multus network ${this.defaultNic.network!.namespace}/${this.defaultNic.network!.name}`
        : 'it has no pod network';
      fail(this, 'service', name, `cannot reach the VM: Services route over the pod network and the VM is fully isolated (${why}); reach it on its Multus network instead`);
    }
    const ports = options.ports ?? [VmPort.ssh()];
    check(ports.length > 0, this, 'service.ports', [], 'must list at least one port');
    const seen = new Set<string>();
    ports.forEach((p, i) => {
      p._check(this, `service.ports[${i}]`);
      if (ports.length > 1) check(p.name !== undefined, this, `service.ports[${i}].name`, p.name, 'is required when the Service has more than one port');
      const key = `${p.port}/${p.protocol}`;
      check(!seen.has(key), this, `service.ports[${i}]`, key, 'is listed twice');
      seen.add(key);
    });
    const forwarded = this.pod.options.ports;
    if (forwarded && this.pod.binding === InterfaceBinding.MASQUERADE) {
      ports.forEach((p, i) => check(forwarded.some((f) => f.port === p.port && f.protocol === p.protocol), this, `service.ports[${i}]`,
        `${p.port}/${p.protocol}`, 'is not forwarded to the guest: the pod network interface lists its ports; add it there'));
    }
    if (options.type !== undefined) {
      checkEnum(this, 'service.type', options.type, VmServiceType as Record<string, VmServiceType>, 'VmServiceType');
    }
    this.services.push(name);
    const service = new k8s.KubeService(this, `Service-${name}`, {
      metadata: metadata({ name, namespace: this.namespace, labels: this.props.labels }),
      spec: {
        type: options.type ?? VmServiceType.CLUSTER_IP,
        selector: { [VM_NAME_LABEL]: this.name },
        ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })),
      },
    });
    setSyncWave(service, SyncWaves.EXPOSURE);
    return service;
  }

  // ---------------------------------------------------------------------------------------------------
  // Checks
  // ---------------------------------------------------------------------------------------------------

  /** CPU, memory and the knobs that shape them (kubevirt vmi-create-admitter.go, pkg/instancetype/apply). */
  private checkCompute(): void {
    const p = this.props;
    const k = this.performanceKnobs;
    if (p.instancetype) {
      const it = `${p.instancetype.kind} ${p.instancetype.name}`;
      for (const key of ['cpu', 'sockets', 'threads', 'memory', 'memoryLimit', 'cpuRequest', 'cpuLimit'] as const) {
        check(p[key] === undefined, this, key, p[key], `conflicts with the instancetype (${it}): KubeVirt refuses a VM that sets CPU topology, CPU or memory next to an instancetype`);
      }
      for (const key of CPU_MEMORY_KNOBS) {
        const v = k[key];
        check(v === undefined || v === false, this, key, v instanceof Object ? (v as any).name : v,
          `cannot be combined with an instancetype (${it}): KubeVirt refuses it when the instancetype sets it too and checks its dependencies against the instancetype; put it in the instancetype (e.g. the cx1 series)`);
      }
      return;
    }

    check(p.memory !== undefined, this, 'memory', p.memory, 'is required without an instancetype: KubeVirt needs the guest memory');
    const memory = parseBytes(this, 'memory', p.memory!);
    // vmi-create-admitter.go validateMemoryRequestsNegativeOrNull
    check(memory >= 1_000_000n, this, 'memory', p.memory, 'must be at least 1M');
    const cpu = p.cpu ?? 1;
    for (const [key, value] of [['cpu', cpu], ['sockets', p.sockets], ['threads', p.threads]] as const) {
      if (value !== undefined) check(Number.isInteger(value) && value >= 1, this, key, value, 'must be a positive integer');
    }
    const vcpus = cpu * (p.sockets ?? 1) * (p.threads ?? 1);
    const memoryLimit = p.memoryLimit !== undefined ? parseBytes(this, 'memoryLimit', p.memoryLimit) : undefined;
    if (memoryLimit !== undefined) check(memoryLimit >= memory, this, 'memoryLimit', p.memoryLimit, `must be at least memory (${p.memory})`);
    const cpuRequest = p.cpuRequest !== undefined ? parseMillicores(this, 'cpuRequest', p.cpuRequest) : undefined;
    const cpuLimit = p.cpuLimit !== undefined ? parseMillicores(this, 'cpuLimit', p.cpuLimit) : undefined;
    if (cpuRequest !== undefined && cpuLimit !== undefined) {
      check(cpuRequest <= cpuLimit, this, 'cpuRequest', p.cpuRequest, `must not exceed cpuLimit (${p.cpuLimit})`);
    }

    if (k.dedicatedCpuPlacement) {
      // validateCpuPinning: integer CPUs, requests equal to limits and to the vCPUs, at most 2 threads.
      check((p.threads ?? 1) <= 2, this, 'threads', p.threads, 'must be at most 2 with dedicated CPU placement');
      for (const [key, milli, text] of [['cpuRequest', cpuRequest, p.cpuRequest], ['cpuLimit', cpuLimit, p.cpuLimit]] as const) {
        if (milli === undefined) continue;
        check(milli % 1000 === 0, this, key, text, 'must be a whole number of CPUs with dedicated CPU placement');
        check(milli === vcpus * 1000, this, key, text, `must equal the vCPUs (${vcpus}) with dedicated CPU placement`);
      }
      if (memoryLimit !== undefined) check(memoryLimit === memory, this, 'memoryLimit', p.memoryLimit, `must equal memory (${p.memory}) with dedicated CPU placement`);
    }
    if (k.isolateEmulatorThread) {
      check(k.dedicatedCpuPlacement === true, this, 'isolateEmulatorThread', true, 'needs dedicatedCpuPlacement: the emulator thread is isolated next to pinned vCPUs only');
    }
    if (k.numaGuestMappingPassthrough) {
      check(k.dedicatedCpuPlacement === true, this, 'numaGuestMappingPassthrough', true, 'needs dedicatedCpuPlacement: guest NUMA mirrors the host NUMA nodes of pinned vCPUs');
      check(k.hugepages !== undefined, this, 'numaGuestMappingPassthrough', true, 'needs hugepages: guest NUMA nodes are backed by hugepages');
    }
    if (k.realtime) {
      check(k.dedicatedCpuPlacement === true, this, 'realtime', true, 'needs dedicatedCpuPlacement');
      check(k.numaGuestMappingPassthrough === true, this, 'realtime', true, 'needs numaGuestMappingPassthrough');
    }
    if (k.hugepages !== undefined) {
      const sizes: Record<string, bigint> = { '2Mi': 2n * MEBIBYTE, '1Gi': GIBIBYTE };
      const page = sizes[k.hugepages];
      check(page !== undefined, this, 'hugepages', k.hugepages, 'must be 2Mi or 1Gi');
      // validateHugepagesMemoryRequests
      check(memory >= page && memory % page === 0n, this, 'memory', p.memory, `must be a multiple of the hugepage size ${k.hugepages}`);
    }
    if (k.cpuModel !== undefined) k.cpuModel._check(this, 'cpuModel');
    this.checkIoThreads();
  }

  private checkIoThreads(): void {
    const k = this.performanceKnobs;
    if (k.ioThreadsPolicy !== undefined) {
      checkEnum(this, 'ioThreadsPolicy', k.ioThreadsPolicy, IoThreadsPolicy as Record<string, IoThreadsPolicy>, 'IoThreadsPolicy');
    }
    const count = k.ioThreadsSupplementalPoolThreadCount;
    if (k.ioThreadsPolicy === IoThreadsPolicy.SUPPLEMENTAL_POOL) {
      check(count !== undefined && Number.isInteger(count) && count >= 1, this, 'ioThreadsSupplementalPoolThreadCount', count,
        'must be a positive integer with the supplementalPool IO threads policy');
    } else {
      check(count === undefined, this, 'ioThreadsSupplementalPoolThreadCount', count, 'only applies with IoThreadsPolicy.SUPPLEMENTAL_POOL');
    }
    if (k.diskCache !== undefined) {
      checkEnum(this, 'diskCache', k.diskCache, DiskCache as Record<string, DiskCache>, 'DiskCache');
    }
  }

  /** Pod-level settings (vmi-create-admitter.go, vms-admitter.go). */
  private checkPod(): void {
    const p = this.props;
    if (p.runStrategy !== undefined) {
      checkEnum(this, 'runStrategy', p.runStrategy, RunStrategy as Record<string, RunStrategy>, 'RunStrategy');
    }
    if (p.evictionStrategy !== undefined) {
      checkEnum(this, 'evictionStrategy', p.evictionStrategy, EvictionStrategy as Record<string, EvictionStrategy>, 'EvictionStrategy');
    }
    if (p.hostname !== undefined) {
      check(isDns1123Label(p.hostname), this, 'hostname', p.hostname, 'must be a DNS-1123 label (lower-case letters, digits and \'-\', at most 63 characters)');
    }
    if (p.subdomain !== undefined) {
      check(isDns1123Subdomain(p.subdomain), this, 'subdomain', p.subdomain, 'must be a DNS-1123 subdomain');
    }
    if (p.serviceAccountName !== undefined) {
      check(isDns1123Subdomain(p.serviceAccountName), this, 'serviceAccountName', p.serviceAccountName, 'must be a DNS-1123 subdomain');
    }
    if (p.terminationGracePeriod !== undefined) {
      const seconds = p.terminationGracePeriod.toSeconds({ integral: false });
      check(Number.isInteger(seconds), this, 'terminationGracePeriod', `${seconds}s`, 'must be a whole number of seconds');
    }
    for (const [i, t] of (p.tolerations ?? []).entries()) {
      // Kubernetes pod validation: an empty key tolerates every taint only with Exists, which takes no value.
      if (!t.key) check(t.operator === 'Exists', this, `tolerations[${i}].operator`, t.operator, 'must be Exists when the key is empty');
      if (t.operator === 'Exists') check(!t.value, this, `tolerations[${i}].value`, t.value, 'must be empty with the Exists operator');
      if (t.operator !== undefined) check(['Exists', 'Equal'].includes(t.operator), this, `tolerations[${i}].operator`, t.operator, 'must be Exists or Equal');
      if (t.effect !== undefined) check(['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect), this, `tolerations[${i}].effect`, t.effect, 'must be NoSchedule, PreferNoSchedule or NoExecute');
      if (t.tolerationSeconds !== undefined) check(t.effect === 'NoExecute', this, `tolerations[${i}].tolerationSeconds`, t.tolerationSeconds, 'only applies with the NoExecute effect');
    }
  }

  /** Attaches one Multus network: checks it alone, then against what the VM already has. */
  private attach(entry: VmMultusNetwork, field: string): void {
    const nic = this.withMac(multusNic(this, entry, field));
    const net = nic.network!;
    this.checkNamespaceIsolation(net, field);
    if (nic.isDefault) {
      if (this.defaultNic) fail(this, `${field}.isDefault`, true, `conflicts with ${this.defaultNic.field}: a VM has at most one default network`);
      if (this.pod) {
        if (this.podNetworkExplicit) {
          fail(this, `${field}.isDefault`, true, 'cannot be combined with a pod network: a Multus default network replaces the pod network (set podNetwork: PodNetwork.none())');
        }
        if (this.services.length > 0) {
          fail(this, `${field}.isDefault`, true, `would isolate the VM from the pod network its Service ${this.services[0]} needs`);
        }
        // The implicit pod network gives way to the Multus default network.
        this.nicNames.delete(this.pod.name);
        this.pod = undefined;
      }
      const pinnedRoute = nic.staticRoutes.some((r) => r.isDefault);
      check(net.providesDefaultRoute || pinnedRoute || entry.acknowledgeNoRouteOut === true, this, `${field}.network`, `${net.namespace}/${net.name}`,
        'gives no default route, so a VM on it as its only network reaches nothing beyond its segment; give the network a gateway route (e.g. BridgeNetwork isDefaultGateway or an IPAM default route), pin one (staticRoutes) or set acknowledgeNoRouteOut');
      check((this.dns !== undefined && this.dns.dnsPolicy !== 'ClusterFirst') || entry.acknowledgeNoDns === true, this, 'dns', this.dns?.dnsPolicy,
        `must give resolvers the VM can reach: its default network ${net.namespace}/${net.name} replaces the pod network, and cluster DNS is reachable only over the pod network; use VmDns.custom(...) or set acknowledgeNoDns`);
      this.defaultNic = nic;
    }
    this.registerNic(nic);
    this.multus.push(nic);
    // Identity on the NIC's layer-2 segment: its MAC and pinned addresses, unique there across the app.
    const segment = segmentOf(this, net);
    if (nic.mac !== undefined) MacRegistry.of(this).register(this, nic.field, segment, nic.mac);
    nic.staticAddresses.forEach((a, i) => AddressRegistry.of(this).register(this, `${field}.staticAddresses[${i}]`, segment, a.address));
  }

  /** The NIC with its MAC: its own, else derived, else none (KubeMacPool chooses). */
  private withMac(nic: Nic): Nic {
    const mac = nic.options.macAddress
      ?? (this.guest.macAddresses.kind === 'derived' ? deriveMac(this.namespace, this.name, nic.name) : undefined);
    return { ...nic, mac };
  }

  /** Rules between one interface and the others: unique names and boot orders, multi-queue models, guest options. */
  private registerNic(nic: Nic): void {
    this.guest.checkNic(nic);
    check(!this.nicNames.has(nic.name), this, `${nic.field}.name`, nic.name, 'is used by another interface of the VM; interface names must be unique (give the interface a name)');
    this.nicNames.add(nic.name);
    this.claimBootOrder(nic.options.bootOrder, `${nic.field}.bootOrder`);
    if (this.performanceKnobs.networkInterfaceMultiqueue && nic.options.model !== undefined) {
      check(nic.options.model === NicModel.VIRTIO, this, `${nic.field}.model`, nic.options.model, 'must be virtio with networkInterfaceMultiqueue: only virtio NICs get queues');
    }
  }

  private claimBootOrder(order: number | undefined, field: string): void {
    if (order === undefined) return;
    const other = this.bootOrders.get(order);
    check(other === undefined, this, field, order, `is already the boot order of ${other}; boot orders must be unique among disks and NICs`);
    this.bootOrders.set(order, field);
  }

  /** Multus `namespaceIsolation` (multus-cni docs/configuration.md). */
  private checkNamespaceIsolation(net: INetworkAttachment, field: string): void {
    if (!this.isolation) {
      const ctx = (key: string) => this.node.tryGetContext(key);
      const enabled = this.props.multusNamespaceIsolation ?? [true, 'true'].includes(ctx(KubeVirtVm.MULTUS_NAMESPACE_ISOLATION_CONTEXT));
      const raw = this.props.multusGlobalNamespaces ?? ctx(KubeVirtVm.MULTUS_GLOBAL_NAMESPACES_CONTEXT) ?? [];
      const globals = Array.isArray(raw) ? raw.map(String) : String(raw).split(',').map((s) => s.trim()).filter((s) => s);
      this.isolation = { enabled, globals: new Set(globals) };
    }
    const iso = this.isolation;
    if (!iso.enabled || net.namespace === this.namespace || net.namespace === 'default' || iso.globals.has(net.namespace)) return;
    const allowed = [this.namespace, 'default', ...[...iso.globals].sort()].map((n) => JSON.stringify(n)).join(', ');
    fail(this, `${field}.network`, `${net.namespace}/${net.name}`,
      `is refused by Multus namespace isolation: a VM in ${JSON.stringify(this.namespace)} may use NetworkAttachmentDefinitions of ${allowed} only (offer the network in this namespace, e.g. with BridgeNetwork.shareInto)`);
  }

  private attachDisk(disk: VmDisk, name: string, field: string, root: boolean): void {
    check(!this.diskNames.has(name), this, `${field}.name`, name,
      name === CLOUD_INIT_VOLUME ? 'is reserved for the cloud-init disk' : 'is used by another disk of the VM; disk names must be unique');
    const bound = disk._bind({
      scope: this,
      vmName: this.name,
      namespace: this.namespace,
      serviceAccount: { namespace: this.namespace, name: this.props.serviceAccountName ?? 'default' },
      diskName: name,
      field,
    });
    this.diskNames.add(name);
    const dv = bound.dataVolumeTemplate?.metadata.name as string | undefined;
    if (dv !== undefined) {
      check(!this.dataVolumeNames.has(dv), this, `${field}.dataVolumeName`, dv, 'is the DataVolume of another disk of the VM');
      this.dataVolumeNames.add(dv);
    }
    const { cache, io } = effectiveCacheAndIo(bound, this.performanceKnobs);
    if (io === DiskIo.NATIVE) {
      check(cache === DiskCache.NONE, this, `${field}.cache`, cache, 'must be none with native IO: QEMU runs native IO only on uncached (O_DIRECT) disks');
    }
    const bootOrder = bound.options.bootOrder ?? (root ? 1 : undefined);
    this.claimBootOrder(bootOrder, `${field}.bootOrder`);
    this.disks.push({ bound, bootOrder });
  }

  // ---------------------------------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------------------------------

  /** Every NIC in the guest's order: the pod network, then the Multus networks (the default network first). */
  private nics(): Nic[] {
    return [...(this.pod ? [this.pod] : []), ...this.orderedMultus()];
  }

  /** The default network first: the guest's first NIC is the one it routes through. */
  private orderedMultus(): Nic[] {
    return this.defaultNic ? [this.defaultNic, ...this.multus.filter((n) => n !== this.defaultNic)] : [...this.multus];
  }

  /** @internal */
  public _renderSpec(): Record<string, any> {
    const p = this.props;
    const k = this.performanceKnobs;
    const ordered = this.nics();
    const nics = ordered.map(renderNic);
    const volumes = this.disks.map((d) => d.bound.volume);
    const disks = this.disks.map((d) => renderDisk(d.bound, k, d.bootOrder));
    const cloudInit = this.guest.volume(CLOUD_INIT_VOLUME, ordered);
    if (cloudInit) {
      volumes.push(cloudInit);
      disks.push({ name: CLOUD_INIT_VOLUME, disk: { bus: 'virtio' } });
    }
    const own = !p.instancetype;
    const requests: Record<string, VirtualMachineSpecTemplateSpecDomainResourcesRequests> = {};
    const limits: Record<string, VirtualMachineSpecTemplateSpecDomainResourcesLimits> = {};
    if (own) {
      requests.memory = VirtualMachineSpecTemplateSpecDomainResourcesRequests.fromString(p.memory!);
      if (p.cpuRequest !== undefined) requests.cpu = VirtualMachineSpecTemplateSpecDomainResourcesRequests.fromString(p.cpuRequest);
      if (p.memoryLimit !== undefined) limits.memory = VirtualMachineSpecTemplateSpecDomainResourcesLimits.fromString(p.memoryLimit);
      if (p.cpuLimit !== undefined) limits.cpu = VirtualMachineSpecTemplateSpecDomainResourcesLimits.fromString(p.cpuLimit);
    }
    const cpu: VirtualMachineSpecTemplateSpecDomainCpu | undefined = own
      ? {
        cores: p.cpu ?? 1,
        sockets: p.sockets,
        threads: p.threads,
        dedicatedCpuPlacement: k.dedicatedCpuPlacement || undefined,
        isolateEmulatorThread: k.isolateEmulatorThread || undefined,
        numa: k.numaGuestMappingPassthrough ? { guestMappingPassthrough: {} } : undefined,
        model: k.cpuModel?.name,
        realtime: k.realtime ? {} : undefined,
      }
      : undefined;

    const template: VirtualMachineSpecTemplate = {
      metadata: { labels: { ...(p.labels ?? {}), [VM_NAME_LABEL]: this.name } },
      spec: {
        domain: {
          cpu,
          memory: own && k.hugepages ? { hugepages: { pageSize: k.hugepages } } : undefined,
          resources: own ? { requests, limits: Object.keys(limits).length > 0 ? limits : undefined } : undefined,
          ioThreadsPolicy: k.ioThreadsPolicy,
          ioThreads: k.ioThreadsSupplementalPoolThreadCount !== undefined
            ? { supplementalPoolThreadCount: k.ioThreadsSupplementalPoolThreadCount }
            : undefined,
          devices: {
            // Without interfaces KubeVirt would attach the pod network on its own: say no when isolated.
            autoattachPodInterface: this.pod ? undefined : false,
            blockMultiQueue: k.blockMultiQueue || undefined,
            networkInterfaceMultiqueue: k.networkInterfaceMultiqueue || undefined,
            disks: disks.length > 0 ? disks : undefined,
            interfaces: nics.length > 0 ? nics.map((n) => n.iface) : undefined,
          },
        },
        networks: nics.length > 0 ? nics.map((n) => n.network) : undefined,
        volumes: volumes.length > 0 ? volumes : undefined,
        accessCredentials: this.guest.accessCredential ? [this.guest.accessCredential] : undefined,
        nodeSelector: p.nodeSelector,
        serviceAccountName: p.serviceAccountName,
        evictionStrategy: p.evictionStrategy,
        terminationGracePeriodSeconds: p.terminationGracePeriod?.toSeconds({ integral: false }),
        hostname: p.hostname,
        subdomain: p.subdomain,
        dnsPolicy: this.dns?.dnsPolicy,
        dnsConfig: this.dns?.dnsConfig,
      },
    };
    const templateJson = templateToJson(template);
    // Tolerations and affinity are core Kubernetes types: rendered by their own (cdk8s-plus) bindings.
    if (p.tolerations && p.tolerations.length > 0) templateJson.spec.tolerations = p.tolerations.map((t) => k8s.toJson_Toleration(t));
    if (p.affinity) templateJson.spec.affinity = k8s.toJson_Affinity(p.affinity);

    const templates = this.disks.filter((d) => d.bound.dataVolumeTemplate).map((d) => d.bound.dataVolumeTemplate!);
    return {
      dataVolumeTemplates: templates.length > 0 ? templates.map((t) => ({ metadata: t.metadata, spec: t.spec })) : undefined,
      instancetype: this.instancetype,
      preference: this.preference,
      runStrategy: p.runStrategy ?? RunStrategy.ALWAYS,
      template: templateJson,
    };
  }
}
