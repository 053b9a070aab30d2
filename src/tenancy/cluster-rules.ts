/**
 * Rules every Kubernetes cluster on KubeVirt follows, whoever runs it (a Gardener shoot or a Cluster API
 * cluster): the node, pod and service networks, and the Kubernetes version.
 * Internal: not re-exported by index.ts.
 */
import { IConstruct } from 'constructs';
import { check, fail } from '../core/errors';
import { IpBlock, overlaps, parseCidr } from '../core/ip';

/** One of a cluster's networks: the node network, the pod network or the service network. */
export interface ClusterNetwork {
  /** The field that gave it, e.g. `podsCidr`. */
  readonly field: string;
  /** `node`, `pod` or `service`. */
  readonly role: string;
  readonly block: IpBlock;
}

/** Parses one of a cluster's CIDRs (canonical, no host bits); `ipv4Only` says why an IPv6 block is refused. */
export function parseClusterCidr(scope: IConstruct, field: string, cidr: string, ipv4Only?: string): IpBlock {
  const r = parseCidr(cidr);
  if (!r.block) fail(scope, field, cidr, r.error!);
  if (ipv4Only !== undefined) check(r.block.family === 4, scope, field, cidr, `must be an IPv4 CIDR: ${ipv4Only}`);
  return r.block;
}

/**
 * The node, pod and service networks of one cluster must not overlap: a pod address that is also a node or
 * Service address is routed to the wrong place (Gardener pkg/utils/validation/cidr/disjoint.go
 * ValidateShootNetworkDisjointedness; kubeadm and the CNI assume the same). The later network of a pair is
 * reported, in the order given.
 */
export function checkDisjointClusterNetworks(scope: IConstruct, networks: ReadonlyArray<ClusterNetwork>): void {
  networks.forEach((b, j) => {
    for (const a of networks.slice(0, j)) {
      // Node networks against each other are the app-wide network plan's business.
      if (a.role === 'node' && b.role === 'node') continue;
      check(!overlaps(a.block, b.block), scope, b.field, b.block.cidr,
        `overlaps the ${a.role} network ${JSON.stringify(a.block.cidr)} (${a.field}): a cluster's node, pod and service networks must be disjoint`);
    }
  });
}

/** A Kubernetes version, as Gardener and Cluster API take it. */
export interface KubernetesVersion {
  readonly major: number;
  readonly minor: number;
  /** Undefined for `major.minor` (Gardener then picks the latest patch of its CloudProfile). */
  readonly patch?: number;
  /** Pre-release or build suffix, e.g. `-rc.1` (Cluster API only). */
  readonly suffix: string;
}

const NUMBER = '(0|[1-9][0-9]*)';
// gardener pkg/api/core/validation (versions of a CloudProfile are semver without `v`; the shoot may name
// major.minor and the admission plugin picks the latest patch).
const GARDENER_VERSION = new RegExp(`^${NUMBER}\\.${NUMBER}(?:\\.${NUMBER})?$`);
// cluster-api v1.10.9 util/version KubeSemverTolerant: `v` optional (the webhooks add it), major.minor.patch.
const CAPI_VERSION = new RegExp(`^v?${NUMBER}\\.${NUMBER}\\.${NUMBER}([-0-9a-zA-Z_.+]*)$`);

/** Parses the Kubernetes version of a Gardener shoot: `1.33` or `1.33.4`, without `v`. */
export function parseGardenerVersion(scope: IConstruct, field: string, version: string): KubernetesVersion {
  const m = typeof version === 'string' ? GARDENER_VERSION.exec(version) : null;
  if (!m) {
    fail(scope, field, version, 'must be a Kubernetes version of the CloudProfile such as "1.33.4" (or "1.33" for its latest patch), without "v"');
  }
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? undefined : Number(m[3]), suffix: '' };
}

/**
 * Parses the Kubernetes version of a Cluster API cluster: `v1.33.4` or `1.33.4` (Cluster API's webhooks refuse
 * anything but a full semantic version); `text` is the form Cluster API stores, with `v`.
 */
export function parseCapiVersion(scope: IConstruct, field: string, version: string): KubernetesVersion & { readonly text: string } {
  const m = typeof version === 'string' ? CAPI_VERSION.exec(version) : null;
  if (!m) {
    fail(scope, field, version, 'must be a full Kubernetes version such as "v1.33.4" (Cluster API refuses versions without a patch number)');
  }
  const text = version.startsWith('v') ? version : `v${version}`;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), suffix: m[4], text };
}
