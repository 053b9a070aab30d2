import { App, Chart } from 'cdk8s';
import { undocumentedKeys } from './cni-keys';
import { BridgeNetwork, CephAttachment, Ipam, NodeBridgePolicy, SharedCephNetwork, TenantIsolation, VlanTrunk } from '../../src';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

function setup() {
  const app = new App();
  const chart = new Chart(app, 'storage');
  return { app, chart };
}
const byName = (objects: ManifestObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name)!;
const plugin = (nad: ManifestObject) => JSON.parse(nad.spec.config).plugins[0];

describe('SharedCephNetwork with port isolation (the default)', () => {
  // GIVEN the storage network of the talk, with a separate replication network and a CephCluster
  const { app, chart } = setup();
  const storage = new SharedCephNetwork(chart, 'ceph', {
    bridge: 'br1',
    vlan: 100,
    mtu: 9000,
    range: '192.168.100.0/24',
    nodeRange: '192.168.100.0/28',
    clusterNetwork: { range: '192.168.101.0/24', vlan: 101 },
    cephCluster: { cephImage: 'quay.io/ceph/ceph:v19.2.3', spec: { storage: { useAllNodes: true, useAllDevices: true } } },
  });
  // WHEN synthesized
  const objects = synthObjects(app);

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('VMs attach to rook-ceph/ceph, the talk\'s shared network name', () => {
    expect(storage.reference).toBe('rook-ceph/ceph');
    expect(storage.providesDefaultRoute).toBe(false);
  });

  test('tenant VMs on one node cannot reach each other: their ports are isolated, Ceph\'s are not', () => {
    const vm = plugin(byName(objects, 'NetworkAttachmentDefinition', 'ceph'));
    const ceph = plugin(byName(objects, 'NetworkAttachmentDefinition', 'ceph-public'));
    // Isolated ports reach only non-isolated ports of the same bridge: VM -> Ceph works, VM -> VM does not
    // (on one node: between nodes the uplink is a non-isolated port, see the prerequisites test).
    expect(vm.portIsolation).toBe(true);
    expect(ceph.portIsolation).toBeUndefined();
    // ... and both really are one layer-2 segment with one address pool, so Ceph is reachable and no
    // address is handed out twice.
    expect([ceph.bridge, ceph.vlan, ceph.mtu]).toStrictEqual([vm.bridge, vm.vlan, vm.mtu]);
    expect([ceph.ipam.range, ceph.ipam.network_name]).toStrictEqual([vm.ipam.range, vm.ipam.network_name]);
    expect(ceph.ipam.exclude).toStrictEqual(vm.ipam.exclude);
  });

  test('the VMs\' NAD checks source MACs and drops VLAN 1: it is the one segment every tenant shares', () => {
    // A VM sending with another attachment's MAC would otherwise take over its traffic on the shared segment.
    expect(plugin(byName(objects, 'NetworkAttachmentDefinition', 'ceph')).macspoofchk).toBe(true);
    // With plugins before v1.9.0 a VLAN port also stays in VLAN 1 unless told not to: tagged VLAN-1 frames of
    // a guest would reach every other VLAN-1 port of the node's bridge, around the storage VLAN.
    expect(plugin(byName(objects, 'NetworkAttachmentDefinition', 'ceph')).preserveDefaultVlan).toBe(false);
  });

  test('Ceph gets a route to the node range, and node addresses never enter the pool', () => {
    const ceph = plugin(byName(objects, 'NetworkAttachmentDefinition', 'ceph-public'));
    expect(ceph.ipam.routes).toStrictEqual([{ dst: '192.168.100.0/28' }]);
    expect(ceph.ipam.exclude).toStrictEqual(['192.168.100.0/28']);
  });

  test('the CephCluster uses multus with explicit selectors and address ranges', () => {
    const cluster = byName(objects, 'CephCluster', 'rook-ceph');
    expect(cluster.metadata.namespace).toBe('rook-ceph');
    expect(cluster.spec.network).toStrictEqual({
      provider: 'multus',
      selectors: { public: 'rook-ceph/ceph-public', cluster: 'rook-ceph/ceph-cluster' },
      addressRanges: { public: ['192.168.100.0/24'], cluster: ['192.168.101.0/24'] },
    });
    expect(storage.networkSpec).toStrictEqual(cluster.spec.network);
    // What the user passed is kept.
    expect(cluster.spec.storage).toStrictEqual({ useAllNodes: true, useAllDevices: true });
  });

  test('every NAD uses only documented CNI keys', () => {
    for (const nad of objects.filter((o) => o.kind === 'NetworkAttachmentDefinition')) {
      expect(undocumentedKeys(nad.spec.config)).toStrictEqual([]);
    }
  });
});

describe('SharedCephNetwork variants', () => {
  test('without isolation VMs and Ceph share one NAD, as in the talk', () => {
    const { app, chart } = setup();
    const storage = new SharedCephNetwork(chart, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24', nodeRange: '10.0.0.0/24', isolation: TenantIsolation.NONE });
    const objects = synthObjects(app);
    expect(objects).toMatchSnapshot();
    expect(objects.map((o) => o.metadata.name)).toStrictEqual(['ceph']);
    // Tenant VMs use this NAD too: MAC spoof checking is on.
    expect(plugin(objects[0]).macspoofchk).toBe(true);
    expect(storage.networkSpec.selectors).toStrictEqual({ public: 'rook-ceph/ceph' });
    // A node range outside the storage range is only routed to, not excluded.
    expect(plugin(objects[0]).ipam).toMatchObject({ routes: [{ dst: '10.0.0.0/24' }] });
    expect(plugin(objects[0]).ipam.exclude).toBeUndefined();
  });

  test('Ceph on macvlan over the VLAN interface of the VMs\' bridge, sharing the pool', () => {
    const { app, chart } = setup();
    new SharedCephNetwork(chart, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24', cephAttachment: CephAttachment.macvlan('br1.100') });
    const objects = synthObjects(app);
    expect(objects).toMatchSnapshot();
    const ceph = plugin(byName(objects, 'NetworkAttachmentDefinition', 'ceph-public'));
    const vm = plugin(byName(objects, 'NetworkAttachmentDefinition', 'ceph'));
    expect(ceph).toMatchObject({ type: 'macvlan', master: 'br1.100', mode: 'bridge' });
    expect(ceph.ipam.network_name).toBe(vm.ipam.network_name);
  });

  test('the fragment alone, for a CephCluster defined elsewhere', () => {
    const { app, chart } = setup();
    const storage = new SharedCephNetwork(chart, 'ceph', { namespace: 'storage', name: 'san', bridge: 'br1', vlan: 7, range: 'fd00:7::/64' });
    expect(storage.networkSpec).toStrictEqual({
      provider: 'multus',
      selectors: { public: 'storage/san-public' },
      addressRanges: { public: ['fd00:7::/64'] },
    });
    expect(synthObjects(app).some((o) => o.kind === 'CephCluster')).toBe(false);
  });
});

describe('NodeBridgePolicy', () => {
  test('the uplink carries exactly the VLANs the app\'s networks use on the bridge', () => {
    const { app, chart } = setup();
    new NodeBridgePolicy(chart, 'br1', { bridge: 'br1', uplink: 'bond0', nodeSelector: { 'kubevirt.io/schedulable': 'true' }, mtu: 9000, maxUnavailable: '25%' });
    new SharedCephNetwork(chart, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24', clusterNetwork: { range: '192.168.101.0/24', vlan: 101 } });
    new BridgeNetwork(chart, 't1', { namespace: 't1', bridge: 'br1', vlan: 1234 });
    new BridgeNetwork(chart, 'trunk', { namespace: 't1', bridge: 'br1', vlanTrunk: [VlanTrunk.range(2000, 2001)] });
    new BridgeNetwork(chart, 'other', { namespace: 't1', bridge: 'br9', vlan: 5 });
    const policy = synthObjects(app).find((o) => o.kind === 'NodeNetworkConfigurationPolicy')!;
    expect(policy).toMatchSnapshot();
    const iface = policy.spec.desiredState.interfaces[0];
    expect(iface).toMatchObject({ name: 'br1', type: 'linux-bridge', state: 'up', mtu: 9000 });
    // The uplink gets the MTU too: a bridge forwards nothing larger than its ports take, so jumbo frames of a
    // 9000-MTU network would be dropped at a 1500-MTU uplink. It is named alone, whatever its type.
    expect(policy.spec.desiredState.interfaces[1]).toStrictEqual({ name: 'bond0', mtu: 9000 });
    // 100 and 101 merge into one range; the trunk range follows; br9's VLAN 5 is not this bridge's.
    expect(iface.bridge.port).toStrictEqual([{
      name: 'bond0',
      vlan: { 'mode': 'trunk', 'trunk-tags': [{ 'id-range': { min: 100, max: 101 } }, { id: 1234 }, { 'id-range': { min: 2000, max: 2001 } }] },
    }]);
    expect(policy.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-wave': '-30' });
  });

  test('explicit allowed VLANs are written as given', () => {
    const { app, chart } = setup();
    new NodeBridgePolicy(chart, 'br1', { bridge: 'br1', uplink: 'eth1', allowedVlans: [VlanTrunk.range(1000, 1999)] });
    new BridgeNetwork(chart, 't1', { namespace: 't1', bridge: 'br1', vlan: 1234, ipam: Ipam.none() });
    const policy = synthObjects(app)[0];
    expect(policy.spec.desiredState.interfaces[0].bridge.port[0].vlan['trunk-tags']).toStrictEqual([{ 'id-range': { min: 1000, max: 1999 } }]);
  });
});
