import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { synthesize } from '../examples/main';
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
  synthesize(dir);
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
  // The manifests: every file but GitOpsApp's index and the estate plans (plan.md, plan.svg), checked on their own below.
  const manifests = Object.fromEntries(Object.entries(tree).filter(([file]) => file.endsWith('.yaml')));
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

  test('each app folder holds its manifests, its estate plan and the index of exactly those files (which a later synth prunes by)', () => {
    for (const app of ['vm-cluster', 'garden']) {
      const written = Object.keys(tree).filter((f) => f.startsWith(app + path.sep) && path.basename(f) !== INDEX_FILE)
        .map((f) => path.relative(app, f).split(path.sep).join('/'));
      expect(JSON.parse(tree[path.join(app, INDEX_FILE)])).toStrictEqual({ generator: 'cdk8s-kubevirt GitOpsApp', files: written.sort() });
    }
  });

  test('the garden app writes one file per resource, named by namespace, kind and name, and its estate plan', () => {
    expect(Object.keys(tree).filter((f) => f.startsWith('garden') && path.basename(f) !== INDEX_FILE)).toStrictEqual([
      path.join('garden', 'plan.md'),
      path.join('garden', 'plan.svg'),
      path.join('garden', 'shoots', 'garden-dev.shoot.cluster-1.yaml'),
      path.join('garden', 'shoots', 'garden-dev.shoot.cluster-2.yaml'),
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

  test('the talk\'s VM: default/masquerade on the pod network and other-net bridged to my-ns/my-bridge, plus stable MACs', () => {
    const spec = find('VirtualMachine', 'my-vm').spec.template.spec;
    const mac = expect.stringMatching(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect(spec.domain.devices.interfaces).toStrictEqual([
      { name: 'default', masquerade: {}, macAddress: mac },
      { name: 'other-net', bridge: {}, macAddress: mac },
    ]);
    expect(spec.networks).toStrictEqual([{ name: 'default', pod: {} }, { name: 'other-net', multus: { networkName: 'my-ns/my-bridge' } }]);
  });

  test('the example VMs carry cloud-init: network data for every NIC, SSH public keys, and no secret in Git', () => {
    for (const vm of objects.filter((o) => o.kind === 'VirtualMachine')) {
      const spec = vm.spec.template.spec;
      const volume = spec.volumes.find((v: any) => v.name === 'cloudinit').cloudInitNoCloud;
      const data = YAML.parse(volume.networkData, { version: '1.1' });
      // every NIC is configured, matched by its MAC
      const macs = spec.domain.devices.interfaces.map((i: any) => i.macAddress);
      expect(Object.values(data.ethernets).map((e: any) => e.match.macaddress)).toStrictEqual(macs);
      // one default route per guest
      const routed = Object.entries(data.ethernets).filter(([, e]: [string, any]) => e.dhcp4 === true && !e['dhcp4-overrides']);
      expect({ vm: vm.metadata.name, routed: routed.length >= 1 }).toStrictEqual({ vm: vm.metadata.name, routed: true });
      expect(spec.accessCredentials[0].sshPublicKey.propagationMethod).toStrictEqual({ noCloud: {} });
    }
    // Secrets in the output hold public keys only; the talk's user data comes from the secret store
    for (const secret of objects.filter((o) => o.kind === 'Secret')) {
      expect(Object.values(secret.stringData).every((v) => /^ssh-ed25519 /.test(v as string))).toBe(true);
    }
    expect(find('ExternalSecret', 'my-vm-cloud-init').spec.secretStoreRef).toStrictEqual({ kind: 'ClusterSecretStore', name: 'vault' });
  });

  test('the cluster prerequisites in the plan next to the manifests list what they need and nothing else', () => {
    const md = tree[path.join('vm-cluster', 'plan.md')].split('## Cluster prerequisites')[1];
    // the hpc VMs pin their vCPUs: CPUManager (Alpha in KubeVirt v1.9.0) and the kubelet's static CPU manager
    expect(md).toContain('| `CPUManager` | dedicated CPU placement | `hpc/db-1`, `hpc/db-2` |');
    expect(md).toContain('kubelet cpuManagerPolicy: static');
    // the tenants' clones bind the app's own clone-sourcer ClusterRole, so no CDI version is needed for them;
    // the talk's VM uses an ExternalSecret
    expect(md).not.toContain('| CDI | v1.66.0 or later |');
    expect(md).toContain('| External Secrets Operator | v0.16.2 or later |');
    // isolation: bridge features the nodes' plugins must know, admission policies, and what only the switch can do
    expect(md).toContain('| containernetworking-plugins | v1.7.0 or later | bridge portIsolation');
    expect(md).toContain('| Kubernetes | v1.30.0 or later | tenant rules enforced by ValidatingAdmissionPolicy');
    expect(md).toContain('| network fabric | on VLAN 100 of bridge br1, traffic between VMs on different nodes is blocked');
    // nothing the manifests do not use: no NUMA, hugepages, real-time or KubeMacPool
    for (const unused of ['NUMA', 'hugepages', 'sched_rt_runtime_us', 'KubeMacPool']) expect(md).not.toContain(unused);
  });

  test('the talk\'s cloned DataVolume: the talk\'s spec exactly, plus the sync wave', () => {
    const dv = find('DataVolume', 'my-cloned-dv');
    expect(dv.spec).toStrictEqual({
      source: { pvc: { namespace: 'my-ns', name: 'my-source-dv' } },
      pvc: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'storage-provisioner' },
    });
    expect(dv.metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/sync-wave': '0' });
  });

  test('the talk\'s shared network: VMs attach to rook-ceph/ceph, Ceph listens on the nodes\' addresses of its VLAN', () => {
    const vmSide = JSON.parse(find('NetworkAttachmentDefinition', 'ceph').spec.config).plugins[0];
    expect([vmSide.bridge, vmSide.vlan, vmSide.portIsolation, vmSide.macspoofchk]).toStrictEqual(['br1', 100, true, true]);
    // The example's tenants have no pod network: with Rook's Multus provider they could not reach the monitors,
    // so Ceph runs on the host network, on the nodes' storage addresses, which nmstate writes per node.
    expect(find('CephCluster', 'rook-ceph').spec.network).toStrictEqual({ provider: 'host', addressRanges: { public: ['192.168.100.0/28'] } });
    const nodes = objects.filter((o) => o.kind === 'NodeNetworkConfigurationPolicy' && o.spec.nodeSelector['kubernetes.io/hostname']);
    expect(nodes.map((n) => n.spec.desiredState.interfaces[0].ipv4.address[0].ip)).toStrictEqual(['192.168.100.1', '192.168.100.2', '192.168.100.3']);
  });

  test('the talk\'s two clusters as Gardener shoots: shared network ceph in rook-ceph, default tenant networks on VLAN 1234 and 2345', () => {
    for (const [name, vlan] of [['cluster-1', 1234], ['cluster-2', 2345]] as const) {
      const shoot = find('Shoot', name);
      const networks = shoot.spec.provider.infrastructureConfig.networks;
      expect(networks.sharedNetworks).toStrictEqual([{ name: 'ceph', namespace: 'rook-ceph' }]);
      expect(networks.tenantNetworks).toHaveLength(1);
      expect(networks.tenantNetworks[0]).toMatchObject({ name: 'network1', default: true });
      expect(JSON.parse(networks.tenantNetworks[0].config).plugins[0]).toMatchObject({ type: 'bridge', bridge: 'br1', vlan });
      // Nodes on the tenant network get its resolvers, and the kubeconfig comes through a CredentialsBinding.
      expect(shoot.spec.provider.workers[0].providerConfig.dnsPolicy).toBe('None');
      expect(shoot.spec.credentialsBindingName).toBe('hosting-cluster');
    }
  });

  test('the same two clusters as CAPK clusters on the KubeVirt cluster: each isolated in its tenant, with the Ceph network', () => {
    for (const [name, vlan] of [['cluster-1', 3001], ['cluster-2', 3002]] as const) {
      const inCluster = objects.filter((o) => o.metadata.namespace === name);
      expect(['Cluster', 'KubevirtCluster', 'KubeadmControlPlane', 'MachineDeployment', 'KubeadmConfigTemplate'].every((k) => inCluster.some((o) => o.kind === k))).toBe(true);
      expect(inCluster.filter((o) => o.kind === 'KubevirtMachineTemplate')).toHaveLength(2);
      const nad = inCluster.find((o) => o.kind === 'NetworkAttachmentDefinition' && o.metadata.name === 'network1')!;
      expect(JSON.parse(nad.spec.config).plugins[0]).toMatchObject({ type: 'bridge', bridge: 'br1', vlan });
      for (const t of inCluster.filter((o) => o.kind === 'KubevirtMachineTemplate')) {
        expect(t.spec.template.spec.virtualMachineTemplate.spec.template.spec.networks).toStrictEqual([
          { name: 'network1', multus: { networkName: `${name}/network1`, default: true } },
          { name: 'ceph', multus: { networkName: 'rook-ceph/ceph' } },
        ]);
      }
      expect(inCluster.find((o) => o.kind === 'KubevirtCluster')!.spec.controlPlaneEndpoint.host).toBe(`10.250.${name.slice(-1)}.10`);
    }
  });

  test('the air-gapped image arrives by upload; its uploaders may do what virtctl does, before the image is applied', () => {
    const dv = find('DataVolume', 'rhel-9-airgapped');
    expect(dv.spec.source).toStrictEqual({ upload: {} });
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === 'golden-images')!;
    expect(role.rules).toContainEqual(expect.objectContaining({ apiGroups: ['upload.cdi.kubevirt.io'], resources: ['uploadtokenrequests'], verbs: ['create'] }));
    // the populator's prime-<uid> PVC and the events virtctl reads while it waits
    expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get'] });
    expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['events'], verbs: ['list'] });
    const wave = (o: ManifestObject) => Number(o.metadata.annotations!['argocd.argoproj.io/sync-wave']);
    expect(wave(role)).toBeLessThan(wave(dv));
  });
});
