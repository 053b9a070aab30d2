import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AttachmentKind, INetworkAttachment, NetworkAttachmentProps } from './attachment';
import { FirewallBackend, FirewallOptions, isAccessVlan, isTrunkVlan, TuningOptions, VlanTrunk } from './cni';
import { RenderedIpam } from './internal';
import { Ipam } from './ipam';
import { AttachmentSpec, writeAttachment } from './nad';
import { Segment } from './plan';
import { check, fail } from '../core/errors';
import { ClusterComponent, ClusterPrerequisites, PrerequisiteKind } from '../platform/prerequisites';

/** The annotation that makes Multus request a node resource, so pods land only where the bridge exists. */
export const RESOURCE_NAME_ANNOTATION = 'k8s.v1.cni.cncf.io/resourceName';

/**
 * Backend of the bridge plugin's IP masquerading.
 */
export enum IpMasqBackend {
  /** iptables. */
  IPTABLES = 'iptables',
  /** nftables. */
  NFTABLES = 'nftables',
}

/**
 * Layer-2 and IPAM settings of a bridge network.
 */
export interface BridgeNetworkProps extends NetworkAttachmentProps {
  /**
   * Name of the Linux bridge on the node. Required unless `shareSegmentWith` is given.
   * @default - the bridge of `shareSegmentWith`
   */
  readonly bridge?: string;
  /**
   * Access VLAN (0-4094; 0 means untagged). Pods' bridge ports get this VLAN as PVID.
   * @default - untagged
   */
  readonly vlan?: number;
  /**
   * VLANs carried tagged to the attachment (a trunk port); exclusive with `vlan`.
   * @default - no trunk
   */
  readonly vlanTrunk?: VlanTrunk[];
  /**
   * Keep the bridge's default VLAN (1) on the port in addition to `vlan` / `vlanTrunk`. A port that keeps it
   * exchanges VLAN 1 frames (untagged egress, tagged ingress) with every other port in VLAN 1 of the node's
   * bridge, whatever its access VLAN: tenant networks and the shared storage network set it to false.
   * @default - the plugin's default: true up to containernetworking-plugins v1.8, false from v1.9.0
   */
  readonly preserveDefaultVlan?: boolean;
  /**
   * MTU of the bridge and the attachment (68-65535; at least 1280 with IPv6).
   * @default - the plugin's default (the bridge's)
   */
  readonly mtu?: number;
  /**
   * How attachments get addresses.
   * @default Ipam.none() - pure layer 2, addresses set in the guest
   */
  readonly ipam?: Ipam;
  /**
   * Give the bridge the IPAM gateway address so it routes for the attachments.
   * @default false
   */
  readonly isGateway?: boolean;
  /**
   * Make the bridge the attachments' default gateway (implies `isGateway`).
   * @default false
   */
  readonly isDefaultGateway?: boolean;
  /**
   * Let the plugin move an existing gateway address on the bridge.
   * @default false
   */
  readonly forceAddress?: boolean;
  /**
   * Masquerade traffic leaving the network through the host.
   * @default false
   */
  readonly ipMasq?: boolean;
  /**
   * Backend for `ipMasq`.
   * @default - the plugin's default
   */
  readonly ipMasqBackend?: IpMasqBackend;
  /**
   * Hairpin mode on the bridge port (frames may return on the port they came in on).
   * @default false
   */
  readonly hairpinMode?: boolean;
  /**
   * Promiscuous mode on the bridge.
   * @default false
   */
  readonly promiscMode?: boolean;
  /**
   * Drop frames whose source MAC is not the attachment's own (stops MAC spoofing from a VM). Needs
   * containernetworking-plugins v1.1.0 or later on the nodes (registered as a cluster prerequisite).
   * @default false
   */
  readonly macSpoofCheck?: boolean;
  /**
   * IPv6 duplicate address detection on the container interface.
   * @default - the plugin's default
   */
  readonly enableDad?: boolean;
  /**
   * Leave the container side of the veth down (for VMs that own their addresses); exclusive with IPAM.
   * @default false
   */
  readonly disableContainerInterface?: boolean;
  /**
   * Isolated bridge ports reach only non-isolated ports: attachments of this network on one node cannot talk
   * to each other, only to non-isolated ports of that node's bridge (the uplink, the node's own port, Ceph's
   * port). This holds on one node only: the uplink is a non-isolated port, so attachments on different nodes
   * reach each other through the switch unless the switch or L3 filtering stops them (docs/isolation.md).
   * Needs containernetworking-plugins v1.7.0 or later (older plugins ignore the key silently; registered as a
   * cluster prerequisite).
   * @default false
   */
  readonly portIsolation?: boolean;
  /**
   * Annotate the NetworkAttachmentDefinition with `k8s.v1.cni.cncf.io/resourceName:
   * bridge.network.kubevirt.io/<bridge>`, so pods schedule only onto nodes that have the bridge. Needs
   * KubeVirt's bridge-marker on the nodes (cluster-network-addons-operator); without it pods never schedule.
   * @default false
   */
  readonly requireBridgeOnNode?: boolean;
  /**
   * Chain the `tuning` plugin after the bridge.
   * @default - not chained
   */
  readonly tuning?: TuningOptions;
  /**
   * Chain the `firewall` plugin after the bridge.
   * @default - not chained
   */
  readonly firewall?: FirewallOptions;
  /**
   * Join the layer-2 segment and address pool of another bridge network (same bridge, VLAN and MTU),
   * e.g. to offer one network in another namespace or with other port settings. `ipam` defaults to the
   * other network's; a Whereabouts IPAM given here keys its pool like the other network's, and the app-wide
   * plan requires the same range, so networks that share a segment never hand out an address twice.
   * @default - a segment of its own
   */
  readonly shareSegmentWith?: BridgeNetwork;
}

/**
 * Options for offering a bridge network again in another namespace or with other port settings.
 */
export interface ShareBridgeNetworkOptions {
  /**
   * Namespace of the new NetworkAttachmentDefinition.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * Name of the new NetworkAttachmentDefinition.
   * @default - a name generated from the construct path
   */
  readonly name?: string;
  /**
   * Port isolation on the new attachment's ports.
   * @default - as the original network
   */
  readonly portIsolation?: boolean;
  /**
   * MAC spoof check on the new attachment's ports.
   * @default - as the original network
   */
  readonly macSpoofCheck?: boolean;
  /**
   * Labels on the new NetworkAttachmentDefinition.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * A Multus network on a Linux bridge and VLAN: a NetworkAttachmentDefinition whose `spec.config` is a CNI
 * configuration list with the bridge plugin. VMs attach to it with bridge binding and bypass the pod overlay.
 *
 * @example
 * const net = new BridgeNetwork(chart, 'my-bridge', {
 *   name: 'my-bridge', namespace: 'my-ns', bridge: 'br1', vlan: 1234,
 *   ipam: Ipam.whereabouts({ range: '10.123.124.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.123.124.1' }] }),
 * });
 * net.reference; // 'my-ns/my-bridge'
 */
export class BridgeNetwork extends Construct implements INetworkAttachment {
  public readonly name: string;
  public readonly namespace: string;
  public readonly reference: string;
  public readonly attachmentKind = AttachmentKind.BRIDGE;
  public readonly providesDefaultRoute: boolean;
  public readonly assignsAddresses: boolean;
  /** Name of the node bridge. */
  public readonly bridge: string;
  /** Access VLAN. */
  public readonly vlan?: number;
  /** The NetworkAttachmentDefinition (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  /** The CNI configuration list written to `spec.config`. */
  public readonly cniConfig: string;
  /** Whether the attachments' bridge ports are isolated from each other (`portIsolation`). */
  public readonly portIsolation: boolean;
  /** Whether the bridge drops frames whose source MAC is not the attachment's own (`macspoofchk`). */
  public readonly macSpoofCheck: boolean;

  /** @internal */
  public readonly _segment: Segment;
  /** @internal */
  public readonly _props: BridgeNetworkProps;

  constructor(scope: Construct, id: string, props: BridgeNetworkProps) {
    super(scope, id);
    const origin = props.shareSegmentWith;
    const { props: p, spec } = bridgeAttachmentSpec(this, props, origin);
    this._props = p;
    const written = writeAttachment(this, spec);
    if (p.requireBridgeOnNode) {
      written.apiObject.metadata.addAnnotation(RESOURCE_NAME_ANNOTATION, `bridge.network.kubevirt.io/${p.bridge}`);
    }
    this.apiObject = written.apiObject;
    this.name = written.name;
    this.namespace = written.namespace;
    this.reference = `${this.namespace}/${this.name}`;
    this.cniConfig = written.cniConfig;
    this._segment = written.segment;
    this.bridge = p.bridge!;
    this.vlan = p.vlan;
    this.providesDefaultRoute = written.ipam.providesDefaultRoute || p.isDefaultGateway === true;
    this.assignsAddresses = written.ipam.hasAddresses;
    this.portIsolation = p.portIsolation === true;
    this.macSpoofCheck = p.macSpoofCheck === true;
    requirePluginVersions(this, p);
  }

  /**
   * Offers this network again, e.g. in another namespace (for Multus namespace isolation) or with other
   * port settings, on the same bridge, VLAN and address pool.
   */
  public shareInto(scope: Construct, id: string, options: ShareBridgeNetworkOptions = {}): BridgeNetwork {
    // Everything but the segment (which shareSegmentWith carries over) and the object's identity.
    const { bridge: _b, vlan: _v, vlanTrunk: _t, mtu: _m, ipam: _i, ...settings } = this._props;
    const { name: _n, namespace: _ns, labels: _l, shareSegmentWith: _s, ...rest } = settings;
    return new BridgeNetwork(scope, id, {
      ...rest,
      name: options.name,
      namespace: options.namespace,
      labels: options.labels,
      portIsolation: options.portIsolation ?? this._props.portIsolation,
      macSpoofCheck: options.macSpoofCheck ?? this._props.macSpoofCheck,
      shareSegmentWith: this,
    });
  }
}

/**
 * Validates bridge network props (resolving a shared segment) and builds what the NAD writer needs. Used by
 * BridgeNetwork and by networks that are rendered without a NAD of their own (Gardener tenant networks).
 */
export function bridgeAttachmentSpec(scope: Construct, props: BridgeNetworkProps, origin?: BridgeNetwork):
{ props: BridgeNetworkProps; spec: AttachmentSpec } {
  if (origin) {
    for (const key of ['bridge', 'vlan', 'vlanTrunk', 'mtu'] as const) {
      if (props[key] !== undefined) {
        fail(scope, key, props[key], `cannot be set together with shareSegmentWith: it comes from ${origin.node.path}`);
      }
    }
  }
  const p: BridgeNetworkProps = origin
    ? {
      ...props,
      bridge: origin._props.bridge,
      vlan: origin._props.vlan,
      vlanTrunk: origin._props.vlanTrunk,
      mtu: origin._props.mtu,
      ipam: props.ipam ?? origin._props.ipam,
    }
    : props;
  if (p.bridge === undefined) fail(scope, 'bridge', p.bridge, 'is required: name the Linux bridge on the nodes, e.g. "br1"');
  const bridge = p.bridge;
  validateInterfaceName(scope, 'bridge', bridge);
  validateVlans(scope, p);
  return {
    props: p,
    spec: {
      props: p,
      ipam: p.ipam ?? Ipam.none(),
      mtu: p.mtu,
      poolOwner: origin ? { namespace: origin.namespace, name: origin.name } : undefined,
      plugin: (ipam) => bridgePlugin(p, ipam),
      chained: chainedPlugins(p),
      validate: (ipam) => validateL3(scope, p, ipam),
      segment: origin ? origin._segment : (self) => new Segment(bridge, p.vlan ?? (p.vlanTrunk ? undefined : 0), self),
      checksVlan: p.vlanTrunk === undefined,
      trunkVlans: p.vlanTrunk?.map((t) => [t.minId, t.maxId] as const),
    },
  };
}

/**
 * The bridge plugin ignores keys it does not know, so a feature missing from the nodes' plugin is silently
 * off: `macspoofchk` exists from containernetworking/plugins v1.1.0, `preserveDefaultVlan` from v1.3.0
 * (before, a VLAN port always stayed a member of VLAN 1) and `portIsolation` from v1.7.0
 * (plugins/main/bridge/bridge.go at those tags).
 */
function requirePluginVersions(scope: Construct, p: BridgeNetworkProps): void {
  const prerequisites = ClusterPrerequisites.of(scope);
  if (p.portIsolation) {
    prerequisites.require(scope, {
      kind: PrerequisiteKind.VERSION,
      component: ClusterComponent.CNI_PLUGINS,
      requirement: 'v1.7.0',
      reason: 'bridge portIsolation (older plugins ignore it: ports are not isolated)',
      field: 'portIsolation',
      value: true,
    });
  }
  if (p.preserveDefaultVlan === false) {
    prerequisites.require(scope, {
      kind: PrerequisiteKind.VERSION,
      component: ClusterComponent.CNI_PLUGINS,
      requirement: 'v1.3.0',
      reason: 'bridge preserveDefaultVlan: false (older plugins leave VLAN 1 on every VLAN port)',
      field: 'preserveDefaultVlan',
      value: false,
    });
  }
  if (p.macSpoofCheck) {
    prerequisites.require(scope, {
      kind: PrerequisiteKind.VERSION,
      component: ClusterComponent.CNI_PLUGINS,
      requirement: 'v1.1.0',
      reason: 'bridge macspoofchk (older plugins ignore it: MAC spoofing is not stopped)',
      field: 'macSpoofCheck',
      value: true,
    });
  }
}

/** Linux interface names: 1-15 characters, no '/', whitespace or ':'. */
export function validateInterfaceName(scope: Construct, field: string, value: string) {
  check(typeof value === 'string' && /^[^\s/:]{1,15}$/.test(value), scope, field, value,
    'must be a Linux interface name: 1 to 15 characters without whitespace, \'/\' or \':\'');
}

function validateVlans(scope: Construct, p: BridgeNetworkProps) {
  if (p.vlan !== undefined) {
    check(isAccessVlan(p.vlan), scope, 'vlan', p.vlan, 'must be an integer from 0 to 4094');
  }
  if (p.vlanTrunk !== undefined) {
    check(p.vlan === undefined, scope, 'vlanTrunk', p.vlanTrunk.map((t) => t._render()), 'cannot be combined with vlan: a port is either an access port or a trunk');
    check(p.vlanTrunk.length > 0, scope, 'vlanTrunk', [], 'must list at least one VLAN id or range');
    p.vlanTrunk.forEach((t, i) => {
      check(isTrunkVlan(t.minId), scope, `vlanTrunk[${i}]`, t.minId, 'must be a VLAN id from 1 to 4094');
      check(isTrunkVlan(t.maxId), scope, `vlanTrunk[${i}]`, t.maxId, 'must be a VLAN id from 1 to 4094');
      check(t.minId <= t.maxId, scope, `vlanTrunk[${i}]`, t._render(), 'must have minID <= maxID');
    });
  }
  if (p.preserveDefaultVlan !== undefined) {
    check(p.vlan !== undefined || p.vlanTrunk !== undefined, scope, 'preserveDefaultVlan', p.preserveDefaultVlan, 'only applies together with vlan or vlanTrunk');
  }
}

function validateL3(scope: Construct, p: BridgeNetworkProps, ipam: RenderedIpam) {
  if (p.disableContainerInterface) {
    check(p.ipam === undefined || p.ipam.ipamType === undefined, scope, 'disableContainerInterface', true, 'cannot be combined with IPAM: a down interface cannot hold addresses (use Ipam.none())');
  }
  if (p.isGateway || p.isDefaultGateway) {
    check(ipam.hasAddresses, scope, p.isDefaultGateway ? 'isDefaultGateway' : 'isGateway', true, 'needs an IPAM that assigns addresses, so the bridge can take the gateway address');
  }
  if (p.ipMasqBackend !== undefined) {
    check(p.ipMasq === true, scope, 'ipMasqBackend', p.ipMasqBackend, 'only applies with ipMasq: true');
  }
}

function bridgePlugin(p: BridgeNetworkProps, ipam: Record<string, any>): Record<string, any> {
  const plugin: Record<string, any> = { type: 'bridge', bridge: p.bridge };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) plugin[key] = value;
  };
  set('vlan', p.vlan);
  set('vlanTrunk', p.vlanTrunk?.map((t) => t._render()));
  set('preserveDefaultVlan', p.preserveDefaultVlan);
  set('mtu', p.mtu);
  set('isGateway', p.isGateway);
  set('isDefaultGateway', p.isDefaultGateway);
  set('forceAddress', p.forceAddress);
  set('ipMasq', p.ipMasq);
  set('ipMasqBackend', p.ipMasqBackend);
  set('hairpinMode', p.hairpinMode);
  set('promiscMode', p.promiscMode);
  set('macspoofchk', p.macSpoofCheck);
  set('enabledad', p.enableDad);
  set('disableContainerInterface', p.disableContainerInterface);
  set('portIsolation', p.portIsolation);
  plugin.ipam = ipam;
  return plugin;
}

/** The chained tuning and firewall plugins, in that order. */
export function chainedPlugins(p: { tuning?: TuningOptions; firewall?: FirewallOptions }): Array<Record<string, any>> {
  const plugins: Array<Record<string, any>> = [];
  if (p.tuning) {
    const tuning: Record<string, any> = { type: 'tuning' };
    if (p.tuning.sysctl) tuning.sysctl = Object.fromEntries(Object.entries(p.tuning.sysctl).sort(([a], [b]) => a.localeCompare(b)));
    if (p.tuning.promisc !== undefined) tuning.promisc = p.tuning.promisc;
    if (p.tuning.allmulti !== undefined) tuning.allmulti = p.tuning.allmulti;
    plugins.push(tuning);
  }
  if (p.firewall) {
    plugins.push({ type: 'firewall', backend: p.firewall.backend ?? FirewallBackend.IPTABLES });
  }
  return plugins;
}
