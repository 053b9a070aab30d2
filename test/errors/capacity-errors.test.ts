import { Chart } from 'cdk8s';
import {
  AddressCapacity, BridgeNetwork, EstatePlan, Ipam, KubeVirtVm, MigrationHeadroom, SharedCephNetwork,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';

const wa = Ipam.whereabouts;

function vms(chart: Chart, network: BridgeNetwork | SharedCephNetwork, count: number): void {
  for (let i = 0; i < count; i++) new KubeVirtVm(chart, `vm-${i}`, { name: `vm-${i}`, memory: '1Gi', networks: [{ network, name: 'net' }] });
}

// Rows for the address capacity rule (network/pools.ts, network/capacity.ts) and the estate plan (plan/).
describeBadInputs('address capacity and estate plan: bad inputs fail synthesis with their message', [
  {
    name: 'a /28 with 15 VMs (14 usable addresses; 15 interfaces and 2 spare for migration)',
    build: (c) => vms(c, new BridgeNetwork(c, 'n', { bridge: 'br1', vlan: 10, ipam: wa({ range: '10.0.0.0/28' }) }), 15),
    error: '[test/n] range: "10.0.0.0/28" has 14 usable addresses (10.0.0.1 to 10.0.0.14), fewer than the 17 it needs: 15 VM interfaces plus 2 spare for live migration',
  },
  {
    name: 'a storage network whose shared pool is too small for its VMs',
    build: (c) => vms(c, new SharedCephNetwork(c, 'storage', { bridge: 'br1', vlan: 100, range: '192.168.0.0/29' }), 6),
    error: '[test/storage/VmNetwork] range: "192.168.0.0/29" has 6 usable addresses (192.168.0.1 to 192.168.0.6) in a pool shared with rook-ceph/ceph-public, '
      + 'fewer than the 7 it needs',
  },
  {
    name: 'a /29 too small for its VMs without any migration headroom',
    build: (c, app) => {
      AddressCapacity.configure(app, { migrationHeadroom: MigrationHeadroom.none() });
      vms(c, new BridgeNetwork(c, 'n', { bridge: 'br1', vlan: 10, ipam: wa({ range: '10.0.0.0/29' }) }), 7);
    },
    error: '[test/n] range: "10.0.0.0/29" has 6 usable addresses (10.0.0.1 to 10.0.0.6), fewer than the 7 it needs: 7 VM interfaces;',
  },
  {
    name: 'two VMs on a network with static IPAM (both would get its one address)',
    build: (c) => vms(c, new BridgeNetwork(c, 'n', { bridge: 'br1', vlan: 10, ipam: Ipam.staticAddresses({ addresses: [{ address: '10.0.0.5/24' }] }) }), 2),
    error: '[test/n] ipam.addresses: "10.0.0.5" is given to every interface of the network by static IPAM, and 2 VM interfaces attach to it; static IPAM serves one VM',
  },
  {
    name: 'migration headroom of more than every interface',
    build: (_c, app) => AddressCapacity.configure(app, { migrationHeadroom: MigrationHeadroom.fraction(1.5) }),
    error: '[<app>] migrationHeadroom: 1.5 must be a share of the interfaces greater than 0 and at most 1 (0.1 is 10 %)',
  },
  {
    name: 'migration headroom of no share (use none())',
    build: (_c, app) => AddressCapacity.configure(app, { migrationHeadroom: MigrationHeadroom.fraction(0) }),
    error: '[<app>] migrationHeadroom: 0 must be a share of the interfaces greater than 0 and at most 1',
  },
  {
    name: 'migration headroom of a fractional number of addresses',
    build: (_c, app) => AddressCapacity.configure(app, { migrationHeadroom: MigrationHeadroom.addresses(2.5) }),
    error: '[<app>] migrationHeadroom: 2.5 must be a whole number of addresses from 0 up',
  },
  {
    name: 'migration headroom that is not a MigrationHeadroom (JavaScript, Python)',
    build: (_c, app) => AddressCapacity.configure(app, { migrationHeadroom: 0.2 as any }),
    error: '[<app>] migrationHeadroom: 0.2 must be a MigrationHeadroom (MigrationHeadroom.fraction(), addresses() or none())',
  },
  {
    name: 'warning threshold above 100 %',
    build: (_c, app) => AddressCapacity.configure(app, { warningThreshold: 80 }),
    error: '[<app>] warningThreshold: 80 must be a share of the usable addresses greater than 0 and at most 1 (0.8 is 80 %)',
  },
  {
    name: 'address capacity configured twice',
    build: (c, app) => {
      AddressCapacity.configure(app, {});
      AddressCapacity.configure(c, { warningThreshold: 0.9 });
    },
    error: '[test] addressCapacity: "configured twice" the app\'s address capacity is already configured by <app>; configure it once',
  },
  {
    name: 'estate plan picture detail limit below zero',
    build: (c) => EstatePlan.of(c, { pictureDetailLimit: -1 }),
    error: '[test] pictureDetailLimit: -1 must be a whole number from 0 up',
  },
]);
