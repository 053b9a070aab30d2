import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { validateInterfaceName } from './bridge-network';
import { isTrunkVlan, MTU_MAX, MTU_MIN, VlanTrunk } from './cni';
import { NetworkPlan } from './plan';
import { check } from '../core/errors';
import { requireDns1123Subdomain, requireLabels } from '../core/names';
import { clusterScoped, metadata, setSyncWave, SyncWaves } from '../core/objects';
import { NodeNetworkConfigurationPolicy, NodeNetworkConfigurationPolicySpecMaxUnavailable } from '../imports/nmstate.io';
import { ClusterComponent, ClusterPrerequisites, PrerequisiteKind } from '../platform/prerequisites';

/**
 * The node side of bridge networks: a Linux bridge on an uplink, created by kubernetes-nmstate.
 */
export interface NodeBridgePolicyProps {
  /** Name of the bridge, as bridge networks name it (e.g. `br1`). */
  readonly bridge: string;
  /** The node interface that carries the bridge's traffic, e.g. `eth1` or `bond0`. */
  readonly uplink: string;
  /**
   * Name of the NodeNetworkConfigurationPolicy (cluster-scoped).
   * @default - `<bridge>-<uplink>`
   */
  readonly name?: string;
  /**
   * Nodes that get the bridge.
   * @default - every node
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * VLANs the uplink carries tagged. The bridge filters VLANs, so a network's VLAN that the uplink does not
   * carry never leaves the node.
   * @default - every access VLAN and trunk that the app's bridge networks use on this bridge
   */
  readonly allowedVlans?: VlanTrunk[];
  /**
   * MTU of the bridge and of its uplink (a bridge forwards no frame larger than its ports' MTU). Every network
   * on the bridge must fit in it; a network asking for more is an error.
   * @default - unchanged (1500 on a default uplink): networks on the bridge may not ask for more than 1500
   */
  readonly mtu?: number;
  /**
   * Spanning tree on the bridge.
   * @default false
   */
  readonly stp?: boolean;
  /**
   * How many nodes nmstate reconfigures at once, as a number or percentage.
   * @default - nmstate's default (50%)
   */
  readonly maxUnavailable?: string;
}

/**
 * Creates the Linux bridge of bridge networks on nodes, with VLAN filtering on the uplink, as an nmstate
 * `NodeNetworkConfigurationPolicy`. The app-wide plan checks that every bridge network's VLAN is let through.
 */
export class NodeBridgePolicy extends Construct {
  /** The NodeNetworkConfigurationPolicy. */
  public readonly apiObject: ApiObject;
  /** The bridge. */
  public readonly bridge: string;
  /** MTU of the bridge and uplink, when set. */
  public readonly mtu?: number;

  constructor(scope: Construct, id: string, props: NodeBridgePolicyProps) {
    super(scope, id);
    validateInterfaceName(this, 'bridge', props.bridge);
    validateInterfaceName(this, 'uplink', props.uplink);
    requireLabels(this, 'nodeSelector', props.nodeSelector);
    if (props.mtu !== undefined) {
      check(Number.isInteger(props.mtu) && props.mtu >= MTU_MIN && props.mtu <= MTU_MAX, this, 'mtu', props.mtu, `must be an integer from ${MTU_MIN} to ${MTU_MAX}`);
    }
    if (props.maxUnavailable !== undefined) {
      check(/^([0-9]+|[0-9]{1,3}%)$/.test(props.maxUnavailable), this, 'maxUnavailable', props.maxUnavailable, 'must be a whole number or a percentage such as "50%"');
    }
    const explicit = props.allowedVlans?.map((t, i) => {
      check(isTrunkVlan(t.minId) && isTrunkVlan(t.maxId), this, `allowedVlans[${i}]`, t._render(), 'must hold VLAN ids from 1 to 4094');
      check(t.minId <= t.maxId, this, `allowedVlans[${i}]`, t._render(), 'must have minID <= maxID');
      return [t.minId, t.maxId] as const;
    });
    this.bridge = props.bridge;
    this.mtu = props.mtu;
    const plan = NetworkPlan.of(this);
    plan.registerNodeBridge({ policy: this, bridge: props.bridge, allowedVlans: explicit, nodeSelector: props.nodeSelector, mtu: props.mtu });

    const name = props.name ?? `${props.bridge}-${props.uplink}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
    requireDns1123Subdomain(this, 'name', name);
    const desiredState = () => {
      const vlans = explicit ?? usedVlans(plan, props.bridge);
      const hostPorts = plan.hostPortsOf(props.bridge);
      const uplinkPort: Record<string, any> = { name: props.uplink };
      if (vlans.length > 0) {
        uplinkPort.vlan = {
          'mode': 'trunk',
          'trunk-tags': vlans.map(([lo, hi]) => (lo === hi ? { id: lo } : { 'id-range': { min: lo, max: hi } })),
        };
      }
      // The nodes' own ports (e.g. their address on the storage network): access ports of their VLAN.
      const ports = [uplinkPort, ...hostPorts.map((h) => {
        const port: Record<string, any> = { name: h.bridgeInterface };
        if (h.vlan !== undefined && h.vlan > 0) port.vlan = { mode: 'access', tag: h.vlan };
        return port;
      })];
      const bridge: Record<string, any> = {
        name: props.bridge,
        type: 'linux-bridge',
        state: 'up',
      };
      if (props.mtu !== undefined) bridge.mtu = props.mtu;
      bridge.ipv4 = { enabled: false };
      bridge.ipv6 = { enabled: false };
      bridge.bridge = { options: { stp: { enabled: props.stp ?? false } }, port: ports };
      const interfaces: Array<Record<string, any>> = [bridge];
      // A bridge's MTU is capped by its ports': the uplink must carry the same frames, or it drops them.
      // An existing interface is changed by name alone, whatever its type (nmstate.io/devel/api.html).
      if (props.mtu !== undefined) interfaces.push({ name: props.uplink, mtu: props.mtu });
      const routes: Array<Record<string, any>> = [];
      for (const h of hostPorts) {
        const mtu = h.mtu ?? props.mtu;
        const end = (own: string, peer: string, extra: Record<string, any> = {}) => {
          const iface: Record<string, any> = { name: own, type: 'veth', state: 'up' };
          if (mtu !== undefined) iface.mtu = mtu;
          iface.veth = { peer };
          return { ...iface, ...extra };
        };
        // nmstate creates a veth pair held by a bridge only when both ends are in the desired state.
        interfaces.push(end(h.bridgeInterface, h.hostInterface, { ipv4: { enabled: false }, ipv6: { enabled: false } }));
        interfaces.push(end(h.hostInterface, h.bridgeInterface, h.hostSettings));
        routes.push(...(h.routes ?? []));
      }
      return routes.length > 0 ? { interfaces, routes: { config: routes } } : { interfaces };
    };

    this.apiObject = new NodeNetworkConfigurationPolicy(this, 'Resource', {
      metadata: metadata({ name }),
      spec: {
        nodeSelector: props.nodeSelector,
        maxUnavailable: props.maxUnavailable === undefined
          ? undefined
          : NodeNetworkConfigurationPolicySpecMaxUnavailable.fromString(props.maxUnavailable),
        // VLANs and the nodes' own ports come from the app's networks, known once the tree is complete.
        desiredState: Lazy.any({ produce: desiredState }),
      },
    });
    clusterScoped(this.apiObject);
    setSyncWave(this.apiObject, SyncWaves.INFRASTRUCTURE);

    const prerequisites = ClusterPrerequisites.of(this);
    prerequisites.require(this, {
      kind: PrerequisiteKind.CONFIGURATION,
      component: ClusterComponent.NMSTATE,
      requirement: 'kubernetes-nmstate handler on the selected nodes (NodeNetworkConfigurationPolicy nmstate.io/v1)',
      reason: `node bridge ${props.bridge} on ${props.uplink}`,
    });
    prerequisites.require(this, {
      kind: PrerequisiteKind.EXTERNAL,
      component: ClusterComponent.NETWORK_FABRIC,
      requirement: `switch ports facing ${props.uplink} on the selected nodes carry the VLANs of NodeNetworkConfigurationPolicy ${name} tagged`
        + (props.mtu !== undefined ? `, with an MTU of at least ${props.mtu}` : ''),
      reason: `VLANs of bridge ${props.bridge} between nodes`,
    });
  }
}

/** The VLAN ids that the app's networks use on `bridge`, merged into sorted intervals. */
function usedVlans(plan: NetworkPlan, bridge: string): Array<readonly [number, number]> {
  const ids: Array<[number, number]> = [];
  for (const r of plan.registrations) {
    if (r.segment.device !== bridge) continue;
    const vlan = r.segment.vlan;
    if (vlan !== undefined && vlan > 0) ids.push([vlan, vlan]);
    for (const [lo, hi] of r.trunkVlans ?? []) ids.push([lo, hi]);
  }
  ids.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const [lo, hi] of ids) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}
