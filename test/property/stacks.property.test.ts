import { App } from 'cdk8s';
import * as fc from 'fast-check';
import { NUM_RUNS } from './runs';
import { CephNetworkProvider, GitOpsApp, HighPerformanceVmStack, ImageSource, MultiTenantVmStack, StackStorage, StackVm } from '../../src';
import { KubeVirtConfigError } from '../../src/core/errors';
import { expectLibraryError, synthError } from '../util/expect-error';
import { synthObjects } from '../util/synth';

const IMAGE = { name: 'ubuntu', source: ImageSource.http('https://images.example.com/ubuntu.qcow2'), size: '10Gi' };
const storage = () => StackStorage.create({ bridge: 'br1', vlan: 4000, range: '192.168.0.0/24', nodeRange: '192.168.0.0/28', provider: CephNetworkProvider.HOST });
/** The high-performance stack with the given VMs; everything else fixed. */
const hpcStack = (app: App, vms: StackVm[]) => new HighPerformanceVmStack(app, 'hpc', {
  namespace: 'hpc', bridge: 'br1', storage: storage(), vmVlan: 300, vmRange: '10.30.0.0/24', image: IMAGE, storageClass: 'ceph-block', vms,
});

/** Tenants with VLANs and /24 ranges drawn from small pools, so clashes happen often. */
const tenantSpec = fc.record({ vlan: fc.integer({ min: 10, max: 15 }), net: fc.integer({ min: 0, max: 5 }), vms: fc.integer({ min: 0, max: 2 }) });
const tenantSpecs = fc.array(tenantSpec, { minLength: 1, maxLength: 4 });

describe('property: MultiTenantVmStack', () => {
  test('synthesizes schema-valid isolated tenants exactly when no two share a VLAN or a range', () => {
    fc.assert(fc.property(tenantSpecs, (specs) => {
      const app = new GitOpsApp();
      new MultiTenantVmStack(app, 'tenants', {
        bridge: 'br1',
        storage: storage(),
        image: IMAGE,
        imageNamespace: 'images',
        storageClass: 'ceph-block',
        tenants: specs.map((s, i) => ({
          name: `t${i}`,
          vlan: s.vlan,
          range: `10.${s.net}.0.0/24`,
          gateway: `10.${s.net}.0.1`,
          dnsServers: [`10.${s.net}.0.53`],
          vms: Array.from({ length: s.vms }, (_, j) => ({ name: `t${i}-vm${j}` })),
        })),
      });
      const clash = new Set(specs.map((s) => s.vlan)).size < specs.length || new Set(specs.map((s) => s.net)).size < specs.length;
      let error: Error | undefined;
      try {
        const objects = synthObjects(app);
        // Every VM is isolated: no pod network, its tenant network first and default.
        for (const vm of objects.filter((o) => o.kind === 'VirtualMachine')) {
          const networks = vm.spec.template.spec.networks;
          expect(networks.some((n: any) => n.pod)).toBe(false);
          expect(networks[0].multus).toStrictEqual({ networkName: `${vm.metadata.namespace}/${vm.metadata.namespace}-net`, default: true });
        }
      } catch (e) {
        error = e as Error;
      }
      expect(error === undefined).toBe(!clash);
      if (error) expect(error.message).toMatch(/two tenants never share (a VLAN on one bridge|an address range)/);
    }), { numRuns: NUM_RUNS });
  });
});

describe('property: HighPerformanceVmStack', () => {
  const vm = fc.record({
    cpu: fc.integer({ min: 1, max: 16 }), memoryGi: fc.integer({ min: 1, max: 64 }), diskGi: fc.integer({ min: 10, max: 200 }),
  });

  test('random VM sizes with dedicated CPUs always synthesize schema-valid VMs with their requests', () => {
    fc.assert(fc.property(fc.array(vm, { minLength: 1, maxLength: 3 }), (vms) => {
      const app = new GitOpsApp();
      hpcStack(app, vms.map((v, i) => ({ name: `vm-${i}`, cpu: v.cpu, memory: `${v.memoryGi}Gi`, diskSize: `${v.diskGi}Gi` })));
      const objects = synthObjects(app).filter((o) => o.kind === 'VirtualMachine');
      expect(objects).toHaveLength(vms.length);
      objects.forEach((o, i) => {
        expect(o.spec.template.spec.domain.cpu.dedicatedCpuPlacement).toBe(true);
        expect(o.spec.dataVolumeTemplates[0].spec.storage.resources.requests.storage).toBe(`${vms[i].diskGi}Gi`);
      });
    }), { numRuns: NUM_RUNS });
  });

  test('a root disk smaller than the image, or a memory that is no quantity, fails with the library\'s error', () => {
    const bad = fc.oneof(
      fc.integer({ min: 1, max: 9 }).map((gi) => ({ diskSize: `${gi}Gi`, memory: '4Gi' })),
      fc.string({ minLength: 1 }).filter((s) => !/^[0-9.]+([KMGTPE]i?|[numkMGTPE]|e[0-9]+)?$/.test(s)).map((memory) => ({ diskSize: '20Gi', memory })),
    );
    fc.assert(fc.property(bad, (b) => {
      const error = synthError((_chart, app) => hpcStack(app, [{ name: 'vm', cpu: 2, memory: b.memory, diskSize: b.diskSize }]));
      expect(error).toBeInstanceOf(KubeVirtConfigError);
      expectLibraryError(error, /^\[hpc\/vm\] (rootDisk\.size|memory): /);
    }), { numRuns: NUM_RUNS });
  });
});
