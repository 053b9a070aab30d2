import { App, Chart } from 'cdk8s';
import { CephNetworkProvider, GoldenImage, ImageSource, Ipam, IsolatedTenant, KubeVirtShoot, SharedCephNetwork, Grantee, VmDisk, VmDns } from '../../src';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

function setup() {
  const app = new App();
  const chart = new Chart(app, 'platform');
  return { app, chart };
}
const find = (objects: ManifestObject[], kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe('IsolatedTenant', () => {
  // GIVEN a tenant with its own default network, the shared storage network, a quota and admins
  const { app, chart } = setup();
  const ceph = new SharedCephNetwork(chart, 'storage', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24' });
  const tenant = new IsolatedTenant(chart, 'tenant-a', {
    name: 'tenant-a',
    defaultNetwork: {
      name: 'tenant-net',
      bridge: 'br1',
      vlan: 1234,
      ipam: Ipam.whereabouts({ range: '10.1.0.0/24', gateway: '10.1.0.1', routes: [{ destination: '0.0.0.0/0', gateway: '10.1.0.1' }] }),
    },
    sharedNetworks: [ceph],
    dnsServers: ['10.1.0.53'],
    quota: { cpu: '64', memory: '256Gi', storage: '2Ti', virtualMachines: 50, persistentVolumeClaims: 100 },
    admins: [Grantee.group('tenant-a-admins'), Grantee.serviceAccount('argocd', 'argocd-application-controller')],
  });
  const extra = tenant.addNetwork('backend', { name: 'backend', bridge: 'br1', vlan: 1235 });
  // WHEN synthesized
  const objects = synthObjects(app);
  const tenantObjects = objects.filter((o) => o.metadata.namespace === 'tenant-a' || o.kind === 'Namespace');

  test('snapshot of everything the tenant writes', () => {
    expect(tenantObjects).toMatchSnapshot();
  });

  test('the namespace is labelled with the tenant and put under the tenant admission policies', () => {
    const [ns] = find(objects, 'Namespace');
    expect(ns.metadata).toMatchObject({ name: 'tenant-a', labels: { 'kubevirt.cdk8s.io/tenant': 'tenant-a', 'kubevirt.cdk8s.io/admission': 'enforced' } });
  });

  test('tenant networks live in the tenant namespace, check MAC spoofing and are owned by the tenant', () => {
    const nads = find(tenantObjects, 'NetworkAttachmentDefinition');
    expect(nads.map((n) => n.metadata.name)).toStrictEqual(['tenant-net', 'backend']);
    for (const nad of nads) {
      expect(JSON.parse(nad.spec.config).plugins[0].macspoofchk).toBe(true);
      // No tenant port stays in VLAN 1, where it would meet other tenants' ports (plugins before v1.9.0 keep it).
      expect(JSON.parse(nad.spec.config).plugins[0].preserveDefaultVlan).toBe(false);
      expect(nad.metadata.labels).toStrictEqual({ 'kubevirt.cdk8s.io/tenant': 'tenant-a' });
    }
    expect(tenant.defaultNetwork.reference).toBe('tenant-a/tenant-net');
    expect(tenant.networks.map((n) => n.reference)).toStrictEqual(['tenant-a/tenant-net', 'tenant-a/backend']);
  });

  test('a tenant VM may attach to its own networks and granted shared networks, nothing else', () => {
    expect(tenant.mayAttach(tenant.defaultNetwork)).toBe(true);
    expect(tenant.mayAttach(extra)).toBe(true);
    expect(tenant.mayAttach(ceph)).toBe(true);
    expect(tenant.mayAttach(ceph.cephPublicNetwork!)).toBe(false);
  });

  test('the quota counts VMs and requests; the limit range gives CDI pods requests so they fit it', () => {
    const [quota] = find(tenantObjects, 'ResourceQuota');
    // Counts are strings, as the API server stores them (test/conformance): a GitOps diff stays empty.
    expect(quota.spec.hard).toStrictEqual({
      'requests.cpu': '64',
      'requests.memory': '256Gi',
      'requests.storage': '2Ti',
      'count/virtualmachines.kubevirt.io': '50',
      'persistentvolumeclaims': '100',
    });
    const [limits] = find(tenantObjects, 'LimitRange');
    expect(limits.spec.limits).toStrictEqual([{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' } }]);
  });

  test('tenant admins run VMs but cannot change networks, policies, quotas or RBAC', () => {
    const [role] = find(tenantObjects, 'Role', 'tenant-admin');
    const writable = role.rules.filter((r: any) => r.verbs.includes('create') || r.verbs.includes('update'))
      .flatMap((r: any) => r.resources);
    expect(writable).toContain('virtualmachines');
    expect(writable).toContain('datavolumes');
    for (const forbidden of ['network-attachment-definitions', 'multi-networkpolicies', 'networkpolicies', 'resourcequotas', 'limitranges', 'roles', 'rolebindings',
      // ... nor its Namespace (which carries the admission parameters), nor VM kinds the admission policy does not judge
      'namespaces', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'virtualmachinepools', 'virtualmachineinstancereplicasets']) {
      expect(writable).not.toContain(forbidden);
    }
    // A namespaced Role cannot grant cluster-scoped kinds at all: nothing here is cluster-wide.
    expect(find(tenantObjects, 'ClusterRoleBinding')).toStrictEqual([]);
    const [binding] = find(tenantObjects, 'RoleBinding', 'tenant-admin');
    expect(binding.subjects).toStrictEqual([
      { kind: 'Group', name: 'tenant-a-admins', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'argocd-application-controller', namespace: 'argocd' },
    ]);
  });

  test('other namespaces cannot reach the tenant on the pod network', () => {
    const [policy] = find(tenantObjects, 'NetworkPolicy', 'tenant-isolation');
    // Ingress only from pods of the same namespace (a podSelector without namespaceSelector).
    expect(policy.spec).toStrictEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });
  });

  test('no MultiNetworkPolicy: none is known to filter KubeVirt bridge binding, so none is written', () => {
    // multi-networkpolicy-iptables handles only --network-plugins (default macvlan), reads only the
    // k8s.v1.cni.cncf.io/networks annotation, and filters the pod's INPUT/OUTPUT, which frames bridged to the
    // guest never cross. Before, one was written per tenant network and did nothing.
    expect(find(objects, 'MultiNetworkPolicy')).toStrictEqual([]);
  });

  test('namespace and RBAC come before networks, networks before workloads (sync waves)', () => {
    const wave = (o: ManifestObject) => Number(o.metadata.annotations!['argocd.argoproj.io/sync-wave']);
    expect(wave(find(objects, 'Namespace')[0])).toBeLessThan(wave(find(objects, 'NetworkAttachmentDefinition')[0]));
  });
});

describe('two tenants on one bridge', () => {
  test('can never share a VLAN or an address range', () => {
    const { app, chart } = setup();
    new IsolatedTenant(chart, 'a', { name: 'a', defaultNetwork: { bridge: 'br1', vlan: 10, ipam: Ipam.whereabouts({ range: '10.0.0.0/24' }) } });
    new IsolatedTenant(chart, 'b', { name: 'b', defaultNetwork: { bridge: 'br1', vlan: 10, ipam: Ipam.whereabouts({ range: '10.0.0.128/25' }) } });
    expect(() => app.synthYaml()).toThrow(/\[platform\/b\/DefaultNetwork\] vlan: 10 on bridge "br1" is already used by network platform\/a\/DefaultNetwork of tenant "a": two tenants never share a VLAN on one bridge/);
    expect(() => app.synthYaml()).toThrow(/\[platform\/b\/DefaultNetwork\] range: "10.0.0.128\/25" overlaps "10.0.0.0\/24" of network platform\/a\/DefaultNetwork of tenant "a" \(first shared address 10.0.0.128\): two tenants never share an address range/);
  });

  test('with distinct VLANs and ranges they synthesize, each with its own pool', () => {
    const { app, chart } = setup();
    new IsolatedTenant(chart, 'a', { name: 'a', defaultNetwork: { name: 'net', bridge: 'br1', vlan: 10, ipam: Ipam.whereabouts({ range: '10.0.0.0/24' }) } });
    new IsolatedTenant(chart, 'b', { name: 'b', defaultNetwork: { name: 'net', bridge: 'br1', vlan: 11, ipam: Ipam.whereabouts({ range: '10.0.1.0/24' }) } });
    const pools = find(synthObjects(app), 'NetworkAttachmentDefinition').map((n) => JSON.parse(n.spec.config).plugins[0].ipam.network_name);
    expect(pools).toStrictEqual(['a-net', 'b-net']);
  });
});

describe('KubeVirtShoot: the talk\'s two shoots', () => {
  // GIVEN the shared storage network and two shoots on br1, VLAN 1234 and VLAN 2345
  const { app, chart } = setup();
  const ceph = new SharedCephNetwork(chart, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24' });
  const shoots = ([['shoot-1', 1234, '10.10.0'], ['shoot-2', 2345, '10.20.0']] as const).map(([name, vlan, net]) => new KubeVirtShoot(chart, name, {
    name,
    namespace: 'garden-dev',
    region: 'local',
    cloudProfileName: 'kubevirt',
    credentialsBindingName: 'hosting-cluster',
    kubernetesVersion: '1.33.4',
    sharedNetworks: [ceph],
    tenantNetworks: [{
      name: 'network1',
      isDefault: true,
      network: { bridge: 'br1', vlan, ipam: Ipam.whereabouts({ range: `${net}.0/24`, gateway: `${net}.1`, routes: [{ destination: '0.0.0.0/0', gateway: `${net}.1` }] }) },
    }],
    workers: [{
      name: 'worker',
      machineType: 'standard-4',
      machineImageName: 'ubuntu',
      machineImageVersion: '24.4.0',
      minimum: 2,
      maximum: 5,
      zones: ['zone-a'],
      volumeSize: '30Gi',
      volumeType: 'ceph-block',
      dataVolumes: [{ name: 'containerd', size: '100Gi' }],
      dedicatedCpuPlacement: true,
      cpuModel: 'host-passthrough',
      hugepageSize: '2Mi',
      networkInterfaceMultiqueue: true,
      blockMultiQueue: true,
      dns: VmDns.custom({ nameservers: [`${net}.53`], searches: ['nodes.example'] }),
    }],
  }));
  const objects = synthObjects(app);
  const shootObjects = find(objects, 'Shoot');

  test('snapshot', () => {
    expect(shootObjects).toMatchSnapshot();
  });

  test('each shoot declares the shared network ceph in rook-ceph and one default tenant network', () => {
    for (const [i, vlan] of [[0, 1234], [1, 2345]] as const) {
      const infra = shootObjects[i].spec.provider.infrastructureConfig;
      expect(infra.apiVersion).toBe('kubevirt.provider.extensions.gardener.cloud/v1alpha1');
      expect(infra.kind).toBe('InfrastructureConfig');
      expect(infra.networks.sharedNetworks).toStrictEqual([{ name: 'ceph', namespace: 'rook-ceph' }]);
      const [tn] = infra.networks.tenantNetworks;
      expect([tn.name, tn.default]).toStrictEqual(['network1', true]);
      const config = JSON.parse(tn.config);
      expect(config).toMatchObject({ cniVersion: '0.4.0', name: 'network1', plugins: [{ type: 'bridge', bridge: 'br1', vlan }] });
      expect(shoots[i].tenantNetworkConfigs.network1).toBe(tn.config);
    }
  });

  test('tenant networks are isolated: own VLANs and pools; the default network\'s subnet is the node network', () => {
    const configs = shootObjects.map((s) => JSON.parse(s.spec.provider.infrastructureConfig.networks.tenantNetworks[0].config));
    const pools = configs.map((c) => c.plugins[0].ipam.network_name);
    expect(pools).toStrictEqual(['shoot--dev--shoot-1-network1', 'shoot--dev--shoot-2-network1']);
    expect(shootObjects.map((s) => s.spec.networking.nodes)).toStrictEqual(['10.10.0.0/24', '10.20.0.0/24']);
  });

  test('workers get pre-allocated data volumes (the default) and a WorkerConfig for CPU, memory and multiqueue', () => {
    const [worker] = shootObjects[0].spec.provider.workers;
    expect(worker.providerConfig).toStrictEqual({
      apiVersion: 'kubevirt.provider.extensions.gardener.cloud/v1alpha1',
      kind: 'WorkerConfig',
      cpu: { dedicatedCpuPlacement: true, model: 'host-passthrough' },
      memory: { hugepages: { pageSize: '2Mi' } },
      devices: { networkInterfaceMultiqueue: true, blockMultiQueue: true },
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['10.10.0.53'], searches: ['nodes.example'] },
    });
    expect(worker.volume).toStrictEqual({ size: '30Gi', type: 'ceph-block' });
    expect(worker.dataVolumes).toStrictEqual([{ name: 'containerd', size: '100Gi', type: 'ceph-block' }]);
  });

  test('node VMs on the default tenant network get resolvers they can reach, not the hosting cluster\'s DNS (provider issues #31/#32)', () => {
    for (const [i, net] of [[0, '10.10.0'], [1, '10.20.0']] as const) {
      const config = shootObjects[i].spec.provider.workers[0].providerConfig;
      expect([config.dnsPolicy, config.dnsConfig.nameservers]).toStrictEqual(['None', [`${net}.53`]]);
    }
  });

  test('the hosting cluster\'s kubeconfig comes through a CredentialsBinding, not the deprecated SecretBinding', () => {
    expect(shootObjects.map((s) => [s.spec.credentialsBindingName, s.spec.secretBindingName])).toStrictEqual([['hosting-cluster', undefined], ['hosting-cluster', undefined]]);
  });

  test('a third shoot reusing a VLAN on the bridge is refused', () => {
    new KubeVirtShoot(chart, 'shoot-3', {
      name: 'shoot-3',
      namespace: 'garden-dev',
      region: 'local',
      cloudProfileName: 'kubevirt',
      credentialsBindingName: 'hosting-cluster',
      kubernetesVersion: '1.33.4',
      tenantNetworks: [{ name: 'network1', isDefault: true, network: { bridge: 'br1', vlan: 1234, ipam: Ipam.whereabouts({ range: '10.30.0.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.30.0.1' }] }) } }],
      workers: [{
        name: 'worker',
        machineType: 'm',
        machineImageName: 'ubuntu',
        machineImageVersion: '1',
        minimum: 1,
        maximum: 1,
        zones: ['a'],
        volumeSize: '30Gi',
        volumeType: 'ceph-block',
        dns: VmDns.custom({ nameservers: ['10.30.0.53'] }),
      }],
    });
    expect(() => app.synthYaml()).toThrow(/\[platform\/shoot-3\/TenantNetwork-network1\] vlan: 1234 on bridge "br1" is already used by network platform\/shoot-1\/TenantNetwork-network1/);
  });
});

describe('IsolatedTenant.addVm', () => {
  // GIVEN a golden image in its own namespace, the storage network and a tenant granted it
  const app = new App();
  const images = new Chart(app, 'images', { namespace: 'golden-images' });
  const image = new GoldenImage(images, 'ubuntu', { name: 'ubuntu', source: ImageSource.http('https://images.example.com/ubuntu-24.04.qcow2'), size: '10Gi', storageClass: 'ceph-block' });
  const chart = new Chart(app, 'tenants');
  // Ceph on the host network: isolated VMs reach the monitors on the storage VLAN.
  const ceph = new SharedCephNetwork(chart, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24', nodeRange: '192.168.100.0/28', provider: CephNetworkProvider.HOST });
  const tenant = new IsolatedTenant(chart, 't', {
    name: 'tenant-a',
    allowPodNetwork: true,
    dnsServers: ['10.1.0.53'],
    dnsSearches: ['tenant-a.example'],
    sharedNetworks: [ceph],
    defaultNetwork: { name: 'net', bridge: 'br1', vlan: 1234, ipam: Ipam.whereabouts({ range: '10.1.0.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.1.0.1' }] }) },
  });
  // WHEN a VM is added through the tenant, with the storage network and a cloned root disk
  const vm = tenant.addVm('web', { name: 'web', cpu: 2, memory: '4Gi', networks: [{ network: ceph, name: 'storage' }], rootDisk: VmDisk.fromGoldenImage(image, { size: '20Gi' }) });
  const opened = tenant.addVm('bastion', { name: 'bastion', memory: '1Gi', openPodNetwork: true });
  const objects = synthObjects(app);
  const vmOf = (name: string) => find(objects, 'VirtualMachine', name)[0];

  test('snapshot', () => {
    expect(vmOf('web')).toMatchSnapshot();
  });

  test('the VM is fully isolated: the tenant network is its default network and there is no pod network', () => {
    const spec = vmOf('web').spec.template.spec;
    expect(spec.networks).toStrictEqual([
      { name: 'default', multus: { networkName: 'tenant-a/net', default: true } },
      { name: 'storage', multus: { networkName: 'rook-ceph/ceph' } },
    ]);
    expect(spec.networks.some((n: any) => n.pod)).toBe(false);
    expect(vm.hasPodNetwork).toBe(false);
    expect(vm.namespace).toBe('tenant-a');
  });

  test('the tenant\'s resolvers replace cluster DNS, which an isolated VM cannot reach', () => {
    const spec = vmOf('web').spec.template.spec;
    expect(spec.dnsPolicy).toBe('None');
    expect(spec.dnsConfig).toStrictEqual({ nameservers: ['10.1.0.53'], searches: ['tenant-a.example'] });
  });

  test('its root disk clones the golden image, with the RoleBinding in the image namespace for the VM\'s service account', () => {
    const bindings = find(objects, 'RoleBinding').filter((b) => b.roleRef.name === 'kubevirt.cdk8s.io:clone-sourcer');
    expect(bindings).toHaveLength(1);
    expect(bindings[0].metadata.namespace).toBe('golden-images');
    expect(bindings[0].subjects).toStrictEqual([{ kind: 'ServiceAccount', name: 'default', namespace: 'tenant-a' }]);
  });

  test('openPodNetwork adds the pod network and keeps the tenant network as a secondary one', () => {
    const spec = vmOf('bastion').spec.template.spec;
    expect(spec.networks).toStrictEqual([
      { name: 'default', pod: {} },
      { name: 'net', multus: { networkName: 'tenant-a/net' } },
    ]);
    expect(opened.hasPodNetwork).toBe(true);
  });
});
