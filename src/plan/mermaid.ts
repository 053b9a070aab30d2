/**
 * The topology as a Mermaid flowchart, for plan.md (rendered by the Git hosting tools GitOps repositories live
 * on). Node and subgraph ids are numbered in the topology's sorted order, so they are stable. Internal.
 */
import { pushTo } from './format';
import { EdgeKind, NodeKind, Topology } from './topology';

const CLASS: Record<NodeKind, string> = {
  network: 'network',
  networks: 'network',
  vms: 'vms',
  image: 'image',
  ceph: 'ceph',
  shoot: 'shoot',
  external: 'external',
};

const CLASS_DEFS = [
  'classDef network fill:#dbeafe,stroke:#1e40af,color:#0f172a',
  'classDef warning fill:#fde68a,stroke:#b45309,color:#0f172a',
  'classDef full fill:#fecaca,stroke:#b91c1c,color:#0f172a',
  'classDef vms fill:#dcfce7,stroke:#15803d,color:#0f172a',
  'classDef image fill:#ede9fe,stroke:#6d28d9,color:#0f172a',
  'classDef ceph fill:#fee2e2,stroke:#b91c1c,color:#0f172a',
  'classDef shoot fill:#fef3c7,stroke:#b45309,color:#0f172a',
  'classDef external fill:#f3f4f6,stroke:#6b7280,color:#0f172a',
];

/** Mermaid label text: quotes and angle brackets as entities, lines joined with <br/>. */
function label(lines: string[]): string {
  return lines.map((l) => l.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>');
}

function open(kind: NodeKind, text: string): string {
  switch (kind) {
    case 'image':
    case 'ceph':
      return `[("${text}")]`;
    case 'vms':
    case 'shoot':
      return `(["${text}"])`;
    default:
      return `["${text}"]`;
  }
}

function arrow(kind: EdgeKind, text?: string): string {
  const body = text ? `|"${label([text])}"|` : '';
  switch (kind) {
    case 'clone':
      return `-.->${body}`;
    case 'own':
      return `-.-${body}`;
    case 'ceph':
      return `---${body}`;
    default:
      return `-->${body}`;
  }
}

export function toMermaid(topology: Topology): string {
  const ids = new Map<string, string>();
  topology.nodes.forEach((n, i) => ids.set(n.id, `n${i + 1}`));
  const out = ['flowchart LR', ...CLASS_DEFS.map((c) => `  ${c}`)];
  const byCluster = new Map<string, string[]>();
  for (const n of topology.nodes) {
    const line = `${ids.get(n.id)}${open(n.kind, label(n.lines))}`;
    if (n.cluster) pushTo(byCluster, n.cluster, line);
    else out.push(`  ${line}`);
  }
  topology.clusters.forEach((c, i) => {
    out.push(`  subgraph c${i + 1}["${label([c.label])}"]`);
    for (const line of byCluster.get(c.id) ?? []) out.push(`    ${line}`);
    out.push('  end');
  });
  for (const e of topology.edges) out.push(`  ${ids.get(e.from)} ${arrow(e.kind, e.label)} ${ids.get(e.to)}`);
  const byClass = new Map<string, string[]>();
  for (const n of topology.nodes) {
    const cls = n.status === 'warning' || n.status === 'full' ? n.status : CLASS[n.kind];
    pushTo(byClass, cls, ids.get(n.id)!);
  }
  for (const [cls, members] of [...byClass.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.push(`  class ${members.join(',')} ${cls}`);
  }
  return out.join('\n') + '\n';
}
