import { App, Chart } from 'cdk8s';
import {
  BridgeNetwork, CephNetworkProvider, ClusterComponent, ClusterPrerequisites, Ipam, KubeVirtVm, NodeBridgePolicy, NodeStorageAddresses,
  PodNetwork, PrerequisiteKind, SharedCephNetwork, TenantIsolation, VmDns,
} from '../../src';
import { expectLibraryError, synthError } from '../util/expect-error';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

// The storage network as it must work in a cluster, not only at synth time (issue 11): nodes with an address
// on it, Ceph daemons every client can reach, MTU that holds from the NAD to the uplink, VMs placed only where
// their bridge exists, and the cluster's part written down as prerequisites.

const policies = (objects: ManifestObject[]) => objects.filter((o) => o.kind === 'NodeNetworkConfigurationPolicy');
const plugin = (nad: ManifestObject) => JSON.parse(nad.spec.config).plugins[0];

/** The talk's infrastructure: br1 on bond0 for the schedulable nodes, and the storage network on VLAN 100. */
function infrastructure(props: { provider?: CephNetworkProvider; nodeAddresses?: NodeStorageAddresses; nodeRange?: string } = {}) {
  const app = new App();
  const chart = new Chart(app, 'infra');
  const bridge = new NodeBridgePolicy(chart, 'br1', { bridge: 'br1', uplink: 'bond0', mtu: 9000, nodeSelector: { 'kubevirt.io/schedulable': 'true' } });
  const storage = new SharedCephNetwork(chart, 'ceph', {
    bridge: 'br1', vlan: 100, mtu: 9000, range: '192.168.100.0/24', nodeRange: props.nodeRange ?? '192.168.100.0/28', ...props,
  });
  return { app, chart, bridge, storage };
}

/** A VM with no pod network (a fully isolated tenant's, or a cluster node's) that uses the storage network. */
function isolatedClient(chart: Chart, storage: SharedCephNetwork) {
  const own = new BridgeNetwork(chart, 'own', { name: 'own', namespace: 'vms', bridge: 'br1', vlan: 300, ipam: Ipam.whereabouts({ range: '10.30.0.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.30.0.1' }] }) });
  return new KubeVirtVm(chart, 'client', {
    name: 'client',
    namespace: 'vms',
    memory: '1Gi',
    podNetwork: PodNetwork.none(),
    dns: VmDns.custom({ nameservers: ['10.30.0.53'] }),
    networks: [{ network: own, isDefault: true }, { network: storage, name: 'storage' }],
  });
}

describe('nodes get an address on the storage network (Rook: ceph-csi reaches Ceph from the host)', () => {
  // GIVEN three nodes listed for the storage network, one with an address of its own
  const { app } = infrastructure({
    nodeAddresses: NodeStorageAddresses.perNode([{ node: 'worker-1' }, { node: 'worker-2', address: '192.168.100.1' }, { node: 'worker-3' }]),
  });
  // WHEN synthesized
  const objects = synthObjects(app);
  const [bridgePolicy, ...nodePolicies] = policies(objects);

  test('snapshot of the node side', () => {
    expect(policies(objects)).toMatchSnapshot();
  });

  test('the node bridge gets a port for the nodes themselves: a veth pair, one end an access port of VLAN 100', () => {
    // Before, the bridge had no host port on the storage VLAN and the nodes no address there: ceph-block volumes
    // (VM disks included) could not be mapped. nmstate cannot give the bridge's own port a VLAN (nmstate#2769),
    // so a VLAN interface on br1 would never see VLAN 100's frames; a veth pair can be expressed.
    const state = bridgePolicy.spec.desiredState;
    expect(state.interfaces[0].bridge.port).toContainEqual({ name: 'ceph100-br', vlan: { mode: 'access', tag: 100 } });
    expect(state.interfaces).toContainEqual({ name: 'ceph100-br', type: 'veth', state: 'up', mtu: 9000, veth: { peer: 'ceph100' }, ipv4: { enabled: false }, ipv6: { enabled: false } });
    // The host end is in the bridge's policy (nmstate needs both ends of a bridged veth), without addresses: those are per node.
    expect(state.interfaces).toContainEqual({ name: 'ceph100', type: 'veth', state: 'up', mtu: 9000, veth: { peer: 'ceph100-br' } });
  });

  test('each node gets a fixed address from nodeRange, in list order, skipping addresses given explicitly', () => {
    expect(nodePolicies.map((p) => [p.metadata.name, p.spec.nodeSelector, p.spec.desiredState.interfaces[0].ipv4.address])).toStrictEqual([
      ['rook-ceph-ceph-worker-1', { 'kubernetes.io/hostname': 'worker-1' }, [{ 'ip': '192.168.100.2', 'prefix-length': 24 }]],
      ['rook-ceph-ceph-worker-2', { 'kubernetes.io/hostname': 'worker-2' }, [{ 'ip': '192.168.100.1', 'prefix-length': 24 }]],
      ['rook-ceph-ceph-worker-3', { 'kubernetes.io/hostname': 'worker-3' }, [{ 'ip': '192.168.100.3', 'prefix-length': 24 }]],
    ]);
    // The prefix is the storage range's: the node reaches every pod and VM on the subnet without a route.
    // Pods never take a node's address: nodeRange is excluded from the pool.
    const vms = plugin(objects.find((o) => o.kind === 'NetworkAttachmentDefinition' && o.metadata.name === 'ceph')!);
    expect(vms.ipam.exclude).toStrictEqual(['192.168.100.0/28']);
  });

  test('the same input gives the same addresses (deterministic)', () => {
    const again = policies(synthObjects(infrastructure({
      nodeAddresses: NodeStorageAddresses.perNode([{ node: 'worker-1' }, { node: 'worker-2', address: '192.168.100.1' }, { node: 'worker-3' }]),
    }).app));
    expect(again).toStrictEqual(policies(objects));
  });
});

describe('other ways to give nodes their storage address', () => {
  test('DHCP: one interface on every node of the bridge, and a DHCP server registered as an external prerequisite', () => {
    const { app } = infrastructure({ nodeAddresses: NodeStorageAddresses.dhcp({ interfaceName: 'storage0' }) });
    const objects = synthObjects(app);
    expect(policies(objects)).toHaveLength(1);
    expect(policies(objects)[0].spec.desiredState.interfaces).toContainEqual({
      name: 'storage0', type: 'veth', state: 'up', mtu: 9000, veth: { peer: 'storage0-br' }, ipv4: { enabled: true, dhcp: true }, ipv6: { enabled: false },
    });
    expect(ClusterPrerequisites.of(app).all.map((p) => p.requirement)).toContain('a DHCP server on VLAN 100 of bridge br1 that hands the nodes addresses in 192.168.100.0/28');
  });

  test('a node range apart from the pool: the nodes get a route to the pool through their storage interface', () => {
    const { app } = infrastructure({ nodeRange: '10.99.0.0/24', nodeAddresses: NodeStorageAddresses.perNode([{ node: 'n1' }]) });
    const [, node] = policies(synthObjects(app));
    expect(node.spec.desiredState.interfaces[0].ipv4.address).toStrictEqual([{ 'ip': '10.99.0.1', 'prefix-length': 24 }]);
    expect(node.spec.desiredState.routes).toStrictEqual({ config: [{ 'destination': '192.168.100.0/24', 'next-hop-interface': 'ceph100' }] });
  });

  test('configured outside the app (the default): the plan says every node needs the address', () => {
    const { app } = infrastructure();
    expect(policies(synthObjects(app))).toHaveLength(1);
    expect(ClusterPrerequisites.of(app).all).toContainEqual(expect.objectContaining({
      kind: PrerequisiteKind.NODE, component: ClusterComponent.NODES, requirement: 'every node has an address in 192.168.100.0/28 on VLAN 100 of bridge br1',
    }));
  });
});

describe('VMs without a pod network reach every Ceph daemon they need, monitors included', () => {
  test('with Rook\'s Multus provider they cannot (monitors listen on the pod network): refused, naming the fix', () => {
    // Before, a fully isolated VM on the storage network was written although it could never start a Ceph client.
    const error = synthError((c) => {
      const storage = new SharedCephNetwork(c, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24' });
      isolatedClient(c, storage);
    });
    expectLibraryError(error, /\[test\/client\] networks\[1\]: "rook-ceph\/ceph" cannot work for a VM without the pod network: the storage network test\/ceph uses CephNetworkProvider.MULTUS, where the Ceph monitors listen on the pod network only .*; use CephNetworkProvider.HOST on the storage network, or give the VM the pod network/);
  });

  test('with host networking Ceph listens on the nodes\' storage addresses, which every VM on the VLAN reaches', () => {
    // GIVEN Ceph on the host network and an isolated VM on the storage network
    const { app, chart, storage } = infrastructure({ provider: CephNetworkProvider.HOST, nodeAddresses: NodeStorageAddresses.perNode([{ node: 'w1' }]) });
    isolatedClient(chart, storage);
    const objects = synthObjects(app);
    // THEN the CephCluster fragment binds Ceph to the nodes' range, and Ceph needs no NAD of its own
    expect(storage.networkSpec).toStrictEqual({ provider: 'host', addressRanges: { public: ['192.168.100.0/28'] } });
    expect(storage.cephPublicNetwork).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'NetworkAttachmentDefinition').map((o) => o.metadata.name)).toStrictEqual(['ceph', 'own']);
    // ... the VMs' ports are isolated from each other, but the nodes' port (and so Ceph) is not
    const nad = plugin(objects.find((o) => o.metadata.name === 'ceph')!);
    expect(nad.portIsolation).toBe(true);
    expect(policies(objects)[0].spec.desiredState.interfaces[0].bridge.port[1]).toStrictEqual({ name: 'ceph100-br', vlan: { mode: 'access', tag: 100 } });
  });

  test('host networking needs the nodes\' range inside the storage range', () => {
    expectLibraryError(synthError((c) => new SharedCephNetwork(c, 's', { bridge: 'br1', range: '10.0.0.0/24', provider: CephNetworkProvider.HOST })),
      /nodeRange: undefined must be given, inside range "10.0.0.0\/24", with CephNetworkProvider.HOST/);
  });
});

describe('MTU: set on the uplink as well as the bridge, and no network asks for more', () => {
  test('a network above its node bridge\'s MTU is refused app-wide', () => {
    const error = synthError((c) => {
      new NodeBridgePolicy(c, 'br1', { bridge: 'br1', uplink: 'bond0', mtu: 1500 });
      new BridgeNetwork(c, 'jumbo', { namespace: 'x', bridge: 'br1', vlan: 7, mtu: 9000 });
    });
    expectLibraryError(error, /\[test\/jumbo\] mtu: 9000 is above the MTU 1500 of the node bridge "br1" of test\/br1, which drops larger frames/);
  });

  test('a network above 1500 on a bridge whose MTU the app leaves unchanged is refused', () => {
    const error = synthError((c) => {
      new NodeBridgePolicy(c, 'br1', { bridge: 'br1', uplink: 'bond0' });
      new BridgeNetwork(c, 'jumbo', { namespace: 'x', bridge: 'br1', vlan: 7, mtu: 9000 });
    });
    expectLibraryError(error, /mtu: 9000 is above 1500, and the node bridge "br1" of test\/br1 leaves its MTU unchanged .*; set the NodeBridgePolicy mtu/);
  });

  test('networks at or below the bridge MTU pass', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    new NodeBridgePolicy(chart, 'br1', { bridge: 'br1', uplink: 'bond0', mtu: 9000 });
    new BridgeNetwork(chart, 'a', { namespace: 'x', bridge: 'br1', vlan: 7, mtu: 9000 });
    new BridgeNetwork(chart, 'b', { namespace: 'x', bridge: 'br1', vlan: 8, mtu: 1500 });
    expect(synthError(() => synthObjects(app))).toBeUndefined();
  });
});

describe('placement: VMs on a bridge network run only on nodes that have the bridge', () => {
  test('the VM selects the nodes of the app\'s NodeBridgePolicy for that bridge, next to its own selector', () => {
    // Before, a VM could land on a node without br1, where the bridge plugin creates an unconnected br1 itself.
    const { app, chart, storage } = infrastructure({ provider: CephNetworkProvider.HOST });
    const vm = new KubeVirtVm(chart, 'vm', { name: 'vm', namespace: 'vms', memory: '1Gi', nodeSelector: { 'topology.kubernetes.io/zone': 'a' }, networks: [{ network: storage }] });
    const objects = synthObjects(app);
    const spec = objects.find((o) => o.kind === 'VirtualMachine')!.spec.template.spec;
    expect(spec.nodeSelector).toStrictEqual({ 'topology.kubernetes.io/zone': 'a', 'kubevirt.io/schedulable': 'true' });
    expect(vm.name).toBe('vm');
  });

  test('a VM only on the pod network, or on a bridge the app does not define, gets no extra selector', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    new NodeBridgePolicy(chart, 'br1', { bridge: 'br1', uplink: 'bond0', nodeSelector: { bridge: 'yes' } });
    const other = new BridgeNetwork(chart, 'n', { namespace: 'x', bridge: 'br2', vlan: 7 });
    new KubeVirtVm(chart, 'a', { name: 'a', namespace: 'x', memory: '1Gi' });
    new KubeVirtVm(chart, 'b', { name: 'b', namespace: 'x', memory: '1Gi', networks: [{ network: other }] });
    for (const vm of synthObjects(app).filter((o) => o.kind === 'VirtualMachine')) {
      expect(vm.spec.template.spec.nodeSelector).toBeUndefined();
    }
  });

  test('a node selector that contradicts the bridge\'s leaves no node: refused, naming both', () => {
    const error = synthError((c) => {
      new NodeBridgePolicy(c, 'br1', { bridge: 'br1', uplink: 'bond0', nodeSelector: { 'net/br1': 'yes' } });
      const net = new BridgeNetwork(c, 'n', { name: 'n', namespace: 'x', bridge: 'br1', vlan: 7 });
      new KubeVirtVm(c, 'vm', { name: 'vm', namespace: 'x', memory: '1Gi', nodeSelector: { 'net/br1': 'no' }, networks: [{ network: net }] });
    });
    expectLibraryError(error, /\[test\/vm\] nodeSelector: "net\/br1=yes" is needed by the node bridge "br1" of test\/br1 \(network x\/n\), but its own nodeSelector wants net\/br1=no: no node can satisfy both/);
  });
});

describe('what the cluster must provide is registered with the app\'s prerequisites', () => {
  const { app } = infrastructure({ nodeAddresses: NodeStorageAddresses.perNode([{ node: 'w1' }]) });
  const all = ClusterPrerequisites.of(app).all;
  const requirementsOf = (component: ClusterComponent) => all.filter((p) => p.component === component).map((p) => `${p.kind}: ${p.requirement}`);

  test('bridge features need containernetworking-plugins versions that know them (older ones ignore the keys)', () => {
    expect(requirementsOf(ClusterComponent.CNI_PLUGINS)).toStrictEqual(['version: v1.1.0', 'version: v1.3.0', 'version: v1.7.0']);
    expect(ClusterPrerequisites.of(app).minimumVersions).toMatchObject({ [ClusterComponent.CNI_PLUGINS]: 'v1.7.0' });
  });

  test('cross-node isolation on the storage VLAN is the switch\'s (or L3 filtering\'s) job, and the plan says so', () => {
    expect(requirementsOf(ClusterComponent.NETWORK_FABRIC)).toStrictEqual([
      'external: on VLAN 100 of bridge br1, traffic between VMs on different nodes is blocked: private VLAN isolated ports for nodes that run only VMs, or ACLs / L3 filtering that pass only traffic to and from Ceph\'s addresses',
      'external: switch ports facing bond0 on the selected nodes carry the VLANs of NodeNetworkConfigurationPolicy br1-bond0 tagged, with an MTU of at least 9000',
    ]);
  });

  test('nmstate, Rook and the nodes\' firewall', () => {
    expect(requirementsOf(ClusterComponent.NMSTATE)).toStrictEqual([
      'configuration: kubernetes-nmstate handler on the selected nodes (NodeNetworkConfigurationPolicy nmstate.io/v1)',
      'configuration: nmstate 1.0.1 or later with NetworkManager 1.30 or later on the nodes (veth interfaces)',
    ]);
    expect(requirementsOf(ClusterComponent.ROOK)).toStrictEqual([
      'configuration: CephCluster spec.network: {"provider":"multus","selectors":{"public":"rook-ceph/ceph-public"},"addressRanges":{"public":["192.168.100.0/24"]}}',
      'configuration: operator setting CSI_ENABLE_HOST_NETWORK: "true" (the default)',
    ]);
    expect(requirementsOf(ClusterComponent.NODES)).toStrictEqual([
      'node: a host firewall on the nodes\' storage address in 192.168.100.0/28 that accepts only Ceph (TCP 3300, 6789, 6800-7300) from 192.168.100.0/24',
    ]);
  });

  test('without isolation there is nothing to ask of the switch for tenants', () => {
    const app2 = new App();
    new SharedCephNetwork(new Chart(app2, 'c'), 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24', isolation: TenantIsolation.NONE });
    expect(ClusterPrerequisites.of(app2).all.filter((p) => p.component === ClusterComponent.NETWORK_FABRIC)).toStrictEqual([]);
  });
});
