import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import {
  BridgeNetwork, CephNetworkProvider, CloneStrategy, EstatePlan, GitOpsApp, GoldenImage, ImageSource, Ipam, IsolatedTenant, KubeVirtVm,
  NodeBridgePolicy,
  SharedCephNetwork, SnapshotClass, StorageClassProfile, VmDisk, VolumeBindingMode,
} from '../../src';
import { renderSvg } from '../../src/plan/graphviz';
import { collectEstate } from '../../src/plan/model';
import { buildTopology } from '../../src/plan/topology';

/**
 * A small estate whose every number is worked out by hand below:
 * - br1 (defined on nodes), the storage network on VLAN 100: 192.168.100.0/24 with the nodes' /28 excluded,
 *   so .1-.254 less .1-.15: 239 usable;
 * - tenant t1: 10.1.0.0/27 with gateway .1 excluded (29 usable), 3 VMs of 2 vCPU / 4Gi / 20Gi cloned from fedora,
 *   quota 2 CPUs, 16Gi, 100Gi, 3 VMs, 5 PVCs;
 * - tenant t2: 10.2.0.0/29 with gateway .1 excluded (5 usable), 4 VMs of 1 vCPU / 2Gi / 20Gi: 4 + 1 spare = 5,
 *   so its pool is full to 100 %, at the warning threshold, and still passes;
 * - namespace ops: one VM on the pod network only, with a 5Gi blank disk;
 * - golden image golden-images/fedora, 10Gi, on ceph-block, whose StorageClassProfile selects snapshot clones.
 */
function buildEstate(reverse = false): App {
  const app = new App();
  const infra = new Chart(app, 'infra');
  const tenants = new Chart(app, 'tenants');
  new NodeBridgePolicy(infra, 'br1', { bridge: 'br1', uplink: 'bond0' });
  // Ceph on the host network: the tenants' isolated VMs reach the monitors on the storage VLAN.
  const storage = new SharedCephNetwork(infra, 'storage', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24', nodeRange: '192.168.100.0/28', provider: CephNetworkProvider.HOST });
  const profile = new StorageClassProfile(infra, 'ceph-block', {
    storageClass: 'ceph-block', cloneStrategy: CloneStrategy.SNAPSHOT, snapshotClass: SnapshotClass.existing('csi-rbd'), volumeBindingMode: VolumeBindingMode.IMMEDIATE,
  });
  const image = new GoldenImage(infra, 'fedora', {
    name: 'fedora', namespace: 'golden-images', source: ImageSource.http('https://images.example.com/fedora.qcow2'), size: '10Gi', storageClass: 'ceph-block',
  });
  const specs = [
    { name: 't1', vlan: 201, range: '10.1.0.0/27', gw: '10.1.0.1', vms: 3, cpu: 2, memory: '4Gi', quota: { cpu: '2', memory: '16Gi', storage: '100Gi', virtualMachines: 3, persistentVolumeClaims: 5 } },
    { name: 't2', vlan: 202, range: '10.2.0.0/29', gw: '10.2.0.1', vms: 4, cpu: 1, memory: '2Gi' },
  ];
  for (const t of reverse ? [...specs].reverse() : specs) {
    const tenant = new IsolatedTenant(tenants, t.name, {
      name: t.name,
      defaultNetwork: { name: 'lan', bridge: 'br1', vlan: t.vlan, ipam: Ipam.whereabouts({ range: t.range, gateway: t.gw, routes: [{ destination: '0.0.0.0/0', gateway: t.gw }] }) },
      sharedNetworks: [storage],
      dnsServers: ['10.0.0.53'],
      quota: t.quota,
    });
    const indexes = Array.from({ length: t.vms }, (_, i) => i + 1);
    for (const i of reverse ? indexes.reverse() : indexes) {
      tenant.addVm(`vm-${i}`, {
        name: `vm-${i}`,
        cpu: t.cpu,
        memory: t.memory,
        networks: [{ network: storage, name: 'storage' }],
        rootDisk: VmDisk.fromGoldenImage(image, { size: '20Gi', storageProfile: profile }),
      });
    }
  }
  new KubeVirtVm(new Chart(app, 'ops', { namespace: 'ops' }), 'bastion', { name: 'bastion', memory: '1Gi', disks: [VmDisk.blank('5Gi', { storageClass: 'ceph-block' })] });
  return app;
}

const row = (markdown: string, first: string) => markdown.split('\n').find((l) => l.startsWith(`| ${first} |`));

describe('the estate plan of a small, hand-checked estate', () => {
  const app = buildEstate();
  app.synthYaml(); // valid: every pool fits
  const plan = EstatePlan.of(app);
  const md = plan.toMarkdown();

  test('the summary counts tenants, VMs, interfaces, networks and clones', () => {
    // 8 VMs; 7 tenant VMs with two Multus interfaces each (default network + storage); 3 networks (storage, 2 tenant:
    // with host networking Ceph needs no NAD of its own)
    expect(row(md, 'Tenants')).toBe('| Tenants | 2 |');
    expect(row(md, 'VMs')).toBe('| VMs | 8 |');
    expect(row(md, 'VM network interfaces on Multus networks')).toBe('| VM network interfaces on Multus networks | 14 |');
    expect(row(md, 'Networks')).toBe('| Networks | 3 on 1 bridge |');
    expect(row(md, 'Golden images')).toBe('| Golden images | 1, cloned 7 times |');
    expect(row(md, 'Address pools nearly full (from 80 %)')).toBe('| Address pools nearly full (from 80 %) | 1 |');
  });

  test('per bridge and VLAN, the networks on it', () => {
    expect(md).toContain('| br1 | `infra/br1` (the VLANs of its networks) | VLAN 100 | rook-ceph/ceph |');
    expect(md).toContain('| br1 | `infra/br1` (the VLANs of its networks) | VLAN 201 | t1/lan |');
    expect(md).toContain('| br1 | `infra/br1` (the VLANs of its networks) | VLAN 202 | t2/lan |');
  });

  test('per network: range, usable, excluded, NICs, migration headroom, free addresses and use', () => {
    // t1: 29 usable; 3 NICs + 1 spare = 4; 25 free; 4/29 = 13.8 %, shown rounded up
    expect(row(md, 't1/lan')).toBe('| t1/lan | bridge | br1 VLAN 201 | tenant t1 | 10.1.0.0/27 (10.1.0.1 to 10.1.0.30) | 29 | 10.1.0.1/32 | - | 3 | 1 | 25 | 14 % |');
    // t2: 5 usable; 4 NICs + 1 spare = 5; 0 free; 100 %: nearly full, but not too small
    expect(row(md, 't2/lan')).toBe('| t2/lan | bridge | br1 VLAN 202 | tenant t2 | 10.2.0.0/29 (10.2.0.1 to 10.2.0.6) | 5 | 10.2.0.1/32 | - | 4 | 1 | 0 | **100 %, nearly full** |');
    // storage: 239 usable; 7 NICs + 1 spare = 8; 231 free; 8/239 = 3.3 %
    expect(row(md, 'rook-ceph/ceph')).toBe('| rook-ceph/ceph | bridge | br1 VLAN 100 | - | 192.168.100.0/24 (192.168.100.1 to 192.168.100.254) '
      + '| 239 | 192.168.100.0/28 | - | 7 | 1 | 231 | 4 % |');
  });

  test('per tenant: namespace, networks, granted shared networks, VMs and their sizes', () => {
    expect(row(md, 't1')).toBe('| t1 | t1 | t1/lan | rook-ceph/ceph | 3 | vm-1 … vm-3 | 3 × 2 vCPU, 4Gi, 20Gi disk from golden-images/fedora |');
    expect(row(md, 't2')).toContain('| t2 | t2 | t2/lan | rook-ceph/ceph | 4 | vm-1 … vm-4 | 4 × 1 vCPU, 2Gi, 20Gi disk from golden-images/fedora |');
  });

  test('per tenant: requests against the quota and what is left of it', () => {
    // t1: 3 × 200m CPU (2 vCPUs / cpuAllocationRatio 10) of 2; 3 × 4Gi of 16Gi; 3 × 20Gi of 100Gi; 3 of 3 VMs; 3 of 5 PVCs
    const quota = md.split('\n').filter((l) => l.startsWith('| t1 |'))[1];
    expect(quota).toBe('| t1 | yes | 600m of 2 (1.4 left) | 12Gi of 16Gi (4Gi left) | 60Gi of 100Gi (40Gi left) | 3 of 3 (0 left) | 3 of 5 (2 left) | - |');
    const noQuota = md.split('\n').filter((l) => l.startsWith('| t2 |'))[1];
    expect(noQuota).toBe('| t2 | no quota | 400m | 8Gi | 80Gi | 4 | 4 | - |');
  });

  test('namespaces outside tenants', () => {
    expect(row(md, 'ops')).toBe('| ops | 1 | bastion | 1 × 1 vCPU, 1Gi, 5Gi disk | - | 1 |');
  });

  test('golden images: size, the VMs cloned from them, and what importing once saves', () => {
    expect(row(md, 'golden-images/fedora')).toBe('| golden-images/fedora | http: https://images.example.com/fedora.qcow2 | 10Gi | ceph-block | fedora | - | '
      + '7: t1/vm-1 … vm-3; t2/vm-1 … vm-4 | 10Gi | 70Gi |');
    expect(md).toContain('the golden images bring 10Gi into the cluster; importing each of the 7 cloned volumes from its source instead would bring 70Gi.');
  });

  test('clone strategy per storage class', () => {
    expect(row(md, 'ceph-block')).toBe('| ceph-block | `infra/ceph-block` | snapshot | csi-rbd | Immediate | 1 | 7 | - |');
  });

  test('Ceph and the cluster prerequisites have their sections', () => {
    expect(row(md, 'rook-ceph/ceph')).toBeDefined();
    // Ceph on the host network: its side is the nodes' range on the storage VLAN, not a NAD
    expect(md).toContain('| rook-ceph/ceph | host network, the nodes\' 192.168.100.0/28 | - | defined elsewhere | port-isolation |');
    expect(md).toContain('## Cluster prerequisites');
  });

  test('the topology is a Mermaid block in plan.md, and the SVG is linked', () => {
    expect(md).toContain('![Topology of the estate](plan.svg)\n\n```mermaid\nflowchart LR\n');
    expect(md).toContain('n7(["tenant t1<br/>3 VMs: vm-1 … vm-3"])');
    expect(md).toContain('["t2/lan<br/>VLAN 202 · 10.2.0.0/29<br/>tenant t2<br/>4 NICs · 100 % of 5 used (nearly full)"]');
  });

  test('the same estate built in another order gives the same plan, byte for byte', () => {
    // GIVEN the tenants and VMs constructed in reverse order
    const other = buildEstate(true);
    // THEN plan.md and the picture do not change: everything is sorted by name
    expect(EstatePlan.of(other).toMarkdown()).toBe(md);
    expect(EstatePlan.of(other).toDot()).toBe(plan.toDot());
  });

  test('the SVG is drawn by Graphviz, the same bytes every time', () => {
    const svg = plan.toSvg();
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8" standalone="no"\?>\n/);
    expect(svg).toContain('<title>estate</title>');
    expect(svg).toContain('>t2/lan</text>');
    expect(svg).toContain('fill="#fde68a"'); // t2's pool, nearly full
    expect(EstatePlan.of(buildEstate(true)).toSvg()).toBe(svg);
  });
});

test('a pool shared by many networks names four of them and counts the rest', () => {
  // GIVEN the storage network offered again in six namespaces (as under Multus namespace isolation): one pool, eight networks
  const app = new App();
  const chart = new Chart(app, 'c');
  const storage = new SharedCephNetwork(chart, 'storage', { bridge: 'br1', vlan: 100, range: '192.168.0.0/24' });
  for (let i = 1; i <= 6; i++) storage.vmNetwork.shareInto(chart, `share-${i}`, { namespace: `ns-${i}`, name: 'ceph' });
  const md = EstatePlan.of(app).toMarkdown();
  // THEN each network's row names the first four others by name and counts the other three
  expect(row(md, 'ns-3/ceph')).toContain('pool shared with ns-1/ceph, ns-2/ceph, ns-4/ceph, ns-5/ceph and 3 more | 254 |');
});

test('addresses VMs pin on an L2-only network of a pool\'s segment show as reserved there, and take nothing from the pool', () => {
  // GIVEN a pool with 10.0.0.200 excluded, and a VM that pins 10.0.0.200 on an L2-only network of the same segment
  const app = new App();
  const chart = new Chart(app, 'c', { namespace: 'ns' });
  const pool = new BridgeNetwork(chart, 'pool', { name: 'pool', bridge: 'br1', vlan: 10, ipam: Ipam.whereabouts({ range: '10.0.0.0/24', exclude: ['10.0.0.200/32'] }) });
  const l2 = new BridgeNetwork(chart, 'l2', { name: 'l2', shareSegmentWith: pool, ipam: Ipam.none() });
  new KubeVirtVm(chart, 'db', { name: 'db', memory: '1Gi', networks: [{ network: l2, name: 'lan', staticAddresses: ['10.0.0.200/24'] }] });
  app.synthYaml();
  const md = EstatePlan.of(app).toMarkdown();
  // THEN the L2 network's row lists the pinned address; the pool's counts no interface
  expect(row(md, 'ns/l2')).toBe('| ns/l2 | bridge | br1 VLAN 10 | - | no pool (IPAM none) | - | - | 10.0.0.200 | 1 | - | - | - |');
  expect(row(md, 'ns/pool')).toBe('| ns/pool | bridge | br1 VLAN 10 | - | 10.0.0.0/24 (10.0.0.1 to 10.0.0.254) | 253 | 10.0.0.200/32 | - | 0 | 0 | 253 | 0 % |');
});

describe('writing the plan', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));

  test('GitOpsApp writes plan.md and plan.svg next to the manifests by default', () => {
    const outdir = tmp();
    const app = new GitOpsApp({ outdir });
    new KubeVirtVm(new Chart(app, 'vms'), 'vm', { name: 'vm', memory: '1Gi' });
    app.synth();
    expect(fs.readdirSync(outdir).sort()).toStrictEqual(['.cdk8s-kubevirt-files.json', 'plan.md', 'plan.svg', 'vms.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, 'plan.md'), 'utf8')).toBe(EstatePlan.of(app).toMarkdown());
  });

  test('GitOpsApp with plan: false writes the manifests only', () => {
    const outdir = tmp();
    const app = new GitOpsApp({ outdir, plan: false });
    new KubeVirtVm(new Chart(app, 'vms'), 'vm', { name: 'vm', memory: '1Gi' });
    app.synth();
    expect(fs.readdirSync(outdir).sort()).toStrictEqual(['.cdk8s-kubevirt-files.json', 'vms.k8s.yaml']);
  });

  test('a plain cdk8s app writes it with writeTo; svg: false leaves the picture out and its link too', () => {
    const dir = tmp();
    const app = new App({ outdir: dir });
    new KubeVirtVm(new Chart(app, 'vms'), 'vm', { name: 'vm', memory: '1Gi' });
    app.synth();
    expect(EstatePlan.of(app).writeTo(dir).map((f) => path.basename(f))).toStrictEqual(['plan.md', 'plan.svg']);
    const other = tmp();
    expect(EstatePlan.of(app, { svg: false }).writeTo(other).map((f) => path.basename(f))).toStrictEqual(['plan.md']);
    expect(fs.readFileSync(path.join(other, 'plan.md'), 'utf8')).not.toContain('plan.svg');
  });

  test('Graphviz\'s own message comes through when it cannot draw', () => {
    expect(() => renderSvg('digraph { a -> }')).toThrow(/^Graphviz could not draw the estate: syntax error in line 1/);
    // and the worker keeps serving afterwards
    expect(renderSvg('digraph { a -> b }')).toContain('<title>a&#45;&gt;b</title>');
  });
});

describe('at estate scale the picture groups alike tenants; plan.md still lists every one', () => {
  function estate(tenants: number, bridges = 1): App {
    const app = new App();
    const chart = new Chart(app, 'estate');
    const storage = new SharedCephNetwork(chart, 'storage', { bridge: 'br1', vlan: 100, range: '192.168.0.0/16', nodeRange: '192.168.0.0/24', provider: CephNetworkProvider.HOST });
    for (let t = 0; t < tenants; t++) {
      const name = `tenant-${String(t).padStart(3, '0')}`;
      const tenant = new IsolatedTenant(chart, name, {
        name,
        defaultNetwork: { name: 'lan', bridge: `br${1 + (t % bridges)}`, vlan: 1000 + t, ipam: Ipam.whereabouts({ range: `10.0.${t}.0/24`, gateway: `10.0.${t}.1` }) },
        sharedNetworks: [storage],
        dnsServers: ['10.0.0.53'],
      });
      for (let v = 0; v < 3; v++) {
        tenant.addVm(`vm-${v}`, { name: `vm-${v}`, memory: '1Gi', networks: [{ network: storage, name: 'storage' }] });
      }
    }
    return app;
  }

  test('30 alike tenants are one node, their networks one node per bridge', () => {
    const app = estate(30);
    const topology = buildTopology(collectEstate(app));
    expect(topology.grouped).toBe(true);
    const tenants = topology.nodes.filter((n) => n.kind === 'vms');
    expect(tenants.map((n) => n.lines)).toStrictEqual([['30 tenants', 'tenant-000 … tenant-029', '90 VMs (3 each)']]);
    expect(topology.nodes.find((n) => n.kind === 'networks')?.lines).toStrictEqual(['30 tenant networks', 'VLAN 1000–1029 · 30 × /24', '90 NICs · fullest 2 % used']);
    expect(topology.edges.filter((e) => e.kind === 'attach').map((e) => [e.to, e.label])).toStrictEqual([
      ['network:rook-ceph/ceph', '90 NICs'], ['networks:tenants:tenant-000:br1', '90 NICs'],
    ]);
    // and plan.md has a row for each of the 30 tenants
    expect(EstatePlan.of(app).toMarkdown().split('\n').filter((l) => /^\| tenant-\d{3} \| tenant-\d{3} \|/.test(l))).toHaveLength(30);
  });

  test('tenants on different bridges are grouped apart', () => {
    const topology = buildTopology(collectEstate(estate(20, 2)));
    expect(topology.nodes.filter((n) => n.kind === 'vms').map((n) => n.lines[0])).toStrictEqual(['10 tenants', '10 tenants']);
    expect(topology.nodes.filter((n) => n.kind === 'networks').map((n) => n.cluster)).toStrictEqual(['cluster:bridge:br1', 'cluster:bridge:br2']);
  });

  test('up to the detail limit each tenant is drawn on its own; the limit is an option', () => {
    const app = estate(3);
    expect(buildTopology(collectEstate(app)).nodes.filter((n) => n.kind === 'vms')).toHaveLength(3);
    expect(EstatePlan.of(app, { pictureDetailLimit: 2 }).toMermaid()).toContain('(["3 tenants<br/>tenant-000 … tenant-002<br/>9 VMs (3 each)"])');
  });
});
