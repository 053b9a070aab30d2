import { App, Chart, Duration } from 'cdk8s';
import * as YAML from 'yaml';
import {
  AttachmentKind, BridgeNetwork, CloudInit, ClusterPrerequisites, ExternalSecretValue, GitOpsApp, Ipam, KubeVirtVm, MacAddressSource,
  NetworkAttachmentReference, PerformanceProfile, PodNetwork, SecretStoreReference, SharedCephNetwork, SshKeys, VmDns,
} from '../../src';
import { deriveMac } from '../../src/compute/mac-registry';
import { ManifestObject } from '../util/schema';
import { parseManifest, synthObjects } from '../util/synth';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@example';
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

function setup() {
  const app = new App();
  const chart = new Chart(app, 'test', { namespace: 'my-ns' });
  return { app, chart };
}
const vmOf = (objects: ManifestObject[], name: string) => objects.find((o) => o.kind === 'VirtualMachine' && o.metadata.name === name)!;
const tspec = (vm: ManifestObject) => vm.spec.template.spec;
/** The network data the guest reads, parsed as cloud-init does (YAML 1.1). */
const networkDataOf = (vm: ManifestObject) => YAML.parse(tspec(vm).volumes.find((v: any) => v.name === 'cloudinit').cloudInitNoCloud.networkData, { version: '1.1' });
const macsOf = (vm: ManifestObject) => Object.fromEntries(tspec(vm).domain.devices.interfaces.map((i: any) => [i.name, i.macAddress]));

/** The talk's routed VLAN (a default route through 10.123.124.1) and an L2-only VLAN on the same bridge. */
function networks(chart: Chart) {
  const routed = new BridgeNetwork(chart, 'routed', {
    name: 'routed',
    bridge: 'br1',
    vlan: 1234,
    ipam: Ipam.whereabouts({ range: '10.123.124.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.123.124.1' }] }),
  });
  const lan = new BridgeNetwork(chart, 'lan', { name: 'lan', bridge: 'br1', vlan: 1300 });
  const storage = new BridgeNetwork(chart, 'storage', { name: 'storage', bridge: 'br1', vlan: 100, ipam: Ipam.whereabouts({ range: '192.168.100.0/24' }) });
  return { routed, lan, storage };
}

describe('stable guest identity: MAC addresses', () => {
  function twoNicApp() {
    const { app, chart } = setup();
    const { routed, storage } = networks(chart);
    new KubeVirtVm(chart, 'db', { name: 'db', memory: '2Gi', networks: [{ network: routed, name: 'vm', defaultRoute: false }, { network: storage, name: 'storage' }] });
    return vmOf(synthObjects(app), 'db');
  }

  test('GIVEN the same app synthesized twice, THEN every NIC has the same MAC both times', () => {
    const first = macsOf(twoNicApp());
    const second = macsOf(twoNicApp());
    // every NIC has one, a locally administered unicast MAC never in KubeMacPool's 02:... range
    expect(Object.keys(first)).toStrictEqual(['default', 'vm', 'storage']);
    for (const mac of Object.values(first) as string[]) {
      expect(mac).toMatch(MAC);
      const byte = parseInt(mac.slice(0, 2), 16);
      expect(byte & 0b11).toBe(0b10); // eslint-disable-line no-bitwise
      expect(mac.startsWith('02:')).toBe(false);
    }
    expect(second).toStrictEqual(first);
    // the derivation depends on namespace, VM and NIC name only
    expect(first.vm).toBe(deriveMac('my-ns', 'db', 'vm'));
    expect(new Set(Object.values(first)).size).toBe(3);
  });

  test('the MAC follows the names, not the construct tree: another construct id keeps it, another VM name changes it', () => {
    const { app, chart } = setup();
    const { storage } = networks(chart);
    new KubeVirtVm(chart, 'some-id', { name: 'db', memory: '1Gi', networks: [{ network: storage, name: 'storage' }] });
    new KubeVirtVm(chart, 'db2', { name: 'db2', memory: '1Gi', networks: [{ network: storage, name: 'storage' }] });
    const objects = synthObjects(app);
    expect(macsOf(vmOf(objects, 'db')).storage).toBe(deriveMac('my-ns', 'db', 'storage'));
    expect(macsOf(vmOf(objects, 'db2')).storage).not.toBe(macsOf(vmOf(objects, 'db')).storage);
  });

  test('one MAC may repeat on different segments, and an explicit MAC wins', () => {
    const { app, chart } = setup();
    const { routed, storage } = networks(chart);
    new KubeVirtVm(chart, 'a', { name: 'a', memory: '1Gi', networks: [{ network: storage, macAddress: '0A:00:00:00:00:01' }] });
    new KubeVirtVm(chart, 'b', { name: 'b', memory: '1Gi', networks: [{ network: routed, macAddress: '0a:00:00:00:00:01', defaultRoute: false }] });
    const objects = synthObjects(app);
    expect(macsOf(vmOf(objects, 'a')).storage).toBe('0A:00:00:00:00:01');
    expect(macsOf(vmOf(objects, 'b')).routed).toBe('0a:00:00:00:00:01');
  });

  test('the storage network shared by many VMs is one segment: its MACs are checked together', () => {
    const { app, chart } = setup();
    const ceph = new SharedCephNetwork(chart, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24' });
    for (const name of ['a', 'b', 'c']) new KubeVirtVm(chart, name, { name, memory: '1Gi', networks: [{ network: ceph, name: 'storage' }] });
    const objects = synthObjects(app);
    const macs = ['a', 'b', 'c'].map((n) => macsOf(vmOf(objects, n)).storage);
    expect(new Set(macs).size).toBe(3);
  });

  test('with KubeMacPool no MAC is written, no network data is generated, and the cluster prerequisite says why', () => {
    const { app, chart } = setup();
    const { storage } = networks(chart);
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', macAddresses: MacAddressSource.kubeMacPool(), networks: [{ network: storage }] });
    const spec = tspec(vmOf(synthObjects(app), 'vm'));
    expect(spec.domain.devices.interfaces.map((i: any) => i.macAddress)).toStrictEqual([undefined, undefined]);
    expect(spec.volumes).toBeUndefined();
    const [kmp] = ClusterPrerequisites.of(app).all.filter((p) => p.component === 'kubemacpool');
    expect(kmp.requirement).toContain('mutatevirtualmachines.kubemacpool.io=allocate');
    expect(kmp.neededBy).toStrictEqual(['test/vm']);
  });
});

describe('guests configured on first boot: generated cloud-init network data', () => {
  test('GIVEN a VM with two NICs, THEN the network data configures both, matched by MAC, by DHCP', () => {
    // GIVEN a VM on the pod network and the storage network (whereabouts: KubeVirt hands the address by DHCP)
    const { app, chart } = setup();
    const { storage } = networks(chart);
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', networks: [{ network: storage, name: 'storage' }] });
    const vm = vmOf(synthObjects(app), 'vm');
    const macs = macsOf(vm);

    // THEN one entry per NIC, each matched by the MAC written on the interface
    expect(networkDataOf(vm)).toStrictEqual({
      version: 2,
      ethernets: {
        default: { match: { macaddress: macs.default }, dhcp4: true },
        storage: { match: { macaddress: macs.storage }, dhcp4: true },
      },
    });
    // and it is inline (not secret), on a NoCloud disk
    expect(tspec(vm).volumes).toStrictEqual([{ name: 'cloudinit', cloudInitNoCloud: { networkData: expect.any(String) } }]);
    expect(tspec(vm).domain.devices.disks).toStrictEqual([{ name: 'cloudinit', disk: { bus: 'virtio' } }]);
  });

  test('an L2-only network: a pinned address with its routes and the VM\'s resolvers; without a pin the NIC comes up without address', () => {
    const { app, chart } = setup();
    const { lan, storage } = networks(chart);
    new KubeVirtVm(chart, 'vm', {
      name: 'vm',
      memory: '1Gi',
      podNetwork: PodNetwork.none(),
      dns: VmDns.custom({ nameservers: ['10.130.0.53'], searches: ['lab.example.com'] }),
      networks: [
        { network: lan, name: 'lan', isDefault: true, staticAddresses: ['10.130.0.10/24', 'fd00:130::10/64'], staticRoutes: [{ destination: '0.0.0.0/0', gateway: '10.130.0.1' }] },
        { network: NetworkAttachmentReference.fromName('my-ns', 'l2'), name: 'l2' },
        { network: storage, name: 'storage' },
      ],
    });
    const vm = vmOf(synthObjects(app), 'vm');
    const macs = macsOf(vm);
    expect(networkDataOf(vm).ethernets).toStrictEqual({
      lan: {
        match: { macaddress: macs.lan },
        dhcp4: false,
        addresses: ['10.130.0.10/24', 'fd00:130::10/64'],
        routes: [{ to: '0.0.0.0/0', via: '10.130.0.1' }],
        nameservers: { addresses: ['10.130.0.53'], search: ['lab.example.com'] },
      },
      l2: { match: { macaddress: macs.l2 }, dhcp4: false },
      storage: { match: { macaddress: macs.storage }, dhcp4: true },
    });
  });

  test('defaultRoute: false keeps one default route: the guest ignores that NIC\'s DHCP routes', () => {
    const { app, chart } = setup();
    const { routed } = networks(chart);
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', networks: [{ network: routed, name: 'vm', defaultRoute: false }] });
    new KubeVirtVm(chart, 'vm2', { name: 'vm2', memory: '1Gi', podNetwork: PodNetwork.masquerade({ defaultRoute: false }), networks: [{ network: routed, name: 'vm' }] });
    const objects = synthObjects(app);
    expect(networkDataOf(vmOf(objects, 'vm')).ethernets.vm['dhcp4-overrides']).toStrictEqual({ 'use-routes': false });
    expect(networkDataOf(vmOf(objects, 'vm')).ethernets.default['dhcp4-overrides']).toBeUndefined();
    expect(networkDataOf(vmOf(objects, 'vm2')).ethernets.default['dhcp4-overrides']).toStrictEqual({ 'use-routes': false });
  });

  test('allowMultipleDefaultRoutes lets a guest take several', () => {
    const { app, chart } = setup();
    const { routed } = networks(chart);
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', allowMultipleDefaultRoutes: true, networks: [{ network: routed }] });
    expect(Object.keys(networkDataOf(vmOf(synthObjects(app), 'vm')).ethernets)).toStrictEqual(['default', 'routed']);
  });

  test('user network data (version 2) is merged: fields of a NIC\'s entry win, other entries and keys are kept', () => {
    const { app, chart } = setup();
    const { storage } = networks(chart);
    const user = [
      'network:',
      '  version: 2',
      '  ethernets:',
      '    storage:',
      '      mtu: 9000',
      '      dhcp4-overrides: { use-dns: false }',
      '  vlans:',
      '    vlan10: { id: 10, link: storage }',
    ].join('\n');
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', cloudInit: CloudInit.noCloud({ networkData: user }), networks: [{ network: storage, name: 'storage' }] });
    const vm = vmOf(synthObjects(app), 'vm');
    const data = networkDataOf(vm);
    expect(data.ethernets.storage).toStrictEqual({ 'match': { macaddress: macsOf(vm).storage }, 'dhcp4': true, 'mtu': 9000, 'dhcp4-overrides': { 'use-dns': false } });
    expect(data.vlans).toStrictEqual({ vlan10: { id: 10, link: 'storage' } });
    expect(data.version).toBe(2);
  });

  test('MACs that YAML 1.1 would read as numbers stay strings in the network data', () => {
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', podNetwork: PodNetwork.masquerade({ macAddress: '12:34:56:12:34:56' }) });
    expect(networkDataOf(vmOf(synthObjects(app), 'vm')).ethernets.default.match.macaddress).toBe('12:34:56:12:34:56');
  });

  test('no generated network data with ConfigDrive, with a network data Secret of the user\'s, or when turned off', () => {
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'a', { name: 'a', memory: '1Gi', cloudInit: CloudInit.configDrive({ userDataSecretName: 'unattend' }) });
    new KubeVirtVm(chart, 'b', { name: 'b', memory: '1Gi', cloudInit: CloudInit.noCloud({ networkDataSecretName: 'net' }) });
    new KubeVirtVm(chart, 'c', { name: 'c', memory: '1Gi', configureGuestNetwork: false });
    const objects = synthObjects(app);
    expect(tspec(vmOf(objects, 'a')).volumes).toStrictEqual([{ name: 'cloudinit', cloudInitConfigDrive: { secretRef: { name: 'unattend' } } }]);
    expect(tspec(vmOf(objects, 'b')).volumes).toStrictEqual([{ name: 'cloudinit', cloudInitNoCloud: { networkDataSecretRef: { name: 'net' } } }]);
    expect(tspec(vmOf(objects, 'c')).volumes).toBeUndefined();
    // MACs are still stable
    expect(macsOf(vmOf(objects, 'c')).default).toMatch(MAC);
  });
});

describe('secrets never in Git by default', () => {
  test('GIVEN plain user data in a GitOpsApp, THEN synthesis is refused without writing the data', () => {
    const app = new GitOpsApp({ outdir: '/tmp/unused' });
    const chart = new Chart(app, 'vms', { namespace: 'my-ns' });
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', cloudInit: CloudInit.noCloud({ userData: '#cloud-config\npassword: hunter2\n' }) });
    expect(() => app.synthManifests()).toThrow(/\[vms\/vm\] cloudInit\.userData: "<redacted>" would be written to Git in plain text, in Secret my-ns\/vm-cloud-init/);
    let message = '';
    try {
      app.synthManifests();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain('hunter2');
  });

  test('GIVEN allowPlainSecrets, THEN the Secret is written', () => {
    const app = new GitOpsApp({ outdir: '/tmp/unused', allowPlainSecrets: true });
    const chart = new Chart(app, 'vms', { namespace: 'my-ns' });
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', cloudInit: CloudInit.noCloud({ userData: '#cloud-config\n' }) });
    const objects = parseManifest(app.synthYaml());
    expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).toStrictEqual(['vm-cloud-init']);
  });

  test('GIVEN user data from a secret store, THEN an ExternalSecret fills the VM\'s Secret and nothing secret is in the manifests', () => {
    // GIVEN
    const app = new GitOpsApp({ outdir: '/tmp/unused' });
    const chart = new Chart(app, 'vms', { namespace: 'my-ns' });
    new KubeVirtVm(chart, 'vm', {
      name: 'vm',
      memory: '1Gi',
      labels: { app: 'web' },
      cloudInit: CloudInit.noCloud({
        userDataFromStore: ExternalSecretValue.fromStore(SecretStoreReference.clusterSecretStore('vault'), 'vms/web/user-data', {
          property: 'cloud-config', refreshInterval: Duration.minutes(15),
        }),
      }),
      sshKeys: SshKeys.fromPublicKeys([KEY]),
    });
    // WHEN
    const objects = synthObjects(app);
    // THEN the ExternalSecret (schema-checked against external-secrets.io/v1) targets the Secret the VM reads
    const [es] = objects.filter((o) => o.kind === 'ExternalSecret');
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata).toMatchObject({ name: 'vm-cloud-init', namespace: 'my-ns', labels: { app: 'web' }, annotations: { 'argocd.argoproj.io/sync-wave': '-5' } });
    expect(es.spec).toStrictEqual({
      refreshInterval: '900s',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
      target: { name: 'vm-cloud-init', creationPolicy: 'Owner' },
      data: [{ secretKey: 'userdata', remoteRef: { key: 'vms/web/user-data', property: 'cloud-config' } }],
    });
    expect(tspec(vmOf(objects, 'vm')).volumes[0].cloudInitNoCloud.secretRef).toStrictEqual({ name: 'vm-cloud-init' });
    // the only Secret written is the SSH public keys: not secret, allowed in Git
    expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).toStrictEqual(['vm-ssh-keys']);
    // and the cluster must run the operator and serve the store
    const eso = ClusterPrerequisites.of(app).all.filter((p) => p.component === 'external-secrets').map((p) => p.requirement);
    expect(eso).toStrictEqual(['v0.16.2', 'ClusterSecretStore "vault" serving namespace my-ns']);
  });
});

describe('bindings that cannot work are refused early; SR-IOV keeps its own rules', () => {
  test('an SR-IOV NIC gets no DHCP from KubeVirt: it comes up without address unless an address is pinned', () => {
    const { app, chart } = setup();
    const sriov = NetworkAttachmentReference.fromName('my-ns', 'sriov-net', { kind: AttachmentKind.SRIOV, providesDefaultRoute: true, assignsAddresses: true });
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', networks: [{ network: sriov, name: 'fast', staticAddresses: ['10.9.0.5/24'] }] });
    const data = networkDataOf(vmOf(synthObjects(app), 'vm'));
    expect(data.ethernets.fast).toMatchObject({ dhcp4: false, addresses: ['10.9.0.5/24'] });
  });

  test('a dedicated-CPU VM registers CPUManager and the kubelet policy; the performance profile says so once per requirement', () => {
    const { app, chart } = setup();
    new KubeVirtVm(chart, 'a', { name: 'a', memory: '2Gi', cpu: 2, performance: PerformanceProfile.dedicatedCpu() });
    new KubeVirtVm(chart, 'b', { name: 'b', memory: '2Gi', cpu: 2, performance: PerformanceProfile.lowLatency() });
    const all = ClusterPrerequisites.of(app).all.map((p) => [p.kind, p.requirement, p.neededBy.join(',')]);
    expect(all).toStrictEqual([
      ['feature-gate', 'CPUManager', 'test/a,test/b'],
      ['feature-gate', 'NUMA', 'test/b'],
      ['node', 'hugepages-2Mi pages allocatable', 'test/b'],
      ['node', 'kubelet cpuManagerPolicy: static', 'test/a,test/b'],
    ]);
  });
});
