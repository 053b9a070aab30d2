import { App, Chart } from 'cdk8s';
import { undocumentedKeys } from './cni-keys';
import {
  BridgeNetwork, FirewallBackend, IpMasqBackend, Ipam, MacvlanMode, MacvlanNetwork, NetworkAttachmentReference, VlanTrunk,
} from '../../src';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

function setup() {
  const app = new App();
  const chart = new Chart(app, 'test');
  return { app, chart };
}

const nads = (objects: ManifestObject[]) => objects.filter((o) => o.kind === 'NetworkAttachmentDefinition');
const configOf = (nad: ManifestObject) => JSON.parse(nad.spec.config);

// The talk's NetworkAttachmentDefinition, key for key.
const TALK_CONFIG = {
  cniVersion: '0.4.0',
  name: 'my-bridge',
  plugins: [{
    type: 'bridge',
    bridge: 'br1',
    vlan: 1234,
    ipam: {
      type: 'whereabouts',
      range: '10.123.124.0/24',
      routes: [{ dst: '0.0.0.0/0', gw: '10.123.124.1' }],
    },
  }],
};

describe('BridgeNetwork: the talk', () => {
  test('reproduces the talk\'s NetworkAttachmentDefinition exactly when the safe defaults are turned off', () => {
    // GIVEN the talk's network, with gateway exclusion and the per-network pool name switched off
    const { app, chart } = setup();
    const net = new BridgeNetwork(chart, 'my-bridge', {
      name: 'my-bridge',
      namespace: 'my-ns',
      bridge: 'br1',
      vlan: 1234,
      ipam: Ipam.whereabouts({
        range: '10.123.124.0/24',
        routes: [{ destination: '0.0.0.0/0', gateway: '10.123.124.1' }],
        excludeGateways: false,
        omitNetworkName: true,
      }),
    });

    // WHEN synthesized
    const [nad] = synthObjects(app);

    // THEN the config is the talk's, key for key, and VMs refer to it as namespace/name
    expect(nad.apiVersion).toBe('k8s.cni.cncf.io/v1');
    expect(nad.kind).toBe('NetworkAttachmentDefinition');
    expect(nad.metadata.name).toBe('my-bridge');
    expect(nad.metadata.namespace).toBe('my-ns');
    expect(configOf(nad)).toStrictEqual(TALK_CONFIG);
    expect(net.reference).toBe('my-ns/my-bridge');
    expect(net.providesDefaultRoute).toBe(true);
  });

  test('with the defaults, the library adds only the gateway exclusion and a pool of its own', () => {
    const { app, chart } = setup();
    new BridgeNetwork(chart, 'my-bridge', {
      name: 'my-bridge',
      namespace: 'my-ns',
      bridge: 'br1',
      vlan: 1234,
      ipam: Ipam.whereabouts({ range: '10.123.124.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.123.124.1' }] }),
    });
    const config = configOf(synthObjects(app)[0]);
    const { exclude, network_name: networkName, ...rest } = config.plugins[0].ipam;
    // Whereabouts never reads the gateway: without the exclusion a VM gets the router's address.
    expect(exclude).toStrictEqual(['10.123.124.1/32']);
    // A name per network keeps whereabouts from sharing one pool between two NADs with the same range.
    expect(networkName).toBe('my-ns-my-bridge');
    expect({ ...config, plugins: [{ ...config.plugins[0], ipam: rest }] }).toStrictEqual(TALK_CONFIG);
  });
});

describe('BridgeNetwork variants', () => {
  function synthOne(build: (chart: Chart) => void): ManifestObject[] {
    const { app, chart } = setup();
    build(chart);
    const objects = synthObjects(app);
    for (const nad of nads(objects)) expect(undocumentedKeys(nad.spec.config)).toStrictEqual([]);
    return objects;
  }

  test('layer 2 only (no IPAM) is the default: ipam is {}', () => {
    const objects = synthOne((chart) => new BridgeNetwork(chart, 'l2', { name: 'l2', namespace: 'vms', bridge: 'br1', vlan: 10 }));
    expect(objects).toMatchSnapshot();
    // The bridge plugin refuses a missing ipam; {} is plain L2 with addresses set in the guest.
    expect(configOf(objects[0]).plugins[0].ipam).toStrictEqual({});
  });

  test('a trunk port carries tagged VLANs and ids and ranges render as the plugin expects', () => {
    const objects = synthOne((chart) => new BridgeNetwork(chart, 'trunk', {
      name: 'trunk',
      namespace: 'vms',
      bridge: 'br1',
      vlanTrunk: [VlanTrunk.id(5), VlanTrunk.range(100, 199)],
      preserveDefaultVlan: false,
    }));
    expect(objects).toMatchSnapshot();
    expect(configOf(objects[0]).plugins[0].vlanTrunk).toStrictEqual([{ id: 5 }, { minID: 100, maxID: 199 }]);
    expect(configOf(objects[0]).plugins[0].vlan).toBeUndefined();
  });

  test('a routed network: the bridge is the default gateway and masquerades', () => {
    const objects = synthOne((chart) => new BridgeNetwork(chart, 'routed', {
      name: 'routed',
      namespace: 'vms',
      bridge: 'br2',
      vlan: 20,
      mtu: 9000,
      isGateway: true,
      isDefaultGateway: true,
      ipMasq: true,
      ipMasqBackend: IpMasqBackend.NFTABLES,
      hairpinMode: true,
      macSpoofCheck: true,
      ipam: Ipam.whereabouts({ range: '10.20.0.0/24', gateway: '10.20.0.1' }),
    }));
    expect(objects).toMatchSnapshot();
    const plugin = configOf(objects[0]).plugins[0];
    expect(plugin).toMatchObject({ isGateway: true, isDefaultGateway: true, ipMasq: true, macspoofchk: true, mtu: 9000 });
    expect(plugin.ipam.exclude).toStrictEqual(['10.20.0.1/32']);
  });

  test('chained tuning and firewall plugins follow the bridge, sysctls sorted', () => {
    const objects = synthOne((chart) => new BridgeNetwork(chart, 'chained', {
      name: 'chained',
      namespace: 'vms',
      bridge: 'br1',
      vlan: 30,
      tuning: { sysctl: { 'net.ipv4.conf.IFNAME.arp_notify': '1', 'net.ipv4.conf.IFNAME.accept_redirects': '0' }, allmulti: true },
      firewall: { backend: FirewallBackend.FIREWALLD },
    }));
    expect(objects).toMatchSnapshot();
    const plugins = configOf(objects[0]).plugins;
    expect(plugins.map((p: any) => p.type)).toStrictEqual(['bridge', 'tuning', 'firewall']);
    expect(Object.keys(plugins[1].sysctl)).toStrictEqual(['net.ipv4.conf.IFNAME.accept_redirects', 'net.ipv4.conf.IFNAME.arp_notify']);
  });

  test('dual stack with whereabouts ipRanges', () => {
    const objects = synthOne((chart) => new BridgeNetwork(chart, 'dual', {
      name: 'dual',
      namespace: 'vms',
      bridge: 'br1',
      vlan: 40,
      ipam: Ipam.whereabouts({
        range: '10.40.0.0/24',
        ipRanges: [{ range: 'fd00:40::/64', exclude: ['fd00:40::/120'] }],
        routes: [{ destination: '0.0.0.0/0', gateway: '10.40.0.1' }, { destination: '::/0', gateway: 'fd00:40::1' }],
        enableOverlappingRanges: false,
      }),
    }));
    expect(objects).toMatchSnapshot();
    const ipam = configOf(objects[0]).plugins[0].ipam;
    expect(ipam.ipRanges).toStrictEqual([{ range: 'fd00:40::/64', exclude: ['fd00:40::/120'] }]);
    // fd00:40::1 lies inside the excluded /120 already, so it is not excluded twice.
    expect(ipam.exclude).toStrictEqual(['10.40.0.1/32']);
  });

  test('the first-last/prefix range form and explicit start and end', () => {
    const objects = synthOne((chart) => {
      new BridgeNetwork(chart, 'a', { name: 'a', namespace: 'vms', bridge: 'br1', vlan: 50, ipam: Ipam.whereabouts({ range: '10.50.0.10-10.50.0.20/24' }) });
      new BridgeNetwork(chart, 'b', { name: 'b', namespace: 'vms', bridge: 'br1', vlan: 51, ipam: Ipam.whereabouts({ range: '10.51.0.0/24', rangeStart: '10.51.0.100', rangeEnd: '10.51.0.200', networkName: 'tenant-b' }) });
    });
    expect(objects).toMatchSnapshot();
    expect(configOf(objects[0]).plugins[0].ipam.range).toBe('10.50.0.10-10.50.0.20/24');
    expect(configOf(objects[1]).plugins[0].ipam).toMatchObject({ range_start: '10.51.0.100', range_end: '10.51.0.200', network_name: 'tenant-b' });
  });

  test('host-local, static and DHCP IPAM', () => {
    const objects = synthOne((chart) => {
      new BridgeNetwork(chart, 'hl', { name: 'hl', namespace: 'vms', bridge: 'br3', vlan: 1, ipam: Ipam.hostLocal({ subnet: '10.60.0.0/24', rangeStart: '10.60.0.10', gateway: '10.60.0.1', routes: [{ destination: '0.0.0.0/0' }] }) });
      new BridgeNetwork(chart, 'st', { name: 'st', namespace: 'vms', bridge: 'br3', vlan: 2, ipam: Ipam.staticAddresses({ addresses: [{ address: '10.61.0.5/24', gateway: '10.61.0.1' }] }) });
      new BridgeNetwork(chart, 'dh', { name: 'dh', namespace: 'vms', bridge: 'br3', vlan: 3, ipam: Ipam.dhcp() });
    });
    expect(objects).toMatchSnapshot();
    expect(objects.map((o) => configOf(o).plugins[0].ipam.type)).toStrictEqual(['host-local', 'static', 'dhcp']);
  });

  test('requireBridgeOnNode adds the resource-name annotation that keeps pods on nodes with the bridge', () => {
    const objects = synthOne((chart) => new BridgeNetwork(chart, 'marked', { name: 'marked', namespace: 'vms', bridge: 'br1', vlan: 70, requireBridgeOnNode: true }));
    expect(objects[0].metadata.annotations).toMatchObject({ 'k8s.v1.cni.cncf.io/resourceName': 'bridge.network.kubevirt.io/br1' });
  });

  test('objects carry the network sync wave so networks exist before VMs', () => {
    const objects = synthOne((chart) => new BridgeNetwork(chart, 'w', { name: 'w', namespace: 'vms', bridge: 'br1' }));
    expect(objects[0].metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-wave': '-20' });
  });

  test('the namespace defaults to the chart\'s, then to "default", and is always written', () => {
    const app = new App();
    const withNs = new Chart(app, 'a', { namespace: 'tenant-a' });
    const without = new Chart(app, 'b');
    const a = new BridgeNetwork(withNs, 'n', { name: 'n', bridge: 'br1', vlan: 1 });
    const b = new BridgeNetwork(without, 'n', { name: 'n', bridge: 'br1', vlan: 2 });
    expect([a.reference, b.reference]).toStrictEqual(['tenant-a/n', 'default/n']);
    expect(synthObjects(app).map((o) => o.metadata.namespace)).toStrictEqual(['tenant-a', 'default']);
  });

  test('a macvlan network', () => {
    const objects = synthOne((chart) => new MacvlanNetwork(chart, 'mv', { name: 'mv', namespace: 'vms', master: 'eth2', mode: MacvlanMode.BRIDGE, mtu: 1500, ipam: Ipam.whereabouts({ range: '10.80.0.0/24' }) }));
    expect(objects).toMatchSnapshot();
    expect(configOf(objects[0]).plugins[0]).toMatchObject({ type: 'macvlan', master: 'eth2', mode: 'bridge' });
  });

  test('an external NAD reference parses namespace/name', () => {
    const ref = NetworkAttachmentReference.fromReference('kube-system/storage', { providesDefaultRoute: true });
    expect([ref.namespace, ref.name, ref.reference, ref.providesDefaultRoute]).toStrictEqual(['kube-system', 'storage', 'kube-system/storage', true]);
    expect(() => NetworkAttachmentReference.fromReference('storage')).toThrow('[NetworkAttachmentReference] reference: "storage" must be "namespace/name"');
  });
});

describe('Whereabouts pools', () => {
  test('no two networks share a pool by accident: each gets its own network_name', () => {
    const { app, chart } = setup();
    new BridgeNetwork(chart, 'a', { name: 'a', namespace: 'ns1', bridge: 'br1', vlan: 1, ipam: Ipam.whereabouts({ range: '10.1.0.0/24' }) });
    new BridgeNetwork(chart, 'b', { name: 'a', namespace: 'ns2', bridge: 'br1', vlan: 2, ipam: Ipam.whereabouts({ range: '10.2.0.0/24' }) });
    const names = synthObjects(app).map((o) => configOf(o).plugins[0].ipam.network_name);
    expect(names).toStrictEqual(['ns1-a', 'ns2-a']);
  });

  test('sharing a segment on purpose shares one pool: shareInto keeps bridge, VLAN, range and network_name', () => {
    const { app, chart } = setup();
    const net = new BridgeNetwork(chart, 'a', { name: 'storage', namespace: 'ns1', bridge: 'br1', vlan: 1, ipam: Ipam.whereabouts({ range: '10.1.0.0/24' }) });
    const copy = net.shareInto(chart, 'b', { namespace: 'ns2', name: 'storage', portIsolation: true });
    const [x, y] = synthObjects(app).map((o) => configOf(o).plugins[0]);
    expect(copy.reference).toBe('ns2/storage');
    expect(y.ipam).toStrictEqual(x.ipam);
    expect([y.bridge, y.vlan, y.portIsolation]).toStrictEqual(['br1', 1, true]);
  });

  test('the same explicit network name on two segments is still an overlap error', () => {
    const { app, chart } = setup();
    new BridgeNetwork(chart, 'a', { namespace: 'ns', bridge: 'br1', vlan: 1, ipam: Ipam.whereabouts({ range: '10.1.0.0/24', networkName: 'shared' }) });
    new BridgeNetwork(chart, 'b', { namespace: 'ns', bridge: 'br1', vlan: 2, ipam: Ipam.whereabouts({ range: '10.1.0.0/24', networkName: 'shared' }) });
    expect(() => app.synthYaml()).toThrow(/\[test\/b\] range: "10.1.0.0\/24" overlaps "10.1.0.0\/24" of network test\/a/);
  });
});
