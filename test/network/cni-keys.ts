/**
 * The keys each CNI plugin and IPAM documents (cni.dev plugin pages, containernetworking/plugins
 * plugins/main/bridge/bridge.go, k8snetworkplumbingwg/whereabouts pkg/types/types.go). Kept in the tests,
 * apart from the code under test, so a typo in a rendered key fails a test instead of being ignored by CNI.
 */
const PLUGIN_KEYS: Record<string, string[]> = {
  bridge: ['type', 'bridge', 'isGateway', 'isDefaultGateway', 'forceAddress', 'ipMasq', 'ipMasqBackend', 'mtu',
    'hairpinMode', 'ipam', 'promiscMode', 'vlan', 'vlanTrunk', 'preserveDefaultVlan', 'enabledad', 'macspoofchk',
    'disableContainerInterface', 'portIsolation'],
  macvlan: ['type', 'master', 'mode', 'mtu', 'ipam', 'linkInContainer'],
  tuning: ['type', 'sysctl', 'mac', 'promisc', 'allmulti', 'mtu', 'txQLen'],
  firewall: ['type', 'backend', 'iptablesAdminChainName', 'firewalldZone', 'ingressPolicy'],
};

const IPAM_KEYS: Record<string, string[]> = {
  'whereabouts': ['type', 'range', 'range_start', 'range_end', 'exclude', 'gateway', 'routes', 'ipRanges', 'network_name',
    'enable_overlapping_ranges', 'node_slice_size', 'log_file', 'log_level', 'kubernetes', 'configuration_path'],
  'host-local': ['type', 'ranges', 'routes', 'resolvConf', 'dataDir'],
  'static': ['type', 'addresses', 'routes', 'dns'],
  'dhcp': ['type', 'daemonSocketPath', 'request', 'provide'],
};

const VLAN_TRUNK_KEYS = ['id', 'minID', 'maxID'];
const ROUTE_KEYS = ['dst', 'gw'];
const WHEREABOUTS_RANGE_KEYS = ['range', 'range_start', 'range_end', 'exclude'];

/** Every key of a CNI configuration list that no plugin documents, as `path: key`. */
export function undocumentedKeys(configText: string): string[] {
  const config = JSON.parse(configText);
  const unknown: string[] = [];
  const checkKeys = (path: string, obj: Record<string, unknown>, allowed: string[]) => {
    for (const key of Object.keys(obj)) if (!allowed.includes(key)) unknown.push(`${path}: ${key}`);
  };
  checkKeys('', config, ['cniVersion', 'name', 'plugins', 'disableCheck']);
  (config.plugins as any[]).forEach((plugin, i) => {
    const allowed = PLUGIN_KEYS[plugin.type];
    if (!allowed) {
      unknown.push(`plugins[${i}]: type ${plugin.type}`);
      return;
    }
    checkKeys(`plugins[${i}]`, plugin, allowed);
    (plugin.vlanTrunk ?? []).forEach((t: any, j: number) => checkKeys(`plugins[${i}].vlanTrunk[${j}]`, t, VLAN_TRUNK_KEYS));
    const ipam = plugin.ipam;
    if (ipam === undefined || Object.keys(ipam).length === 0) return;
    const ipamAllowed = IPAM_KEYS[ipam.type];
    if (!ipamAllowed) {
      unknown.push(`plugins[${i}].ipam: type ${ipam.type}`);
      return;
    }
    checkKeys(`plugins[${i}].ipam`, ipam, ipamAllowed);
    (ipam.routes ?? []).forEach((r: any, j: number) => checkKeys(`plugins[${i}].ipam.routes[${j}]`, r, ROUTE_KEYS));
    (ipam.ipRanges ?? []).forEach((r: any, j: number) => checkKeys(`plugins[${i}].ipam.ipRanges[${j}]`, r, WHEREABOUTS_RANGE_KEYS));
    (ipam.ranges ?? []).flat().forEach((r: any, j: number) => checkKeys(`plugins[${i}].ipam.ranges[${j}]`, r, ['subnet', 'rangeStart', 'rangeEnd', 'gateway']));
  });
  return unknown;
}
