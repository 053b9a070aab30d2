import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { NUM_RUNS } from './runs';
import {
  CephAttachment, Ipam, IsolatedTenant, KubeVirtShoot, MacvlanMode, NetworkAttachmentReference, PodNetwork, SharedCephNetwork, TenantIsolation, VmDns,
} from '../../src';
import { expectLibraryError, synthError } from '../util/expect-error';
import { synthObjects } from '../util/synth';

// GIVEN random tenants with VMs, Gardener shoots and shared Ceph networks, WHEN they are synthesized, THEN valid
// ones always give schema-valid objects with the isolation they promise, and invalid ones always fail with the
// library's error: KubeVirtConfigError at construction, or cdk8s's validation error for app-wide rules.

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const dotted = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
/** Distinct /24 networks 10.<i>.<j>.0/24, one per index. */
const net24 = (i: number) => `10.${i}.0.0/24`;

const tenantCase = fc.record({
  tenants: fc.uniqueArray(fc.integer({ min: 2, max: 4000 }), { minLength: 1, maxLength: 3 }),
  vms: fc.array(fc.record({ open: fc.boolean(), memory: fc.integer({ min: 1, max: 64 }), storage: fc.boolean() }), { maxLength: 3 }),
  dns: fc.boolean(),
  quota: fc.boolean(),
});

describe('property: valid tenants always synthesize, and their VMs never leave the tenant', () => {
  test('random tenants on their own VLANs and ranges, with VMs added through addVm', () => {
    fc.assert(fc.property(tenantCase, (p) => {
      const app = new App();
      const chart = new Chart(app, 'p');
      const storage = new SharedCephNetwork(chart, 'ceph', { bridge: 'br1', vlan: 1, range: '192.168.0.0/24' });
      const vms = p.tenants.flatMap((vlan, i) => {
        const tenant = new IsolatedTenant(chart, `t${i}`, {
          name: `tenant-${i}`,
          defaultNetwork: { bridge: 'br1', vlan, ipam: Ipam.whereabouts({ range: net24(i), routes: [{ destination: '0.0.0.0/0', gateway: `10.${i}.0.1` }] }) },
          sharedNetworks: [storage],
          dnsServers: p.dns ? [`10.${i}.0.53`] : undefined,
          quota: p.quota ? { cpu: '16', memory: '64Gi', virtualMachines: 10 } : undefined,
        });
        return p.vms.map((v, j) => tenant.addVm(`vm${j}`, {
          memory: `${v.memory}Gi`,
          openPodNetwork: v.open,
          networks: v.storage ? [{ network: storage }] : undefined,
          // An isolated VM needs resolvers it can reach: the tenant's, or its own.
          dns: p.dns || v.open ? undefined : VmDns.custom({ nameservers: [`10.${i}.0.53`] }),
        }));
      });
      const objects = synthObjects(app);
      const written = objects.filter((o) => o.kind === 'VirtualMachine');
      expect(written).toHaveLength(vms.length);
      for (const vm of vms) {
        const obj = written.find((o) => o.metadata.name === vm.name && o.metadata.namespace === vm.namespace)!;
        const networks = obj.spec.template.spec.networks.map((n: any) => n.multus?.networkName ?? 'pod');
        // THEN every network of the VM is its tenant's own, or the granted storage network.
        for (const n of networks) expect(n === 'pod' || n.startsWith(`${vm.namespace}/`) || n === storage.reference).toBe(true);
        if (!vm.hasPodNetwork) expect(obj.spec.template.spec.domain.devices.autoattachPodInterface).toBe(false);
      }
    }), { numRuns: NUM_RUNS });
  });
});

const shootCase = fc.record({
  shoots: fc.uniqueArray(fc.integer({ min: 2, max: 4000 }), { minLength: 1, maxLength: 3 }),
  extraNetwork: fc.boolean(),
  // At least one pool (a KubeVirt shoot cannot be workerless), none scaling from zero (the provider refuses it).
  workers: fc.array(fc.record({ min: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 0, max: 3 }), hugepages: maybe(fc.constantFrom('2Mi', '1Gi')), dedicated: fc.boolean() }), { minLength: 1, maxLength: 2 }),
  credentials: fc.boolean(),
  shared: fc.boolean(),
});

describe('property: valid shoots always synthesize, each with its own default network as node network', () => {
  test('random shoots with tenant networks on distinct VLANs and ranges', () => {
    fc.assert(fc.property(shootCase, (p) => {
      const app = new App();
      const chart = new Chart(app, 'p');
      const ceph = NetworkAttachmentReference.fromName('rook-ceph', 'ceph');
      p.shoots.forEach((vlan, i) => new KubeVirtShoot(chart, `s${i}`, {
        name: `shoot-${i}`,
        namespace: 'garden-dev',
        region: 'local',
        cloudProfileName: 'kubevirt',
        ...(p.credentials ? { credentialsBindingName: 'hosting' } : { secretBindingName: 'hosting' }),
        kubernetesVersion: '1.33.4',
        sharedNetworks: p.shared ? [ceph] : undefined,
        tenantNetworks: [
          { name: 'nodes', isDefault: true, network: { bridge: 'br1', vlan, ipam: Ipam.whereabouts({ range: net24(i), routes: [{ destination: '0.0.0.0/0', gateway: `10.${i}.0.1` }] }) } },
          ...(p.extraNetwork ? [{ name: 'backend', network: { bridge: 'br2', vlan } }] : []),
        ],
        workers: p.workers.map((w, j) => ({
          name: `pool-${j}`,
          machineType: 'm',
          machineImageName: 'ubuntu',
          machineImageVersion: '24.4',
          minimum: w.min,
          maximum: w.min + w.extra,
          zones: ['a'],
          volumeSize: '30Gi',
          volumeType: 'ceph-block',
          dns: VmDns.custom({ nameservers: [`10.${i}.0.53`] }),
          hugepageSize: w.hugepages,
          dedicatedCpuPlacement: w.dedicated,
        })),
      }));
      const shoots = synthObjects(app).filter((o) => o.kind === 'Shoot');
      expect(shoots).toHaveLength(p.shoots.length);
      shoots.forEach((shoot, i) => {
        expect(shoot.spec.networking.nodes).toBe(net24(i));
        expect(shoot.spec.provider.workers ?? []).toHaveLength(p.workers.length);
      });
    }), { numRuns: NUM_RUNS });
  });
});

const cephCase = fc.record({
  vlan: maybe(fc.integer({ min: 0, max: 4094 })),
  prefix: fc.integer({ min: 16, max: 28 }),
  host: fc.integer({ min: 0, max: 0xffff }),
  nodes: fc.constantFrom('none', 'inside', 'apart'),
  isolation: maybe(fc.constantFrom(TenantIsolation.PORT_ISOLATION, TenantIsolation.NONE)),
  macvlan: maybe(fc.constantFrom(MacvlanMode.BRIDGE, MacvlanMode.PRIVATE)),
  cluster: fc.boolean(),
  mtu: maybe(fc.integer({ min: 1280, max: 9000 })),
  monCount: maybe(fc.constantFrom(1, 3, 5, 7, 9)),
  writeCluster: fc.boolean(),
});

describe('property: valid shared Ceph networks always synthesize the attachments and CephCluster network they promise', () => {
  test('random ranges, node ranges, isolation, attachments and cluster networks', () => {
    fc.assert(fc.property(cephCase, (p) => {
      const app = new App();
      const chart = new Chart(app, 'p');
      const size = 2 ** (32 - p.prefix);
      const base = 172 * 2 ** 24 + 16 * 2 ** 16 + (Math.floor(p.host / size) * size) % 2 ** 20;
      const range = `${dotted(base)}/${p.prefix}`;
      const nodeRange = p.nodes === 'inside' ? `${dotted(base)}/${p.prefix + 2}` : p.nodes === 'apart' ? '192.168.255.0/24' : undefined;
      const isolation = p.isolation ?? TenantIsolation.PORT_ISOLATION;
      const macvlan = isolation === TenantIsolation.PORT_ISOLATION && p.macvlan !== undefined;
      const net = new SharedCephNetwork(chart, 'ceph', {
        bridge: 'br1',
        vlan: p.vlan,
        mtu: p.mtu,
        range,
        nodeRange,
        isolation: p.isolation,
        cephAttachment: macvlan ? CephAttachment.macvlan(`br1.${p.vlan ?? 0}`, p.macvlan) : undefined,
        clusterNetwork: p.cluster ? { range: '10.254.0.0/24', vlan: (p.vlan ?? 0) + 1 > 4094 ? 4093 : (p.vlan ?? 0) + 1 } : undefined,
        cephCluster: p.writeCluster ? { cephImage: 'quay.io/ceph/ceph:v19.2.3', monCount: p.monCount } : undefined,
      });
      const objects = synthObjects(app);
      const nads = objects.filter((o) => o.kind === 'NetworkAttachmentDefinition');
      // THEN one attachment with no isolation, two with it (VMs isolated, Ceph not), and one more for the cluster network.
      expect(nads).toHaveLength((isolation === TenantIsolation.NONE ? 1 : 2) + (p.cluster ? 1 : 0));
      const vmConfig = JSON.parse(nads.find((n) => `${n.metadata.namespace}/${n.metadata.name}` === net.reference)!.spec.config);
      expect(vmConfig.plugins[0].portIsolation === true).toBe(isolation === TenantIsolation.PORT_ISOLATION);
      expect(net.networkSpec.addressRanges.public).toStrictEqual([range]);
      const cluster = objects.filter((o) => o.kind === 'CephCluster');
      expect(cluster).toHaveLength(p.writeCluster ? 1 : 0);
      if (p.writeCluster) expect(cluster[0].spec.network).toStrictEqual(net.networkSpec);
    }), { numRuns: NUM_RUNS });
  });
});

/** Tenancy and storage-network inputs that break exactly one rule. */
const invalidTenancy: fc.Arbitrary<(chart: Chart) => void> = fc.oneof(
  // Tenant names that are not DNS-1123 labels.
  fc.string({ minLength: 1 }).filter((s) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) || s.length > 63)
    .map((name) => (c: Chart) => { new IsolatedTenant(c, 't', { name, defaultNetwork: { bridge: 'br1', vlan: 10 } }); }),
  // Two tenants on one VLAN of one bridge, or with overlapping ranges (app-wide).
  fc.integer({ min: 1, max: 4094 }).map((vlan) => (c: Chart) => {
    new IsolatedTenant(c, 'a', { name: 'a', defaultNetwork: { bridge: 'br1', vlan } });
    new IsolatedTenant(c, 'b', { name: 'b', defaultNetwork: { bridge: 'br1', vlan } });
  }),
  fc.tuple(fc.integer({ min: 16, max: 24 }), fc.integer({ min: 16, max: 24 })).map(([a, b]) => (c: Chart) => {
    new IsolatedTenant(c, 'a', { name: 'a', defaultNetwork: { bridge: 'br1', vlan: 1, ipam: Ipam.whereabouts({ range: `10.0.0.0/${a}` }) } });
    new IsolatedTenant(c, 'b', { name: 'b', defaultNetwork: { bridge: 'br1', vlan: 2, ipam: Ipam.whereabouts({ range: `10.0.0.0/${b}` }) } });
  }),
  // Tenant VMs that leave the tenant: another namespace, their own pod network, another tenant's network.
  fc.string({ minLength: 1 }).filter((ns) => ns !== 't').map((namespace) => (c: Chart) => {
    new IsolatedTenant(c, 't', { name: 't', defaultNetwork: { bridge: 'br1', vlan: 10 } }).addVm('vm', { memory: '1Gi', namespace });
  }),
  fc.constantFrom(PodNetwork.masquerade(), PodNetwork.bridge(), PodNetwork.none()).map((podNetwork) => (c: Chart) => {
    new IsolatedTenant(c, 't', { name: 't', defaultNetwork: { bridge: 'br1', vlan: 10 } }).addVm('vm', { memory: '1Gi', podNetwork });
  }),
  fc.constant((c: Chart) => {
    const a = new IsolatedTenant(c, 'a', { name: 'a', defaultNetwork: { bridge: 'br1', vlan: 10 } });
    new IsolatedTenant(c, 'b', { name: 'b', defaultNetwork: { bridge: 'br1', vlan: 11 } }).addVm('vm', { memory: '1Gi', networks: [{ network: a.defaultNetwork }] });
  }),
  // Shoot workers whose maximum is below the minimum, or shoots with two default networks.
  fc.tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 99 })).filter(([min, max]) => max < min)
    .map(([minimum, maximum]) => (c: Chart) => {
      new KubeVirtShoot(c, 's', {
        name: 's',
        namespace: 'garden-dev',
        region: 'r',
        cloudProfileName: 'k',
        secretBindingName: 'h',
        kubernetesVersion: '1.33.4',
        nodesCidr: '10.0.0.0/24',
        workers: [{ name: 'w', machineType: 'm', machineImageName: 'u', machineImageVersion: '1', minimum, maximum, zones: ['a'], volumeSize: '20Gi', volumeType: 'v' }],
      });
    }),
  // Storage networks: even monitor counts, macvlan without isolation, node ranges across the edge of the range.
  fc.integer({ min: -10, max: 20 }).filter((n) => !(n % 2 === 1 && n >= 1 && n <= 9)).map((monCount) => (c: Chart) => {
    new SharedCephNetwork(c, 'ceph', { bridge: 'br1', range: '10.0.0.0/24', cephCluster: { cephImage: 'quay.io/ceph/ceph:v19', monCount } });
  }),
  fc.constantFrom(MacvlanMode.BRIDGE, MacvlanMode.VEPA).map((mode) => (c: Chart) => {
    new SharedCephNetwork(c, 'ceph', { bridge: 'br1', range: '10.0.0.0/24', isolation: TenantIsolation.NONE, cephAttachment: CephAttachment.macvlan('eth1', mode) });
  }),
  fc.integer({ min: 8, max: 23 }).map((prefix) => (c: Chart) => {
    new SharedCephNetwork(c, 'ceph', { bridge: 'br1', range: '10.0.0.0/24', nodeRange: `10.0.0.0/${prefix}` });
  }),
);

describe('property: invalid tenancy and storage-network inputs always fail with the library\'s own error', () => {
  test('random invalid inputs never crash and never produce YAML', () => {
    fc.assert(fc.property(invalidTenancy, (build) => {
      expectLibraryError(synthError(build));
    }), { numRuns: NUM_RUNS });
  });
});
