import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { ADMISSION_ENFORCED, ADMISSION_LABEL, ensureTenantAdmission, TenantAnnotations } from './admission';
import { TenantPlan } from './tenant-plan';
import { KubeVirtVm, KubeVirtVmProps, VmServiceOptions } from '../compute/kubevirt-vm';
import { PodNetwork, VmDns, VmMultusNetwork } from '../compute/networking';
import { check, checkEnum, fail } from '../core/errors';
import { requireDns1123Label } from '../core/names';
import { clusterScoped, setSyncWave, SyncWaves } from '../core/objects';
import { canonicalQuantity, parseBytes, parseMillicores } from '../core/quantity';
import { INetworkAttachment } from '../network/attachment';
import { BridgeNetwork, BridgeNetworkProps } from '../network/bridge-network';
import { NetworkPlan } from '../network/plan';
import { SharedCephNetwork } from '../network/shared-ceph-network';
import { ClusterComponent, ClusterPrerequisites, PrerequisiteKind } from '../platform/prerequisites';
import { Grantee } from '../storage/grantee';
import { StoragePlan } from '../storage/plan';

/** The label that marks a tenant's namespace and objects. */
export const TENANT_LABEL = 'kubevirt.cdk8s.io/tenant';


/**
 * Which NetworkAttachmentDefinition a tenant VM names for a granted shared network.
 */
export enum SharedNetworkAccess {
  /**
   * The shared network's own NAD, in its namespace (e.g. `rook-ceph/ceph`). Multus `namespaceIsolation` then
   * refuses the VM, unless that namespace is one of Multus' `globalNamespaces`, which opens it to every
   * namespace of the cluster.
   */
  SHARED_NAMESPACE = 'shared-namespace',
  /**
   * A NAD of the tenant's own namespace with the VM side of the shared network: same bridge, VLAN, address
   * pool, port isolation and MAC spoof check (`BridgeNetwork.shareInto`). VMs name that one, so Multus
   * `namespaceIsolation` (which admits only NADs of the pod's namespace, `default` and `globalNamespaces`)
   * can stay on with no global namespace, a second runtime bar beside the admission policy. The tenant cannot
   * change the NAD (its Role reads NADs only). Granted networks must then be written by this app
   * (`SharedCephNetwork` or `BridgeNetwork`).
   */
  TENANT_NAMESPACE = 'tenant-namespace',
}

/**
 * A network owned by one tenant.
 */
export interface TenantNetworkProps extends BridgeNetworkProps {
  /**
   * Whether this network replaces the pod network of the tenant's VMs (full isolation). A tenant has
   * exactly one default network.
   * @default false
   */
  readonly isDefault?: boolean;
}

/**
 * A VM of a tenant. The tenant decides its namespace, its default network and its DNS.
 */
export interface TenantVmProps extends KubeVirtVmProps {
  /**
   * Open the VM to the Kubernetes pod network as well (only in a tenant with `allowPodNetwork`). Without it the
   * VM has no pod network and the tenant's default network is its default network (full isolation).
   * @default false
   */
  readonly openPodNetwork?: boolean;
}

/**
 * What the VMs added with `IsolatedTenant.addVms()` share: the props of `addVm()` (without `name`, which
 * comes from the list of names) and optionally a Service in front of each.
 */
export interface TenantVmGroupProps extends TenantVmProps {
  /**
   * A Service in front of each VM, as `KubeVirtVm.exposeViaService(service)` makes it (named after its VM
   * unless `service.name` is set, which then fits only a group of one).
   * @default - no Service
   */
  readonly service?: VmServiceOptions;
}

/**
 * How much a tenant may use.
 */
export interface TenantQuota {
  /**
   * Total CPU requests of the namespace (VMs and CDI pods), e.g. `64`.
   * @default - unlimited
   */
  readonly cpu?: string;
  /**
   * Total memory requests, e.g. `256Gi`.
   * @default - unlimited
   */
  readonly memory?: string;
  /**
   * Total storage requested by PersistentVolumeClaims (VM disks), e.g. `2Ti`.
   * @default - unlimited
   */
  readonly storage?: string;
  /**
   * Number of VirtualMachines.
   * @default - unlimited
   */
  readonly virtualMachines?: number;
  /**
   * Number of PersistentVolumeClaims.
   * @default - unlimited
   */
  readonly persistentVolumeClaims?: number;
}

/**
 * An isolated tenant.
 */
export interface IsolatedTenantProps {
  /** Name of the tenant; also its namespace unless `namespace` is given. */
  readonly name: string;
  /**
   * Namespace of the tenant.
   * @default - the tenant's name
   */
  readonly namespace?: string;
  /**
   * The tenant's default network: its VMs use it instead of the pod network. The tenant owns it:
   * no other tenant may use its VLAN, range or NetworkAttachmentDefinition.
   */
  readonly defaultNetwork: TenantNetworkProps;
  /**
   * Shared networks the tenant's VMs may attach to besides their own (e.g. a `SharedCephNetwork`).
   * @default - none
   */
  readonly sharedNetworks?: INetworkAttachment[];
  /**
   * DNS servers for the tenant's VMs, which have no cluster DNS on a Multus default network.
   * @default - none: VMs need DNS from their default network (DHCP) or an explicit acknowledgement
   */
  readonly dnsServers?: string[];
  /**
   * DNS search domains for the tenant's VMs.
   * @default - none
   */
  readonly dnsSearches?: string[];
  /**
   * Resource quota of the namespace.
   * @default - no ResourceQuota
   */
  readonly quota?: TenantQuota;
  /**
   * Default CPU request of containers that set none (CDI importer and clone pods), so they fit the quota.
   * @default '100m'
   */
  readonly defaultCpuRequest?: string;
  /**
   * Default memory request of containers that set none.
   * @default '128Mi'
   */
  readonly defaultMemoryRequest?: string;
  /**
   * Who administers the tenant's VMs, disks and services (not its networks or quotas).
   * @default - nobody: only cluster administrators
   */
  readonly admins?: Grantee[];
  /**
   * Whether the tenant's VMs may use the Kubernetes pod network (`addVm` with `openPodNetwork`). Off, the
   * tenant is fully isolated: the admission policy refuses every VM or VMI of its namespace with a pod network.
   * @default false
   */
  readonly allowPodNetwork?: boolean;
  /**
   * Which NAD the tenant's VMs name for a granted shared network.
   * @default - SharedNetworkAccess.TENANT_NAMESPACE when the app declares Multus namespace isolation (context
   * `KubeVirtVm.MULTUS_NAMESPACE_ISOLATION_CONTEXT`), else SharedNetworkAccess.SHARED_NAMESPACE
   */
  readonly sharedNetworkAccess?: SharedNetworkAccess;
  /**
   * Enforce the tenancy rules in the cluster: label the namespace for the library's ValidatingAdmissionPolicies
   * (written once per app) and annotate it with the tenant's allowed networks, default network, pod network
   * choice, clone source namespaces and node labels, which the policies read. Needs Kubernetes v1.30 or later.
   * @default true
   */
  readonly enforceAtAdmission?: boolean;
  /**
   * Namespace of CDI, whose upload proxy and controller connect to CDI's pods in the tenant's namespace.
   * @default 'cdi'
   */
  readonly cdiNamespace?: string;
}

/**
 * The talk's full isolation for one tenant: a namespace whose VMs use the tenant's own Multus networks as
 * their default network and never touch the pod network, may attach to granted shared networks (storage),
 * and nothing else. Writes the Namespace, the tenant's NetworkAttachmentDefinitions (each on a VLAN of its
 * own, with MAC spoof checking), ResourceQuota and LimitRange, a tenant-admin Role that cannot change
 * networks, policies, quotas or RBAC, NetworkPolicies that admit only the namespace's own pods and CDI's
 * clone and upload traffic, and checks app-wide that no two tenants share a VLAN, a range or a network.
 *
 * The same rules hold in the cluster: the tenant's namespace is bound to the library's
 * ValidatingAdmissionPolicies, which refuse VMs and VMIs that name other networks, add the pod network,
 * pass through host devices, mount host disks or attach pods to networks by annotation
 * (`enforceAtAdmission`). What each layer guarantees, on one node and across nodes, is in docs/isolation.md.
 * No MultiNetworkPolicy is written: no implementation is known to filter traffic that KubeVirt bridge binding
 * passes through the virt-launcher pod (multi-networkpolicy-iptables installs its rules on the pod's INPUT and
 * OUTPUT chains, which bridged frames never cross).
 */
export class IsolatedTenant extends Construct {
  /** Name of the tenant. */
  public readonly tenantName: string;
  /** Namespace of the tenant. */
  public readonly namespace: string;
  /** The tenant's default network. */
  public readonly defaultNetwork: BridgeNetwork;
  /** The Namespace object. */
  public readonly namespaceObject: ApiObject;
  /** DNS servers given to VMs. */
  public readonly dnsServers: string[];
  /** DNS search domains given to VMs. */
  public readonly dnsSearches: string[];
  /** The tenant's resource quota, if it has one. */
  public readonly quota?: TenantQuota;

  /** Whether the tenant's VMs may use the pod network. */
  public readonly allowPodNetwork: boolean;
  /** Which NAD the tenant's VMs name for a granted shared network. */
  public readonly sharedNetworkAccess: SharedNetworkAccess;
  /** Whether the cluster enforces the tenancy rules at admission. */
  public readonly enforceAtAdmission: boolean;

  private readonly ownNetworks: BridgeNetwork[] = [];
  private readonly shared: INetworkAttachment[] = [];
  /** Granted shared network reference -> the NAD tenant VMs name for it (itself, or the tenant's copy). */
  private readonly offered = new Map<string, INetworkAttachment>();

  constructor(scope: Construct, id: string, props: IsolatedTenantProps) {
    super(scope, id);
    this.tenantName = requireDns1123Label(this, 'name', props.name);
    this.namespace = requireDns1123Label(this, 'namespace', props.namespace ?? props.name);
    this.dnsServers = [...(props.dnsServers ?? [])];
    this.dnsSearches = [...(props.dnsSearches ?? [])];
    this.quota = props.quota;
    this.allowPodNetwork = props.allowPodNetwork === true;
    this.enforceAtAdmission = props.enforceAtAdmission ?? true;
    const namespaceIsolation = [true, 'true'].includes(this.node.tryGetContext(KubeVirtVm.MULTUS_NAMESPACE_ISOLATION_CONTEXT));
    this.sharedNetworkAccess = props.sharedNetworkAccess
      ?? (namespaceIsolation ? SharedNetworkAccess.TENANT_NAMESPACE : SharedNetworkAccess.SHARED_NAMESPACE);
    checkEnum(this, 'sharedNetworkAccess', this.sharedNetworkAccess, SharedNetworkAccess as Record<string, SharedNetworkAccess>, 'SharedNetworkAccess');
    const cdiNamespace = requireDns1123Label(this, 'cdiNamespace', props.cdiNamespace ?? 'cdi');
    TenantPlan.of(this).registerTenant(this);

    const labels = { [TENANT_LABEL]: this.tenantName };
    this.namespaceObject = clusterScoped(new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: this.namespace,
        labels: this.enforceAtAdmission ? { ...labels, [ADMISSION_LABEL]: ADMISSION_ENFORCED } : labels,
      },
    }));
    setSyncWave(this.namespaceObject, SyncWaves.NAMESPACE);

    if (props.defaultNetwork.isDefault === false) {
      fail(this, 'defaultNetwork.isDefault', false, 'must not be false: this is the tenant\'s default network');
    }
    this.defaultNetwork = this.addNetwork('DefaultNetwork', { ...props.defaultNetwork, isDefault: true });
    for (const net of props.sharedNetworks ?? []) this.grantSharedNetwork(net);

    this.writeQuota(props, labels);
    this.writeAdminRole(props.admins ?? [], labels);
    this.writeNetworkPolicies(labels, cdiNamespace);
    const prerequisites = ClusterPrerequisites.of(this);
    prerequisites.require(this, {
      kind: PrerequisiteKind.CONFIGURATION,
      component: ClusterComponent.CDI,
      requirement: `CDI installed in namespace ${cdiNamespace}`,
      reason: 'the tenant NetworkPolicies admit its upload proxy and controller from there',
      field: 'cdiNamespace',
      value: cdiNamespace,
    });
    prerequisites.require(this, {
      kind: PrerequisiteKind.CONFIGURATION,
      component: ClusterComponent.KUBERNETES,
      requirement: 'a pod network (CNI) that enforces NetworkPolicy',
      reason: 'tenant namespaces admit only their own pods and CDI\'s on the pod network',
    });
    if (this.enforceAtAdmission) {
      this.annotateForAdmission();
      ensureTenantAdmission(this);
    }
    if (this.sharedNetworkAccess === SharedNetworkAccess.TENANT_NAMESPACE) {
      prerequisites.require(this, {
        kind: PrerequisiteKind.CONFIGURATION,
        component: ClusterComponent.MULTUS,
        requirement: 'namespaceIsolation: true, with no tenant namespace and no shared network namespace in globalNamespaces',
        reason: 'tenant VMs may name only NetworkAttachmentDefinitions of their own namespace',
        field: 'sharedNetworkAccess',
        value: this.sharedNetworkAccess,
      });
    }
  }

  /** Networks the tenant owns, default first. */
  public get networks(): INetworkAttachment[] {
    return [...this.ownNetworks];
  }

  /** Shared networks granted to the tenant. */
  public get sharedNetworks(): INetworkAttachment[] {
    return [...this.shared];
  }

  /**
   * The NAD a tenant VM names for a granted shared network: the network itself, or its copy in the tenant's
   * namespace with `SharedNetworkAccess.TENANT_NAMESPACE`. Undefined when the network is not granted.
   */
  public sharedNetworkFor(network: INetworkAttachment): INetworkAttachment | undefined {
    return this.offered.get(network.reference);
  }

  /** Every NAD reference a VM of this tenant may name, sorted: its own networks and the granted ones as offered. */
  public get attachableReferences(): string[] {
    return [...this.ownNetworks.map((n) => n.reference), ...[...this.offered.values()].map((n) => n.reference)].sort();
  }

  /**
   * Adds a network owned by the tenant, in the tenant's namespace, with MAC spoof checking on by default
   * (a tenant VM must not impersonate another's MAC).
   */
  public addNetwork(id: string, props: TenantNetworkProps): BridgeNetwork {
    if (props.namespace !== undefined && props.namespace !== this.namespace) {
      fail(this, `${id}.namespace`, props.namespace, `must be the tenant's namespace ${JSON.stringify(this.namespace)} (or left out)`);
    }
    if (props.isDefault && this.ownNetworks.length > 0) {
      fail(this, `${id}.isDefault`, true, `is taken: the tenant's default network is ${this.ownNetworks[0].reference}`);
    }
    check(props.macSpoofCheck !== false, this, `${id}.macSpoofCheck`, false,
      'must stay on for a tenant network: without it a tenant VM can send frames with another VM\'s MAC address');
    const tagged = (props.vlan !== undefined && props.vlan > 0) || props.vlanTrunk !== undefined;
    check(!(tagged && props.preserveDefaultVlan === true), this, `${id}.preserveDefaultVlan`, true,
      'must stay off for a tenant network: a port that keeps VLAN 1 meets every other tenant\'s port in VLAN 1 of the node\'s bridge');
    const { isDefault: _ignored, ...rest } = props;
    const net = new BridgeNetwork(this, id, {
      macSpoofCheck: true,
      ...rest,
      // Older plugins keep VLAN 1 on every VLAN port unless told otherwise (preserveDefaultVlan, plugins v1.3.0+).
      preserveDefaultVlan: tagged ? false : rest.preserveDefaultVlan,
      namespace: this.namespace,
      labels: { ...(props.labels ?? {}), [TENANT_LABEL]: this.tenantName },
    });
    for (const offered of this.offered.values()) {
      check(offered.reference !== net.reference, this, `${id}.name`, net.name, `is the name of the tenant's copy of the shared network ${offered.reference}; pick another name`);
    }
    this.ownNetworks.push(net);
    TenantPlan.of(this).registerNetwork(this, net);
    return net;
  }

  /**
   * Adds a VM to the tenant: in the tenant's namespace, on the tenant's default network as its default
   * network (no pod network unless `openPodNetwork`), with the tenant's DNS servers, and attached only to
   * networks the tenant owns or was granted.
   */
  public addVm(id: string, props: TenantVmProps = {}): KubeVirtVm {
    const { openPodNetwork, ...vm } = props;
    if (openPodNetwork) {
      check(this.allowPodNetwork, this, `${id}.openPodNetwork`, true,
        'needs a tenant that allows the pod network (allowPodNetwork: true); the tenant is fully isolated, and the cluster refuses pod networks in its namespace');
    }
    if (vm.namespace !== undefined && vm.namespace !== this.namespace) {
      fail(this, `${id}.namespace`, vm.namespace, `must be the tenant's namespace ${JSON.stringify(this.namespace)} (or left out)`);
    }
    if (vm.podNetwork !== undefined) {
      fail(this, `${id}.podNetwork`, vm.podNetwork.binding ?? 'none', 'is decided by the tenant: use openPodNetwork to add the pod network');
    }
    (vm.networks ?? []).forEach((n, i) => {
      this.checkAttachable(`${id}.networks[${i}]`, n.network);
      check(n.isDefault !== true, this, `${id}.networks[${i}].isDefault`, true, `is the tenant's default network ${this.defaultNetwork.reference}; other networks cannot replace it`);
    });
    // With the pod network the guest keeps its default route (and cluster DNS): one default route per guest.
    const own: VmMultusNetwork = openPodNetwork
      ? { network: this.defaultNetwork, defaultRoute: this.defaultNetwork.providesDefaultRoute ? false : undefined }
      : { network: this.defaultNetwork, name: 'default', isDefault: true };
    const dns = vm.dns ?? (this.dnsServers.length > 0 && !openPodNetwork
      ? VmDns.custom({ nameservers: this.dnsServers, searches: this.dnsSearches.length > 0 ? this.dnsSearches : undefined })
      : undefined);
    // Granted shared networks are named as the tenant offers them (its own copy under TENANT_NAMESPACE).
    const others = (vm.networks ?? [])
      .filter((n) => n.network.reference !== this.defaultNetwork.reference)
      .map((n) => ({ ...n, network: this.offered.get(n.network.reference) ?? n.network }));
    return new KubeVirtVm(this, id, {
      ...vm,
      namespace: this.namespace,
      labels: { ...(vm.labels ?? {}), [TENANT_LABEL]: this.tenantName },
      podNetwork: openPodNetwork ? undefined : PodNetwork.none(),
      networks: [own, ...others],
      dns,
    });
  }

  /**
   * Adds one VM per name, all alike: for each name, `addVm(name, { ...props, name })` and, with `service`,
   * `exposeViaService(service)`. The result is the same as those calls one by one. From Python (and other
   * jsii languages) it is one call for the whole group instead of two per VM, with no struct per VM to
   * build and type-check: most of the time a large estate takes there.
   *
   * @example
   * tenant.addVms(['web-1', 'web-2', 'web-3'], { cpu: 2, memory: '4Gi', rootDisk, service: {} });
   */
  public addVms(names: string[], props: TenantVmGroupProps = {}): KubeVirtVm[] {
    const { service, ...vm } = props;
    if (vm.name !== undefined) fail(this, 'props.name', vm.name, 'cannot be set for a group of VMs: each VM is named by its entry in names');
    return names.map((name) => {
      const created = this.addVm(name, { ...vm, name });
      if (service !== undefined) created.exposeViaService(service);
      return created;
    });
  }

  /** Throws unless a VM of this tenant may attach to `network`, naming the owner when it is another tenant's. */
  private checkAttachable(field: string, network: INetworkAttachment): void {
    if (this.mayAttach(network)) return;
    const owner = TenantPlan.of(this).ownerOf(network.reference);
    if (owner) {
      fail(this, field, network.reference, `belongs to tenant ${JSON.stringify(owner.tenantName)}; a VM attaches only to its own tenant's networks and granted shared networks`);
    }
    fail(this, field, network.reference, `is not a network of tenant ${JSON.stringify(this.tenantName)}; grant it with grantSharedNetwork() first`);
  }

  /**
   * Lets the tenant's VMs attach to a shared network (e.g. the storage network). A tenant VM can reach every
   * other attachment of a shared network that the network does not isolate, so a granted `BridgeNetwork` must
   * check source MACs; with `SharedNetworkAccess.TENANT_NAMESPACE` its VM side is written into the tenant's
   * namespace as a NAD of its own.
   */
  public grantSharedNetwork(network: INetworkAttachment): void {
    if (this.shared.some((n) => n.reference === network.reference)) return;
    const index = this.shared.length;
    if (network instanceof BridgeNetwork) {
      check(network.macSpoofCheck, this, `sharedNetworks[${index}]`, network.reference,
        'must check source MACs (macSpoofCheck: true) to be shared with tenants: a tenant VM could otherwise impersonate another attachment');
    }
    let offered: INetworkAttachment = network;
    if (this.sharedNetworkAccess === SharedNetworkAccess.TENANT_NAMESPACE && network.namespace !== this.namespace) {
      const labels = { [TENANT_LABEL]: this.tenantName };
      const id = `Shared-${network.namespace}-${network.name}`;
      if (network instanceof SharedCephNetwork) {
        offered = network._offerInto(this, id, this.namespace, labels);
      } else if (network instanceof BridgeNetwork) {
        offered = network.shareInto(this, id, { namespace: this.namespace, name: network.name, labels });
      } else {
        fail(this, `sharedNetworks[${index}]`, network.reference,
          'cannot be offered in the tenant\'s namespace (SharedNetworkAccess.TENANT_NAMESPACE): the app does not define it; grant a SharedCephNetwork or BridgeNetwork of this app, or use SharedNetworkAccess.SHARED_NAMESPACE');
      }
      check(!this.ownNetworks.some((n) => n.reference === offered.reference), this, `sharedNetworks[${index}]`, network.reference,
        `would be offered as ${offered.reference}, which is a network of the tenant already; rename one of them`);
      TenantPlan.of(this).registerOffered(this, offered.reference);
    }
    this.shared.push(network);
    this.offered.set(network.reference, offered);
  }

  /**
   * Whether a VM of this tenant may attach to `network`: its own networks and the granted shared ones (as the
   * tenant offers them).
   */
  public mayAttach(network: INetworkAttachment): boolean {
    return this.ownNetworks.some((n) => n.reference === network.reference)
      || this.offered.has(network.reference)
      || [...this.offered.values()].some((n) => n.reference === network.reference);
  }

  private writeQuota(props: IsolatedTenantProps, labels: { [k: string]: string }) {
    const cpuDefault = props.defaultCpuRequest ?? '100m';
    const memDefault = props.defaultMemoryRequest ?? '128Mi';
    parseMillicores(this, 'defaultCpuRequest', cpuDefault);
    parseBytes(this, 'defaultMemoryRequest', memDefault);
    const q = props.quota;
    if (q) {
      const hard: { [k: string]: k8s.Quantity } = {};
      if (q.cpu !== undefined) {
        parseMillicores(this, 'quota.cpu', q.cpu);
        hard['requests.cpu'] = k8s.Quantity.fromString(canonicalQuantity(q.cpu));
      }
      if (q.memory !== undefined) {
        parseBytes(this, 'quota.memory', q.memory);
        hard['requests.memory'] = k8s.Quantity.fromString(canonicalQuantity(q.memory));
      }
      if (q.storage !== undefined) {
        parseBytes(this, 'quota.storage', q.storage);
        hard['requests.storage'] = k8s.Quantity.fromString(canonicalQuantity(q.storage));
      }
      for (const [field, key, value] of [
        ['quota.virtualMachines', 'count/virtualmachines.kubevirt.io', q.virtualMachines],
        ['quota.persistentVolumeClaims', 'persistentvolumeclaims', q.persistentVolumeClaims],
      ] as const) {
        if (value === undefined) continue;
        check(Number.isInteger(value) && value >= 0, this, field, value, 'must be a whole number >= 0');
        hard[key] = k8s.Quantity.fromString(canonicalQuantity(String(value)));
      }
      check(Object.keys(hard).length > 0, this, 'quota', q, 'must limit at least one resource');
      const quota = new k8s.KubeResourceQuota(this, 'Quota', {
        metadata: { name: 'tenant-quota', namespace: this.namespace, labels },
        spec: { hard },
      });
      setSyncWave(quota, SyncWaves.NAMESPACE);
    }
    // With a quota on requests, pods without requests are refused; CDI's importer and clone pods set none.
    const limits = new k8s.KubeLimitRange(this, 'Limits', {
      metadata: { name: 'tenant-defaults', namespace: this.namespace, labels },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: {
            cpu: k8s.Quantity.fromString(canonicalQuantity(cpuDefault)),
            memory: k8s.Quantity.fromString(canonicalQuantity(memDefault)),
          },
        }],
      },
    });
    setSyncWave(limits, SyncWaves.NAMESPACE);
  }

  private writeAdminRole(admins: Grantee[], labels: { [k: string]: string }) {
    admins.forEach((a, i) => a._validate(this, `admins[${i}]`));
    const all = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    const read = ['get', 'list', 'watch'];
    // Everything a tenant needs to run VMs, and nothing that would let it leave its networks or quota:
    // NetworkAttachmentDefinitions are read-only; NetworkPolicies, quotas, RBAC and (cluster-scoped, out of any
    // Role's reach) admission policies and Namespaces are absent. VirtualMachinePools and
    // VirtualMachineInstanceReplicaSets are absent too: VMs and VMIs are what the admission policy judges.
    const role = new k8s.KubeRole(this, 'AdminRole', {
      metadata: { name: 'tenant-admin', namespace: this.namespace, labels },
      rules: [
        { apiGroups: ['kubevirt.io'], resources: ['virtualmachines', 'virtualmachineinstances', 'virtualmachineinstancemigrations'], verbs: all },
        {
          apiGroups: ['subresources.kubevirt.io'],
          resources: ['virtualmachines/start', 'virtualmachines/stop', 'virtualmachines/restart', 'virtualmachines/migrate',
            'virtualmachineinstances/console', 'virtualmachineinstances/vnc', 'virtualmachineinstances/pause', 'virtualmachineinstances/unpause'],
          verbs: ['get', 'update'],
        },
        { apiGroups: ['instancetype.kubevirt.io'], resources: ['virtualmachineinstancetypes', 'virtualmachinepreferences'], verbs: all },
        { apiGroups: ['cdi.kubevirt.io'], resources: ['datavolumes', 'datasources'], verbs: all },
        { apiGroups: ['upload.cdi.kubevirt.io'], resources: ['uploadtokenrequests'], verbs: ['create'] },
        { apiGroups: [''], resources: ['persistentvolumeclaims', 'services', 'secrets', 'configmaps'], verbs: all },
        { apiGroups: [''], resources: ['pods', 'events'], verbs: read },
        { apiGroups: ['k8s.cni.cncf.io'], resources: ['network-attachment-definitions'], verbs: read },
      ],
    });
    setSyncWave(role, SyncWaves.NAMESPACE);
    if (admins.length === 0) return;
    const binding = new k8s.KubeRoleBinding(this, 'AdminBinding', {
      metadata: { name: 'tenant-admin', namespace: this.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'tenant-admin' },
      subjects: admins.map((a) => a._subject()),
    });
    setSyncWave(binding, SyncWaves.NAMESPACE);
  }

  /**
   * On the pod network, only the namespace's own pods may connect, plus CDI's pods that serve the tenant's
   * disks: the upload proxy (CDI namespace) and host-assisted clone source pods (the namespaces the app clones
   * from into this one) reach CDI's upload server pods on TCP 8443, and CDI's controller reads the progress of
   * importer and clone pods on TCP 8443. Labels and ports from CDI v1.66.0: pkg/common/common.go
   * (`cdi.kubevirt.io: cdi-upload-server | cdi-clone-source | cdi-uploadproxy | cdi-deployment`,
   * `prometheus.cdi.kubevirt.io`, UploadServerPort 8443), pkg/controller/clone-controller.go,
   * pkg/operator/resources/namespaced/networkpolicies.go. VMs without the pod network are not concerned.
   */
  private writeNetworkPolicies(labels: { [k: string]: string }, cdiNamespace: string) {
    const inNamespace = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
    const https = [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(8443) }];
    const policy = new k8s.KubeNetworkPolicy(this, 'PodNetworkPolicy', {
      metadata: { name: 'tenant-isolation', namespace: this.namespace, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] },
    });
    setSyncWave(policy, SyncWaves.NETWORK);
    const storage = StoragePlan.of(this);
    const upload = new k8s.KubeNetworkPolicy(this, 'CdiUploadPolicy', {
      metadata: { name: 'tenant-cdi-upload', namespace: this.namespace, labels },
      spec: {
        podSelector: { matchLabels: { 'cdi.kubevirt.io': 'cdi-upload-server' } },
        policyTypes: ['Ingress'],
        ingress: Lazy.any({
          produce: () => [
            { from: [{ namespaceSelector: inNamespace(cdiNamespace), podSelector: { matchLabels: { 'cdi.kubevirt.io': 'cdi-uploadproxy' } } }], ports: https },
            ...storage.cloneSourcesInto(this.namespace).map((ns) => ({
              from: [{ namespaceSelector: inNamespace(ns), podSelector: { matchLabels: { 'cdi.kubevirt.io': 'cdi-clone-source' } } }],
              ports: https,
            })),
          ],
        }),
      },
    });
    setSyncWave(upload, SyncWaves.NETWORK);
    const metrics = new k8s.KubeNetworkPolicy(this, 'CdiMetricsPolicy', {
      metadata: { name: 'tenant-cdi-progress', namespace: this.namespace, labels },
      spec: {
        podSelector: { matchLabels: { 'prometheus.cdi.kubevirt.io': 'true' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: inNamespace(cdiNamespace), podSelector: { matchLabels: { 'cdi.kubevirt.io': 'cdi-deployment' } } }], ports: https }],
      },
    });
    setSyncWave(metrics, SyncWaves.NETWORK);
  }

  /** The tenant's rules as Namespace annotations, read by the admission policies (see admission.ts). */
  private annotateForAdmission() {
    const meta = this.namespaceObject.metadata;
    const storage = StoragePlan.of(this);
    const plan = NetworkPlan.of(this);
    const lazy = (produce: () => string) => Lazy.any({ produce }) as unknown as string;
    meta.addAnnotation(TenantAnnotations.NETWORKS, lazy(() => this.attachableReferences.join(',')));
    meta.addAnnotation(TenantAnnotations.DEFAULT_NETWORK, this.defaultNetwork.reference);
    meta.addAnnotation(TenantAnnotations.POD_NETWORK, this.allowPodNetwork ? 'allowed' : 'denied');
    meta.addAnnotation(TenantAnnotations.CLONE_SOURCES, lazy(() => storage.cloneSourcesInto(this.namespace).join(',')));
    // Every tenant VM is on the default network, so it must stay on nodes that have that network's bridge.
    meta.addAnnotation(TenantAnnotations.NODE_SELECTOR, lazy(() => Object.entries(plan.nodeBridge(this.defaultNetwork.bridge)?.nodeSelector ?? {})
      .map(([k, v]) => `${k}=${v}`).sort().join(',')));
  }

  /** @internal */
  public _isOwnNetwork(network: INetworkAttachment): boolean {
    return this.ownNetworks.some((n) => n.reference === network.reference);
  }
}

/** The tenant that `scope` belongs to, if any. */
export function tenantOf(scope: IConstruct): IsolatedTenant | undefined {
  return scope.node.scopes.reverse().find((s): s is IsolatedTenant => s instanceof IsolatedTenant);
}
