import { App, Chart } from 'cdk8s';
import {
  ClusterProvider, ClusterProviderKind, GitOpsApp, ImageSource, KubernetesClustersStack, KubernetesClustersStackProps, NetworkAttachmentReference,
  SharedCephNetwork, StackCluster,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

// GIVEN the talk's two clusters, each with its own tenant network and the shared Ceph network, described once
const CLUSTERS: StackCluster[] = [1, 2].map((i) => ({
  name: `cluster-${i}`,
  vlan: 3000 + i,
  range: `10.250.${i}.0/24`,
  gateway: `10.250.${i}.1`,
  dnsServers: [`10.250.${i}.53`],
  apiServerAddress: `10.250.${i}.10`,
  pools: [{ name: 'worker', minimum: 2, maximum: 5, machineType: 'standard-4', cpu: 4, memory: '16Gi', volumeSize: '30Gi', dataVolumes: [{ name: 'containerd', size: '100Gi' }] }],
}));
const GARDENER = ClusterProvider.gardener({
  projectNamespace: 'garden-dev',
  region: 'local',
  cloudProfileName: 'kubevirt',
  credentialsBindingName: 'hosting',
  machineImageName: 'ubuntu',
  machineImageVersion: '24.4.0',
  volumeType: 'ceph-block',
  zones: ['zone-a'],
});
const CAPK = ClusterProvider.capk({
  image: { name: 'node-v1-33-4', source: ImageSource.registry('docker://registry.example.com/capi-images/ubuntu-2404-kube:v1.33.4'), size: '20Gi' },
  imageNamespace: 'golden-images',
  storageClass: 'ceph-block',
});

/** WHEN the description is written with `provider`. */
function write(provider: ClusterProvider, overrides: Partial<KubernetesClustersStackProps> = {}) {
  const app = new GitOpsApp();
  const infra = new Chart(app, 'infra');
  const ceph = new SharedCephNetwork(infra, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24' });
  const stack = new KubernetesClustersStack(app, 'clusters', {
    provider,
    bridge: 'br1',
    kubernetesVersion: '1.33.4',
    sharedNetworks: [provider.kind === ClusterProviderKind.CAPK ? ceph : NetworkAttachmentReference.fromName('rook-ceph', 'ceph')],
    clusters: CLUSTERS,
    ...overrides,
  });
  return { app, stack, objects: synthObjects(app) };
}
const of = (objects: ManifestObject[], kind: string) => objects.filter((o) => o.kind === kind);

describe('KubernetesClustersStack: one description, Gardener form', () => {
  const { stack, objects } = write(GARDENER);
  const shoots = of(objects, 'Shoot');

  test('snapshot', () => {
    expect(shoots).toMatchSnapshot();
  });

  test('one Shoot per cluster, each with its own default tenant network, the shared network, and its DNS for the nodes', () => {
    expect(stack.shoots).toHaveLength(2);
    expect(stack.capkClusters).toStrictEqual([]);
    shoots.forEach((s, i) => {
      const networks = s.spec.provider.infrastructureConfig.networks;
      expect(JSON.parse(networks.tenantNetworks[0].config).plugins[0].vlan).toBe(3001 + i);
      expect(networks.sharedNetworks).toStrictEqual([{ name: 'ceph', namespace: 'rook-ceph' }]);
      expect(s.spec.networking.nodes).toBe(`10.250.${i + 1}.0/24`);
      const [w] = s.spec.provider.workers;
      expect([w.machine.type, w.minimum, w.maximum, w.providerConfig.dnsConfig]).toStrictEqual(['standard-4', 2, 5, { nameservers: [`10.250.${i + 1}.53`] }]);
    });
  });
});

describe('KubernetesClustersStack: the same description, CAPK form', () => {
  const { stack, objects } = write(CAPK);
  const capi = objects.filter((o) => o.apiVersion.includes('cluster.x-k8s.io'));

  test('snapshot of the Cluster API objects', () => {
    expect(capi).toMatchSnapshot();
  });

  test('one CAPK cluster per cluster, in its own isolated tenant, and no Shoot', () => {
    expect(stack.shoots).toStrictEqual([]);
    expect(stack.capkClusters.map((c) => [c.name, c.namespace])).toStrictEqual([['cluster-1', 'cluster-1'], ['cluster-2', 'cluster-2']]);
    expect(of(objects, 'Namespace').map((n) => n.metadata.name)).toStrictEqual(['cluster-1', 'cluster-2']);
    expect(of(objects, 'Cluster')).toHaveLength(2);
  });

  test('the nodes\' network is the cluster\'s own, on its VLAN, with the API server VIP kept out of the pool', () => {
    for (const i of [1, 2]) {
      const nad = objects.find((o) => o.kind === 'NetworkAttachmentDefinition' && o.metadata.namespace === `cluster-${i}`)!;
      const bridge = JSON.parse(nad.spec.config).plugins[0];
      expect(bridge.vlan).toBe(3000 + i);
      expect(bridge.ipam.exclude).toContain(`10.250.${i}.10/32`);
      const kc = objects.find((o) => o.kind === 'KubevirtCluster' && o.metadata.namespace === `cluster-${i}`)!;
      expect(kc.spec.controlPlaneEndpoint).toStrictEqual({ host: `10.250.${i}.10`, port: 6443 });
    }
  });

  test('a pool with room to grow is handed to the cluster autoscaler (minimum..maximum), with its CPUs, memory and data disk', () => {
    const md = of(objects, 'MachineDeployment')[0];
    expect(md.spec.replicas).toBeUndefined();
    expect(md.metadata.annotations?.['cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size']).toBe('5');
    const worker = of(objects, 'KubevirtMachineTemplate').find((t) => t.metadata.name.startsWith('cluster-1-worker-'))!;
    const vm = worker.spec.template.spec.virtualMachineTemplate.spec;
    expect([vm.template.spec.domain.cpu.cores, vm.template.spec.domain.resources.requests.memory]).toStrictEqual([4, '16Gi']);
    expect(vm.dataVolumeTemplates.map((d: any) => d.metadata.name)).toStrictEqual(['root', 'containerd']);
  });

  test('the node image is imported once, and each cluster\'s node VMs may clone it', () => {
    expect(of(objects, 'DataVolume').map((d) => `${d.metadata.namespace}/${d.metadata.name}`)).toStrictEqual(['golden-images/node-v1-33-4']);
    const grants = of(objects, 'RoleBinding').filter((b) => b.roleRef.name === 'cdi.kubevirt.io:clone-sourcer');
    expect(grants.map((g) => g.subjects[0].namespace).sort()).toStrictEqual(['cluster-1', 'cluster-2']);
  });
});

const base = (provider: ClusterProvider, clusters: StackCluster[]) => (_c: Chart, app: App) => new KubernetesClustersStack(app, 'k', {
  provider, bridge: 'br1', kubernetesVersion: '1.33.4', clusters,
});
const onePool = (pool: Record<string, unknown>) => [{ ...CLUSTERS[0], pools: [{ ...CLUSTERS[0].pools[0], ...pool }] }];

describeBadInputs('KubernetesClustersStack: a description either form can write', [
  {
    name: 'a provider that is not a ClusterProvider (JavaScript)',
    build: base('capk' as any, CLUSTERS),
    error: '[k] provider: "capk" must be a ClusterProvider (ClusterProvider.gardener() or ClusterProvider.capk())',
  },
  {
    name: 'no clusters',
    build: base(GARDENER, []),
    error: '[k] clusters: [] must list at least one cluster',
  },
  {
    name: 'a cluster without worker pools',
    build: base(CAPK, [{ ...CLUSTERS[0], pools: [] }]),
    error: '[k] clusters[0].pools: [] must list at least one worker pool',
  },
  {
    name: 'a pool without machine type for Gardener',
    build: base(GARDENER, onePool({ machineType: undefined })),
    error: '[k] clusters[0].pools[0].machineType: undefined is required with ClusterProvider.gardener(): Gardener sizes nodes by CloudProfile machine type',
  },
  {
    name: 'a cluster without API server address for CAPK',
    build: base(CAPK, [{ ...CLUSTERS[0], apiServerAddress: undefined }]),
    error: '[k] clusters[0].apiServerAddress: undefined is required with ClusterProvider.capk(): the nodes are isolated on the cluster\'s own network',
  },
  {
    name: 'a pool without memory for CAPK',
    build: base(CAPK, onePool({ memory: undefined })),
    error: '[k] clusters[0].pools[0].memory: undefined is required with ClusterProvider.capk(): CAPK sizes each node VM by CPUs and memory',
  },
  {
    name: 'a pool that scales from zero for CAPK (the description\'s minimum 0 reaches CapkCluster\'s rule)',
    build: base(CAPK, onePool({ minimum: 0 })),
    error: '[k/cluster-1-capk] workerPools[0].minReplicas: 0 must be a whole number of at least 1',
  },
]);
