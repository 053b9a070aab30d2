import {
  BridgeNetwork, CephAttachment, Ipam, NodeBridgePolicy, SharedCephNetwork, TenantIsolation, VlanTrunk,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';

const wa = Ipam.whereabouts;

// Each row: the input, and the error the library must raise (construct path, field, bad value, rule).
describeBadInputs('network: bad inputs fail synthesis with their message', [
  {
    name: 'VLAN above 4094',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', vlan: 5000 }),
    error: '[test/n] vlan: 5000 must be an integer from 0 to 4094',
  },
  {
    name: 'negative VLAN',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', vlan: -1 }),
    error: '[test/n] vlan: -1 must be an integer from 0 to 4094',
  },
  {
    name: 'fractional VLAN',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', vlan: 1.5 }),
    error: '[test/n] vlan: 1.5 must be an integer from 0 to 4094',
  },
  {
    name: 'trunk id 0',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', vlanTrunk: [VlanTrunk.id(0)] }),
    error: '[test/n] vlanTrunk[0]: 0 must be a VLAN id from 1 to 4094',
  },
  {
    name: 'trunk id above 4094',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', vlanTrunk: [VlanTrunk.range(4000, 4095)] }),
    error: '[test/n] vlanTrunk[0]: 4095 must be a VLAN id from 1 to 4094',
  },
  {
    name: 'trunk range upside down',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', vlanTrunk: [VlanTrunk.range(20, 10)] }),
    error: '[test/n] vlanTrunk[0]: {"minID":20,"maxID":10} must have minID <= maxID',
  },
  {
    name: 'access VLAN and trunk together',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', vlan: 10, vlanTrunk: [VlanTrunk.id(11)] }),
    error: '[test/n] vlanTrunk: [{"id":11}] cannot be combined with vlan',
  },
  {
    name: 'MTU too small',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', mtu: 50 }),
    error: '[test/n] mtu: 50 must be an integer from 68 to 65535',
  },
  {
    name: 'MTU too small for IPv6',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', mtu: 1000, ipam: wa({ range: 'fd00::/64' }) }),
    error: '[test/n] mtu: 1000 must be an integer from 1280 to 65535 (IPv6 needs at least 1280)',
  },
  {
    name: 'prefix length out of range',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/33' }) }),
    error: '[test/n] ipam.range: "10.0.0.0/33" must have a prefix length from 0 to 32',
  },
  {
    name: 'not a CIDR',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0' }) }),
    error: '[test/n] ipam.range: "10.0.0.0" must be a CIDR such as "10.0.0.0/24" or "fd00::/64"',
  },
  {
    name: 'CIDR with host bits',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.7/24' }) }),
    error: '[test/n] ipam.range: "10.0.0.7/24" has host bits set; did you mean "10.0.0.0/24"?',
  },
  {
    name: 'gateway that is not an address',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/24', gateway: '10.0.0.300' }) }),
    error: '[test/n] ipam.gateway: "10.0.0.300" must be an IPv4 or IPv6 address',
  },
  {
    name: 'gateway outside the range',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/24', gateway: '10.0.1.1' }) }),
    error: '[test/n] ipam.gateway: "10.0.1.1" must lie inside the range "10.0.0.0/24"',
  },
  {
    name: 'range start outside the range',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/24', rangeStart: '10.0.5.1' }) }),
    error: '[test/n] ipam.rangeStart: "10.0.5.1" must lie inside the range "10.0.0.0/24"',
  },
  {
    name: 'range end outside the range',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/24', rangeEnd: '10.0.1.0' }) }),
    error: '[test/n] ipam.rangeEnd: "10.0.1.0" must lie inside the range "10.0.0.0/24"',
  },
  {
    name: 'range end before range start',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/24', rangeStart: '10.0.0.100', rangeEnd: '10.0.0.50' }) }),
    error: '[test/n] ipam.rangeEnd: "10.0.0.50" must not come before the start "10.0.0.100"',
  },
  {
    name: 'first-last/prefix that ends outside its prefix',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.10-10.0.1.10/24' }) }),
    error: '[test/n] ipam.range: "10.0.0.10-10.0.1.10/24" must end at an address from its start to the end of 10.0.0.0/24',
  },
  {
    name: 'exclusion outside the range (whereabouts would ignore it silently)',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/24', exclude: ['10.9.0.0/28'] }) }),
    error: '[test/n] ipam.exclude[0]: "10.9.0.0/28" must lie inside the range "10.0.0.0/24"',
  },
  {
    name: 'empty pool after exclusions and the gateway',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/30', exclude: ['10.0.0.2/32'], gateway: '10.0.0.1' }) }),
    error: '[test/n] ipam.exclude: ["10.0.0.2/32","10.0.0.1/32"] leaves no address to hand out in "10.0.0.0/30"',
  },
  {
    name: 'route next hop outside every range',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '192.168.0.1' }] }) }),
    error: '[test/n] ipam.routes: "192.168.0.1" is a next hop outside every range (10.0.0.0/24)',
  },
  {
    name: 'route gateway of the other IP family',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/24', routes: [{ destination: '::/0', gateway: '10.0.0.1' }] }) }),
    error: '[test/n] ipam.routes[0].gateway: "10.0.0.1" must be of the same IP family as its destination "::/0"',
  },
  {
    name: 'two IPv4 ranges are not dual stack',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/24', ipRanges: [{ range: '10.1.0.0/24' }] }) }),
    error: '[test/n] ipam.ipRanges: ["10.0.0.0/24","10.1.0.0/24"] must hold at most one range per IP family',
  },
  {
    name: 'whereabouts without any range',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({}) }),
    error: '[test/n] ipam.range: undefined is required',
  },
  {
    name: 'pool name that cannot name an IPPool',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: wa({ range: '10.0.0.0/24', networkName: 'Tenant_A' }) }),
    error: '[test/n] ipam.networkName: "Tenant_A" must be lower-case letters, digits',
  },
  {
    name: 'NAD name that is not DNS-1123',
    build: (c) => new BridgeNetwork(c, 'n', { name: 'My_Net', bridge: 'br1' }),
    error: '[test/n] name: "My_Net" must be a DNS-1123 subdomain',
  },
  {
    name: 'namespace that is not DNS-1123',
    build: (c) => new BridgeNetwork(c, 'n', { namespace: 'Tenant A', bridge: 'br1' }),
    error: '[test/n] namespace: "Tenant A" must be a DNS-1123 label',
  },
  {
    name: 'bridge name longer than Linux allows',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'a-very-long-bridge-name' }),
    error: '[test/n] bridge: "a-very-long-bridge-name" must be a Linux interface name',
  },
  {
    name: 'bridge gateway without addresses',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', isGateway: true }),
    error: '[test/n] isGateway: true needs an IPAM that assigns addresses',
  },
  {
    name: 'container interface down but IPAM asked for',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', disableContainerInterface: true, ipam: wa({ range: '10.0.0.0/24' }) }),
    error: '[test/n] disableContainerInterface: true cannot be combined with IPAM',
  },
  {
    name: 'masquerade backend without masquerade',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipMasqBackend: 'nftables' as any }),
    error: '[test/n] ipMasqBackend: "nftables" only applies with ipMasq: true',
  },
  {
    name: 'unknown CNI version',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', cniVersion: '2.0.0' }),
    error: '[test/n] cniVersion: "2.0.0" must be a CNI spec version',
  },
  {
    name: 'shared segment with its own VLAN',
    build: (c) => {
      const a = new BridgeNetwork(c, 'a', { bridge: 'br1', vlan: 1 });
      new BridgeNetwork(c, 'n', { shareSegmentWith: a, vlan: 2 });
    },
    error: '[test/n] vlan: 2 cannot be set together with shareSegmentWith: it comes from test/a',
  },
  {
    name: 'overlapping ranges between two networks (app-wide)',
    build: (c) => {
      new BridgeNetwork(c, 'a', { bridge: 'br1', vlan: 1, ipam: wa({ range: '10.0.0.0/16' }) });
      new BridgeNetwork(c, 'b', { bridge: 'br1', vlan: 2, ipam: wa({ range: '10.0.128.0/24' }) });
    },
    error: '[test/b] range: "10.0.128.0/24" overlaps "10.0.0.0/16" of network test/a (first shared address 10.0.128.0): address ranges of different networks must not overlap',
  },
  {
    name: 'one VLAN on one bridge used by two networks (app-wide)',
    build: (c) => {
      new BridgeNetwork(c, 'a', { bridge: 'br1', vlan: 1234 });
      new BridgeNetwork(c, 'b', { namespace: 'other', bridge: 'br1', vlan: 1234 });
    },
    error: '[test/b] vlan: 1234 on bridge "br1" is already used by network test/a',
  },
  {
    name: 'a network VLAN that the node bridge does not carry (app-wide)',
    build: (c) => {
      new NodeBridgePolicy(c, 'br1', { bridge: 'br1', uplink: 'eth1', allowedVlans: [VlanTrunk.range(100, 199)] });
      new BridgeNetwork(c, 'n', { bridge: 'br1', vlan: 1234 });
    },
    error: '[test/n] vlan: 1234 is not let through by the node bridge "br1" of test/br1',
  },
  {
    name: 'one node bridge defined twice (app-wide)',
    build: (c) => {
      new NodeBridgePolicy(c, 'p1', { bridge: 'br1', uplink: 'eth1' });
      new NodeBridgePolicy(c, 'p2', { bridge: 'br1', uplink: 'eth2' });
    },
    error: '[test/p2] bridge: "br1" is already defined on nodes by test/p1',
  },
  {
    name: 'static IPAM address without prefix',
    build: (c) => new BridgeNetwork(c, 'n', { bridge: 'br1', ipam: Ipam.staticAddresses({ addresses: [{ address: '10.0.0.5' }] }) }),
    error: '[test/n] ipam.addresses[0].address: "10.0.0.5" must be an address with prefix length',
  },
  {
    name: 'storage network: macvlan Ceph without isolation',
    build: (c) => new SharedCephNetwork(c, 's', { bridge: 'br1', range: '10.0.0.0/24', isolation: TenantIsolation.NONE, cephAttachment: CephAttachment.macvlan('eth1') }),
    error: '[test/s] cephAttachment: "macvlan on eth1" needs TenantIsolation.PORT_ISOLATION',
  },
  {
    name: 'storage network: node range across the edge of the storage range',
    build: (c) => new SharedCephNetwork(c, 's', { bridge: 'br1', range: '10.0.0.0/25', nodeRange: '10.0.0.0/24' }),
    error: '[test/s] nodeRange: "10.0.0.0/24" must lie inside range "10.0.0.0/25" or apart from it',
  },
  {
    name: 'storage network: CephCluster network given by hand',
    build: (c) => new SharedCephNetwork(c, 's', { bridge: 'br1', range: '10.0.0.0/24', cephCluster: { cephImage: 'quay.io/ceph/ceph:v19', spec: { network: { provider: 'host' } } } }),
    error: '[test/s] cephCluster.spec.network: {"provider":"host"} must not be set',
  },
  {
    name: 'storage network: even monitor count',
    build: (c) => new SharedCephNetwork(c, 's', { bridge: 'br1', range: '10.0.0.0/24', cephCluster: { cephImage: 'quay.io/ceph/ceph:v19', monCount: 2 } }),
    error: '[test/s] cephCluster.monCount: 2 must be an odd number from 1 to 9',
  },
  {
    name: 'storage network: cluster network on the public VLAN (app-wide)',
    build: (c) => new SharedCephNetwork(c, 's', { bridge: 'br1', vlan: 100, range: '10.0.0.0/24', clusterNetwork: { range: '10.1.0.0/24', vlan: 100 } }),
    error: '[test/s/CephCluster] vlan: 100 on bridge "br1" is already used by network test/s/VmNetwork',
  },
]);
