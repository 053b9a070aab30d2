import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { TenantPlan } from './tenant-plan';
import { KubeVirtVm, KubeVirtVmProps, VmServiceOptions } from '../compute/kubevirt-vm';
import { PodNetwork, VmDns, VmMultusNetwork } from '../compute/networking';
import { check, fail } from '../core/errors';
import { requireDns1123Label } from '../core/names';
import { clusterScoped, setSyncWave, SyncWaves } from '../core/objects';
import { canonicalQuantity, parseBytes, parseMillicores } from '../core/quantity';
import { MultiNetworkPolicy } from '../imports/k8s.cni.cncf.io';
import { INetworkAttachment } from '../network/attachment';
import { BridgeNetwork, BridgeNetworkProps } from '../network/bridge-network';
import { Grantee } from '../storage/grantee';

/** The label that marks a tenant's namespace and objects. */
export const TENANT_LABEL = 'kubevirt.cdk8s.io/tenant';

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
   * Open the VM to the Kubernetes pod network as well. Without it the VM has no pod network and the
   * tenant's default network is its default network (full isolation).
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
}

/**
 * The talk's full isolation for one tenant: a namespace whose VMs use the tenant's own Multus networks as
 * their default network and never touch the pod network, may attach to granted shared networks (storage),
 * and nothing else. Writes the Namespace, the tenant's NetworkAttachmentDefinitions, ResourceQuota and
 * LimitRange, a tenant-admin Role that cannot change networks, NetworkPolicy and MultiNetworkPolicies that
 * keep other namespaces out, and checks app-wide that no two tenants share a VLAN, a range or a network.
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

  private readonly ownNetworks: BridgeNetwork[] = [];
  private readonly shared: INetworkAttachment[] = [];

  constructor(scope: Construct, id: string, props: IsolatedTenantProps) {
    super(scope, id);
    this.tenantName = requireDns1123Label(this, 'name', props.name);
    this.namespace = requireDns1123Label(this, 'namespace', props.namespace ?? props.name);
    this.dnsServers = [...(props.dnsServers ?? [])];
    this.dnsSearches = [...(props.dnsSearches ?? [])];
    this.quota = props.quota;
    TenantPlan.of(this).registerTenant(this);

    const labels = { [TENANT_LABEL]: this.tenantName };
    this.namespaceObject = clusterScoped(new k8s.KubeNamespace(this, 'Namespace', { metadata: { name: this.namespace, labels } }));
    setSyncWave(this.namespaceObject, SyncWaves.NAMESPACE);

    if (props.defaultNetwork.isDefault === false) {
      fail(this, 'defaultNetwork.isDefault', false, 'must not be false: this is the tenant\'s default network');
    }
    this.defaultNetwork = this.addNetwork('DefaultNetwork', { ...props.defaultNetwork, isDefault: true });
    for (const net of props.sharedNetworks ?? []) this.grantSharedNetwork(net);

    this.writeQuota(props, labels);
    this.writeAdminRole(props.admins ?? [], labels);
    this.writeNetworkPolicy(labels);
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
    const { isDefault: _ignored, ...rest } = props;
    const net = new BridgeNetwork(this, id, {
      macSpoofCheck: true,
      ...rest,
      namespace: this.namespace,
      labels: { ...(props.labels ?? {}), [TENANT_LABEL]: this.tenantName },
    });
    this.ownNetworks.push(net);
    TenantPlan.of(this).registerNetwork(this, net);
    this.writeMultiNetworkPolicy(net);
    return net;
  }

  /**
   * Adds a VM to the tenant: in the tenant's namespace, on the tenant's default network as its default
   * network (no pod network unless `openPodNetwork`), with the tenant's DNS servers, and attached only to
   * networks the tenant owns or was granted.
   */
  public addVm(id: string, props: TenantVmProps = {}): KubeVirtVm {
    const { openPodNetwork, ...vm } = props;
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
    return new KubeVirtVm(this, id, {
      ...vm,
      namespace: this.namespace,
      labels: { ...(vm.labels ?? {}), [TENANT_LABEL]: this.tenantName },
      podNetwork: openPodNetwork ? undefined : PodNetwork.none(),
      networks: [own, ...(vm.networks ?? []).filter((n) => n.network.reference !== this.defaultNetwork.reference)],
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

  /** Lets the tenant's VMs attach to a shared network (e.g. the storage network). */
  public grantSharedNetwork(network: INetworkAttachment): void {
    if (this.shared.some((n) => n.reference === network.reference)) return;
    this.shared.push(network);
  }

  /**
   * Whether a VM of this tenant may attach to `network`: its own networks and the granted shared ones.
   */
  public mayAttach(network: INetworkAttachment): boolean {
    return this.ownNetworks.some((n) => n.reference === network.reference)
      || this.shared.some((n) => n.reference === network.reference);
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
    // NetworkAttachmentDefinitions, (Multi)NetworkPolicies, quotas and RBAC are read-only or absent.
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

  /** On the pod network (for VMs explicitly opened to it), only the tenant's own pods may connect. */
  private writeNetworkPolicy(labels: { [k: string]: string }) {
    const policy = new k8s.KubeNetworkPolicy(this, 'PodNetworkPolicy', {
      metadata: { name: 'tenant-isolation', namespace: this.namespace, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] },
    });
    setSyncWave(policy, SyncWaves.NETWORK);
  }

  /** On a tenant network, only the tenant's own pods may connect (defence in depth beside the VLAN). */
  private writeMultiNetworkPolicy(net: BridgeNetwork) {
    const policy = new MultiNetworkPolicy(this, `${net.node.id}Policy`, {
      metadata: {
        name: `${net.name}-tenant-only`,
        namespace: this.namespace,
        labels: { [TENANT_LABEL]: this.tenantName },
        annotations: { 'k8s.v1.cni.cncf.io/policy-for': net.reference },
      },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] },
    });
    setSyncWave(policy, SyncWaves.NETWORK);
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
