import { App, Chart } from 'cdk8s';
import {
  AddressCapacity, BridgeNetwork, CapkCluster, CephNetworkProvider, Ipam, IsolatedTenant, KubeVirtVm, MigrationHeadroom, NetworkAttachmentReference,
  SharedCephNetwork, VmDisk,
} from '../../src';
import { NetworkPlan } from '../../src/network/plan';
import { countPools } from '../../src/network/pools';
import { expectLibraryError, synthError } from '../util/expect-error';

const wa = Ipam.whereabouts;

/** `count` VMs, each with one interface on `network`. */
function vms(chart: Chart, network: BridgeNetwork | SharedCephNetwork, count: number, prefix = 'vm'): void {
  for (let i = 0; i < count; i++) {
    new KubeVirtVm(chart, `${prefix}-${i}`, { name: `${prefix}-${i}`, memory: '1Gi', networks: [{ network, name: 'net' }] });
  }
}

/** A bridge network on VLAN 10 of br1 with a whereabouts pool over `range`. */
function net(chart: Chart, range: string, extra: Record<string, any> = {}): BridgeNetwork {
  return new BridgeNetwork(chart, 'net', { name: 'net', bridge: 'br1', vlan: 10, ipam: wa({ range, ...extra }) });
}

/** The pool of the app's first network, as the capacity rule counts it. */
function pool(app: App) {
  const plan = NetworkPlan.of(app);
  return countPools(plan.registrations, plan.nicRegistrations, plan.capacitySettings).pools[0];
}

describe('address capacity: a network whose pool cannot address its VMs is refused at synth time', () => {
  test('a /28 (14 usable addresses) with 15 VMs is refused', () => {
    // GIVEN 15 VMs on a /28: 16 addresses, 14 of them hosts
    const error = synthError((chart) => vms(chart, net(chart, '10.0.0.0/28'), 15));
    // THEN synthesis fails on the network, naming the range, what it has and what it needs
    expectLibraryError(error);
    expect(error!.message).toContain('[test/net] range: "10.0.0.0/28" has 14 usable addresses (10.0.0.1 to 10.0.0.14), fewer than the 17 it needs: '
      + '15 VM interfaces plus 2 spare for live migration (10 % of the interfaces, rounded up');
  });

  test('the same 15 VMs on a /27 pass', () => {
    // GIVEN 15 VMs on a /27: 30 host addresses for 15 interfaces and 2 spare
    const app = new App();
    const chart = new Chart(app, 'test');
    vms(chart, net(chart, '10.0.0.0/27'), 15);
    // THEN it synthesizes, and the pool counts what it should
    expect(() => app.synthYaml()).not.toThrow();
    expect(pool(app)).toMatchObject({ usable: 30n, interfaces: 15, headroom: 2, need: 17n, reserved: [] });
  });

  test.each([
    // [VMs on a /28 (14 usable), fits?]: 12 + ceil(1.2) = 14 fits; 13 + ceil(1.3) = 15 does not
    [12, true],
    [13, false],
  ])('the migration headroom counts: %i VMs on a /28 fit = %s', (count, fits) => {
    const error = synthError((chart) => vms(chart, net(chart, '10.0.0.0/28'), count));
    expect(error?.message ?? 'fits').toMatch(fits ? /^fits$/ : /range: "10.0.0.0\/28" has 14 usable addresses/);
  });

  test('the gateway, kept out of the pool, is one address fewer', () => {
    // GIVEN 12 VMs on a /28 whose gateway is excluded: 13 usable, 12 + 2 needed
    const error = synthError((chart) => vms(chart, net(chart, '10.0.0.0/28', { gateway: '10.0.0.1' }), 12));
    expect(error?.message).toContain('has 13 usable addresses (10.0.0.1 to 10.0.0.14, less exclusions), fewer than the 14 it needs');
  });

  test('two interfaces of one VM on one network take two addresses', () => {
    const app = new App();
    const chart = new Chart(app, 'test');
    const n = net(chart, '10.0.0.0/24');
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', networks: [{ network: n, name: 'a' }, { network: n, name: 'b' }] });
    expect(pool(app)).toMatchObject({ interfaces: 2, headroom: 1, need: 3n });
  });

  test('the storage network\'s VM and Ceph sides are one pool, counted once, without the node range', () => {
    // GIVEN the shared storage network on a /27 with the nodes' /29 inside it: 30 - 7 = 23 usable
    const app = new App();
    const chart = new Chart(app, 'test');
    const storage = new SharedCephNetwork(chart, 'storage', { bridge: 'br1', vlan: 100, range: '192.168.0.0/27', nodeRange: '192.168.0.0/29' });
    vms(chart, storage, 20);
    // THEN 20 interfaces and 2 spare fit 23; the pool belongs to both NetworkAttachmentDefinitions
    expect(() => app.synthYaml()).not.toThrow();
    const p = pool(app);
    expect(p).toMatchObject({ usable: 23n, interfaces: 20, need: 22n });
    expect(p.networks.map((n) => `${n.namespace}/${n.name}`)).toStrictEqual(['rook-ceph/ceph', 'rook-ceph/ceph-public']);
    // AND two more VMs do not fit; the error is reported once, on the VMs' side
    const error = synthError((c) => vms(c, new SharedCephNetwork(c, 'storage', { bridge: 'br1', vlan: 100, range: '192.168.0.0/27', nodeRange: '192.168.0.0/29' }), 22));
    expect(error?.message).toContain('[test/storage/VmNetwork] range: "192.168.0.0/27" has 23 usable addresses (192.168.0.1 to 192.168.0.30, less exclusions) '
      + 'in a pool shared with rook-ceph/ceph-public, fewer than the 25 it needs');
    expect(error?.message.match(/usable addresses/g)).toHaveLength(1);
  });

  test('tenant VMs count on their default network and on the shared network', () => {
    const app = new App();
    const chart = new Chart(app, 'test');
    const storage = new SharedCephNetwork(chart, 'storage', { bridge: 'br1', vlan: 100, range: '192.168.0.0/24', nodeRange: '192.168.0.0/28', provider: CephNetworkProvider.HOST });
    const tenant = new IsolatedTenant(chart, 't', {
      name: 't',
      defaultNetwork: { name: 'lan', bridge: 'br1', vlan: 200, ipam: wa({ range: '10.0.0.0/29', gateway: '10.0.0.1', routes: [{ destination: '0.0.0.0/0', gateway: '10.0.0.1' }] }) },
      sharedNetworks: [storage],
      dnsServers: ['10.0.0.53'],
    });
    // GIVEN a /29 with its gateway excluded: 5 usable; 4 VMs + 1 spare fit, 5 VMs + 1 do not
    for (let i = 0; i < 5; i++) tenant.addVm(`vm-${i}`, { name: `vm-${i}`, memory: '1Gi', networks: [{ network: storage, name: 'storage' }] });
    expect(() => app.synthYaml()).toThrow(/\[test\/t\/DefaultNetwork\] range: "10.0.0.0\/29" has 5 usable addresses .* fewer than the 6 it needs: 5 VM interfaces plus 1 spare/);
    const plan = NetworkPlan.of(app);
    const pools = countPools(plan.registrations, plan.nicRegistrations, plan.capacitySettings).pools;
    expect(pools.map((p) => [p.range.block.cidr, p.interfaces])).toStrictEqual([['192.168.0.0/24', 5], ['10.0.0.0/29', 5]]);
  });

  test('each range of a dual-stack network is its own pool', () => {
    // GIVEN a /64 and a /29 (6 usable): 6 VMs need 7 IPv4 addresses
    const error = synthError((chart) => vms(chart, new BridgeNetwork(chart, 'net', {
      name: 'net', bridge: 'br1', vlan: 10, ipam: wa({ range: '10.0.0.0/29', ipRanges: [{ range: 'fd00::/64' }] }),
    }), 6));
    expect(error?.message).toContain('range: "10.0.0.0/29" has 6 usable addresses');
    expect(error?.message).not.toContain('fd00::/64');
  });

  test('static IPAM gives every interface the same address: one VM only', () => {
    const staticNet = (chart: Chart) => new BridgeNetwork(chart, 'net', {
      name: 'net', bridge: 'br1', vlan: 10, ipam: Ipam.staticAddresses({ addresses: [{ address: '10.0.0.5/24' }] }),
    });
    expect(synthError((chart) => vms(chart, staticNet(chart), 1))).toBeUndefined();
    expect(synthError((chart) => vms(chart, staticNet(chart), 2))?.message)
      .toContain('[test/net] ipam.addresses: "10.0.0.5" is given to every interface of the network by static IPAM, and 2 VM interfaces attach to it');
  });

  test('host-local pools are per node and not counted app-wide', () => {
    const error = synthError((chart) => vms(chart, new BridgeNetwork(chart, 'net', {
      name: 'net', bridge: 'br1', vlan: 10, ipam: Ipam.hostLocal({ subnet: '10.0.0.0/30' }),
    }), 5));
    expect(error).toBeUndefined();
  });

  test('networks this app does not define, and networks without IPAM, are not counted', () => {
    const error = synthError((chart) => {
      const external = NetworkAttachmentReference.fromName('default', 'lan');
      const l2 = new BridgeNetwork(chart, 'l2', { name: 'l2', bridge: 'br1', vlan: 11 });
      for (let i = 0; i < 20; i++) {
        new KubeVirtVm(chart, `vm-${i}`, { name: `vm-${i}`, memory: '1Gi', networks: [{ network: external, name: 'a' }, { network: l2, name: 'b' }] });
      }
    });
    expect(error).toBeUndefined();
  });

  test('a Cluster API machine template counts once per machine, rollouts included', () => {
    // GIVEN a CAPK cluster whose machines attach to a /27 (30 usable): 3 control-plane machines and a pool of up to 20
    const build = (maxReplicas: number) => synthError((chart) => {
      const n = net(chart, '10.0.0.0/27');
      const machine = { memory: '4Gi', rootDisk: VmDisk.fromContainerImage('registry.example.com/node:v1.33.4'), networks: [{ network: n, name: 'lan' }] };
      new CapkCluster(chart, 'k', {
        name: 'k',
        kubernetesVersion: 'v1.33.4',
        controlPlane: { replicas: 3, machine },
        workerPools: [{ name: 'md-0', minReplicas: 1, maxReplicas, machine }],
      });
    });
    // THEN each template stands for its machines plus one surging during a rollout: (3 + 1) + (20 + 1) = 25, and
    // 3 spare for migration: 28 fit 30; with 22 workers, 27 + 3 = 30 still fit; with 23, 28 + 3 = 31 do not
    expect(build(20)).toBeUndefined();
    expect(build(22)).toBeUndefined();
    expect(build(23)?.message).toContain('range: "10.0.0.0/27" has 30 usable addresses (10.0.0.1 to 10.0.0.30), fewer than the 31 it needs: 28 VM interfaces plus 3 spare');
  });

  describe('the migration headroom is set once per app', () => {
    test.each([
      ['none: 14 VMs fill a /28', MigrationHeadroom.none(), 14, true],
      ['none: 15 VMs do not', MigrationHeadroom.none(), 15, false],
      ['3 addresses: 11 VMs fit a /28', MigrationHeadroom.addresses(3), 11, true],
      ['3 addresses: 12 VMs do not', MigrationHeadroom.addresses(3), 12, false],
      ['half: 9 VMs fit a /28 (9 + 5)', MigrationHeadroom.fraction(0.5), 9, true],
      ['half: 10 VMs do not (10 + 5)', MigrationHeadroom.fraction(0.5), 10, false],
    ])('%s', (_name, headroom, count, fits) => {
      const error = synthError((chart, app) => {
        AddressCapacity.configure(app, { migrationHeadroom: headroom });
        vms(chart, net(chart, '10.0.0.0/28'), count);
      });
      expect(error?.message ?? 'fits').toMatch(fits ? /^fits$/ : /range: "10.0.0.0\/28" has 14 usable addresses/);
    });

    test('a fixed headroom never exceeds one address per interface', () => {
      const app = new App();
      const chart = new Chart(app, 'test');
      AddressCapacity.configure(app, { migrationHeadroom: MigrationHeadroom.addresses(5) });
      vms(chart, net(chart, '10.0.0.0/24'), 2);
      expect(pool(app)).toMatchObject({ interfaces: 2, headroom: 2 });
    });

    test('10 % of 30 interfaces is 3 spare, not 4 (exact arithmetic)', () => {
      const app = new App();
      const chart = new Chart(app, 'test');
      vms(chart, net(chart, '10.0.0.0/24'), 30);
      expect(pool(app)).toMatchObject({ interfaces: 30, headroom: 3 });
    });
  });

  describe('static addresses VMs hold (the reservation hook)', () => {
    // Static addresses are registered with the interface: NetworkPlan.registerNic({ owner, reference, staticAddresses }).
    function withStatic(addresses: string[]) {
      const app = new App();
      const chart = new Chart(app, 'test');
      const n = net(chart, '10.0.0.0/28', { exclude: ['10.0.0.14/32'] });
      vms(chart, n, 2);
      const owner = new Chart(app, 'static');
      addresses.forEach((a) => NetworkPlan.of(app).registerNic({ owner, reference: n.reference, staticAddresses: [a] }));
      return app;
    }

    test('a static address inside the pool counts against it, and its interface takes no address from the pool', () => {
      // 2 dynamic interfaces + 1 spare + the static 10.0.0.5
      expect(pool(withStatic(['10.0.0.5']))).toMatchObject({ interfaces: 2, reserved: ['10.0.0.5'], headroom: 1, need: 4n });
    });

    test('a static address outside the pool, or excluded from it, takes nothing from it', () => {
      expect(pool(withStatic(['10.0.1.5', '10.0.0.14']))).toMatchObject({ interfaces: 2, reserved: [], need: 3n });
    });

    test('static addresses count towards a refusal', () => {
      // 13 usable (10.0.0.14 excluded); 2 + 1 + 11 static = 14
      const addresses = Array.from({ length: 11 }, (_, i) => `10.0.0.${i + 1}`);
      expect(() => withStatic(addresses).synthYaml()).toThrow('fewer than the 14 it needs: 2 VM interfaces, 11 static addresses plus 1 spare');
    });
  });
});
