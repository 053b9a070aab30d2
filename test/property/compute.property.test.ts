import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { NUM_RUNS } from './runs';
import {
  BridgeNetwork, CloudInit, CpuModel, DiskBus, DiskCache, HugepageSize, IoThreadsPolicy, Ipam, KubeVirtVm, KubeVirtVmProps, PerformanceProfile,
  PodNetwork, RunStrategy, VmDisk, VmDns, VmInstancetype, VmMultusNetwork, VmPort,
} from '../../src';
import { deriveMac } from '../../src/compute/mac-registry';
import { KubeVirtConfigError } from '../../src/core/errors';
import { expectLibraryError, synthError } from '../util/expect-error';
import { synthObjects } from '../util/synth';

// GIVEN random CPU, memory, hugepage and dedicated-CPU combinations, networks, disks and profiles, WHEN a VM is
// built and synthesized, THEN valid combinations always give a schema-valid VirtualMachine that says what was
// asked, and invalid ones always fail with the library's error (never a crash, never YAML).

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** What the VM's CPU and memory look like, made valid for the knobs in effect. */
const compute = fc.record({
  cores: fc.integer({ min: 1, max: 8 }),
  sockets: maybe(fc.integer({ min: 1, max: 2 })),
  threads: maybe(fc.integer({ min: 1, max: 2 })),
  profile: fc.constantFrom('none', 'balanced', 'dedicatedCpu', 'lowLatency', 'lowLatency1Gi'),
  dedicated: fc.boolean(),
  hugepages: maybe(fc.constantFrom(HugepageSize.SIZE_2MI, HugepageSize.SIZE_1GI)),
  numa: fc.boolean(),
  realtime: fc.boolean(),
  isolate: fc.boolean(),
  pages: fc.integer({ min: 1, max: 16 }),
  mebibytes: fc.integer({ min: 1, max: 16384 }),
  setRequests: fc.boolean(),
  setLimits: fc.boolean(),
  millicores: fc.integer({ min: 1, max: 4000 }),
  ioThreads: maybe(fc.constantFrom(IoThreadsPolicy.SHARED, IoThreadsPolicy.AUTO, IoThreadsPolicy.SUPPLEMENTAL_POOL)),
  poolThreads: fc.integer({ min: 1, max: 8 }),
  cpuModel: maybe(fc.constantFrom(CpuModel.hostPassthrough(), CpuModel.hostModel(), CpuModel.named('Skylake-Server'))),
});
type Compute = typeof compute extends fc.Arbitrary<infer T> ? T : never;

function computeProps(p: Compute): { props: KubeVirtVmProps; vcpus: number; memory: string; dedicated: boolean } {
  const profile = {
    none: undefined,
    balanced: PerformanceProfile.balanced(),
    dedicatedCpu: PerformanceProfile.dedicatedCpu(),
    lowLatency: PerformanceProfile.lowLatency(),
    lowLatency1Gi: PerformanceProfile.lowLatency({ hugepageSize: HugepageSize.SIZE_1GI }),
  }[p.profile];
  const knobs = profile?.knobs ?? {};
  const dedicated = knobs.dedicatedCpuPlacement === true || p.dedicated;
  const hugepages = knobs.hugepages ?? p.hugepages;
  const numa = knobs.numaGuestMappingPassthrough === true || (p.numa && dedicated && hugepages !== undefined);
  const vcpus = p.cores * (p.sockets ?? 1) * (p.threads ?? 1);
  // Memory: a multiple of the hugepage size when there are hugepages, else any whole number of MiB (>= 1M).
  const memory = hugepages === HugepageSize.SIZE_1GI ? `${p.pages}Gi` : hugepages === HugepageSize.SIZE_2MI ? `${2 * p.pages * 4}Mi` : `${Math.max(p.mebibytes, 1)}Mi`;
  const cpuRequest = !p.setRequests ? undefined : dedicated ? String(vcpus) : `${p.millicores}m`;
  const cpuLimit = !p.setLimits ? undefined : dedicated ? String(vcpus) : `${p.millicores + 500}m`;
  return {
    vcpus,
    memory,
    dedicated,
    props: {
      cpu: p.cores,
      sockets: p.sockets,
      threads: p.threads,
      memory,
      memoryLimit: p.setLimits ? memory : undefined,
      cpuRequest,
      cpuLimit,
      performance: profile,
      dedicatedCpuPlacement: p.dedicated ? true : undefined,
      hugepages: knobs.hugepages === undefined ? hugepages : undefined,
      numaGuestMappingPassthrough: numa && !knobs.numaGuestMappingPassthrough ? true : undefined,
      realtime: p.realtime && dedicated && numa ? true : undefined,
      isolateEmulatorThread: p.isolate && dedicated ? true : undefined,
      ioThreadsPolicy: p.ioThreads,
      ioThreadsSupplementalPoolThreadCount: p.ioThreads === IoThreadsPolicy.SUPPLEMENTAL_POOL ? p.poolThreads : undefined,
      cpuModel: p.cpuModel,
    },
  };
}

/** The VM's networks and disks. */
const devices = fc.record({
  pod: fc.constantFrom('default', 'masquerade-ports', 'bridge', 'isolated'),
  multus: fc.integer({ min: 0, max: 2 }),
  root: fc.constantFrom('none', 'blank', 'pvc', 'container', 'dataVolume'),
  preallocated: fc.boolean(),
  extra: fc.array(fc.record({ kind: fc.constantFrom('blank', 'pvc'), bus: maybe(fc.constantFrom(DiskBus.VIRTIO, DiskBus.SATA, DiskBus.SCSI)) }), { maxLength: 2 }),
  cloudInit: fc.boolean(),
  runStrategy: maybe(fc.constantFrom(RunStrategy.ALWAYS, RunStrategy.HALTED, RunStrategy.MANUAL, RunStrategy.RERUN_ON_FAILURE)),
});
type Devices = typeof devices extends fc.Arbitrary<infer T> ? T : never;

function deviceProps(chart: Chart, d: Devices): KubeVirtVmProps {
  const networks: VmMultusNetwork[] = [];
  for (let i = 0; i < d.multus; i++) {
    const net = new BridgeNetwork(chart, `net${i}`, {
      name: `net${i}`,
      namespace: 'vms',
      bridge: 'br1',
      vlan: 100 + i,
      ipam: Ipam.whereabouts({ range: `10.${i}.0.0/24`, routes: [{ destination: '0.0.0.0/0', gateway: `10.${i}.0.1` }] }),
    });
    const isDefault = d.pod === 'isolated' && i === 0 ? true : undefined;
    // One default route per guest: the pod network's, or the default network's.
    networks.push({ network: net, isDefault, defaultRoute: isDefault ? undefined : false });
  }
  const isolated = d.pod === 'isolated' && d.multus > 0;
  const podNetwork = isolated ? undefined
    : d.pod === 'masquerade-ports' ? PodNetwork.masquerade({ ports: [VmPort.ssh(), VmPort.tcp(8080, 'web')] })
      : d.pod === 'bridge' ? PodNetwork.bridge() : undefined;
  const disk = (kind: string, i: number, bus?: DiskBus) => {
    switch (kind) {
      case 'blank': return VmDisk.blank('10Gi', { preallocation: d.preallocated, bus });
      case 'pvc': return VmDisk.fromPvc(`claim-${i}`, { preallocated: d.preallocated, bus });
      case 'container': return VmDisk.fromContainerImage('quay.io/containerdisks/fedora:40');
      default: return VmDisk.fromDataVolume(`dv-${i}`, { preallocated: d.preallocated });
    }
  };
  return {
    podNetwork,
    networks,
    dns: isolated ? VmDns.custom({ nameservers: ['10.0.0.53'] }) : undefined,
    rootDisk: d.root === 'none' ? undefined : disk(d.root, 0),
    disks: d.extra.map((e, i) => disk(e.kind, i + 1, e.bus)),
    cloudInit: d.cloudInit ? CloudInit.noCloud({ userDataSecretName: 'user-data' }) : undefined,
    runStrategy: d.runStrategy,
  };
}

describe('property: valid VMs always synthesize a schema-valid VirtualMachine', () => {
  test('random CPU, memory, hugepages, dedicated CPUs, profiles, networks and disks', () => {
    fc.assert(fc.property(compute, devices, (c, d) => {
      const app = new App();
      const chart = new Chart(app, 'p');
      const { props, vcpus, memory, dedicated } = computeProps(c);
      const vm = new KubeVirtVm(chart, 'vm', { name: 'vm', namespace: 'vms', ...props, ...deviceProps(chart, d) });
      const objects = synthObjects(app);
      const written = objects.find((o) => o.kind === 'VirtualMachine')!;
      const domain = written.spec.template.spec.domain;
      // THEN the VM says what was asked: the vCPU topology, the memory and the pinning.
      expect((domain.cpu.cores ?? 1) * (domain.cpu.sockets ?? 1) * (domain.cpu.threads ?? 1)).toBe(vcpus);
      expect(domain.resources.requests.memory).toBe(memory);
      expect(domain.cpu.dedicatedCpuPlacement === true).toBe(dedicated);
      if (vm.performanceKnobs.hugepages) expect(domain.memory.hugepages.pageSize).toBe(vm.performanceKnobs.hugepages);
      // Interfaces and networks pair up by name; an isolated VM never gets the pod network.
      const ifaces = (domain.devices.interfaces ?? []).map((i: any) => i.name);
      expect((written.spec.template.spec.networks ?? []).map((n: any) => n.name)).toStrictEqual(ifaces);
      if (!vm.hasPodNetwork) expect(domain.devices.autoattachPodInterface).toBe(false);
      // Every NIC has a MAC, and the generated network data configures exactly the VM's NICs by those MACs.
      const macs = (domain.devices.interfaces ?? []).map((i: any) => i.macAddress);
      macs.forEach((m: string) => expect(m).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/));
      const cloudInit = (written.spec.template.spec.volumes ?? []).find((v: any) => v.name === 'cloudinit');
      if (ifaces.length > 0) {
        const data = YAML.parse(cloudInit.cloudInitNoCloud.networkData, { version: '1.1' });
        expect(Object.keys(data.ethernets)).toStrictEqual(ifaces);
        expect(Object.values(data.ethernets).map((e: any) => e.match.macaddress)).toStrictEqual(macs);
      }
    }), { numRuns: NUM_RUNS });
  });
});

/** VM props that break exactly one rule of KubeVirt's admission (on top of a valid 2-vCPU, 2Gi VM). */
const invalidVm: fc.Arbitrary<KubeVirtVmProps> = fc.oneof(
  // vCPU counts that are not positive integers.
  fc.oneof(fc.integer({ max: 0 }), fc.double({ noNaN: false }).filter((v) => !Number.isInteger(v))).map((cpu) => ({ cpu })),
  fc.oneof(fc.integer({ max: 0 }), fc.constant(1.5)).map((sockets) => ({ sockets })),
  // Memory that is not a quantity, not whole bytes, or below 1M.
  fc.string().filter((s) => !/^[0-9]+(Ki|Mi|Gi|M|G)?$/.test(s)).map((memory) => ({ memory })),
  fc.integer({ min: 1, max: 976 }).map((k) => ({ memory: `${k}Ki` })),
  // Memory limit below memory; CPU request above the limit.
  fc.integer({ min: 1, max: 2047 }).map((m) => ({ memoryLimit: `${m}Mi` })),
  fc.tuple(fc.integer({ min: 2, max: 8000 }), fc.integer({ min: 1, max: 7999 })).filter(([r, l]) => r > l).map(([r, l]) => ({ cpuRequest: `${r}m`, cpuLimit: `${l}m` })),
  // Hugepages: memory that is not a multiple of the page.
  fc.integer({ min: 1, max: 8191 }).filter((m) => m % 2 === 1).map((m) => ({ memory: `${m}Mi`, hugepages: HugepageSize.SIZE_2MI })),
  fc.integer({ min: 1, max: 8191 }).filter((m) => m % 1024 !== 0).map((m) => ({ memory: `${m}Mi`, hugepages: HugepageSize.SIZE_1GI })),
  fc.integer({ min: 1, max: 4095 }).filter((m) => m % 2 === 1).map((m) => ({ memory: `${m}Mi`, performance: PerformanceProfile.lowLatency() })),
  // Dedicated CPUs: more than two threads, fractional or other CPU counts, a memory limit above memory.
  fc.integer({ min: 3, max: 8 }).map((threads) => ({ threads, dedicatedCpuPlacement: true })),
  fc.integer({ min: 1, max: 8000 }).filter((m) => m % 1000 !== 0).map((m) => ({ cpuRequest: `${m}m`, performance: PerformanceProfile.dedicatedCpu() })),
  fc.integer({ min: 1, max: 16 }).filter((n) => n !== 2).map((n) => ({ cpuLimit: String(n), dedicatedCpuPlacement: true })),
  fc.integer({ min: 2049, max: 8192 }).map((m) => ({ memoryLimit: `${m}Mi`, dedicatedCpuPlacement: true })),
  // Knobs without the knobs they need.
  fc.constantFrom<KubeVirtVmProps>(
    { isolateEmulatorThread: true },
    { numaGuestMappingPassthrough: true, hugepages: HugepageSize.SIZE_2MI },
    { numaGuestMappingPassthrough: true, dedicatedCpuPlacement: true },
    { realtime: true },
    { realtime: true, dedicatedCpuPlacement: true },
    { ioThreadsPolicy: IoThreadsPolicy.SUPPLEMENTAL_POOL },
    { ioThreadsPolicy: IoThreadsPolicy.AUTO, ioThreadsSupplementalPoolThreadCount: 2 },
    { hugepages: '4Mi' as HugepageSize },
    { diskCache: 'unsafe' as DiskCache },
  ),
  // Names KubeVirt refuses.
  fc.string({ minLength: 1 }).filter((s) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) || s.length > 63).map((name) => ({ name })),
  fc.string({ minLength: 1 }).filter((s) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) || s.length > 63).map((hostname) => ({ hostname })),
  // Disks: a boot order below 1, two disks of one name, native IO on a sparse disk.
  fc.integer({ max: 0 }).map((bootOrder) => ({ rootDisk: VmDisk.fromPvc('root', { bootOrder }) })),
  fc.constantFrom('data', 'cloudinit').map((name) => ({ disks: [VmDisk.fromPvc('a', { name }), VmDisk.fromPvc('b', { name: 'data' })] })),
  fc.constant({ rootDisk: VmDisk.blank('10Gi', { io: 'native' as any, cache: DiskCache.NONE }) }),
  // An instancetype next to the VM's own CPU and memory (the base VM sets both).
  fc.constantFrom(VmInstancetype.cluster('u1.medium'), VmInstancetype.namespaced('small')).map((instancetype) => ({ instancetype })),
);

describe('property: invalid VMs always fail with the library\'s own error', () => {
  test('random invalid compute, knob, name and disk combinations never crash and never produce YAML', () => {
    fc.assert(fc.property(invalidVm, (bad) => {
      const error = synthError((chart) => new KubeVirtVm(chart, 'vm', { name: 'vm', namespace: 'vms', cpu: 2, memory: '2Gi', ...bad }));
      expect(error).toBeInstanceOf(KubeVirtConfigError);
      expectLibraryError(error, /^\[test\/vm\] [\w.[\]]+: /);
    }), { numRuns: NUM_RUNS });
  });
});

describe('property: derived MACs', () => {
  test('are locally administered unicast, never all-zero, reserved or in KubeMacPool\'s default range, and stable', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/), fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), (ns, vm, nic) => {
        const mac = deriveMac(ns, vm, nic);
        expect(mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
        const first = parseInt(mac.slice(0, 2), 16);
        expect(first % 4).toBe(2); // bit 1 set (locally administered), bit 0 clear (unicast)
        expect(first).not.toBe(2);
        expect(deriveMac(ns, vm, nic)).toBe(mac);
      }), { numRuns: NUM_RUNS });
  });
});
