import { App, Chart, Duration } from 'cdk8s';
import {
  AttachmentKind, BridgeNetwork, CloudInit, CpuModel, GitOpsApp, DiskBus, DiskCache, DiskIo, EvictionStrategy, HugepageSize, InterfaceBinding,
  Ipam, IoThreadsPolicy, KubeVirtVm, NetworkAttachmentReference, NicModel, PerformanceProfile, PodNetwork, RunStrategy,
  SshKeyPropagation, SshKeys, VmDisk, VmDns, VmInstancetype, VmPort, VmPreference, VmServiceType,
} from '../../src';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

function setup() {
  const app = new App();
  const chart = new Chart(app, 'test');
  return { app, chart };
}
const find = (objects: ManifestObject[], kind: string) => objects.filter((o) => o.kind === kind);
const vmOf = (objects: ManifestObject[], name?: string) =>
  find(objects, 'VirtualMachine').find((o) => name === undefined || o.metadata.name === name)!;
const tspec = (vm: ManifestObject) => vm.spec.template.spec;

/** The talk's bridge network: VLAN 1234 on br1 with a default route through 10.123.124.1. */
function talkBridge(chart: Chart) {
  return new BridgeNetwork(chart, 'my-bridge', {
    name: 'my-bridge',
    namespace: 'my-ns',
    bridge: 'br1',
    vlan: 1234,
    ipam: Ipam.whereabouts({ range: '10.123.124.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.123.124.1' }] }),
  });
}

const SRIOV = NetworkAttachmentReference.fromName('my-ns', 'sriov-net', { kind: AttachmentKind.SRIOV, providesDefaultRoute: true, assignsAddresses: true });
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@example';

describe('KubeVirtVm: the talk', () => {
  test('reproduces the talk\'s VM: default on the pod network with masquerade, other-net bridged to my-ns/my-bridge', () => {
    // GIVEN the talk's network and a VM in its namespace
    const { app, chart } = setup();
    const bridge = talkBridge(chart);
    const vm = new KubeVirtVm(chart, 'my-vm', { name: 'my-vm', namespace: 'my-ns', memory: '2Gi' });

    // WHEN the VM joins the bridge network as other-net (the pod network keeps the guest's one default route)
    vm.addNetwork(bridge, { name: 'other-net', defaultRoute: false });
    const objects = synthObjects(app);
    const manifest = vmOf(objects, 'my-vm');

    // THEN interfaces and networks are the talk's, pair for pair, each NIC with its stable MAC
    expect(manifest.metadata).toMatchObject({ name: 'my-vm', namespace: 'my-ns' });
    expect(tspec(manifest).domain.devices.interfaces).toStrictEqual([
      { name: 'default', masquerade: {}, macAddress: expect.stringMatching(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/) },
      { name: 'other-net', bridge: {}, macAddress: expect.stringMatching(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/) },
    ]);
    expect(tspec(manifest).networks).toStrictEqual([
      { name: 'default', pod: {} },
      { name: 'other-net', multus: { networkName: 'my-ns/my-bridge' } },
    ]);
    expect(manifest).toMatchSnapshot();
    // and the tenancy layer can see what the VM is attached to
    expect(vm.hasPodNetwork).toBe(true);
    expect(vm.attachedNetworks).toStrictEqual([bridge]);
    expect(vm.defaultNetwork).toBeUndefined();
  });

  test('the same VM from props alone', () => {
    const { app, chart } = setup();
    const bridge = talkBridge(chart);
    new KubeVirtVm(chart, 'my-vm', { name: 'my-vm', namespace: 'my-ns', memory: '2Gi', networks: [{ network: bridge, name: 'other-net', defaultRoute: false }] });
    const fromProps = vmOf(synthObjects(app));

    const second = setup();
    const bridge2 = talkBridge(second.chart);
    new KubeVirtVm(second.chart, 'my-vm', { name: 'my-vm', namespace: 'my-ns', memory: '2Gi' }).addNetwork(bridge2, { name: 'other-net', defaultRoute: false });
    expect(fromProps).toStrictEqual(vmOf(synthObjects(second.app)));
  });
});

describe('KubeVirtVm: one snapshot per network kind', () => {
  const cases: Array<[string, (chart: Chart) => KubeVirtVm]> = [
    ['pod network, masquerade (the default)', (c) => new KubeVirtVm(c, 'vm', {
      name: 'vm', memory: '1Gi', podNetwork: PodNetwork.masquerade({ ports: [VmPort.ssh(), VmPort.tcp(443, 'https')], macAddress: '02:11:22:33:44:55' }),
    })],
    ['pod network, bridge binding (opt-in)', (c) => new KubeVirtVm(c, 'vm', { name: 'vm', memory: '1Gi', podNetwork: PodNetwork.bridge() })],
    ['Multus bridge network next to the pod network', (c) => {
      const vm = new KubeVirtVm(c, 'vm', { name: 'vm', namespace: 'my-ns', memory: '1Gi' });
      vm.addNetwork(talkBridge(c), { name: 'lan', model: NicModel.E1000E, pciAddress: '0000:81:01.0', macAddress: '02:00:5e:00:53:01', defaultRoute: false });
      return vm;
    }],
    ['SR-IOV network', (c) => {
      const vm = new KubeVirtVm(c, 'vm', { name: 'vm', namespace: 'my-ns', memory: '1Gi' });
      vm.addNetwork(SRIOV, { name: 'fast' });
      return vm;
    }],
    ['fully isolated: a Multus default network and no pod network', (c) => new KubeVirtVm(c, 'vm', {
      name: 'vm',
      namespace: 'my-ns',
      memory: '1Gi',
      networks: [{ network: talkBridge(c), isDefault: true }],
      dns: VmDns.custom({ nameservers: ['10.123.124.53'], searches: ['my-ns.example.com'], options: [{ name: 'ndots', value: '2' }] }),
    })],
    ['no network at all', (c) => new KubeVirtVm(c, 'vm', { name: 'vm', memory: '1Gi', podNetwork: PodNetwork.none() })],
  ];
  test.each(cases)('%s', (_name, build) => {
    const { app, chart } = setup();
    build(chart);
    expect(vmOf(synthObjects(app), 'vm').spec.template.spec).toMatchSnapshot();
  });

  test('masquerade forwards only the listed ports, each with its protocol', () => {
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'vm', { memory: '1Gi', podNetwork: PodNetwork.masquerade({ ports: [VmPort.ssh(), VmPort.udp(53, 'dns')] }) });
    expect(tspec(vmOf(synthObjects(app))).domain.devices.interfaces[0].ports).toStrictEqual([
      { name: 'ssh', port: 22, protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ]);
  });

  test('an SR-IOV network gets SR-IOV binding without being asked', () => {
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'vm', { namespace: 'my-ns', memory: '1Gi', networks: [{ network: SRIOV }] });
    expect(tspec(vmOf(synthObjects(app))).domain.devices.interfaces[1]).toStrictEqual({ name: 'sriov-net', sriov: {}, macAddress: expect.any(String) });
  });

  test('full isolation: the Multus network is the default, no pod interface is attached behind the VM\'s back, DNS is the given one', () => {
    // GIVEN a VM whose only network is the tenant bridge, as its default network
    const { app, chart } = setup();
    const bridge = talkBridge(chart);
    const vm = new KubeVirtVm(chart, 'vm', {
      namespace: 'my-ns',
      memory: '1Gi',
      podNetwork: PodNetwork.none(),
      networks: [{ network: bridge, isDefault: true, name: 'tenant' }],
      dns: VmDns.custom({ nameservers: ['10.123.124.53'] }),
    });
    const spec = tspec(vmOf(synthObjects(app)));
    // THEN Multus replaces the pod network with the bridge...
    expect(spec.networks).toStrictEqual([{ name: 'tenant', multus: { networkName: 'my-ns/my-bridge', default: true } }]);
    expect(spec.domain.devices.interfaces).toStrictEqual([{ name: 'tenant', bridge: {}, macAddress: expect.any(String) }]);
    // ...KubeVirt must not add a pod interface of its own...
    expect(spec.domain.devices.autoattachPodInterface).toBe(false);
    // ...and the guest resolves through the tenant's resolver, since cluster DNS is out of reach
    expect(spec.dnsPolicy).toBe('None');
    expect(spec.dnsConfig).toStrictEqual({ nameservers: ['10.123.124.53'] });
    expect(vm.hasPodNetwork).toBe(false);
    expect(vm.defaultNetwork).toBe(bridge);
  });

  test('a Multus default network added later replaces the implicit pod network, and comes first', () => {
    const { app, chart } = setup();
    const bridge = talkBridge(chart);
    const other = NetworkAttachmentReference.fromName('my-ns', 'backend');
    const vm = new KubeVirtVm(chart, 'vm', { namespace: 'my-ns', memory: '1Gi', dns: VmDns.node() });
    vm.addNetwork(other);
    vm.addNetwork(bridge, { isDefault: true });
    const spec = tspec(vmOf(synthObjects(app)));
    expect(spec.networks.map((n: any) => n.name)).toStrictEqual(['my-bridge', 'backend']);
    expect(vm.hasPodNetwork).toBe(false);
    expect(vm.attachedNetworks).toStrictEqual([bridge, other]);
  });

  test('an acknowledged default network without route or DNS is accepted', () => {
    const { app, chart } = setup();
    const l2 = new BridgeNetwork(chart, 'l2', { name: 'l2', namespace: 'my-ns', bridge: 'br2' });
    new KubeVirtVm(chart, 'vm', { namespace: 'my-ns', memory: '1Gi', networks: [{ network: l2, isDefault: true, acknowledgeNoRouteOut: true, acknowledgeNoDns: true }] });
    expect(tspec(vmOf(synthObjects(app))).dnsPolicy).toBeUndefined();
  });

  test('Multus namespace isolation admits the VM\'s namespace, default and the global namespaces', () => {
    // GIVEN an app that declares the cluster's Multus settings before its charts
    const app = new App();
    app.node.setContext(KubeVirtVm.MULTUS_NAMESPACE_ISOLATION_CONTEXT, true);
    app.node.setContext(KubeVirtVm.MULTUS_GLOBAL_NAMESPACES_CONTEXT, 'shared, infra');
    const chart = new Chart(app, 'test');
    new KubeVirtVm(chart, 'vm', {
      namespace: 'my-ns',
      memory: '1Gi',
      networks: [
        { network: NetworkAttachmentReference.fromName('my-ns', 'own') },
        { network: NetworkAttachmentReference.fromName('default', 'cluster-wide') },
        { network: NetworkAttachmentReference.fromName('infra', 'storage') },
      ],
    });
    expect(tspec(vmOf(synthObjects(app))).networks.map((n: any) => n.multus?.networkName)).toStrictEqual([undefined, 'my-ns/own', 'default/cluster-wide', 'infra/storage']);
  });
});

describe('KubeVirtVm: one snapshot per performance profile', () => {
  const profiles: Array<[string, PerformanceProfile]> = [
    ['balanced', PerformanceProfile.balanced()],
    ['dedicatedCpu', PerformanceProfile.dedicatedCpu()],
    ['lowLatency', PerformanceProfile.lowLatency()],
    ['lowLatency with 1Gi pages', PerformanceProfile.lowLatency({ hugepageSize: HugepageSize.SIZE_1GI })],
  ];
  function profiled(profile: PerformanceProfile) {
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'vm', {
      name: 'vm',
      memory: '8Gi',
      cpu: 4,
      performance: profile,
      rootDisk: VmDisk.blank('20Gi', { preallocation: true }),
      disks: [VmDisk.blank('100Gi'), VmDisk.fromContainerImage('quay.io/containerdisks/fedora:40')],
    });
    return vmOf(synthObjects(app));
  }
  test.each(profiles)('%s', (_name, profile) => {
    expect(profiled(profile).spec).toMatchSnapshot();
  });

  test('balanced leaves CPU, memory and disks to KubeVirt', () => {
    const domain = tspec(profiled(PerformanceProfile.balanced())).domain;
    expect(domain.cpu).toStrictEqual({ cores: 4 });
    expect(domain.memory).toBeUndefined();
    expect(domain.devices.disks.every((d: any) => d.cache === undefined && d.io === undefined)).toBe(true);
  });

  test('dedicatedCpu pins the vCPUs and gives the emulator thread a CPU of its own', () => {
    const cpu = tspec(profiled(PerformanceProfile.dedicatedCpu())).domain.cpu;
    expect(cpu).toStrictEqual({ cores: 4, dedicatedCpuPlacement: true, isolateEmulatorThread: true });
  });

  test('lowLatency sets every knob, native IO only on the preallocated disk, cache none only on persistent disks', () => {
    const domain = tspec(profiled(PerformanceProfile.lowLatency())).domain;
    expect(domain.cpu).toStrictEqual({
      cores: 4, dedicatedCpuPlacement: true, isolateEmulatorThread: true, model: 'host-passthrough', numa: { guestMappingPassthrough: {} },
    });
    expect(domain.memory).toStrictEqual({ hugepages: { pageSize: '2Mi' } });
    expect(domain.ioThreadsPolicy).toBe('auto');
    expect(domain.devices.blockMultiQueue).toBe(true);
    expect(domain.devices.networkInterfaceMultiqueue).toBe(true);
    const disks = Object.fromEntries(domain.devices.disks.map((d: any) => [d.name, d]));
    // root is preallocated: native IO; disk1 is sparse: no native IO (it would block the guest while storage allocates)
    expect(disks.root).toMatchObject({ cache: 'none', io: 'native', bootOrder: 1 });
    expect(disks.disk1).toMatchObject({ cache: 'none' });
    expect(disks.disk1.io).toBeUndefined();
    // the container disk is not persistent storage: no cache mode forced on it
    expect(disks.disk2.cache).toBeUndefined();
  });

  test('a knob set on the VM wins over the profile, and knobs work without a profile', () => {
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'a', { name: 'a', memory: '4Gi', performance: PerformanceProfile.lowLatency(), cpuModel: CpuModel.named('Skylake-Server'), networkInterfaceMultiqueue: false });
    new KubeVirtVm(chart, 'b', {
      name: 'b',
      memory: '4Gi',
      cpu: 2,
      dedicatedCpuPlacement: true,
      hugepages: HugepageSize.SIZE_1GI,
      realtime: true,
      numaGuestMappingPassthrough: true,
      ioThreadsPolicy: IoThreadsPolicy.SUPPLEMENTAL_POOL,
      ioThreadsSupplementalPoolThreadCount: 2,
    });
    const objects = synthObjects(app);
    const a = tspec(vmOf(objects, 'a')).domain;
    expect(a.cpu.model).toBe('Skylake-Server');
    expect(a.devices.networkInterfaceMultiqueue).toBeUndefined();
    const b = tspec(vmOf(objects, 'b')).domain;
    expect(b.cpu).toStrictEqual({ cores: 2, dedicatedCpuPlacement: true, numa: { guestMappingPassthrough: {} }, realtime: {} });
    expect(b.memory).toStrictEqual({ hugepages: { pageSize: '1Gi' } });
    expect(b.ioThreadsPolicy).toBe('supplementalPool');
    expect(b.ioThreads).toStrictEqual({ supplementalPoolThreadCount: 2 });
  });
});

describe('KubeVirtVm: compute, scheduling and identity', () => {
  test('every VM-level setting lands where KubeVirt reads it', () => {
    // GIVEN a VM with every scheduling and identity setting
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'vm', {
      name: 'db',
      namespace: 'prod',
      labels: { app: 'db' },
      annotations: { owner: 'team-a' },
      runStrategy: RunStrategy.RERUN_ON_FAILURE,
      cpu: 2,
      sockets: 2,
      threads: 2,
      memory: '16Gi',
      memoryLimit: '17Gi',
      cpuRequest: '2',
      cpuLimit: '8',
      nodeSelector: { 'node-role.kubernetes.io/worker': '' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'vms', effect: 'NoSchedule' }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a', 'b'] }] }],
          },
        },
      },
      serviceAccountName: 'db-sa',
      evictionStrategy: EvictionStrategy.LIVE_MIGRATE,
      terminationGracePeriod: Duration.minutes(2),
      hostname: 'db-0',
      subdomain: 'db',
    });
    const vm = vmOf(synthObjects(app));
    // THEN
    expect(vm.metadata).toMatchObject({ name: 'db', namespace: 'prod', labels: { app: 'db' }, annotations: { 'owner': 'team-a', 'argocd.argoproj.io/sync-wave': '0' } });
    expect(vm.spec.runStrategy).toBe('RerunOnFailure');
    expect(vm.spec.running).toBeUndefined();
    // the pods carry the VM's labels and the label Services select on
    expect(vm.spec.template.metadata.labels).toStrictEqual({ 'app': 'db', 'vm.kubevirt.io/name': 'db' });
    const spec = tspec(vm);
    expect(spec.domain.cpu).toStrictEqual({ cores: 2, sockets: 2, threads: 2 });
    expect(spec.domain.resources).toStrictEqual({ requests: { memory: '16Gi', cpu: '2' }, limits: { memory: '17Gi', cpu: '8' } });
    expect(spec.nodeSelector).toStrictEqual({ 'node-role.kubernetes.io/worker': '' });
    expect(spec.tolerations).toStrictEqual([{ key: 'dedicated', operator: 'Equal', value: 'vms', effect: 'NoSchedule' }]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toStrictEqual(['a', 'b']);
    expect(spec).toMatchObject({ serviceAccountName: 'db-sa', evictionStrategy: 'LiveMigrate', terminationGracePeriodSeconds: 120, hostname: 'db-0', subdomain: 'db' });
    expect(vm).toMatchSnapshot();
  });

  test('an instancetype and a preference replace CPU and memory; cluster-wide and namespaced kinds', () => {
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'a', { name: 'a', instancetype: VmInstancetype.cluster('u1.medium'), preference: VmPreference.cluster('fedora') });
    new KubeVirtVm(chart, 'b', { name: 'b', instancetype: VmInstancetype.namespaced('small'), preference: VmPreference.namespaced('mine'), blockMultiQueue: true });
    const objects = synthObjects(app);
    const a = vmOf(objects, 'a');
    expect(a.spec.instancetype).toStrictEqual({ kind: 'VirtualMachineClusterInstancetype', name: 'u1.medium' });
    expect(a.spec.preference).toStrictEqual({ kind: 'VirtualMachineClusterPreference', name: 'fedora' });
    // nothing the instancetype owns is written: KubeVirt would refuse the VM
    expect(tspec(a).domain.cpu).toBeUndefined();
    expect(tspec(a).domain.resources).toBeUndefined();
    expect(tspec(a).domain.memory).toBeUndefined();
    const b = vmOf(objects, 'b');
    expect(b.spec.instancetype).toStrictEqual({ kind: 'VirtualMachineInstancetype', name: 'small' });
    expect(b.spec.preference).toStrictEqual({ kind: 'VirtualMachinePreference', name: 'mine' });
    // device knobs are not the instancetype's business
    expect(tspec(b).domain.devices.blockMultiQueue).toBe(true);
  });

  test('a generated name is a DNS label and the VM lands in the chart\'s namespace', () => {
    const app = new App();
    const chart = new Chart(app, 'apps', { namespace: 'team' });
    const vm = new KubeVirtVm(chart, 'web', { memory: '1Gi' });
    const manifest = vmOf(synthObjects(app));
    expect(manifest.metadata.name).toBe(vm.name);
    expect(vm.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(manifest.metadata.namespace).toBe('team');
    expect(manifest.spec.runStrategy).toBe('Always');
  });
});

describe('KubeVirtVm: disks, cloud-init and SSH keys', () => {
  test('disks of every kind, in order, with the VM owning its blank disks', () => {
    // GIVEN a VM with a root disk from an image and one disk of each other kind
    const { app, chart } = setup();
    const vm = new KubeVirtVm(chart, 'vm', {
      name: 'vm',
      namespace: 'my-ns',
      memory: '2Gi',
      rootDisk: VmDisk.fromContainerImage('quay.io/containerdisks/fedora:40', { bus: DiskBus.VIRTIO }),
      disks: [VmDisk.blank('50Gi', { name: 'data', storageClass: 'ceph-block', preallocation: true, cache: DiskCache.NONE, io: DiskIo.NATIVE, dedicatedIoThread: true })],
    });
    vm.addDisk(VmDisk.fromPvc('shared-iso', { bus: DiskBus.SATA, bootOrder: 2 }));
    vm.addDisk(VmDisk.fromDataVolume('legacy', { preallocated: true, cache: DiskCache.NONE, io: DiskIo.NATIVE }));
    const manifest = vmOf(synthObjects(app));
    const spec = tspec(manifest);
    // THEN each disk has its volume, the VM owns the blank disk through dataVolumeTemplates
    // (the cloud-init disk of the generated network data comes last)
    expect(spec.domain.devices.disks.map((d: any) => d.name)).toStrictEqual(['root', 'data', 'disk2', 'disk3', 'cloudinit']);
    expect(spec.volumes.slice(0, 4)).toStrictEqual([
      { name: 'root', containerDisk: { image: 'quay.io/containerdisks/fedora:40' } },
      { name: 'data', dataVolume: { name: 'vm-data' } },
      { name: 'disk2', persistentVolumeClaim: { claimName: 'shared-iso' } },
      { name: 'disk3', dataVolume: { name: 'legacy' } },
    ]);
    expect(manifest.spec.dataVolumeTemplates).toStrictEqual([{
      metadata: { name: 'vm-data' },
      spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '50Gi' } }, storageClassName: 'ceph-block' }, preallocation: true },
    }]);
    expect(spec.domain.devices.disks[1]).toStrictEqual({ name: 'data', disk: { bus: 'virtio' }, cache: 'none', io: 'native', dedicatedIOThread: true });
    expect(spec.domain.devices.disks[2]).toStrictEqual({ name: 'disk2', disk: { bus: 'sata' }, bootOrder: 2 });
    expect(manifest).toMatchSnapshot();
  });

  test('plain user data goes to a Secret of the VM, never inline, and only when the app allows plain secrets in Git', () => {
    // GIVEN an app that opts in to plain secrets
    const app = new App();
    app.node.setContext(GitOpsApp.PLAIN_SECRETS_CONTEXT, true);
    const chart = new Chart(app, 'test');
    new KubeVirtVm(chart, 'vm', {
      name: 'vm',
      namespace: 'my-ns',
      memory: '1Gi',
      cloudInit: CloudInit.noCloud({ userData: '#cloud-config\nchpasswd: { list: "root:secret" }\n' }),
    });
    const objects = synthObjects(app);
    const spec = tspec(vmOf(objects));
    // THEN the VM references the Secret; the network data (not secret) is inline, generated from the NIC
    expect(spec.volumes).toStrictEqual([{ name: 'cloudinit', cloudInitNoCloud: { secretRef: { name: 'vm-cloud-init' }, networkData: expect.stringContaining('version: 2') } }]);
    expect(JSON.stringify(vmOf(objects))).not.toContain('secret"');
    const [secret] = find(objects, 'Secret');
    expect(secret.metadata).toMatchObject({ name: 'vm-cloud-init', namespace: 'my-ns', annotations: { 'argocd.argoproj.io/sync-wave': '-5' } });
    expect(secret.stringData).toStrictEqual({ userdata: '#cloud-config\nchpasswd: { list: "root:secret" }\n' });
  });

  test('ConfigDrive with Secrets that exist elsewhere writes no Secret', () => {
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', cloudInit: CloudInit.configDrive({ userDataSecretName: 'win-unattend', networkDataSecretName: 'win-net' }) });
    const objects = synthObjects(app);
    expect(find(objects, 'Secret')).toHaveLength(0);
    expect(tspec(vmOf(objects)).volumes).toStrictEqual([
      { name: 'cloudinit', cloudInitConfigDrive: { secretRef: { name: 'win-unattend' }, networkDataSecretRef: { name: 'win-net' } } },
    ]);
  });

  test('SSH keys become access credentials propagated through cloud-init, with a stub NoCloud volume when needed', () => {
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', sshKeys: SshKeys.fromPublicKeys([KEY]) });
    const objects = synthObjects(app);
    const spec = tspec(vmOf(objects));
    expect(spec.accessCredentials).toStrictEqual([{ sshPublicKey: { source: { secret: { secretName: 'vm-ssh-keys' } }, propagationMethod: { noCloud: {} } } }]);
    expect(spec.volumes).toStrictEqual([{ name: 'cloudinit', cloudInitNoCloud: { userData: '#cloud-config\n', networkData: expect.stringContaining('version: 2') } }]);
    expect(find(objects, 'Secret')[0].stringData).toStrictEqual({ key1: KEY });
  });

  test('SSH keys follow a ConfigDrive, or go through the guest agent', () => {
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'a', { name: 'a', memory: '1Gi', cloudInit: CloudInit.configDrive({ userDataSecretName: 'unattend' }), sshKeys: SshKeys.fromSecret('keys') });
    new KubeVirtVm(chart, 'b', { name: 'b', memory: '1Gi', sshKeys: SshKeys.fromSecret('keys', { propagation: SshKeyPropagation.qemuGuestAgent(['fedora']) }) });
    const objects = synthObjects(app);
    expect(tspec(vmOf(objects, 'a')).accessCredentials[0].sshPublicKey.propagationMethod).toStrictEqual({ configDrive: {} });
    const b = tspec(vmOf(objects, 'b'));
    expect(b.accessCredentials[0].sshPublicKey).toStrictEqual({ source: { secret: { secretName: 'keys' } }, propagationMethod: { qemuGuestAgent: { users: ['fedora'] } } });
    // no user data stub for the guest agent; the generated network data is the only cloud-init content
    expect(b.volumes).toStrictEqual([{ name: 'cloudinit', cloudInitNoCloud: { networkData: expect.stringContaining('version: 2') } }]);
  });
});

describe('KubeVirtVm: exposure', () => {
  test('a Service selects the VM\'s pods and forwards SSH by default', () => {
    const { app, chart } = setup();
    const vm = new KubeVirtVm(chart, 'vm', { name: 'my-vm', namespace: 'my-ns', memory: '1Gi' });
    vm.exposeViaService();
    const [svc] = find(synthObjects(app), 'Service');
    expect(svc.metadata).toMatchObject({ name: 'my-vm', namespace: 'my-ns', annotations: { 'argocd.argoproj.io/sync-wave': '5' } });
    expect(svc.spec).toStrictEqual({
      type: 'ClusterIP',
      selector: { 'vm.kubevirt.io/name': 'my-vm' },
      ports: [{ name: 'ssh', port: 22, targetPort: 22, protocol: 'TCP' }],
    });
  });

  test('given ports and type, next to a Multus network', () => {
    const { app, chart } = setup();
    const vm = new KubeVirtVm(chart, 'vm', { name: 'web', namespace: 'my-ns', memory: '1Gi', podNetwork: PodNetwork.masquerade({ ports: [VmPort.tcp(80, 'http'), VmPort.tcp(443, 'https')] }) });
    vm.addNetwork(talkBridge(chart), { name: 'other-net', defaultRoute: false });
    vm.exposeViaService({ name: 'web-public', type: VmServiceType.LOAD_BALANCER, ports: [VmPort.tcp(80, 'http'), VmPort.tcp(443, 'https')] });
    const [svc] = find(synthObjects(app), 'Service');
    expect(svc.metadata.name).toBe('web-public');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.ports.map((p: any) => p.port)).toStrictEqual([80, 443]);
  });
});

describe('KubeVirtVm: enums reach the manifest as KubeVirt spells them', () => {
  test('bindings', () => {
    expect(Object.values(InterfaceBinding)).toStrictEqual(['masquerade', 'bridge', 'sriov']);
  });
});
