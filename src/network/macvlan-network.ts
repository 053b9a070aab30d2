import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AttachmentKind, INetworkAttachment, NetworkAttachmentProps } from './attachment';
import { BridgeNetwork, validateInterfaceName } from './bridge-network';
import { Ipam } from './ipam';
import { writeAttachment } from './nad';
import { Segment } from './plan';

/**
 * How macvlan interfaces on one parent reach each other.
 */
export enum MacvlanMode {
  /** Interfaces on one parent talk to each other directly (Rook's recommendation for Ceph). */
  BRIDGE = 'bridge',
  /** Traffic goes out to the switch, even between interfaces on one parent. */
  VEPA = 'vepa',
  /** Interfaces on one parent never talk to each other locally. */
  PRIVATE = 'private',
  /** One interface owns the parent. */
  PASSTHRU = 'passthru',
}

/**
 * A macvlan network.
 */
export interface MacvlanNetworkProps extends NetworkAttachmentProps {
  /** Parent interface on the node, e.g. `eth1` or a VLAN interface `eth1.1234`. */
  readonly master: string;
  /**
   * Mode.
   * @default MacvlanMode.BRIDGE
   */
  readonly mode?: MacvlanMode;
  /**
   * MTU (68-65535; at least 1280 with IPv6).
   * @default - the parent's MTU
   */
  readonly mtu?: number;
  /**
   * How attachments get addresses.
   * @default Ipam.none()
   */
  readonly ipam?: Ipam;
  /**
   * Join the layer-2 segment and address pool of a bridge network whose VLAN the parent interface
   * carries (e.g. `master: 'br1.1234'` next to a bridge network on `br1`, VLAN 1234).
   * @default - a segment of its own, keyed by the parent interface
   */
  readonly shareSegmentWith?: BridgeNetwork;
}

/**
 * A Multus network of macvlan interfaces on a node's parent interface: what Rook recommends for Ceph's
 * public and cluster networks.
 */
export class MacvlanNetwork extends Construct implements INetworkAttachment {
  public readonly name: string;
  public readonly namespace: string;
  public readonly reference: string;
  public readonly attachmentKind = AttachmentKind.MACVLAN;
  public readonly providesDefaultRoute: boolean;
  public readonly assignsAddresses: boolean;
  /** Parent interface. */
  public readonly master: string;
  /** The NetworkAttachmentDefinition (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  /** The CNI configuration list written to `spec.config`. */
  public readonly cniConfig: string;
  /** @internal */
  public readonly _segment: Segment;

  constructor(scope: Construct, id: string, props: MacvlanNetworkProps) {
    super(scope, id);
    validateInterfaceName(this, 'master', props.master);
    const origin = props.shareSegmentWith;
    const written = writeAttachment(this, {
      props,
      ipam: props.ipam ?? Ipam.none(),
      mtu: props.mtu,
      poolOwner: origin ? { namespace: origin.namespace, name: origin.name } : undefined,
      plugin: (ipam) => {
        const plugin: Record<string, any> = { type: 'macvlan', master: props.master, mode: props.mode ?? MacvlanMode.BRIDGE };
        if (props.mtu !== undefined) plugin.mtu = props.mtu;
        plugin.ipam = ipam;
        return plugin;
      },
      chained: [],
      segment: origin ? origin._segment : (self) => new Segment(props.master, 0, self),
      checksVlan: true,
    });
    this.apiObject = written.apiObject;
    this.name = written.name;
    this.namespace = written.namespace;
    this.reference = `${this.namespace}/${this.name}`;
    this.cniConfig = written.cniConfig;
    this.master = props.master;
    this.providesDefaultRoute = written.ipam.providesDefaultRoute;
    this.assignsAddresses = written.ipam.hasAddresses;
    this._segment = written.segment;
  }
}
