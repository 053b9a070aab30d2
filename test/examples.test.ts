import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { garden, vmCluster } from '../examples/main';
import { ManifestObject, validateAll } from './util/schema';
import { parseManifest } from './util/synth';
import { INDEX_FILE } from '../src/output/staged-output';

/**
 * The example app (examples/main.ts) is the README's main job. Its output is committed under
 * examples/expected/ so that (a) a change to any manifest shows up in review, (b) the Python example
 * (test-python/test_examples.py) can prove it writes the same bytes. Regenerate with UPDATE_PARITY=1.
 */
const EXPECTED = path.join(__dirname, '..', 'examples', 'expected');

function synthInto(dir: string): void {
  vmCluster(path.join(dir, 'vm-cluster')).synth();
  garden(path.join(dir, 'garden')).synth();
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, 'utf-8');
    }
  };
  walk(dir);
  return out;
}

describe('the example app', () => {
  const first = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-a-'));
  const second = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-b-'));
  synthInto(first);
  synthInto(second);
  const tree = readTree(first);
  // Every file but GitOpsApp's index (checked on its own below) is a manifest.
  const manifests = Object.fromEntries(Object.entries(tree).filter(([file]) => path.basename(file) !== INDEX_FILE));
  const objects: ManifestObject[] = Object.values(manifests).flatMap((text) => parseManifest(text));
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

  test('synthesizing twice gives byte-identical YAML (determinism)', () => {
    expect(readTree(second)).toStrictEqual(tree);
  });

  test('every object passes the CRD and Kubernetes schemas', () => {
    expect(() => validateAll(objects)).not.toThrow();
    expect(objects.length).toBeGreaterThan(40);
  });

  test('the output is the committed examples/expected tree, which the Python example must match byte for byte', () => {
    if (process.env.UPDATE_PARITY === '1') {
      fs.rmSync(EXPECTED, { recursive: true, force: true });
      for (const [file, text] of Object.entries(tree)) {
        fs.mkdirSync(path.dirname(path.join(EXPECTED, file)), { recursive: true });
        fs.writeFileSync(path.join(EXPECTED, file), text);
      }
    }
    expect(readTree(EXPECTED)).toStrictEqual(tree);
  });

  test('each app folder holds its manifests and the index of exactly those files (which a later synth prunes by)', () => {
    for (const app of ['vm-cluster', 'garden']) {
      const written = Object.keys(manifests).filter((f) => f.startsWith(app + path.sep)).map((f) => path.relative(app, f).split(path.sep).join('/'));
      expect(JSON.parse(tree[path.join(app, INDEX_FILE)])).toStrictEqual({ generator: 'cdk8s-kubevirt GitOpsApp', files: written.sort() });
    }
  });

  test('the garden app writes one file per resource, named by namespace, kind and name', () => {
    expect(Object.keys(manifests).filter((f) => f.startsWith('garden'))).toStrictEqual([
      path.join('garden', 'shoots', 'garden-dev.shoot.shoot-1.yaml'),
      path.join('garden', 'shoots', 'garden-dev.shoot.shoot-2.yaml'),
    ]);
  });

  test('in every file, objects come in sync-wave order: networks and images before the VMs that need them', () => {
    for (const [file, text] of Object.entries(manifests)) {
      const waves = parseManifest(text).map((o) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0));
      expect({ file, waves }).toStrictEqual({ file, waves: [...waves].sort((a, b) => a - b) });
    }
  });

  // The talk's manifests, key for key; the library adds only what is listed next to each.
  test('the talk\'s NetworkAttachmentDefinition: the talk\'s keys, plus the gateway exclusion and its own pool', () => {
    const nad = find('NetworkAttachmentDefinition', 'my-bridge');
    expect(nad.metadata.namespace).toBe('my-ns');
    const config = JSON.parse(nad.spec.config);
    const { exclude, network_name: networkName, ...ipam } = config.plugins[0].ipam;
    expect({ ...config, plugins: [{ ...config.plugins[0], ipam }] }).toStrictEqual({
      cniVersion: '0.4.0',
      name: 'my-bridge',
      plugins: [{ type: 'bridge', bridge: 'br1', vlan: 1234, ipam: { type: 'whereabouts', range: '10.123.124.0/24', routes: [{ dst: '0.0.0.0/0', gw: '10.123.124.1' }] } }],
    });
    expect([exclude, networkName]).toStrictEqual([['10.123.124.1/32'], 'my-ns-my-bridge']);
  });

  test('the talk\'s VM: default/masquerade on the pod network and other-net bridged to my-ns/my-bridge', () => {
    const spec = find('VirtualMachine', 'my-vm').spec.template.spec;
    expect(spec.domain.devices.interfaces).toStrictEqual([{ name: 'default', masquerade: {} }, { name: 'other-net', bridge: {} }]);
    expect(spec.networks).toStrictEqual([{ name: 'default', pod: {} }, { name: 'other-net', multus: { networkName: 'my-ns/my-bridge' } }]);
  });

  test('the talk\'s cloned DataVolume: the talk\'s spec exactly, plus the sync wave and the GC safety net', () => {
    const dv = find('DataVolume', 'my-cloned-dv');
    expect(dv.spec).toStrictEqual({
      source: { pvc: { namespace: 'my-ns', name: 'my-source-dv' } },
      pvc: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'storage-provisioner' },
    });
    expect(dv.metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/sync-wave': '0', 'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false' });
  });

  test('the talk\'s shared network: VMs attach to rook-ceph/ceph, Ceph shares its segment and pool', () => {
    const vmSide = JSON.parse(find('NetworkAttachmentDefinition', 'ceph').spec.config).plugins[0];
    const cephSide = JSON.parse(find('NetworkAttachmentDefinition', 'ceph-public').spec.config).plugins[0];
    expect([vmSide.bridge, vmSide.vlan, vmSide.portIsolation]).toStrictEqual(['br1', 100, true]);
    expect(cephSide.ipam.network_name).toBe(vmSide.ipam.network_name);
    expect(find('CephCluster', 'rook-ceph').spec.network.selectors).toStrictEqual({ public: 'rook-ceph/ceph-public' });
  });

  test('the talk\'s two shoots: shared network ceph in rook-ceph, default tenant networks on VLAN 1234 and 2345', () => {
    for (const [name, vlan] of [['shoot-1', 1234], ['shoot-2', 2345]] as const) {
      const networks = find('Shoot', name).spec.provider.infrastructureConfig.networks;
      expect(networks.sharedNetworks).toStrictEqual([{ name: 'ceph', namespace: 'rook-ceph' }]);
      expect(networks.tenantNetworks).toHaveLength(1);
      expect(networks.tenantNetworks[0]).toMatchObject({ name: 'network1', default: true });
      expect(JSON.parse(networks.tenantNetworks[0].config).plugins[0]).toMatchObject({ type: 'bridge', bridge: 'br1', vlan });
    }
  });

  test('the air-gapped image arrives by upload, and its uploaders may request upload tokens', () => {
    const dv = find('DataVolume', 'rhel-9-airgapped');
    expect(dv.spec.source).toStrictEqual({ upload: {} });
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === 'golden-images')!;
    expect(role.rules).toContainEqual(expect.objectContaining({ apiGroups: ['upload.cdi.kubevirt.io'], resources: ['uploadtokenrequests'], verbs: ['create'] }));
  });
});
