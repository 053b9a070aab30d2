/**
 * The tenancy rules the library writes as ValidatingAdmissionPolicies, enforced by a real kube-apiserver (issue 11):
 * the talk's two tenants are applied as the library writes them, and a tenant admin (an impersonated user bound
 * to the tenant's own Role) tries each way out of the tenant the policies name. The server refuses each with the
 * policy's message; the same VM on the tenant's own networks, and every VM the library wrote, are admitted.
 */
import { App, Chart } from 'cdk8s';
import {
  CephNetworkProvider, GoldenImage, Grantee, ImageSource, Ipam, IsolatedTenant, NodeBridgePolicy, SharedCephNetwork, VmDisk,
} from '../../src';
import { ApiError, KubeClient, useApiServer } from '../util/apiserver';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

/** The talk's two tenants, with admins, the storage network (Ceph on the host network) and a golden image. */
function talk(): ManifestObject[] {
  const app = new App();
  const infra = new Chart(app, 'infra');
  new NodeBridgePolicy(infra, 'br1', { bridge: 'br1', uplink: 'bond0', mtu: 9000, nodeSelector: { 'kubevirt.io/schedulable': 'true' } });
  const storage = new SharedCephNetwork(infra, 'ceph', {
    bridge: 'br1', vlan: 100, mtu: 9000, range: '192.168.100.0/24', nodeRange: '192.168.100.0/28', provider: CephNetworkProvider.HOST,
  });
  const images = new Chart(app, 'images', { namespace: 'golden-images' });
  const image = new GoldenImage(images, 'ubuntu', {
    name: 'ubuntu', source: ImageSource.http('https://images.example.com/ubuntu.qcow2'), size: '10Gi', storageClass: 'ceph-block',
  });
  const chart = new Chart(app, 'tenants');
  (['a', 'b'] as const).forEach((t, i) => {
    const tenant = new IsolatedTenant(chart, `tenant-${t}`, {
      name: `tenant-${t}`,
      defaultNetwork: {
        name: 'net',
        bridge: 'br1',
        vlan: 2001 + i,
        ipam: Ipam.whereabouts({ range: `10.20${i + 1}.0.0/24`, routes: [{ destination: '0.0.0.0/0', gateway: `10.20${i + 1}.0.1` }] }),
      },
      sharedNetworks: [storage],
      dnsServers: [`10.20${i + 1}.0.53`],
      admins: [Grantee.group(`tenant-${t}-admins`)],
    });
    tenant.addVm('web', { name: 'web', memory: '2Gi', networks: [{ network: storage, name: 'storage' }], rootDisk: VmDisk.fromGoldenImage(image) });
  });
  return synthObjects(app);
}

const objects = talk();
const libraryVms = objects.filter((o) => o.kind === 'VirtualMachine');

/** tenant-a's VM as the library wrote it, under another name, changed by `change`. */
function variant(name: string, change: (vm: any) => void = () => {}): ManifestObject {
  const vm = structuredClone(libraryVms.find((o) => o.metadata.namespace === 'tenant-a')!);
  vm.metadata = { name, namespace: 'tenant-a' };
  change(vm);
  return vm;
}
const onNetwork = (networkName: string) => (vm: any) => { vm.spec.template.spec.networks[1].multus.networkName = networkName; };

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('the server admitted what it should have refused');
}

describe('the tenant admission policies, in a real API server', () => {
  const server = useApiServer();
  let admin: KubeClient;
  let alice: KubeClient;
  beforeAll(async () => {
    // GIVEN the CRDs and everything the app writes but its VMs, applied in Argo CD's order
    admin = server().admin;
    await admin.applyCrds();
    // (namespaces the app uses but does not create, as Argo CD's CreateNamespace would)
    const created = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
    const used = new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n && !created.has(n)));
    for (const ns of used) await admin.ensureNamespace(ns);
    await admin.applyAll(objects.filter((o) => o.kind !== 'VirtualMachine'));
    // ... alice administers tenant-a (the tenant's own Role), and the policies are active
    alice = server().as('alice', ['tenant-a-admins']);
    await admin.waitForPolicy('cdk8s-kubevirt-tenant-vms', variant('probe', onNetwork('tenant-b/net')), { as: alice });
  }, 120_000);

  test('a tenant VM naming another tenant\'s NAD is refused; the same VM on its own networks is admitted', async () => {
    // WHEN tenant-a's admin creates a VM on tenant-b's network, THEN the server refuses it with the policy's message
    const e = await refusal(alice.create(variant('foreign', onNetwork('tenant-b/net'))));
    expect(e.status).toBe(403); // the policy's reason is Forbidden
    expect(e.message).toBe('virtualmachines.kubevirt.io "foreign" is forbidden: ValidatingAdmissionPolicy \'cdk8s-kubevirt-tenant-vms\' with binding '
      + '\'cdk8s-kubevirt-tenant-vms\' denied request: tenant network rule: tenant-b/net is not a network of tenant namespace tenant-a; '
      + 'a tenant VM attaches only to its own networks and granted shared networks: rook-ceph/ceph, tenant-a/net');
    // ... and the same VM on its own networks is admitted
    expect((await alice.create(variant('own'))).metadata.name).toBe('own');
  });

  test('every VM the library wrote for the tenants passes the policies it wrote', async () => {
    for (const vm of libraryVms) await admin.apply(vm);
    expect(libraryVms.map((vm) => `${vm.metadata.namespace}/${vm.metadata.name}`)).toStrictEqual(['tenant-a/web', 'tenant-b/web']);
  });

  test.each([
    ['Ceph\'s own side of the storage network', onNetwork('rook-ceph/ceph-public'), 'tenant network rule: rook-ceph/ceph-public is not a network of tenant namespace tenant-a'],
    ['the pod network', (vm: any) => {
      vm.spec.template.spec.networks.push({ name: 'pod', pod: {} });
      vm.spec.template.spec.domain.devices.interfaces.push({ name: 'pod', masquerade: {} });
    }, 'tenant pod network rule: tenant namespace tenant-a is fully isolated'],
    ['no network at all (KubeVirt would add the pod network)', (vm: any) => {
      const spec = vm.spec.template.spec;
      spec.networks = [];
      spec.domain.devices.interfaces = [];
      delete spec.domain.devices.autoattachPodInterface;
    }, 'tenant pod network rule'],
    ['another Multus default network', (vm: any) => {
      const networks = vm.spec.template.spec.networks;
      networks[0].multus.default = undefined;
      networks[1].multus.default = true;
    }, 'tenant default network rule: in tenant namespace tenant-a only the tenant default network tenant-a/net may replace the pod network'],
    ['a host device', (vm: any) => { vm.spec.template.spec.domain.devices.hostDevices = [{ name: 'nic', deviceName: 'intel.com/e810' }]; }, 'tenant host device rule'],
    ['a host disk', (vm: any) => {
      vm.spec.template.spec.volumes.push({ name: 'host', hostDisk: { path: '/var/lib/secret.img', type: 'Disk' } });
      vm.spec.template.spec.domain.devices.disks.push({ name: 'host', disk: { bus: 'virtio' } });
    }, 'tenant host disk rule'],
    ['a Multus annotation on the template', (vm: any) => { vm.spec.template.metadata.annotations = { 'k8s.v1.cni.cncf.io/networks': 'tenant-b/net' }; }, 'tenant annotation rule'],
    ['a clone from another tenant', (vm: any) => { vm.spec.dataVolumeTemplates[0].spec.sourceRef.namespace = 'tenant-b'; }, 'tenant clone source rule: DataVolume templates in tenant namespace tenant-a clone only from tenant-a, golden-images'],
    ['a node selector off the bridge\'s nodes', (vm: any) => { delete vm.spec.template.spec.nodeSelector; }, 'tenant placement rule: tenant VMs in namespace tenant-a run only on nodes that carry their networks: nodeSelector must include kubevirt.io/schedulable=true'],
  ])('a tenant VM with %s is refused, naming the rule', async (_what, change, message) => {
    const e = await refusal(alice.create(variant('escape', change)));
    expect(e.message).toContain('ValidatingAdmissionPolicy \'cdk8s-kubevirt-tenant-vms\'');
    expect(e.message).toContain(message);
  });

  test('a VMI created directly on another tenant\'s network is refused too', async () => {
    const spec = variant('x', onNetwork('tenant-b/net')).spec.template.spec;
    const vmi = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'direct', namespace: 'tenant-a' }, spec } as ManifestObject;
    expect((await refusal(alice.create(vmi))).message).toContain('tenant network rule: tenant-b/net is not a network of tenant namespace tenant-a');
  });

  test('a DataVolume or PVC that would attach CDI\'s pods to another tenant\'s network is refused', async () => {
    const dv = {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name: 'fetch', namespace: 'tenant-a', annotations: { 'k8s.v1.cni.cncf.io/networks': 'tenant-b/net' } },
      spec: { source: { http: { url: 'http://10.202.0.10/disk.img' } }, storage: { resources: { requests: { storage: '1Gi' } } } },
    } as ManifestObject;
    const e = await refusal(alice.create(dv));
    expect(e.message).toContain('ValidatingAdmissionPolicy \'cdk8s-kubevirt-tenant-volumes\'');
    expect(e.message).toContain('tenant annotation rule');
    const pvc = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'fetch', namespace: 'tenant-a', annotations: { 'v1.multus-cni.io/default-network': 'tenant-b/net' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    } as ManifestObject;
    expect((await refusal(alice.create(pvc))).message).toContain('tenant annotation rule');
    // ... while the same PVC without the annotation is admitted
    expect((await alice.create({ ...pvc, metadata: { name: 'plain', namespace: 'tenant-a' } })).metadata.name).toBe('plain');
  });

  test('the tenant cannot change its own rules or networks: its Namespace and NADs are out of its Role\'s reach', async () => {
    const ns = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'tenant-a')!;
    const widened = { ...ns, metadata: { ...ns.metadata, annotations: { ...ns.metadata.annotations, 'kubevirt.cdk8s.io/allowed-networks': 'tenant-b/net' } } };
    expect((await refusal(alice.apply(widened))).message).toContain('User "alice" cannot patch resource "namespaces" in API group "" in the namespace "tenant-a"');
    const nad = objects.find((o) => o.kind === 'NetworkAttachmentDefinition' && o.metadata.namespace === 'tenant-a')!;
    expect((await refusal(alice.apply({ ...nad, metadata: { name: 'mine', namespace: 'tenant-a' } }))).message)
      .toContain('User "alice" cannot patch resource "network-attachment-definitions" in API group "k8s.cni.cncf.io" in the namespace "tenant-a"');
  });
});
