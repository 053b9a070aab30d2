import { Chart } from 'cdk8s';
import {
  Ipam, IsolatedTenant, IsolatedTenantProps, KubeVirtShoot, KubeVirtShootProps, KubeVirtVm, NetworkAttachmentReference, PodNetwork, SharedCephNetwork,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';

const wa = Ipam.whereabouts;
const tenant = (c: Chart, id: string, props: Partial<IsolatedTenantProps> = {}) => new IsolatedTenant(c, id, {
  name: id,
  defaultNetwork: { bridge: 'br1', vlan: 10, ipam: wa({ range: '10.0.0.0/24' }) },
  ...props,
});
const worker = { name: 'w', machineType: 'm', machineImageName: 'ubuntu', machineImageVersion: '1', minimum: 1, maximum: 2, zones: ['a'], volumeSize: '20Gi', volumeType: 'standard' };
/** A valid shoot (nodes on the hosting cluster's pod network) unless `props` spoils it. */
const shoot = (c: Chart, props: Partial<KubeVirtShootProps> = {}) => new KubeVirtShoot(c, 's', {
  name: 's',
  namespace: 'garden-dev',
  region: 'local',
  cloudProfileName: 'kubevirt',
  credentialsBindingName: 'hosting',
  kubernetesVersion: '1.33.4',
  nodesCidr: '10.250.0.0/16',
  workers: [worker],
  ...props,
});
/** A default network with a route out. */
const routed = (range: string, gateway: string) => wa({ range, routes: [{ destination: '0.0.0.0/0', gateway }] });

describeBadInputs('tenancy: bad tenant configurations fail synthesis with their message', [
  {
    name: 'tenant name that is not a DNS-1123 label',
    build: (c) => tenant(c, 't', { name: 'Tenant_A' }),
    error: '[test/t] name: "Tenant_A" must be a DNS-1123 label',
  },
  {
    name: 'tenant namespace that is not a DNS-1123 label',
    build: (c) => tenant(c, 't', { namespace: 'tenant.a' }),
    error: '[test/t] namespace: "tenant.a" must be a DNS-1123 label',
  },
  {
    name: 'two tenants with one name (app-wide)',
    build: (c) => {
      tenant(c, 'a', { name: 'x', namespace: 'ns-a' });
      tenant(c, 'b', { name: 'x', namespace: 'ns-b', defaultNetwork: { bridge: 'br1', vlan: 11, ipam: wa({ range: '10.0.1.0/24' }) } });
    },
    error: '[test/b] name: "x" is already the name of tenant test/a; tenant names are unique',
  },
  {
    name: 'two tenants in one namespace (app-wide)',
    build: (c) => {
      tenant(c, 'a', { namespace: 'shared' });
      tenant(c, 'b', { namespace: 'shared', defaultNetwork: { bridge: 'br1', vlan: 11, ipam: wa({ range: '10.0.1.0/24' }) } });
    },
    error: '[test/b] namespace: "shared" already belongs to tenant test/a; a namespace holds one tenant',
  },
  {
    name: 'a default network marked as not default',
    build: (c) => tenant(c, 't', { defaultNetwork: { bridge: 'br1', vlan: 10, isDefault: false } }),
    error: '[test/t] defaultNetwork.isDefault: false must not be false',
  },
  {
    name: 'a tenant network in another namespace',
    build: (c) => tenant(c, 't').addNetwork('extra', { bridge: 'br1', vlan: 11, namespace: 'elsewhere' }),
    error: '[test/t] extra.namespace: "elsewhere" must be the tenant\'s namespace "t"',
  },
  {
    name: 'a second default network',
    build: (c) => tenant(c, 't').addNetwork('extra', { bridge: 'br1', vlan: 11, isDefault: true }),
    error: '[test/t] extra.isDefault: true is taken: the tenant\'s default network is t/test-t-defaultnetwork-',
  },
  {
    name: 'two tenants on one VLAN of one bridge (app-wide)',
    build: (c) => {
      tenant(c, 'a');
      tenant(c, 'b', { defaultNetwork: { bridge: 'br1', vlan: 10, ipam: wa({ range: '10.9.0.0/24' }) } });
    },
    error: 'vlan: 10 on bridge "br1" is already used by network test/a/DefaultNetwork of tenant "a": two tenants never share a VLAN on one bridge',
  },
  {
    name: 'two tenants with overlapping ranges (app-wide)',
    build: (c) => {
      tenant(c, 'a');
      tenant(c, 'b', { defaultNetwork: { bridge: 'br2', vlan: 10, ipam: wa({ range: '10.0.0.0/16' }) } });
    },
    error: 'two tenants never share an address range',
  },
  {
    name: 'a tenant network on the storage network\'s VLAN (app-wide)',
    build: (c) => {
      new SharedCephNetwork(c, 'ceph', { bridge: 'br1', vlan: 10, range: '192.168.0.0/24' });
      tenant(c, 't');
    },
    error: 'vlan: 10 on bridge "br1" is already used by network test/ceph/VmNetwork',
  },
  {
    name: 'quota CPU that is not a quantity',
    build: (c) => tenant(c, 't', { quota: { cpu: 'lots' } }),
    error: '[test/t] quota.cpu: "lots" must be a Kubernetes quantity',
  },
  {
    name: 'quota memory that is not a whole number of bytes',
    build: (c) => tenant(c, 't', { quota: { memory: '0.5' } }),
    error: '[test/t] quota.memory: "0.5" must be a positive whole number of bytes',
  },
  {
    name: 'quota that limits nothing',
    build: (c) => tenant(c, 't', { quota: {} }),
    error: '[test/t] quota: {} must limit at least one resource',
  },
  {
    name: 'negative VM count',
    build: (c) => tenant(c, 't', { quota: { virtualMachines: -1 } }),
    error: '[test/t] quota.virtualMachines: -1 must be a whole number >= 0',
  },
  {
    name: 'default CPU request that is not a quantity',
    build: (c) => tenant(c, 't', { defaultCpuRequest: '1 core' }),
    error: '[test/t] defaultCpuRequest: "1 core" must be a Kubernetes quantity',
  },
  {
    name: 'shoot with two default tenant networks',
    build: (c) => shoot(c, {
      tenantNetworks: [
        { name: 'a', isDefault: true, network: { bridge: 'br1', vlan: 1, ipam: routed('10.1.0.0/24', '10.1.0.1') } },
        { name: 'b', isDefault: true, network: { bridge: 'br1', vlan: 2, ipam: routed('10.2.0.0/24', '10.2.0.1') } },
      ],
    }),
    error: '[test/s] tenantNetworks[1].isDefault: true is already set on another tenant network; a shoot has at most one default network',
  },
  {
    name: 'shoot with two tenant networks of one name',
    build: (c) => shoot(c, { tenantNetworks: [{ name: 'a', network: { bridge: 'br1', vlan: 1 } }, { name: 'a', network: { bridge: 'br1', vlan: 2 } }] }),
    error: '[test/s] tenantNetworks[1].name: "a" is used by another tenant network of this shoot; names are unique',
  },
  {
    name: 'shoot listing a shared network twice',
    build: (c) => shoot(c, { sharedNetworks: [NetworkAttachmentReference.fromName('rook-ceph', 'ceph'), NetworkAttachmentReference.fromName('rook-ceph', 'ceph')] }),
    error: '[test/s] sharedNetworks[1]: "rook-ceph/ceph" is listed twice',
  },
  {
    name: 'shoot default network without a range for the node network',
    build: (c) => shoot(c, { tenantNetworks: [{ name: 'a', isDefault: true, network: { bridge: 'br1', vlan: 1 } }] }),
    error: '[test/s] tenantNetworks[0].network.ipam: "none" must assign addresses from a range',
  },
  {
    name: 'shoot tenant network that names its own NAD',
    build: (c) => shoot(c, { tenantNetworks: [{ name: 'a', network: { name: 'mine', bridge: 'br1', vlan: 1 } }] }),
    error: '[test/s] tenantNetworks[0].network: {"name":"mine"} must not set name, namespace or shareSegmentWith',
  },
  {
    name: 'shoot worker whose maximum is below its minimum',
    build: (c) => shoot(c, { workers: [{ ...worker, minimum: 3, maximum: 2 }] }),
    error: '[test/s] workers[0].maximum: 2 must be a whole number >= minimum (3)',
  },
  {
    name: 'shoot worker without zones',
    build: (c) => shoot(c, { workers: [{ ...worker, zones: [] }] }),
    error: '[test/s] workers[0].zones: [] must name at least one zone',
  },
  {
    name: 'shoot worker with an unknown hugepage size',
    build: (c) => shoot(c, { workers: [{ ...worker, hugepageSize: '4Mi' }] }),
    error: '[test/s] workers[0].hugepageSize: "4Mi" must be "2Mi" or "1Gi"',
  },
  {
    name: 'shoot pod CIDR that is not a CIDR',
    build: (c) => shoot(c, { podsCidr: '100.96.0.0' }),
    error: '[test/s] podsCidr: "100.96.0.0" must be a CIDR',
  },
]);

describeBadInputs('tenancy: tenant VMs attach only to their tenant\'s networks', [
  {
    name: 'a tenant VM that names another tenant\'s network',
    build: (c) => {
      const a = tenant(c, 'a');
      const b = tenant(c, 'b', { defaultNetwork: { bridge: 'br1', vlan: 11, ipam: wa({ range: '10.0.1.0/24' }) } });
      b.addVm('vm', { memory: '1Gi', networks: [{ network: a.defaultNetwork }], dns: undefined });
    },
    error: /\[test\/b\] vm.networks\[0\]: "a\/test-a-defaultnetwork-[0-9a-f]+" belongs to tenant "a"; a VM attaches only to its own tenant's networks and granted shared networks/,
  },
  {
    name: 'a tenant VM on a shared network that was not granted',
    build: (c) => {
      const ceph = new SharedCephNetwork(c, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.0.0/24' });
      tenant(c, 'a').addVm('vm', { memory: '1Gi', networks: [{ network: ceph }] });
    },
    error: '[test/a] vm.networks[0]: "rook-ceph/ceph" is not a network of tenant "a"; grant it with grantSharedNetwork() first',
  },
  {
    name: 'a tenant VM in another namespace',
    build: (c) => tenant(c, 'a').addVm('vm', { memory: '1Gi', namespace: 'elsewhere' }),
    error: '[test/a] vm.namespace: "elsewhere" must be the tenant\'s namespace "a"',
  },
  {
    name: 'a tenant VM that picks its own pod network',
    build: (c) => tenant(c, 'a').addVm('vm', { memory: '1Gi', podNetwork: PodNetwork.masquerade() }),
    error: '[test/a] vm.podNetwork: "masquerade" is decided by the tenant: use openPodNetwork to add the pod network',
  },
  {
    name: 'a tenant VM that makes another network its default',
    build: (c) => {
      const t = tenant(c, 'a');
      const extra = t.addNetwork('extra', { bridge: 'br1', vlan: 12 });
      t.addVm('vm', { memory: '1Gi', networks: [{ network: extra, isDefault: true }] });
    },
    error: /\[test\/a\] vm.networks\[0\].isDefault: true is the tenant's default network a\/test-a-defaultnetwork-[0-9a-f]+; other networks cannot replace it/,
  },
  {
    name: 'a VM created outside the tenant but in its namespace, on another tenant\'s network (app-wide)',
    build: (c) => {
      const a = tenant(c, 'a');
      tenant(c, 'b', { defaultNetwork: { bridge: 'br1', vlan: 11, ipam: wa({ range: '10.0.1.0/24' }) } });
      new KubeVirtVm(c, 'rogue', { namespace: 'b', memory: '1Gi', networks: [{ network: a.defaultNetwork }] });
    },
    error: /\[test\/rogue\] networks\[0\]: "a\/test-a-defaultnetwork-[0-9a-f]+" belongs to tenant "a"/,
  },
  {
    name: 'a VM outside every tenant on a tenant\'s network (app-wide)',
    build: (c) => {
      const a = tenant(c, 'a');
      new KubeVirtVm(c, 'rogue', { namespace: 'default', memory: '1Gi', networks: [{ network: a.defaultNetwork }] });
    },
    error: /\[test\/rogue\] networks\[0\]: "a\/test-a-defaultnetwork-[0-9a-f]+" belongs to tenant "a"/,
  },
  {
    name: 'a VM created directly in a tenant namespace on an ungranted shared network (app-wide)',
    build: (c) => {
      tenant(c, 'a');
      const ext = NetworkAttachmentReference.fromName('kube-system', 'mgmt');
      new KubeVirtVm(c, 'rogue', { namespace: 'a', memory: '1Gi', networks: [{ network: ext }] });
    },
    error: '[test/rogue] networks[0]: "kube-system/mgmt" is not granted to tenant "a"; grant it with grantSharedNetwork() first',
  },
]);

// More rows, one per error site of tenancy not triggered above (see docs/errors.md).
describeBadInputs('tenancy: further bad inputs fail synthesis with their message', [
  {
    name: 'shoot pod CIDR with a prefix longer than IPv4 allows',
    build: (c) => shoot(c, { podsCidr: '100.96.0.0/33' }),
    error: '[test/s] podsCidr: "100.96.0.0/33" must have a prefix length from 0 to 32',
  },
  {
    name: 'shoot service CIDR with host bits',
    build: (c) => shoot(c, { servicesCidr: '100.64.0.1/13' }),
    error: '[test/s] servicesCidr: "100.64.0.1/13" has host bits set; did you mean "100.64.0.0/13"?',
  },
  {
    name: 'two worker pools of one name',
    build: (c) => shoot(c, { workers: [worker, { ...worker, machineType: 'large' }] }),
    error: '[test/s] workers[1].name: "w" is used by another worker pool; pool names are unique',
  },
  {
    name: 'worker pool with a negative minimum',
    build: (c) => shoot(c, { workers: [{ ...worker, minimum: -1 }] }),
    error: '[test/s] workers[0].minimum: -1 must be a whole number >= 0',
  },
]);
