import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { NetworkAttachmentProps } from './attachment';
import { cniConfigList, MTU_MAX, MTU_MIN, MTU_MIN_IPV6 } from './cni';
import { RenderedIpam } from './internal';
import { Ipam } from './ipam';
import { NetworkPlan, Segment } from './plan';
import { check } from '../core/errors';
import { requireDns1123Subdomain, requireLabels } from '../core/names';
import { metadata, resolveNamespace, setSyncWave, SyncWaves } from '../core/objects';
import { NetworkAttachmentDefinition } from '../imports/k8s.cni.cncf.io';

/** What a network construct asks of the shared NAD writer. */
export interface AttachmentSpec {
  readonly props: NetworkAttachmentProps;
  readonly ipam: Ipam;
  readonly mtu?: number;
  /** Whose namespace/name keys the default Whereabouts pool; the network itself unless it shares a segment. */
  readonly poolOwner?: { readonly namespace: string; readonly name: string };
  /** The first plugin of the list, given the rendered IPAM object. */
  readonly plugin: (ipam: Record<string, any>) => Record<string, any>;
  readonly chained: Array<Record<string, any>>;
  /** Rules that need the rendered IPAM. */
  readonly validate?: (ipam: RenderedIpam) => void;
  /** The layer-2 segment; created from the NAD's name when the network has a segment of its own. */
  readonly segment: Segment | ((self: Construct) => Segment);
  readonly checksVlan: boolean;
  /** VLAN intervals carried tagged (trunk ports). */
  readonly trunkVlans?: ReadonlyArray<readonly [number, number]>;
}

/** What the shared NAD writer produces. */
export interface WrittenAttachment {
  readonly apiObject: ApiObject;
  readonly name: string;
  readonly namespace: string;
  readonly cniConfig: string;
  readonly ipam: RenderedIpam;
  readonly segment: Segment;
}

const CNI_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];

/** The identity of a network: the NetworkAttachmentDefinition that is, or will be, written for it. */
export interface AttachmentIdentity {
  readonly name: string;
  readonly namespace: string;
}

/** What rendering a network produces, whether or not this app writes its NAD. */
export interface RenderedAttachment {
  readonly cniConfig: string;
  readonly ipam: RenderedIpam;
  readonly segment: Segment;
}

/**
 * Validates the common settings of a network, renders its CNI configuration list and registers it with the
 * app-wide plan. One place for what every Multus network of this library does, with or without a NAD.
 */
export function renderAttachment(scope: Construct, spec: AttachmentSpec, identity: AttachmentIdentity): RenderedAttachment {
  const p = spec.props;
  if (p.cniVersion !== undefined) {
    check(CNI_VERSIONS.includes(p.cniVersion), scope, 'cniVersion', p.cniVersion, `must be a CNI spec version: ${CNI_VERSIONS.join(', ')}`);
  }
  const owner = spec.poolOwner ?? identity;
  const ipam = spec.ipam._render({ scope, namespace: owner.namespace, name: owner.name });
  if (spec.mtu !== undefined) {
    const ipv6 = ipam.ranges.some((r) => r.block.family === 6);
    const min = ipv6 ? MTU_MIN_IPV6 : MTU_MIN;
    check(Number.isInteger(spec.mtu) && spec.mtu >= min && spec.mtu <= MTU_MAX, scope, 'mtu', spec.mtu,
      `must be an integer from ${min} to ${MTU_MAX}${ipv6 ? ' (IPv6 needs at least 1280)' : ''}`);
  }
  spec.validate?.(ipam);
  const cniConfig = cniConfigList(identity.name, p.cniVersion ?? '0.4.0', [spec.plugin(ipam.config), ...spec.chained]);
  const segment = typeof spec.segment === 'function' ? spec.segment(scope) : spec.segment;
  const { name, namespace } = identity;
  NetworkPlan.of(scope).register({
    network: scope,
    reference: `${namespace}/${name}`,
    name,
    namespace,
    mtu: spec.mtu,
    segment,
    checksVlan: spec.checksVlan,
    ranges: ipam.ranges,
    trunkVlans: spec.trunkVlans,
  });
  return { cniConfig, ipam, segment };
}

/** Writes the NetworkAttachmentDefinition of `scope` and renders its configuration into it. */
export function writeAttachment(scope: Construct, spec: AttachmentSpec): WrittenAttachment {
  const p = spec.props;
  const namespace = resolveNamespace(scope, p.namespace);
  requireLabels(scope, 'labels', p.labels);
  const apiObject = new NetworkAttachmentDefinition(scope, 'Resource', {
    metadata: metadata({ name: p.name, namespace, labels: p.labels }),
  });
  const name = requireDns1123Subdomain(scope, 'name', apiObject.name);
  const rendered = renderAttachment(scope, spec, { name, namespace });
  // The name (possibly generated) is only known once the object exists, and the config repeats it.
  apiObject.addJsonPatch(JsonPatch.add('/spec', { config: rendered.cniConfig }));
  setSyncWave(apiObject, SyncWaves.NETWORK);
  return { apiObject, name, namespace, ...rendered };
}
