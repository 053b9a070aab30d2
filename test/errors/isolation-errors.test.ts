import { Chart } from 'cdk8s';
import {
  BridgeNetwork, CephAttachment, CephNetworkProvider, Ipam, IsolatedTenant, IsolatedTenantProps, KubeVirtVm, NetworkAttachmentReference,
  NodeBridgePolicy, NodeStorageAddresses, SharedCephNetwork, SharedNetworkAccess,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';

const wa = Ipam.whereabouts;
const ceph = (c: Chart, extra: object = {}) => new SharedCephNetwork(c, 's', { bridge: 'br1', vlan: 100, range: '10.0.0.0/24', nodeRange: '10.0.0.0/28', ...extra });
const perNode = (...nodes: Array<{ node: string; address?: string }>) => NodeStorageAddresses.perNode(nodes);
const tenant = (c: Chart, id: string, props: Partial<IsolatedTenantProps> = {}) => new IsolatedTenant(c, id, {
  name: id,
  defaultNetwork: { bridge: 'br1', vlan: 10, ipam: wa({ range: '10.1.0.0/24' }) },
  ...props,
});

// Rows for the error sites of tenant isolation and the shared storage network (issue 11; see docs/errors.md).
describeBadInputs('isolation: storage network, node addresses and MTU', [
  {
    name: 'host networking for Ceph with a macvlan Ceph attachment',
    build: (c) => ceph(c, { provider: CephNetworkProvider.HOST, cephAttachment: CephAttachment.macvlan('eth1') }),
    error: '[test/s] cephAttachment: "macvlan on eth1" does not apply with CephNetworkProvider.HOST',
  },
  {
    name: 'host networking for Ceph with a cluster network',
    build: (c) => ceph(c, { provider: CephNetworkProvider.HOST, clusterNetwork: { range: '10.9.0.0/24', vlan: 101 } }),
    error: '[test/s] clusterNetwork: "10.9.0.0/24" is not supported with CephNetworkProvider.HOST',
  },
  {
    name: 'host networking for Ceph with the nodes apart from the storage range',
    build: (c) => ceph(c, { provider: CephNetworkProvider.HOST, nodeRange: '10.9.0.0/24' }),
    error: '[test/s] nodeRange: "10.9.0.0/24" must be given, inside range "10.0.0.0/24", with CephNetworkProvider.HOST',
  },
  {
    name: 'node addresses per node without a node range',
    build: (c) => ceph(c, { nodeRange: undefined, nodeAddresses: perNode({ node: 'w1' }) }),
    error: '[test/s] nodeRange: undefined is required with NodeStorageAddresses.perNode(): the nodes\' addresses come from it',
  },
  {
    name: 'node addresses by DHCP without a node range',
    build: (c) => ceph(c, { nodeRange: undefined, nodeAddresses: NodeStorageAddresses.dhcp() }),
    error: '[test/s] nodeRange: undefined is required with NodeStorageAddresses.dhcp()',
  },
  {
    name: 'a storage interface name too long for its bridge peer',
    build: (c) => ceph(c, { nodeAddresses: NodeStorageAddresses.dhcp({ interfaceName: 'storage-public' }) }),
    error: '[test/s] nodeAddresses.interfaceName: "storage-public" must have at most 12 characters',
  },
  {
    name: 'a storage interface name that is no interface name',
    build: (c) => ceph(c, { nodeAddresses: NodeStorageAddresses.dhcp({ interfaceName: 'st/0' }) }),
    error: '[test/s] nodeAddresses.interfaceName: "st/0" must be a Linux interface name',
  },
  {
    name: 'node addresses per node with no node',
    build: (c) => ceph(c, { nodeAddresses: perNode() }),
    error: '[test/s] nodeAddresses: [] must list at least one node',
  },
  {
    name: 'a node address outside the node range',
    build: (c) => ceph(c, { nodeAddresses: perNode({ node: 'w1', address: '10.0.0.200' }) }),
    error: '[test/s] nodeAddresses[0].address: "10.0.0.200" must be a usable address of nodeRange "10.0.0.0/28"',
  },
  {
    name: 'the broadcast address of the node range',
    build: (c) => ceph(c, { nodeAddresses: perNode({ node: 'w1', address: '10.0.0.15' }) }),
    error: '[test/s] nodeAddresses[0].address: "10.0.0.15" must be a usable address of nodeRange',
  },
  {
    name: 'one node address for two nodes',
    build: (c) => ceph(c, { nodeAddresses: perNode({ node: 'w1', address: '10.0.0.5' }, { node: 'w2', address: '10.0.0.5' }) }),
    error: '[test/s] nodeAddresses[1].address: "10.0.0.5" is given to another node',
  },
  {
    name: 'a node listed twice',
    build: (c) => ceph(c, { nodeAddresses: perNode({ node: 'w1' }, { node: 'w1' }) }),
    error: '[test/s] nodeAddresses[1].node: "w1" is listed twice',
  },
  {
    name: 'a node name that is no hostname label value',
    build: (c) => ceph(c, { nodeAddresses: perNode({ node: 'Worker One' }) }),
    error: '[test/s] nodeAddresses[0].node.kubernetes.io/hostname: "Worker One" is not a valid label value',
  },
  {
    name: 'more nodes than the node range holds',
    build: (c) => ceph(c, { nodeRange: '10.0.0.0/30', nodeAddresses: perNode({ node: 'w1' }, { node: 'w2' }, { node: 'w3' }) }),
    error: '[test/s] nodeAddresses[2]: "w3" finds no free address left in nodeRange "10.0.0.0/30"',
  },
  {
    name: 'node addresses without a node bridge in the app',
    build: (c) => ceph(c, { nodeAddresses: perNode({ node: 'w1' }) }),
    error: '[test/s] nodeAddresses: "br1" needs a NodeBridgePolicy for bridge "br1" in this app',
  },
  {
    name: 'a network MTU above its node bridge\'s',
    build: (c) => {
      new NodeBridgePolicy(c, 'br', { bridge: 'br1', uplink: 'eth1', mtu: 1500 });
      new BridgeNetwork(c, 'n', { namespace: 'x', bridge: 'br1', vlan: 7, mtu: 9000 });
    },
    error: '[test/n] mtu: 9000 is above the MTU 1500 of the node bridge "br1" of test/br',
  },
  {
    name: 'a jumbo network on a node bridge that leaves its MTU unchanged',
    build: (c) => {
      new NodeBridgePolicy(c, 'br', { bridge: 'br1', uplink: 'eth1' });
      ceph(c, { mtu: 9000 });
    },
    error: '[test/s/VmNetwork] mtu: 9000 is above 1500, and the node bridge "br1" of test/br leaves its MTU unchanged',
  },
  {
    name: 'a VM without the pod network on a storage network whose monitors answer only there',
    build: (c) => {
      const storage = ceph(c);
      const own = new BridgeNetwork(c, 'own', { name: 'own', namespace: 'x', bridge: 'br1', vlan: 7, ipam: wa({ range: '10.7.0.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.7.0.1' }] }) });
      new KubeVirtVm(c, 'vm', { namespace: 'x', memory: '1Gi', networks: [{ network: own, isDefault: true, acknowledgeNoDns: true }, { network: storage }] });
    },
    error: '[test/vm] networks[1]: "rook-ceph/ceph" cannot work for a VM without the pod network',
  },
  {
    name: 'a VM node selector that contradicts its bridge\'s nodes',
    build: (c) => {
      new NodeBridgePolicy(c, 'br', { bridge: 'br1', uplink: 'eth1', nodeSelector: { zone: 'a' } });
      const net = new BridgeNetwork(c, 'n', { name: 'n', namespace: 'x', bridge: 'br1', vlan: 7 });
      new KubeVirtVm(c, 'vm', { namespace: 'x', memory: '1Gi', nodeSelector: { zone: 'b' }, networks: [{ network: net }] });
    },
    error: '[test/vm] nodeSelector: "zone=a" is needed by the node bridge "br1" of test/br (network x/n), but its own nodeSelector wants zone=b',
  },
]);

describeBadInputs('isolation: tenants keep their isolation', [
  {
    name: 'a tenant network without MAC spoof checking',
    build: (c) => tenant(c, 't', { defaultNetwork: { bridge: 'br1', vlan: 10, macSpoofCheck: false } }),
    error: '[test/t] DefaultNetwork.macSpoofCheck: false must stay on for a tenant network',
  },
  {
    name: 'a tenant network that keeps VLAN 1 on its ports',
    build: (c) => tenant(c, 't', { defaultNetwork: { bridge: 'br1', vlan: 10, preserveDefaultVlan: true } }),
    error: '[test/t] DefaultNetwork.preserveDefaultVlan: true must stay off for a tenant network',
  },
  {
    name: 'the pod network for a VM of a tenant that does not allow it',
    build: (c) => tenant(c, 't').addVm('vm', { memory: '1Gi', openPodNetwork: true }),
    error: '[test/t] vm.openPodNetwork: true needs a tenant that allows the pod network (allowPodNetwork: true)',
  },
  {
    name: 'a VM created in a fully isolated tenant\'s namespace with the pod network',
    build: (c) => {
      tenant(c, 't');
      new KubeVirtVm(c, 'vm', { namespace: 't', memory: '1Gi' });
    },
    error: '[test/vm] podNetwork: "attached" is not allowed in the namespace of tenant "t", which is fully isolated',
  },
  {
    name: 'a granted bridge network without MAC spoof checking',
    build: (c) => tenant(c, 't', { sharedNetworks: [new BridgeNetwork(c, 'lan', { name: 'lan', namespace: 'shared', bridge: 'br1', vlan: 20 })] }),
    error: '[test/t] sharedNetworks[0]: "shared/lan" must check source MACs (macSpoofCheck: true) to be shared with tenants',
  },
  {
    name: 'a network the app does not define, offered in the tenant namespace',
    build: (c) => tenant(c, 't', { sharedNetworkAccess: SharedNetworkAccess.TENANT_NAMESPACE, sharedNetworks: [NetworkAttachmentReference.fromName('rook-ceph', 'ceph')] }),
    error: '[test/t] sharedNetworks[0]: "rook-ceph/ceph" cannot be offered in the tenant\'s namespace (SharedNetworkAccess.TENANT_NAMESPACE)',
  },
  {
    name: 'a shared network whose tenant copy would take the name of the tenant\'s own network',
    build: (c) => tenant(c, 't', {
      sharedNetworkAccess: SharedNetworkAccess.TENANT_NAMESPACE,
      defaultNetwork: { name: 'ceph', bridge: 'br1', vlan: 10 },
      sharedNetworks: [ceph(c)],
    }),
    error: '[test/t] sharedNetworks[0]: "rook-ceph/ceph" would be offered as t/ceph, which is a network of the tenant already',
  },
  {
    name: 'a tenant network named like the tenant\'s copy of a shared network',
    build: (c) => tenant(c, 't', { sharedNetworkAccess: SharedNetworkAccess.TENANT_NAMESPACE, sharedNetworks: [ceph(c)] })
      .addNetwork('backend', { name: 'ceph', bridge: 'br1', vlan: 11 }),
    error: '[test/t] backend.name: "ceph" is the name of the tenant\'s copy of the shared network t/ceph',
  },
  {
    name: 'a tenant VM that names the shared network itself where the tenant offers a copy',
    build: (c) => {
      const storage = ceph(c, { provider: CephNetworkProvider.HOST });
      tenant(c, 't', { sharedNetworkAccess: SharedNetworkAccess.TENANT_NAMESPACE, sharedNetworks: [storage], allowPodNetwork: true });
      new KubeVirtVm(c, 'vm', { namespace: 't', memory: '1Gi', networks: [{ network: storage }] });
    },
    error: '[test/vm] networks[0]: "rook-ceph/ceph" is offered to tenant "t" as t/ceph (SharedNetworkAccess.TENANT_NAMESPACE); attach to that one',
  },
  {
    name: 'an unknown shared network access',
    build: (c) => tenant(c, 't', { sharedNetworkAccess: 'copy' as SharedNetworkAccess }),
    error: '[test/t] sharedNetworkAccess: "copy" must be one of',
  },
  {
    name: 'a CDI namespace that is no namespace name',
    build: (c) => tenant(c, 't', { cdiNamespace: 'CDI' }),
    error: '[test/t] cdiNamespace: "CDI" must be a DNS-1123 label',
  },
]);
