/**
 * plan.md: the estate for review, one section per concern, every table sorted by name and aggregated where
 * the estate is large (name runs, one row per tenant), so a change shows as a small diff. Internal.
 */
import {
  cell, compressNames, formatBytes, formatCount, formatCpu, formatShare, plural, table,
} from './format';
import { EstateModel, NetworkModel, PoolModel, QuotaModel, UsageModel, vlanText, WorkloadModel } from './model';

export interface MarkdownOptions {
  /** The Mermaid flowchart of the topology. */
  readonly mermaid: string;
  /** File name of the SVG picture to link, if one is written next to plan.md. */
  readonly svgFile?: string;
}

const NAMES_IN_CELL = 8;
/** Up to this many namespaces, an image's clones are named one by one. */
const NAMESPACES_NAMED = 4;

export function toMarkdown(model: EstateModel, options: MarkdownOptions): string {
  const out: string[] = [];
  const section = (title: string, ...body: string[]) => out.push(`## ${title}`, '', ...body.flatMap((b) => [b, '']));
  const threshold = formatShare(BigInt(Math.round(model.warningThreshold * 10_000)), 10_000n);

  out.push('# Estate plan', '');
  out.push('<!-- Written by cdk8s-kubevirt with the manifests. Do not edit: change the app and synthesize again. -->', '');
  out.push(summary(model, threshold), '');
  out.push('Address pools count the VM interfaces on them, the static addresses VMs hold and spare addresses for live '
    + 'migration (a migrating VM\'s target pod holds an address of its own until the source pod is gone; headroom: '
    + `${model.headroomText}). A pool is nearly full from ${threshold} of its usable addresses; a pool that is too `
    + 'small fails synthesis.', '');

  section('Topology', ...(options.svgFile ? [`![Topology of the estate](${options.svgFile})`] : []), '```mermaid\n' + options.mermaid + '```');

  if (model.bridges.length > 0) section('Bridges and VLANs', bridges(model));
  if (model.networks.length > 0) section('Networks and address pools', networks(model.networks));
  if (model.externalNetworks.length > 0) {
    section('Networks defined outside this app', table(['Network', 'VM NICs'],
      model.externalNetworks.map((n) => [cell(n.reference), formatCount(n.interfaces)]), ['l', 'r']));
  }
  const tenants = model.workloads.filter((w) => w.kind === 'tenant');
  if (tenants.length > 0) {
    section('Tenants', tenantTable(tenants));
    out.push('### Requests against quotas', '', quotaTable(tenants), '', QUOTA_NOTE, '');
  }
  const others = model.workloads.filter((w) => w.kind === 'namespace');
  if (others.length > 0) section('Namespaces outside tenants', namespaceTable(others));
  if (model.images.length > 0) section('Golden images', ...images(model));
  if (model.storageClasses.length > 0) section('Clone strategy per storage class', storageClasses(model));
  if (model.ceph.length > 0) {
    section('Ceph', table(['Storage network', 'Ceph side', 'Cluster network', 'CephCluster', 'Isolation of VMs'],
      model.ceph.map((c) => [c.vmNetwork, c.hostAddresses ? `host network, the nodes' ${c.hostAddresses}` : c.publicNetwork,
        c.clusterNetwork ?? '-', c.cephCluster ?? 'defined elsewhere', c.isolation].map(cell))));
  }
  if (model.shoots.length > 0) {
    section('Gardener shoots', table(['Shoot', 'Tenant networks', 'Shared networks'],
      model.shoots.map((s) => [s.reference, listCell(s.networks), listCell(s.sharedNetworks)].map(cell))));
  }
  out.push(model.prerequisitesSection);
  return out.join('\n').replace(/\n+$/, '\n');
}

function summary(model: EstateModel, threshold: string): string {
  const pools = model.networks.flatMap((n) => n.pools);
  const nearlyFull = pools.filter((p) => p.status === 'warning').length;
  const full = pools.filter((p) => p.status === 'full').length;
  const tenants = model.workloads.filter((w) => w.kind === 'tenant').length;
  const clones = model.images.reduce((n, i) => n + i.clones, 0);
  const rows: string[][] = [
    ['Tenants', formatCount(tenants)],
    ['VMs', formatCount(model.vms)],
    ...(model.machines > 0 ? [['Cluster API machines (at most, rollouts included)', formatCount(model.machines)]] : []),
    ['VM network interfaces on Multus networks', formatCount(model.interfaces)],
    ['Networks', `${formatCount(model.networks.length)} on ${plural(model.bridges.length, 'bridge')}`],
    ['Golden images', `${formatCount(model.images.length)}, cloned ${plural(clones, 'time')}`],
    [`Address pools nearly full (from ${threshold})`, formatCount(nearlyFull)],
  ];
  if (full > 0) rows.push(['Address pools too small', formatCount(full)]);
  return table(['Estate', ''], rows, ['l', 'r']);
}

function bridges(model: EstateModel): string {
  const rows: string[][] = [];
  for (const b of model.bridges) {
    const nodes = b.nodePolicy
      ? `\`${b.nodePolicy}\`${b.allowedVlans ? ` (VLANs ${b.allowedVlans})` : ' (the VLANs of its networks)'}`
      : 'not by this app';
    // Without a list, a node bridge carries exactly the VLANs of the app's networks on it.
    if (b.segments.length === 0) rows.push([cell(b.device), cell(nodes), '-', '-']);
    for (const s of b.segments) rows.push([cell(b.device), cell(nodes), cell(s.vlanText), cell(compressNames(s.networks, NAMES_IN_CELL))]);
  }
  return table(['Bridge', 'Defined on nodes by', 'VLAN', 'Networks'], rows);
}

function listCell(items: string[], limit = 4): string {
  if (items.length === 0) return '-';
  return items.length <= limit ? items.join(', ') : `${items.slice(0, limit).join(', ')} and ${formatCount(items.length - limit)} more`;
}

function useCell(p: PoolModel): string {
  if (p.status === 'per-node') return 'per node (host-local)';
  const share = formatShare(p.need, p.usable);
  return p.status === 'full' ? `**${share}, too small**` : p.status === 'warning' ? `**${share}, nearly full**` : share;
}

function networks(list: NetworkModel[]): string {
  const rows: string[][] = [];
  for (const n of list) {
    const owner = n.tenant ? `tenant ${n.tenant}`
      : n.shoot ? `shoot ${n.shoot} (its workers are not counted)`
        : n.ceph ? 'Ceph (its pods are not counted)' : '-';
    const head = [n.reference, n.kind, `${n.device} ${vlanText(n)}`, owner].map(cell);
    if (n.pools.length === 0) {
      rows.push([...head, cell(`no pool (IPAM ${n.ipam})`), '-', '-', cell(listCell(n.staticAddresses)), formatCount(n.interfaces), '-', '-', '-']);
      continue;
    }
    for (const p of n.pools) {
      const range = `${p.cidr}${p.first !== undefined ? ` (${p.first} to ${p.last})` : ''}${p.allocator !== 'whereabouts' ? `, ${p.allocator}` : ''}`
        + (p.sharedCount > 0 ? `, pool shared with ${p.sharedWith.join(', ')}${p.sharedCount > p.sharedWith.length ? ` and ${formatCount(p.sharedCount - p.sharedWith.length)} more` : ''}` : '');
      const nics = p.sharedCount > 0 ? `${formatCount(n.interfaces)} (pool: ${formatCount(p.interfaces)})` : formatCount(n.interfaces);
      const perNode = p.status === 'per-node';
      rows.push([
        ...head,
        cell(range),
        formatCount(p.usable),
        cell(listCell(p.exclude)),
        cell(listCell(p.reserved)),
        nics,
        perNode ? '-' : formatCount(p.headroom),
        perNode ? '-' : formatCount(p.free),
        useCell(p),
      ]);
    }
  }
  return table(['Network', 'Kind', 'Segment', 'Owner', 'Range', 'Usable', 'Excluded', 'Reserved', 'VM NICs', 'Migration', 'Free', 'Use'], rows,
    ['l', 'l', 'l', 'l', 'l', 'r', 'l', 'l', 'r', 'r', 'r', 'r']);
}

/** The VMs of a tenant or namespace by name, then its machine templates with how many machines each makes. */
function vmNamesCell(w: WorkloadModel): string {
  const names = w.vmNames.length > 0 ? [compressNames(w.vmNames, NAMES_IN_CELL)] : [];
  const templates = w.machineTemplates.map((t) => `${t.key} (up to ${plural(t.count, 'machine')})`);
  return [...names, ...templates].join('; ') || '-';
}

function sizes(w: WorkloadModel): string {
  return w.shapes.length === 0 ? '-' : w.shapes.map((s) => `${formatCount(s.count)} × ${s.key}`).join('; ');
}

function tenantTable(tenants: WorkloadModel[]): string {
  return table(['Tenant', 'Namespace', 'Own networks', 'Granted shared networks', 'VMs', 'VM names', 'VM sizes'],
    tenants.map((t) => [
      t.name, t.namespace, listCell(t.ownNetworks), listCell(t.sharedNetworks), formatCount(t.vmNames.length + t.machines),
      vmNamesCell(t), sizes(t),
    ].map(cell)), ['l', 'l', 'l', 'l', 'r', 'l', 'l']);
}

function namespaceTable(list: WorkloadModel[]): string {
  return table(['Namespace', 'VMs', 'VM names', 'VM sizes', 'Networks', 'Volumes'],
    list.map((w) => [
      w.namespace, formatCount(w.vmNames.length + w.machines), vmNamesCell(w), sizes(w),
      listCell(w.attachments.map((a) => `${a.key} (${formatCount(a.count)})`)), formatCount(w.volumes),
    ].map(cell)), ['l', 'r', 'l', 'l', 'l', 'r']);
}

const QUOTA_NOTE = 'Requests are what the VMs and volumes ask for: CPU as the VM sets it, else one tenth of a CPU per vCPU '
  + '(KubeVirt\'s default cpuAllocationRatio of 10) or one CPU per vCPU with dedicated CPUs; memory is the guest memory; '
  + 'storage and PersistentVolumeClaims are the DataVolumes of VM disks, clones and golden images in the namespace. '
  + 'KubeVirt adds its own overhead to each VM\'s pod, and CDI\'s importer and clone pods take the namespace\'s '
  + 'default requests while they run, so leave room.';

function quotaCell(used: string, usedValue: bigint, limit: bigint | undefined, format: (v: bigint) => string): string {
  if (limit === undefined) return used;
  const left = limit - usedValue;
  return left < 0n ? `${used} of ${format(limit)}, **${format(-left)} over**` : `${used} of ${format(limit)} (${format(left)} left)`;
}

function quotaRow(t: WorkloadModel): string[] {
  const u: UsageModel = t.usage;
  const q: QuotaModel = t.quota ?? {};
  const cpu = (v: bigint) => formatCpu(Number(v));
  const n = (v: bigint) => formatCount(v);
  const notes: string[] = [];
  if (u.instancetypeVms > 0) notes.push(`${plural(u.instancetypeVms, 'VM')} sized by an instancetype, not counted`);
  if (u.unsizedVolumes > 0) notes.push(`${plural(u.unsizedVolumes, 'volume')} sized by CDI, not counted`);
  return [
    t.name,
    t.quota ? 'yes' : 'no quota',
    quotaCell(cpu(BigInt(u.cpuMillis)), BigInt(u.cpuMillis), q.cpuMillis === undefined ? undefined : BigInt(q.cpuMillis), cpu),
    quotaCell(formatBytes(u.memoryBytes), u.memoryBytes, q.memoryBytes, formatBytes),
    quotaCell(formatBytes(u.storageBytes), u.storageBytes, q.storageBytes, formatBytes),
    quotaCell(n(BigInt(u.virtualMachines)), BigInt(u.virtualMachines), q.virtualMachines === undefined ? undefined : BigInt(q.virtualMachines), n),
    quotaCell(n(BigInt(u.persistentVolumeClaims)), BigInt(u.persistentVolumeClaims),
      q.persistentVolumeClaims === undefined ? undefined : BigInt(q.persistentVolumeClaims), n),
    notes.join('; ') || '-',
  ].map(cell);
}

function quotaTable(tenants: WorkloadModel[]): string {
  return table(['Tenant', 'Quota', 'CPU requests', 'Memory requests', 'Storage requests', 'VMs', 'PVCs', 'Not counted'],
    tenants.map(quotaRow));
}

function images(model: EstateModel): string[] {
  const rows = model.images.map((i) => {
    const namespaces = i.cloneNamespaces.map((c) => c.key);
    const clones = i.clones === 0 ? '0'
      : namespaces.length <= NAMESPACES_NAMED
        ? `${formatCount(i.clones)}: ${i.cloneOwners.map((o) => `${o.namespace}/${compressNames(o.owners, NAMES_IN_CELL)}`).join('; ')}`
        : `${formatCount(i.clones)} in ${plural(namespaces.length, 'namespace')} (${compressNames(namespaces, 4)})`;
    const adHoc = i.clones === 0 ? '-' : formatBytes(i.sizeBytes * BigInt(i.clones));
    return [
      i.reference, i.location ? `${i.source}: ${i.location}` : i.source, i.size, i.storageClass ?? 'cluster default',
      i.dataSource ?? '-', i.refresh ?? '-', clones, formatBytes(i.sizeBytes), adHoc,
    ].map(cell);
  });
  const once = model.images.reduce((s, i) => s + i.sizeBytes, 0n);
  const adHoc = model.images.reduce((s, i) => s + i.sizeBytes * BigInt(i.clones), 0n);
  const clones = model.images.reduce((n, i) => n + i.clones, 0);
  const sentence = clones === 0
    ? 'No volume is cloned from a golden image yet.'
    : `Imported once and cloned, the golden images bring ${formatBytes(once)} into the cluster; importing each of the `
      + `${formatCount(clones)} cloned volumes from its source instead would bring ${formatBytes(adHoc)}. Sizes are those of `
      + 'the image volumes, an upper bound of what each import downloads.';
  return [
    table(['Image', 'Source', 'Size', 'Storage class', 'DataSource', 'Refresh', 'Clones', 'Imported once', 'Ad-hoc imports'], rows,
      ['l', 'l', 'r', 'l', 'l', 'l', 'l', 'r', 'r']),
    sentence,
  ];
}

function storageClasses(model: EstateModel): string {
  return table(['Storage class', 'StorageProfile', 'Clone strategy', 'Snapshot class', 'Binding mode', 'Golden images', 'Clones', 'Clones that fall back'],
    model.storageClasses.map((s) => [
      s.name,
      s.profile ? `\`${s.profile}\`` : 'none (CDI decides)',
      s.cloneStrategy ?? (s.profile ? 'not set (CDI decides)' : '-'),
      s.snapshotClass ?? 'unknown',
      s.volumeBindingMode ?? 'unknown',
      formatCount(s.images),
      formatCount(s.clones),
      s.fallbacks.length === 0 ? '-' : s.fallbacks.map((f) => `${formatCount(f.count)}: ${f.key}`).join('; '),
    ].map(cell)), ['l', 'l', 'l', 'l', 'l', 'r', 'r', 'l']);
}
