import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { validateInterfaceName } from './bridge-network';
import { isTrunkVlan, MTU_MAX, MTU_MIN, VlanTrunk } from './cni';
import { NetworkPlan } from './plan';
import { check } from '../core/errors';
import { requireDns1123Subdomain, requireLabels } from '../core/names';
import { clusterScoped, metadata, setSyncWave, SyncWaves } from '../core/objects';
import { NodeNetworkConfigurationPolicy, NodeNetworkConfigurationPolicySpecMaxUnavailable } from '../imports/nmstate.io';

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
   * MTU of the bridge and uplink.
   * @default - unchanged
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
    const plan = NetworkPlan.of(this);
    plan.registerNodeBridge({ policy: this, bridge: props.bridge, allowedVlans: explicit });

    const name = props.name ?? `${props.bridge}-${props.uplink}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
    requireDns1123Subdomain(this, 'name', name);
    const iface = (vlans: Array<readonly [number, number]>) => {
      const port: Record<string, any> = { name: props.uplink };
      if (vlans.length > 0) {
        port.vlan = {
          'mode': 'trunk',
          'trunk-tags': vlans.map(([lo, hi]) => (lo === hi ? { id: lo } : { 'id-range': { min: lo, max: hi } })),
        };
      }
      const bridge: Record<string, any> = {
        name: props.bridge,
        type: 'linux-bridge',
        state: 'up',
      };
      if (props.mtu !== undefined) bridge.mtu = props.mtu;
      bridge.ipv4 = { enabled: false };
      bridge.ipv6 = { enabled: false };
      bridge.bridge = { options: { stp: { enabled: props.stp ?? false } }, port: [port] };
      return { interfaces: [bridge] };
    };

    this.apiObject = new NodeNetworkConfigurationPolicy(this, 'Resource', {
      metadata: metadata({ name }),
      spec: {
        nodeSelector: props.nodeSelector,
        maxUnavailable: props.maxUnavailable === undefined
          ? undefined
          : NodeNetworkConfigurationPolicySpecMaxUnavailable.fromString(props.maxUnavailable),
        // Without explicit VLANs, carry exactly what the app's networks on this bridge use (known at synth).
        desiredState: explicit ? iface(explicit) : Lazy.any({ produce: () => iface(usedVlans(plan, props.bridge)) }),
      },
    });
    clusterScoped(this.apiObject);
    setSyncWave(this.apiObject, SyncWaves.INFRASTRUCTURE);
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
