import { KubeVirtConfigError } from '../core/errors';
import { isDns1123Label, isDns1123Subdomain } from '../core/names';

/** A reference is not a construct; its errors name the class where a construct path would stand. */
const REFERENCE_PATH = 'NetworkAttachmentReference';

/**
 * What kind of pod interface a network attachment gives, which decides the VM interface binding.
 */
export enum AttachmentKind {
  /** A Linux bridge port (the bridge CNI): VMs use bridge binding. */
  BRIDGE = 'bridge',
  /** A macvlan interface. */
  MACVLAN = 'macvlan',
  /** An SR-IOV virtual function (the sriov CNI, `deviceType: vfio-pci`): VMs use SR-IOV binding. */
  SRIOV = 'sriov',
  /** Anything else; treated like a bridge. */
  OTHER = 'other',
}

/**
 * A Multus NetworkAttachmentDefinition that VMs can attach to.
 */
export interface INetworkAttachment {
  /** Name of the NetworkAttachmentDefinition. */
  readonly name: string;
  /** Namespace of the NetworkAttachmentDefinition. */
  readonly namespace: string;
  /** `namespace/name`, the form a VM's `multus.networkName` uses. */
  readonly reference: string;
  /** Which pod interface the attachment gives. */
  readonly attachmentKind: AttachmentKind;
  /**
   * Whether attachments get a default route (IPAM default route, gateway, or DHCP), which a VM needs when
   * this network replaces its pod network.
   */
  readonly providesDefaultRoute: boolean;
  /** Whether attachments get addresses from IPAM (false for L2-only networks). */
  readonly assignsAddresses: boolean;
}

/**
 * Options for a reference to a NetworkAttachmentDefinition that this app does not define.
 */
export interface NetworkAttachmentReferenceOptions {
  /**
   * Which pod interface the attachment gives.
   * @default AttachmentKind.BRIDGE
   */
  readonly kind?: AttachmentKind;
  /**
   * Whether the network gives attachments a default route.
   * @default false
   */
  readonly providesDefaultRoute?: boolean;
  /**
   * Whether the network assigns addresses through IPAM.
   * @default false
   */
  readonly assignsAddresses?: boolean;
}

/**
 * A NetworkAttachmentDefinition defined elsewhere (by another app, or by the cluster's operators).
 */
export class NetworkAttachmentReference implements INetworkAttachment {
  /**
   * Refers to the NetworkAttachmentDefinition `name` in `namespace`.
   */
  public static fromName(namespace: string, name: string, options: NetworkAttachmentReferenceOptions = {}): INetworkAttachment {
    return new NetworkAttachmentReference(namespace, name, options);
  }

  /**
   * Parses `namespace/name`.
   */
  public static fromReference(reference: string, options: NetworkAttachmentReferenceOptions = {}): INetworkAttachment {
    const parts = typeof reference === 'string' ? reference.split('/') : [];
    if (parts.length !== 2) {
      throw new KubeVirtConfigError(REFERENCE_PATH, 'reference', reference, 'must be "namespace/name"');
    }
    return new NetworkAttachmentReference(parts[0], parts[1], options);
  }

  public readonly name: string;
  public readonly namespace: string;
  public readonly reference: string;
  public readonly attachmentKind: AttachmentKind;
  public readonly providesDefaultRoute: boolean;
  public readonly assignsAddresses: boolean;

  private constructor(namespace: string, name: string, options: NetworkAttachmentReferenceOptions) {
    if (!isDns1123Label(namespace)) {
      throw new KubeVirtConfigError(REFERENCE_PATH, 'namespace', namespace, 'must be a DNS-1123 label');
    }
    if (!isDns1123Subdomain(name)) {
      throw new KubeVirtConfigError(REFERENCE_PATH, 'name', name, 'must be a DNS-1123 subdomain');
    }
    this.name = name;
    this.namespace = namespace;
    this.reference = `${namespace}/${name}`;
    this.attachmentKind = options.kind ?? AttachmentKind.BRIDGE;
    this.providesDefaultRoute = options.providesDefaultRoute ?? false;
    this.assignsAddresses = options.assignsAddresses ?? false;
  }
}

/**
 * Properties common to every network attachment this library writes.
 */
export interface NetworkAttachmentProps {
  /**
   * Name of the NetworkAttachmentDefinition (what VMs refer to).
   * @default - a name generated from the construct path
   */
  readonly name?: string;
  /**
   * Namespace of the NetworkAttachmentDefinition.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * CNI specification version of the configuration list.
   * @default '0.4.0'
   */
  readonly cniVersion?: string;
  /**
   * Labels on the NetworkAttachmentDefinition.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}
