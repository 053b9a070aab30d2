/**
 * The topology as Graphviz DOT, laid out left to right: golden images, then the tenants and namespaces whose
 * VMs clone them, then the networks they attach to (grouped by bridge), then Ceph. Internal: not re-exported.
 */
import { pushTo } from './format';
import { EdgeKind, NodeKind, Topology, TopoNode } from './topology';

const FONT = 'Helvetica';

const FILL: Record<NodeKind, string> = {
  network: '#dbeafe',
  networks: '#dbeafe',
  vms: '#dcfce7',
  image: '#ede9fe',
  ceph: '#fee2e2',
  shoot: '#fef3c7',
  external: '#f3f4f6',
};

const SHAPE: Record<NodeKind, string> = {
  network: 'box',
  networks: 'box3d',
  vms: 'box',
  image: 'cylinder',
  ceph: 'cylinder',
  shoot: 'box',
  external: 'box',
};

const EDGE_STYLE: Record<EdgeKind, string> = {
  attach: 'color="#2563eb"',
  own: 'color="#2563eb", style=dotted, arrowhead=none',
  clone: 'color="#7c3aed", style=dashed',
  ceph: 'color="#dc2626", dir=back',
  shoot: 'color="#b45309"',
};

/** A DOT string literal. */
function q(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function nodeAttributes(n: TopoNode): string {
  const fill = n.status === 'full' ? '#fecaca' : n.status === 'warning' ? '#fde68a' : FILL[n.kind];
  const style = n.kind === 'image' || n.kind === 'ceph' ? 'filled' : 'rounded,filled';
  const label = n.lines.map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\n');
  return `label="${label}", shape=${SHAPE[n.kind]}, style="${style}", fillcolor="${fill}"`;
}

export function toDot(topology: Topology): string {
  const lines: string[] = [
    'digraph estate {',
    `  graph [rankdir=LR, fontname="${FONT}", fontsize=12, labeljust=l, nodesep=0.3, ranksep=1.1, pad=0.3, bgcolor=white];`,
    `  node [fontname="${FONT}", fontsize=10, margin="0.15,0.08", color="#475569", penwidth=1];`,
    `  edge [fontname="${FONT}", fontsize=9, fontcolor="#334155", arrowsize=0.7];`,
  ];
  const inCluster = new Map<string, TopoNode[]>();
  for (const n of topology.nodes) {
    if (n.cluster) pushTo(inCluster, n.cluster, n);
    else lines.push(`  ${q(n.id)} [${nodeAttributes(n)}];`);
  }
  topology.clusters.forEach((c) => {
    lines.push(`  subgraph ${q(c.id.replace(/^cluster:/, 'cluster_'))} {`);
    lines.push(`    label=${q(c.label)}; style="rounded,filled"; fillcolor="#f8fafc"; color="#94a3b8";`);
    for (const n of inCluster.get(c.id) ?? []) lines.push(`    ${q(n.id)} [${nodeAttributes(n)}];`);
    lines.push('  }');
  });
  for (const e of topology.edges) {
    const label = e.label ? `, label=${q(e.label)}` : '';
    // Ceph edges run from the network to Ceph (drawn pointing back), so Ceph is laid out right of its network.
    lines.push(e.kind === 'ceph'
      ? `  ${q(e.to)} -> ${q(e.from)} [${EDGE_STYLE[e.kind]}${label}];`
      : `  ${q(e.from)} -> ${q(e.to)} [${EDGE_STYLE[e.kind]}${label}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
