/**
 * The estate as a graph for pictures: bridges (clusters) holding networks, the tenants and namespaces whose
 * VMs attach to them, the golden images the VMs are cloned from, Ceph and Gardener shoots. Small estates are
 * drawn one tenant per node; above `detailLimit` tenants (or namespaces) alike ones are grouped into one node
 * each, with their own networks grouped per bridge, so the picture stays readable at thousands of VMs.
 * Rendered to DOT (dot.ts, for the SVG) and Mermaid (mermaid.ts). Internal: not re-exported.
 */
import { cmp, compressNames, compressNumbers, formatCount, formatShare, plural, pushTo, sortedUnique } from './format';
import { EstateModel, NetworkModel, PoolStatus, vlanText, WorkloadModel } from './model';

export type NodeKind = 'network' | 'networks' | 'vms' | 'image' | 'ceph' | 'shoot' | 'external';
export type EdgeKind = 'attach' | 'own' | 'clone' | 'ceph' | 'shoot';

export interface TopoNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** Lines of the label; the first is the title. */
  readonly lines: string[];
  readonly status?: PoolStatus;
  /** The cluster the node is drawn in. */
  readonly cluster?: string;
}

export interface TopoCluster {
  readonly id: string;
  readonly label: string;
}

export interface TopoEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label?: string;
}

export interface Topology {
  readonly clusters: TopoCluster[];
  readonly nodes: TopoNode[];
  readonly edges: TopoEdge[];
  /** Whether tenants or namespaces were grouped. */
  readonly grouped: boolean;
}

/** The default number of tenants (and of other namespaces with VMs) drawn one by one. */
export const DEFAULT_DETAIL_LIMIT = 12;

const NAMES_IN_NODE = 4;

export function buildTopology(model: EstateModel, detailLimit: number = DEFAULT_DETAIL_LIMIT): Topology {
  const nodes = new Map<string, TopoNode>();
  const clusters = new Map<string, TopoCluster>();
  const edges = new Map<string, TopoEdge & { count: number }>();
  const addEdge = (from: string, to: string, kind: EdgeKind, count: number, unit?: string) => {
    const key = `${from}\u0000${to}\u0000${kind}`;
    const e = edges.get(key);
    if (e) e.count += count;
    else edges.set(key, { from, to, kind, count, label: unit });
  };

  const tenants = model.workloads.filter((w) => w.kind === 'tenant');
  const namespaces = model.workloads.filter((w) => w.kind === 'namespace');
  const groupTenants = tenants.length > detailLimit;
  const groupNamespaces = namespaces.length > detailLimit;

  // Networks a group of tenants owns are drawn as one node per group and bridge.
  const networkNode = new Map<string, string>();
  const byRef = new Map(model.networks.map((n) => [n.reference, n] as const));
  const groups = [
    ...(groupTenants ? groupWorkloads(tenants, byRef) : tenants.map((w) => [w])),
    ...(groupNamespaces ? groupWorkloads(namespaces, byRef) : namespaces.map((w) => [w])),
  ];
  const groupId = (members: WorkloadModel[]) => members.length === 1
    ? `${members[0].kind}:${members[0].name}`
    : `${members[0].kind}s:${members[0].name}`;
  for (const members of groups) {
    if (members.length < 2) continue;
    const byDevice = new Map<string, NetworkModel[]>();
    for (const ref of members.flatMap((w) => w.ownNetworks)) {
      const n = byRef.get(ref);
      if (!n) continue;
      pushTo(byDevice, n.device, n);
    }
    for (const [device, nets] of byDevice) {
      const id = `networks:${groupId(members)}:${device}`;
      for (const n of nets) networkNode.set(n.reference, id);
      nodes.set(id, { id, kind: 'networks', lines: groupedNetworkLines(nets), status: worst(nets.map((n) => n.status)), cluster: bridgeCluster(device) });
    }
  }

  for (const b of model.bridges) {
    const id = bridgeCluster(b.device);
    clusters.set(id, { id, label: `bridge ${b.device}${b.nodePolicy ? '' : ' (not defined on nodes by this app)'}` });
  }
  for (const n of model.networks) {
    if (networkNode.has(n.reference)) continue;
    const id = `network:${n.reference}`;
    networkNode.set(n.reference, id);
    nodes.set(id, { id, kind: 'network', lines: networkLines(n), status: n.status, cluster: bridgeCluster(n.device) });
  }
  if (model.externalNetworks.length > 0) {
    clusters.set('cluster:external', { id: 'cluster:external', label: 'networks defined outside this app' });
    for (const n of model.externalNetworks) {
      const id = `external:${n.reference}`;
      networkNode.set(n.reference, id);
      nodes.set(id, { id, kind: 'external', lines: [n.reference, n.interfaces > 0 ? plural(n.interfaces, 'NIC') : 'not counted'], cluster: 'cluster:external' });
    }
  }

  const workloadNode = new Map<string, string>();
  for (const members of groups) {
    const id = groupId(members);
    for (const w of members) workloadNode.set(w.namespace, id);
    nodes.set(id, { id, kind: 'vms', lines: members.length === 1 ? workloadLines(members[0]) : groupLines(members) });
    const attached = new Set<string>();
    for (const w of members) {
      for (const a of w.attachments) {
        const to = networkNode.get(a.key);
        if (!to) continue;
        attached.add(to);
        addEdge(id, to, 'attach', a.count, 'NIC');
      }
    }
    for (const w of members) {
      for (const ref of w.ownNetworks) {
        const to = networkNode.get(ref);
        if (to && !attached.has(to)) addEdge(id, to, 'own', 0);
      }
    }
  }

  for (const image of model.images) {
    const id = `image:${image.reference}`;
    nodes.set(id, { id, kind: 'image', lines: ['golden image', image.reference, `${image.size} · ${image.source}`] });
  }
  for (const w of model.workloads) {
    const to = workloadNode.get(w.namespace);
    if (!to) continue;
    for (const c of w.clones) addEdge(`image:${c.key}`, to, 'clone', c.count, 'clone');
  }

  for (const c of model.ceph) {
    const id = `ceph:${c.path}`;
    nodes.set(id, { id, kind: 'ceph', lines: ['Ceph', c.cephCluster ? `CephCluster ${c.cephCluster}` : 'CephCluster defined elsewhere'] });
    for (const ref of sortedUnique([c.publicNetwork, ...(c.clusterNetwork ? [c.clusterNetwork] : [])])) {
      const to = networkNode.get(ref);
      if (to) addEdge(id, to, 'ceph', 0);
    }
  }
  for (const s of model.shoots) {
    const id = `shoot:${s.reference}`;
    nodes.set(id, { id, kind: 'shoot', lines: ['Gardener shoot', s.reference] });
    for (const ref of [...s.networks, ...s.sharedNetworks]) {
      const to = networkNode.get(ref);
      if (to) addEdge(id, to, 'shoot', 0);
    }
  }

  const edgeList = [...edges.values()]
    .filter((e) => nodes.has(e.from) && nodes.has(e.to))
    .map(({ count, label, ...e }) => ({ ...e, label: label && count > 0 ? plural(count, label) : undefined }))
    .sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.kind, b.kind));
  return {
    clusters: [...clusters.values()].sort((a, b) => cmp(a.id, b.id)),
    nodes: [...nodes.values()].sort((a, b) => cmp(a.id, b.id)),
    edges: edgeList,
    grouped: groupTenants || groupNamespaces,
  };
}

function bridgeCluster(device: string): string {
  return `cluster:bridge:${device}`;
}

const RANK: Record<PoolStatus, number> = { 'per-node': 0, 'ok': 1, 'warning': 2, 'full': 3 };

function worst(statuses: PoolStatus[]): PoolStatus {
  return statuses.reduce<PoolStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), 'ok');
}

/** `2 NICs · 1 % used` for the fullest pool of a network. */
function usageLine(n: NetworkModel): string {
  // Gardener creates a shoot's worker VMs; this app does not know how many take addresses.
  if (n.shoot) return 'workers not counted';
  const nics = n.ceph ? 'Ceph\'s side' : plural(n.interfaces, 'NIC');
  const pools = n.pools.filter((p) => p.status !== 'per-node');
  if (pools.length === 0) return `${nics} · ${n.pools.length > 0 ? 'host-local (per node)' : `IPAM ${n.ipam}`}`;
  const fullest = pools.reduce((a, b) => (a.need * b.usable >= b.need * a.usable ? a : b));
  const mark = fullest.status === 'ok' ? '' : fullest.status === 'warning' ? ' (nearly full)' : ' (too small)';
  return `${nics} · ${formatShare(fullest.need, fullest.usable)} of ${formatCount(fullest.usable)} used${mark}`;
}

function networkLines(n: NetworkModel): string[] {
  const where = [vlanText(n), ...n.pools.map((p) => p.cidr)].join(' · ');
  const owner = n.tenant ? `tenant ${n.tenant}` : n.shoot ? `shoot ${n.shoot}` : undefined;
  return [n.reference, where, ...(owner ? [owner] : []), usageLine(n)];
}

function groupedNetworkLines(nets: NetworkModel[]): string[] {
  const vlans = nets.filter((n) => n.vlan !== undefined && n.vlan > 0).map((n) => n.vlan!);
  const prefixes = new Map<string, number>();
  for (const n of nets) {
    for (const p of n.pools) {
      const prefix = `/${p.cidr.split('/')[1]}`;
      prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
    }
  }
  const sizes = [...prefixes.entries()].sort(([a], [b]) => cmp(a, b)).map(([p, c]) => `${formatCount(c)} × ${p}`).join(', ');
  const fullest = nets.flatMap((n) => n.pools).filter((p) => p.status !== 'per-node')
    .reduce<{ need: bigint; usable: bigint } | undefined>((a, b) => (!a || b.need * a.usable > a.need * b.usable ? b : a), undefined);
  return [
    plural(nets.length, 'tenant network'),
    [vlans.length > 0 ? `VLAN ${compressNumbers(vlans)}` : undefined, sizes || undefined].filter((x) => x).join(' · '),
    `${plural(nets.reduce((s, n) => s + n.interfaces, 0), 'NIC')}${fullest ? ` · fullest ${formatShare(fullest.need, fullest.usable)} used` : ''}`,
  ];
}

function workloadLines(w: WorkloadModel): string[] {
  const title = w.kind === 'tenant'
    ? `tenant ${w.name}${w.namespace !== w.name ? ` (namespace ${w.namespace})` : ''}`
    : `namespace ${w.namespace}`;
  const lines = [title];
  if (w.vmNames.length > 0) lines.push(`${plural(w.vmNames.length, 'VM')}: ${compressNames(w.vmNames, NAMES_IN_NODE)}`);
  if (w.machines > 0) lines.push(`${plural(w.machines, 'Cluster API machine')} at most`);
  if (lines.length === 1) {
    const clones = w.clones.reduce((n, c) => n + c.count, 0);
    lines.push(clones > 0 ? plural(clones, 'cloned volume') : 'no VMs');
  }
  return lines;
}

function groupLines(members: WorkloadModel[]): string[] {
  const kind = members[0].kind;
  const counts = members.map((w) => w.vmNames.length + w.machines);
  const vms = counts.reduce((a, b) => a + b, 0);
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  const each = min === max ? `${formatCount(min)} each` : `${formatCount(min)}–${formatCount(max)} each`;
  return [
    plural(members.length, kind),
    compressNames(members.map((w) => w.name), 2),
    `${plural(vms, 'VM')} (${each})`,
  ];
}

/**
 * Tenants (or namespaces) that look alike in the picture: the bridges of their own networks, the other
 * networks their VMs attach to, and the images they clone. Few, large groups in a uniform estate.
 */
function groupWorkloads(workloads: WorkloadModel[], byRef: Map<string, NetworkModel>): WorkloadModel[][] {
  const groups = new Map<string, WorkloadModel[]>();
  for (const w of workloads) {
    const own = new Set(w.ownNetworks);
    const signature = JSON.stringify([
      sortedUnique(w.ownNetworks.map((r) => byRef.get(r)?.device ?? '?')),
      sortedUnique(w.attachments.map((a) => a.key).filter((r) => !own.has(r))),
      sortedUnique(w.clones.map((c) => c.key)),
    ]);
    pushTo(groups, signature, w);
  }
  return [...groups.values()]
    .map((members) => members.sort((a, b) => cmp(a.name, b.name)))
    .sort((a, b) => cmp(a[0].name, b[0].name));
}
