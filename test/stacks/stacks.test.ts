import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import {
  CephNetworkProvider, GitOpsApp, GoldenImageCatalogStack, Grantee, HighPerformanceVmStack, ImageSource, ManifestLayout, MultiTenantVmStack,
  NetworkAttachmentReference, ShootClustersStack, StackStorage,
} from '../../src';
import { ManifestObject } from '../util/schema';
import { parseManifest, synthObjects } from '../util/synth';

const IMAGE = { name: 'ubuntu', source: ImageSource.http('https://images.example.com/ubuntu.qcow2'), size: '10Gi' };
const STORAGE = StackStorage.create({ bridge: 'br1', vlan: 100, range: '192.168.100.0/24' });
/** Isolated tenants reach Ceph's monitors only when Ceph listens on the storage VLAN itself (host networking). */
const HOST_STORAGE = StackStorage.create({ bridge: 'br1', vlan: 100, range: '192.168.100.0/24', nodeRange: '192.168.100.0/28', provider: CephNetworkProvider.HOST });
const kinds = (objects: ManifestObject[]) => objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);

describe('HighPerformanceVmStack', () => {
  const app = new GitOpsApp();
  const stack = new HighPerformanceVmStack(app, 'hpc', {
    namespace: 'hpc',
    bridge: 'br1',
    uplink: 'bond0',
    storage: STORAGE,
    vmVlan: 300,
    vmRange: '10.30.0.0/24',
    vmGateway: '10.30.0.1',
    image: IMAGE,
    storageClass: 'ceph-block',
    vms: [{ name: 'db-1', cpu: 4, memory: '16Gi', diskSize: '50Gi' }],
  });
  const objects = synthObjects(app);

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('writes the node bridge, the storage network with Ceph\'s side, the VM network, the image and the VM', () => {
    expect(kinds(objects)).toStrictEqual([
      'NodeNetworkConfigurationPolicy//br1-bond0',
      'NetworkAttachmentDefinition/rook-ceph/ceph',
      'NetworkAttachmentDefinition/rook-ceph/ceph-public',
      'NetworkAttachmentDefinition/hpc/vm-network',
      'DataVolume/hpc/ubuntu',
      'DataSource/hpc/ubuntu',
      'VirtualMachine/hpc/db-1',
    ]);
  });

  test('the VM runs on dedicated CPUs, on its VLAN and the storage network, with a thin clone of the image', () => {
    const vm = objects.find((o) => o.kind === 'VirtualMachine')!;
    const spec = vm.spec.template.spec;
    expect(spec.domain.cpu).toMatchObject({ dedicatedCpuPlacement: true, isolateEmulatorThread: true });
    expect(spec.networks.map((n: any) => n.multus?.networkName ?? 'pod')).toStrictEqual(['pod', 'hpc/vm-network', 'rook-ceph/ceph']);
    // Cloned from the golden image, thin: preallocation would write the whole disk and end copy-on-write on Ceph.
    expect(vm.spec.dataVolumeTemplates[0].spec).toMatchObject({ sourceRef: { kind: 'DataSource', name: 'ubuntu', namespace: 'hpc' } });
    expect(vm.spec.dataVolumeTemplates[0].spec.preallocation).toBeUndefined();
    expect(stack.vms.map((v) => v.name)).toStrictEqual(['db-1']);
  });

  test('the node bridge and its uplink carry the storage network\'s jumbo frames', () => {
    // Before, the bridge was written without an MTU, and the 9000-byte frames of the storage network were dropped.
    const policy = objects.find((o) => o.kind === 'NodeNetworkConfigurationPolicy')!;
    const [bridge, uplink] = policy.spec.desiredState.interfaces;
    expect(bridge).toMatchObject({ name: 'br1', mtu: 9000 });
    expect(uplink).toStrictEqual({ name: 'bond0', mtu: 9000 });
  });

  test('one default route per guest: the pod network\'s; the VM network\'s gateway route is ignored by the guest (issue 11 item 7)', () => {
    // GIVEN the VM network routes 0.0.0.0/0 through vmGateway, as the pod network's DHCP does
    const vm = objects.find((o) => o.kind === 'VirtualMachine')!;
    const spec = vm.spec.template.spec;
    const nad = JSON.parse(objects.find((o) => o.kind === 'NetworkAttachmentDefinition' && o.metadata.name === 'vm-network')!.spec.config);
    expect(nad.plugins[0].ipam.routes).toStrictEqual([{ dst: '0.0.0.0/0', gw: '10.30.0.1' }]);
    // THEN the guest's network data keeps the pod network's route and drops the VM network's lease routes
    const data = YAML.parse(spec.volumes.find((v: any) => v.name === 'cloudinit').cloudInitNoCloud.networkData, { version: '1.1' });
    const macs = Object.fromEntries(spec.domain.devices.interfaces.map((i: any) => [i.name, i.macAddress]));
    expect(data.ethernets).toStrictEqual({
      default: { match: { macaddress: macs.default }, dhcp4: true },
      vm: { 'match': { macaddress: macs.vm }, 'dhcp4': true, 'dhcp4-overrides': { 'use-routes': false } },
      storage: { match: { macaddress: macs.storage }, dhcp4: true },
    });
  });

  test('preallocateDisks thick-provisions the root disks, on request', () => {
    const other = new GitOpsApp();
    new HighPerformanceVmStack(other, 'hpc', {
      namespace: 'hpc',
      bridge: 'br1',
      storage: STORAGE,
      vmVlan: 300,
      vmRange: '10.30.0.0/24',
      image: IMAGE,
      storageClass: 'ceph-block',
      vms: [{ name: 'db-1' }],
      preallocateDisks: true,
    });
    const vm = synthObjects(other).find((o) => o.kind === 'VirtualMachine')!;
    expect(vm.spec.dataVolumeTemplates[0].spec.preallocation).toBe(true);
  });
});

describe('MultiTenantVmStack', () => {
  const app = new GitOpsApp();
  const stack = new MultiTenantVmStack(app, 'tenants', {
    bridge: 'br1',
    storage: HOST_STORAGE,
    image: IMAGE,
    imageNamespace: 'images',
    storageClass: 'ceph-block',
    tenants: [
      { name: 'a', vlan: 10, range: '10.10.0.0/24', gateway: '10.10.0.1', dnsServers: ['10.10.0.53'], vms: [{ name: 'a-1' }], admins: [Grantee.group('a-admins')] },
      { name: 'b', vlan: 11, range: '10.11.0.0/24', gateway: '10.11.0.1', dnsServers: ['10.11.0.53'], vms: [{ name: 'b-1' }, { name: 'b-2' }] },
    ],
  });
  const objects = synthObjects(app);

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('each tenant VM is isolated on its tenant network and reaches only storage besides', () => {
    for (const vm of objects.filter((o) => o.kind === 'VirtualMachine')) {
      const ns = vm.metadata.namespace;
      expect(vm.spec.template.spec.networks).toStrictEqual([
        { name: 'default', multus: { networkName: `${ns}/${ns}-net`, default: true } },
        { name: 'storage', multus: { networkName: 'rook-ceph/ceph' } },
      ]);
    }
    expect(stack.vms).toHaveLength(3);
  });

  test('one clone grant per tenant, in the image namespace', () => {
    const grants = objects.filter((o) => o.kind === 'RoleBinding' && o.roleRef.name === 'kubevirt.cdk8s.io:clone-sourcer');
    expect(grants.map((g) => [g.metadata.namespace, g.subjects[0].namespace])).toStrictEqual([['images', 'a'], ['images', 'b']]);
  });

  test('the cluster enforces the tenancy: both namespaces are bound to the admission policies, with their own parameters', () => {
    expect(objects.filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy')).map((o) => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'ValidatingAdmissionPolicy/cdk8s-kubevirt-tenant-vms',
      'ValidatingAdmissionPolicyBinding/cdk8s-kubevirt-tenant-vms',
      'ValidatingAdmissionPolicy/cdk8s-kubevirt-tenant-volumes',
      'ValidatingAdmissionPolicyBinding/cdk8s-kubevirt-tenant-volumes',
    ]);
    const b = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'b')!;
    expect(b.metadata.annotations).toMatchObject({
      'kubevirt.cdk8s.io/allowed-networks': 'b/b-net,rook-ceph/ceph',
      'kubevirt.cdk8s.io/default-network': 'b/b-net',
      'kubevirt.cdk8s.io/pod-network': 'denied',
      'kubevirt.cdk8s.io/clone-source-namespaces': 'images',
    });
  });
});

describe('GoldenImageCatalogStack', () => {
  const app = new GitOpsApp();
  new GoldenImageCatalogStack(app, 'images', {
    namespace: 'golden-images',
    storageClass: 'ceph-block',
    images: [IMAGE],
    uploadImages: [{ name: 'airgapped', size: '20Gi' }],
    uploaders: [Grantee.group('uploaders')],
    clones: [{ name: 'scratch', namespace: 'lab', image: 'ubuntu' }, { name: 'local', namespace: 'golden-images', image: 'ubuntu' }],
    applier: Grantee.serviceAccount('argocd', 'argocd-application-controller'),
  });
  const objects = synthObjects(app);

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('golden images bind immediately, are imported once and are not thick-provisioned', () => {
    for (const dv of objects.filter((o) => o.kind === 'DataVolume' && o.metadata.namespace === 'golden-images' && o.metadata.name !== 'local')) {
      // No storage.deleteAfterCompletion: CDI v1.66 no longer reads it.
      expect(dv.metadata.annotations).toStrictEqual({
        'argocd.argoproj.io/sync-wave': '-10',
        'cdi.kubevirt.io/storage.bind.immediate.requested': 'true',
      });
      // "Pre-allocated" in the talk means imported ahead of time, not CDI preallocation.
      expect(dv.spec.preallocation).toBeUndefined();
    }
  });

  test('the clone into another namespace gets a grant for the applier; the same-namespace clone none', () => {
    const grants = objects.filter((o) => o.kind === 'RoleBinding' && o.roleRef.name === 'kubevirt.cdk8s.io:clone-sourcer');
    expect(grants.map((g) => [g.metadata.namespace, g.subjects])).toStrictEqual([
      ['golden-images', [{ kind: 'ServiceAccount', name: 'argocd-application-controller', namespace: 'argocd' }]],
    ]);
  });
});

const SHOOT_WORKER = {
  name: 'worker',
  machineType: 'standard-4',
  machineImageName: 'ubuntu',
  machineImageVersion: '24.4.0',
  minimum: 1,
  maximum: 3,
  zones: ['zone-a'],
  volumeSize: '30Gi',
  volumeType: 'ceph-block',
};

describe('ShootClustersStack', () => {
  const app = new GitOpsApp();
  new ShootClustersStack(app, 'shoots', {
    projectNamespace: 'garden-dev',
    bridge: 'br1',
    region: 'local',
    cloudProfileName: 'kubevirt',
    credentialsBindingName: 'hosting',
    kubernetesVersion: '1.33.4',
    sharedNetworks: [NetworkAttachmentReference.fromName('rook-ceph', 'ceph')],
    shoots: [
      { name: 's1', vlan: 1234, range: '10.250.1.0/24', gateway: '10.250.1.1', dnsServers: ['10.250.1.53'], workers: [SHOOT_WORKER] },
      { name: 's2', vlan: 2345, range: '10.250.2.0/24', gateway: '10.250.2.1', dnsServers: ['10.250.2.53'], workers: [SHOOT_WORKER] },
    ],
  });
  const objects = synthObjects(app);

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('each shoot reaches the shared network and owns its VLAN', () => {
    const configs = objects.map((o) => JSON.parse(o.spec.provider.infrastructureConfig.networks.tenantNetworks[0].config));
    expect(configs.map((c) => c.plugins[0].vlan)).toStrictEqual([1234, 2345]);
    expect(objects.every((o) => o.spec.provider.infrastructureConfig.networks.sharedNetworks[0].name === 'ceph')).toBe(true);
  });

  test('each shoot\'s DNS servers reach the WorkerConfig of its pools, whose nodes cannot reach the hosting cluster\'s DNS', () => {
    expect(objects.map((o) => o.spec.provider.workers[0].providerConfig.dnsConfig)).toStrictEqual([
      { nameservers: ['10.250.1.53'] }, { nameservers: ['10.250.2.53'] },
    ]);
  });
});

describe('GitOpsApp', () => {
  const build = (props: ConstructorParameters<typeof GitOpsApp>[0]) => {
    const app = new GitOpsApp(props);
    new GoldenImageCatalogStack(app, 'images', { namespace: 'img', storageClass: 'sc', images: [IMAGE], uploadImages: [{ name: 'up', size: '1Gi' }] });
    return app;
  };

  test('sync waves can be turned off', () => {
    const objects = parseManifest(build({ syncWaves: false }).synthYaml());
    expect(objects.some((o) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] !== undefined)).toBe(false);
  });

  test('one file per app (and the estate plan next to it)', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-'));
    build({ outdir, layout: ManifestLayout.SINGLE_FILE }).synth();
    expect(fs.readdirSync(outdir).sort()).toStrictEqual(['.cdk8s-kubevirt-files.json', 'app.k8s.yaml', 'plan.md', 'plan.svg']);
  });

  test('one file per resource: no two objects share a file, even with equal kind and name in two namespaces', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-'));
    const app = new GitOpsApp({ outdir, layout: ManifestLayout.FILE_PER_RESOURCE });
    new GoldenImageCatalogStack(app, 'a', { namespace: 'ns-a', storageClass: 'sc', images: [IMAGE] });
    new GoldenImageCatalogStack(app, 'b', { namespace: 'ns-b', storageClass: 'sc', images: [IMAGE] });
    app.synth();
    expect(fs.readdirSync(path.join(outdir, 'a')).sort()).toStrictEqual(['ns-a.datasource.ubuntu.yaml', 'ns-a.datavolume.ubuntu.yaml']);
    expect(fs.readdirSync(path.join(outdir, 'b')).sort()).toStrictEqual(['ns-b.datasource.ubuntu.yaml', 'ns-b.datavolume.ubuntu.yaml']);
  });

  test('validation errors are reported once, with every problem', () => {
    const app = new GitOpsApp();
    new MultiTenantVmStack(app, 't', {
      bridge: 'br1',
      storage: HOST_STORAGE,
      image: IMAGE,
      imageNamespace: 'img',
      storageClass: 'sc',
      tenants: [
        { name: 'a', vlan: 10, range: '10.10.0.0/24', gateway: '10.10.0.1', dnsServers: ['10.10.0.53'] },
        { name: 'b', vlan: 10, range: '10.10.0.0/24', gateway: '10.10.0.1', dnsServers: ['10.10.0.53'] },
      ],
    });
    expect(() => app.synthYaml()).toThrow(/Validation failed with the following errors:\n {2}\[t\/b\/DefaultNetwork\] vlan: 10 .*\n {2}\[t\/b\/DefaultNetwork\] range: "10.10.0.0\/24" overlaps/);
  });
});
