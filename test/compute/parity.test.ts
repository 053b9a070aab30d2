import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import {
  BridgeNetwork, CloudInit, ExternalSecretValue, GoldenImage, ImageSource, Ipam, KubeVirtVm, PerformanceProfile, PodNetwork, SecretStoreReference,
  SshKeys, VmDisk, VmPort,
} from '../../src';
import { parseManifest, synthObjects } from '../util/synth';

/**
 * The Python parity VM: test-python/test_compute.py builds the same app through the Python bindings and must
 * write this same YAML. Keep both in step; regenerate the fixture with UPDATE_PARITY=1.
 */
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'parity', 'compute.k8s.yaml');

export function buildParityApp(): App {
  const app = new App();
  const images = new Chart(app, 'images', { namespace: 'golden-images' });
  const fedora = new GoldenImage(images, 'fedora', {
    name: 'fedora', source: ImageSource.registry('docker://quay.io/containerdisks/fedora:40'), size: '10Gi', storageClass: 'ceph-block',
  });

  const vms = new Chart(app, 'vms', { namespace: 'my-ns' });
  const bridge = new BridgeNetwork(vms, 'my-bridge', {
    name: 'my-bridge',
    bridge: 'br1',
    vlan: 1234,
    ipam: Ipam.whereabouts({ range: '10.123.124.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.123.124.1' }] }),
  });
  const vm = new KubeVirtVm(vms, 'my-vm', {
    name: 'my-vm',
    cpu: 2,
    memory: '4Gi',
    performance: PerformanceProfile.dedicatedCpu(),
    podNetwork: PodNetwork.masquerade({ ports: [VmPort.ssh()] }),
    networks: [{ network: bridge, name: 'other-net', macAddress: '02:00:5e:00:53:01', defaultRoute: false }],
    rootDisk: VmDisk.fromGoldenImage(fedora, { size: '20Gi', preallocation: true }),
    cloudInit: CloudInit.noCloud({ userDataFromStore: ExternalSecretValue.fromStore(SecretStoreReference.clusterSecretStore('vault'), 'vms/my-vm') }),
    sshKeys: SshKeys.fromPublicKeys(['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@example']),
  });
  vm.exposeViaService();
  return app;
}

describe('Python parity fixture', () => {
  test('the parity app synthesizes to the committed fixture, and every object passes the schemas', () => {
    // GIVEN the parity app
    const app = buildParityApp();
    // WHEN synthesized
    const yaml = app.synthYaml();
    synthObjects(buildParityApp());
    if (process.env.UPDATE_PARITY === '1') {
      fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
      fs.writeFileSync(FIXTURE, yaml);
    }
    // THEN it is the fixture the Python suite compares against, byte for byte
    expect(fs.existsSync(FIXTURE)).toBe(true);
    expect(yaml).toBe(fs.readFileSync(FIXTURE, 'utf-8'));
  });

  test('the fixture holds the VM with two networks and a cloned root disk, with its clone grant', () => {
    const objects = parseManifest(fs.readFileSync(FIXTURE, 'utf-8'));
    const vm = objects.find((o) => o.kind === 'VirtualMachine')!;
    expect(vm.spec.template.spec.networks).toStrictEqual([
      { name: 'default', pod: {} },
      { name: 'other-net', multus: { networkName: 'my-ns/my-bridge' } },
    ]);
    expect(vm.spec.dataVolumeTemplates[0].spec.sourceRef).toStrictEqual({ kind: 'DataSource', name: 'fedora', namespace: 'golden-images' });
    expect(objects.filter((o) => o.kind === 'RoleBinding').map((o) => o.metadata.namespace)).toStrictEqual(['golden-images']);
  });
});
