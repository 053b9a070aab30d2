// The README's TypeScript quick start, verbatim but for the import path (test/readme.test.ts checks both).
import { App, Chart } from 'cdk8s';
import { BridgeNetwork, GoldenImage, ImageSource, Ipam, KubeVirtVm, SharedCephNetwork, VmDisk } from '../src';

const app = new App();
const chart = new Chart(app, 'vms', { namespace: 'my-ns' });

// The talk's network: br1, VLAN 1234, Whereabouts addresses, a default route.
const net = new BridgeNetwork(chart, 'my-bridge', {
  name: 'my-bridge',
  bridge: 'br1',
  vlan: 1234,
  ipam: Ipam.whereabouts({ range: '10.123.124.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.123.124.1' }] }),
});
// One storage network for VMs and Ceph; VMs reach Ceph, never each other.
const storage = new SharedCephNetwork(chart, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24' });
// Imported once, cloned per VM.
const image = new GoldenImage(chart, 'fedora', {
  name: 'fedora', source: ImageSource.registry('docker://quay.io/containerdisks/fedora:41'), size: '10Gi', storageClass: 'ceph-block',
});

new KubeVirtVm(chart, 'my-vm', {
  name: 'my-vm',
  cpu: 2,
  memory: '4Gi',
  // One default route per guest: the pod network's (the guest ignores other-net's).
  networks: [{ network: net, name: 'other-net', defaultRoute: false }, { network: storage, name: 'storage' }],
  rootDisk: VmDisk.fromGoldenImage(image, { size: '20Gi' }),
});
app.synth();
