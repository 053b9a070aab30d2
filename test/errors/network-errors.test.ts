import { Chart } from 'cdk8s';
import {
  BridgeNetwork, CephAttachment, Ipam, NetworkAttachmentReference, NodeBridgePolicy, SharedCephNetwork, VlanTrunk,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';

const wa = Ipam.whereabouts;
const ceph = (c: Chart, extra: object = {}) => new SharedCephNetwork(c, 's', { bridge: 'br1', range: '10.0.0.0/24', ...extra });

// Rows for the network error sites that test/network/bad-inputs.test.ts does not trigger (see docs/errors.md).
describeBadInputs('network: further bad inputs fail synthesis with their message', [
  {
    name: 'first-last/prefix range with a prefix longer than IPv4 allows',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.1-10.0.0.5/40' }) }),
    error: '[test/n] ipam.range: "10.0.0.1-10.0.0.5/40" must have a prefix length from 0 to 32',
  },
  {
    name: 'first-last/prefix range with a prefix longer than IPv6 allows',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: 'fd00::1-fd00::5/200' }) }),
    error: '[test/n] ipam.range: "fd00::1-fd00::5/200" must have a prefix length from 0 to 128',
  },
  {
    name: 'network reference without a slash',
    build: () => NetworkAttachmentReference.fromReference('storage'),
    error: '[NetworkAttachmentReference] reference: "storage" must be "namespace/name"',
  },
  {
    name: 'network reference to a namespace that is not a DNS-1123 label',
    build: () => NetworkAttachmentReference.fromName('Rook Ceph', 'ceph'),
    error: '[NetworkAttachmentReference] namespace: "Rook Ceph" must be a DNS-1123 label',
  },
  {
    name: 'network reference to a name that is not a DNS-1123 subdomain',
    build: () => NetworkAttachmentReference.fromReference('rook-ceph/Ceph_Public'),
    error: '[NetworkAttachmentReference] name: "Ceph_Public" must be a DNS-1123 subdomain',
  },
  {
    name: 'bridge network without a bridge',
    build: (c) => new BridgeNetwork(c, 'n', {}),
    error: '[test/n] bridge: undefined is required: name the Linux bridge on the nodes, e.g. "br1"',
  },
  {
    name: 'empty VLAN trunk',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', vlanTrunk: [] }),
    error: '[test/n] vlanTrunk: [] must list at least one VLAN id or range',
  },
  {
    name: 'preserveDefaultVlan without a VLAN',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', preserveDefaultVlan: true }),
    error: '[test/n] preserveDefaultVlan: true only applies together with vlan or vlanTrunk',
  },
  {
    name: 'default gateway bridge without addresses',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', isDefaultGateway: true }),
    error: '[test/n] isDefaultGateway: true needs an IPAM that assigns addresses, so the bridge can take the gateway address',
  },
  {
    name: 'MTU below 68 on an IPv4 network',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', mtu: 67, ipam: wa({ range: '10.0.0.0/24' }) }),
    error: '[test/n] mtu: 67 must be an integer from 68 to 65535',
  },
  {
    name: 'whereabouts rangeStart without range (ipRanges only)',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ ipRanges: [{ range: '10.0.0.0/24' }], rangeStart: '10.0.0.5' }) }),
    error: '[test/n] ipam.rangeStart: "10.0.0.5" needs `range`; for `ipRanges` set it on the range entry',
  },
  {
    name: 'whereabouts pool name and omitNetworkName together',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/24', networkName: 'pool', omitNetworkName: true }) }),
    error: '[test/n] ipam.networkName: "pool" cannot be combined with `omitNetworkName`',
  },
  {
    name: 'host-local gateway outside the subnet',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: Ipam.hostLocal({ subnet: '10.0.0.0/24', gateway: '10.0.1.1' }) }),
    error: '[test/n] ipam.gateway: "10.0.1.1" must lie inside the subnet "10.0.0.0/24"',
  },
  {
    name: 'host-local range end before its start',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: Ipam.hostLocal({ subnet: '10.0.0.0/24', rangeStart: '10.0.0.100', rangeEnd: '10.0.0.10' }) }),
    error: '[test/n] ipam.rangeEnd: "10.0.0.10" must not come before the range start',
  },
  {
    name: 'static IPAM without addresses',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: Ipam.staticAddresses({ addresses: [] }) }),
    error: '[test/n] ipam.addresses: [] must hold at least one address',
  },
  {
    name: 'static IPAM gateway of the other IP family',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: Ipam.staticAddresses({ addresses: [{ address: '10.0.0.5/24', gateway: 'fd00::1' }] }) }),
    error: '[test/n] ipam.addresses[0].gateway: "fd00::1" must be of the same IP family as the address',
  },
  {
    name: 'two networks sharing a segment with different ranges (app-wide)',
    build: (c) => {
      const a = new BridgeNetwork(c, 'a', { name: 'a', namespace: 'ns', bridge: 'br1', vlan: 5, ipam: wa({ range: '10.0.0.0/24' }) });
      new BridgeNetwork(c, 'b', { name: 'b', namespace: 'other', shareSegmentWith: a, ipam: wa({ range: '10.0.0.0/25' }) });
    },
    error: 'overlaps "10.0.0.0/24" of network test/a (first shared address 10.0.0.0): networks that share a segment must use the same range and network name to share one pool',
  },
  {
    name: 'node bridge MTU below 68',
    build: (c) => new NodeBridgePolicy(c, 'p', { bridge: 'br1', uplink: 'eth1', mtu: 60 }),
    error: '[test/p] mtu: 60 must be an integer from 68 to 65535',
  },
  {
    name: 'node bridge maxUnavailable that is neither a number nor a percentage',
    build: (c) => new NodeBridgePolicy(c, 'p', { bridge: 'br1', uplink: 'eth1', maxUnavailable: 'half' }),
    error: '[test/p] maxUnavailable: "half" must be a whole number or a percentage such as "50%"',
  },
  {
    name: 'node bridge allowing VLAN 0',
    build: (c) => new NodeBridgePolicy(c, 'p', { bridge: 'br1', uplink: 'eth1', allowedVlans: [VlanTrunk.id(0)] }),
    error: '[test/p] allowedVlans[0]: {"id":0} must hold VLAN ids from 1 to 4094',
  },
  {
    name: 'node bridge VLAN range upside down',
    build: (c) => new NodeBridgePolicy(c, 'p', { bridge: 'br1', uplink: 'eth1', allowedVlans: [VlanTrunk.range(20, 10)] }),
    error: '[test/p] allowedVlans[0]: {"minID":20,"maxID":10} must have minID <= maxID',
  },
  {
    name: 'storage network range that is not a CIDR',
    build: (c) => ceph(c, { range: '10.0.0.0' }),
    error: '[test/s] range: "10.0.0.0" must be a CIDR such as "10.0.0.0/24" or "fd00::/64"',
  },
  {
    name: 'storage network range with a prefix longer than IPv4 allows',
    build: (c) => ceph(c, { range: '10.0.0.0/33' }),
    error: '[test/s] range: "10.0.0.0/33" must have a prefix length from 0 to 32',
  },
  {
    name: 'storage network range with host bits',
    build: (c) => ceph(c, { range: '10.0.0.1/24' }),
    error: '[test/s] range: "10.0.0.1/24" has host bits set; did you mean "10.0.0.0/24"?',
  },
  {
    name: 'node range that is not a CIDR',
    build: (c) => ceph(c, { nodeRange: 'nodes' }),
    error: '[test/s] nodeRange: "nodes" must be a CIDR such as "10.0.0.0/24" or "fd00::/64"',
  },
  {
    name: 'node range with a prefix longer than IPv6 allows',
    build: (c) => ceph(c, { nodeRange: 'fd00::/129' }),
    error: '[test/s] nodeRange: "fd00::/129" must have a prefix length from 0 to 128',
  },
  {
    name: 'node range with host bits',
    build: (c) => ceph(c, { nodeRange: '192.168.1.1/24' }),
    error: '[test/s] nodeRange: "192.168.1.1/24" has host bits set; did you mean "192.168.1.0/24"?',
  },
  {
    name: 'node range of the other IP family',
    build: (c) => ceph(c, { nodeRange: 'fd00::/64' }),
    error: '[test/s] nodeRange: "fd00::/64" must be of the same IP family as range "10.0.0.0/24"',
  },
  {
    name: 'CephCluster without an image',
    build: (c) => ceph(c, { cephAttachment: CephAttachment.bridge(), cephCluster: { cephImage: '' } }),
    error: '[test/s] cephCluster.cephImage: "" must name a Ceph image such as "quay.io/ceph/ceph:v19.2.3"',
  },
]);
