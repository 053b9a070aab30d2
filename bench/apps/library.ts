/**
 * The estate through the library, as a platform team writes it (bench/README.md): a GitOpsApp, a platform
 * chart with a golden image and the shared storage network, and a tenants chart with IsolatedTenants whose
 * VMs have the pod network, the tenant network and the storage network, a root disk cloned from the image,
 * and a Service.
 *
 *   node bench/out/apps/library.js --lib <compiled library> --tenants T --vms V --out DIR [--batch]
 *
 * --batch adds each tenant's VMs with one `addVms(names, props)` call instead of `addVm()` + `exposeViaService()` per VM.
 */
import { arg, heapNow, now, report } from './app-report';
import type * as Lib from '../../src';

/* eslint-disable @typescript-eslint/no-require-imports */
const lib = require(arg('lib')) as typeof Lib;
const { Chart } = require('cdk8s') as typeof import('cdk8s');
/* eslint-enable @typescript-eslint/no-require-imports */
const loaded = now();

const tenants = Number(arg('tenants'));
const vms = Number(arg('vms'));
const batch = process.argv.includes('--batch');

const app = new lib.GitOpsApp({ outdir: arg('out') });
const platform = new Chart(app, 'platform');
const tenantsChart = new Chart(app, 'tenants');
const image = new lib.GoldenImage(platform, 'fedora', {
  name: 'fedora',
  namespace: 'golden-images',
  source: lib.ImageSource.http('https://images.example.com/fedora-40.qcow2'),
  size: '10Gi',
  storageClass: 'ceph-block',
});
const storage = new lib.SharedCephNetwork(platform, 'storage', { bridge: 'br1', vlan: 100, range: '192.168.0.0/16' });
const rootDisk = lib.VmDisk.fromGoldenImage(image, { size: '20Gi' });
const networks = [{ network: storage, name: 'storage' }];

for (let t = 0; t < tenants; t++) {
  const name = `tenant-${String(t).padStart(4, '0')}`;
  const net = `10.${Math.floor(t / 256)}.${t % 256}`;
  const tenant = new lib.IsolatedTenant(tenantsChart, name, {
    name,
    defaultNetwork: {
      name: 'tenant-net',
      bridge: 'br1',
      vlan: 1000 + t,
      ipam: lib.Ipam.whereabouts({ range: `${net}.0/24`, gateway: `${net}.1`, routes: [{ destination: '0.0.0.0/0', gateway: `${net}.1` }] }),
    },
    sharedNetworks: [storage],
    dnsServers: [`${net}.53`],
    quota: { cpu: '200', memory: '512Gi', storage: '2Ti', virtualMachines: 100 },
    allowPodNetwork: true,
  });
  if (batch) {
    const names: string[] = [];
    for (let v = 0; v < vms; v++) names.push(`vm-${String(v).padStart(3, '0')}`);
    tenant.addVms(names, { cpu: 2, memory: '4Gi', openPodNetwork: true, networks, rootDisk, service: {} });
  } else {
    for (let v = 0; v < vms; v++) {
      const vm = `vm-${String(v).padStart(3, '0')}`;
      tenant.addVm(vm, { name: vm, cpu: 2, memory: '4Gi', openPodNetwork: true, networks, rootDisk }).exposeViaService();
    }
  }
}
const heapBuilt = heapNow();
const built = now();
app.synth();
report(loaded, built, now(), heapBuilt);
