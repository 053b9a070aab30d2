import { App, Chart } from 'cdk8s';
import {
  CapkBootstrapCheck, CapkCluster, CapkClusterProps, CapkMachineProps, GoldenImage, ImageSource, Ipam, IsolatedTenant, PodNetwork, SharedCephNetwork,
  VmDisk, VmDns, VmPort, VmServiceType,
} from '../../src';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

const find = (objects: ManifestObject[], kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const NODE_IMAGE = ImageSource.registry('docker://registry.example.com/capi/ubuntu-2404-kube:v1.33.4');

/**
 * GIVEN the talk's setting for one cluster: a Kubernetes node image imported once into `golden-images`, the shared
 * Ceph storage network, and a tenant whose own network (VLAN 1234) is the nodes' default network.
 */
function isolatedCluster(overrides: Partial<CapkClusterProps> = {}) {
  const app = new App();
  const images = new Chart(app, 'images', { namespace: 'golden-images' });
  const image = new GoldenImage(images, 'node', { name: 'ubuntu-2404-kube', source: NODE_IMAGE, size: '20Gi', storageClass: 'ceph-block' });
  const chart = new Chart(app, 'clusters');
  const ceph = new SharedCephNetwork(chart, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24' });
  const tenant = new IsolatedTenant(chart, 'tenant', {
    name: 'cluster-1',
    defaultNetwork: {
      name: 'nodes',
      bridge: 'br1',
      vlan: 1234,
      // The API server VIP 10.250.1.10 is kept out of the pool, so no node gets it.
      ipam: Ipam.whereabouts({ range: '10.250.1.0/24', gateway: '10.250.1.1', exclude: ['10.250.1.10/32'], routes: [{ destination: '0.0.0.0/0', gateway: '10.250.1.1' }] }),
    },
    sharedNetworks: [ceph],
  });
  const machine: CapkMachineProps = {
    cpu: 2,
    memory: '4Gi',
    networks: [{ network: tenant.defaultNetwork, name: 'nodes', isDefault: true }, { network: ceph, name: 'storage' }],
    dns: VmDns.custom({ nameservers: ['10.250.1.53'] }),
    rootDisk: VmDisk.fromGoldenImage(image, { size: '30Gi' }),
  };
  // WHEN a CAPK cluster with a control plane and one worker pool is written into the tenant's namespace
  const cluster = new CapkCluster(chart, 'cluster-1', {
    name: 'cluster-1',
    namespace: tenant.namespace,
    kubernetesVersion: '1.33.4',
    controlPlane: { machine },
    workerPools: [{ name: 'worker', replicas: 2, machine: { ...machine, cpu: 4, memory: '16Gi', disks: [VmDisk.blank('100Gi', { name: 'containerd' })] } }],
    podsCidr: '100.96.0.0/11',
    servicesCidr: '100.64.0.0/13',
    controlPlaneEndpoint: { host: '10.250.1.10' },
    ...overrides,
  });
  return { app, cluster, tenant, ceph };
}

describe('CapkCluster: a cluster isolated on its tenant network, with the Ceph network granted', () => {
  const { app, cluster } = isolatedCluster();
  // THEN every object is valid against the Cluster API v1.10.9 and CAPK v0.1.10 CRDs (synthObjects checks them)
  const objects = synthObjects(app);
  const capi = objects.filter((o) => o.apiVersion.includes('cluster.x-k8s.io'));
  const templates = find(objects, 'KubevirtMachineTemplate');
  const cpTemplate = templates.find((t) => t.metadata.name.startsWith('cluster-1-control-plane-'))!;
  const workerTemplate = templates.find((t) => t.metadata.name.startsWith('cluster-1-worker-'))!;
  const vmSpec = (t: ManifestObject) => t.spec.template.spec.virtualMachineTemplate.spec;

  test('snapshot of the Cluster API objects', () => {
    expect(capi).toMatchSnapshot();
  });

  test('a complete CAPK cluster: Cluster, KubevirtCluster, KubeadmControlPlane with its template, and per pool a MachineDeployment, KubeadmConfigTemplate and KubevirtMachineTemplate', () => {
    expect(capi.map((o) => `${o.apiVersion} ${o.kind}`).sort()).toStrictEqual([
      'bootstrap.cluster.x-k8s.io/v1beta1 KubeadmConfigTemplate',
      'cluster.x-k8s.io/v1beta1 Cluster',
      'cluster.x-k8s.io/v1beta1 MachineDeployment',
      'controlplane.cluster.x-k8s.io/v1beta1 KubeadmControlPlane',
      'infrastructure.cluster.x-k8s.io/v1alpha1 KubevirtCluster',
      'infrastructure.cluster.x-k8s.io/v1alpha1 KubevirtMachineTemplate',
      'infrastructure.cluster.x-k8s.io/v1alpha1 KubevirtMachineTemplate',
    ]);
    expect(new Set(capi.map((o) => o.metadata.namespace))).toStrictEqual(new Set(['cluster-1']));
  });

  test('the references between the objects resolve (kind, name and namespace), as Cluster API\'s webhooks demand', () => {
    const byRef = (ref: any) => objects.find((o) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace}/${o.metadata.name}` === `${ref.apiVersion}/${ref.kind}/${ref.namespace}/${ref.name}`);
    const c = find(objects, 'Cluster', 'cluster-1')[0];
    expect(byRef(c.spec.infrastructureRef)?.kind).toBe('KubevirtCluster');
    expect(byRef(c.spec.controlPlaneRef)?.kind).toBe('KubeadmControlPlane');
    const kcp = find(objects, 'KubeadmControlPlane')[0];
    expect(byRef(kcp.spec.machineTemplate.infrastructureRef)).toBe(cpTemplate);
    const md = find(objects, 'MachineDeployment')[0];
    expect(byRef(md.spec.template.spec.infrastructureRef)).toBe(workerTemplate);
    expect(byRef(md.spec.template.spec.bootstrap.configRef)?.kind).toBe('KubeadmConfigTemplate');
    // The selector matches the template's labels (machinedeployment webhook), so Cluster API adds nothing a GitOps tool would fight.
    expect(md.spec.selector.matchLabels).toStrictEqual(md.spec.template.metadata.labels);
    expect([md.spec.clusterName, md.spec.replicas]).toStrictEqual(['cluster-1', 2]);
  });

  test('versions are full semantic versions with "v", as Cluster API stores them', () => {
    expect(find(objects, 'KubeadmControlPlane')[0].spec.version).toBe('v1.33.4');
    expect(find(objects, 'MachineDeployment')[0].spec.template.spec.version).toBe('v1.33.4');
    expect(cluster.kubernetesVersion).toBe('v1.33.4');
  });

  test('node VMs are fully isolated: the tenant network is their default network, no pod network, plus the Ceph network', () => {
    for (const t of [cpTemplate, workerTemplate]) {
      const spec = vmSpec(t).template.spec;
      expect(spec.networks).toStrictEqual([
        { name: 'nodes', multus: { networkName: 'cluster-1/nodes', default: true } },
        { name: 'storage', multus: { networkName: 'rook-ceph/ceph' } },
      ]);
      expect(spec.domain.devices.autoattachPodInterface).toBe(false);
      // The hosting cluster's DNS is unreachable without its pod network (the provider issues #31/#32 in Gardener's case).
      expect([spec.dnsPolicy, spec.dnsConfig]).toStrictEqual(['None', { nameservers: ['10.250.1.53'] }]);
    }
  });

  test('without a pod network, CAPK\'s Service cannot front the API servers: the endpoint is the VIP on the node network', () => {
    const kc = find(objects, 'KubevirtCluster')[0];
    expect(kc.spec.controlPlaneEndpoint).toStrictEqual({ host: '10.250.1.10', port: 6443 });
    // CAPK would log in to interfaces[0] (the tenant network) from its own pod; the default check is "none" here.
    expect(templates.map((t) => t.spec.template.spec.virtualMachineBootstrapCheck)).toStrictEqual([{ checkStrategy: 'none' }, { checkStrategy: 'none' }]);
  });

  test('root disks are cloned from the golden image through dataVolumeTemplates, named after the disk (CAPK prefixes the machine name)', () => {
    const spec = vmSpec(workerTemplate);
    expect(spec.dataVolumeTemplates.map((d: any) => d.metadata.name)).toStrictEqual(['root', 'containerd']);
    expect(spec.dataVolumeTemplates[0].spec.sourceRef).toStrictEqual({ kind: 'DataSource', name: 'ubuntu-2404-kube', namespace: 'golden-images' });
    expect(spec.dataVolumeTemplates[1].spec.source).toStrictEqual({ blank: {} });
    expect(spec.template.spec.volumes).toStrictEqual([{ name: 'root', dataVolume: { name: 'root' } }, { name: 'containerd', dataVolume: { name: 'containerd' } }]);
    // No label names one VM: CAPK labels each VM with its own name.
    expect(spec.template.metadata?.labels?.['vm.kubevirt.io/name']).toBeUndefined();
    // CAPK adds the only cloud-init volume (its bootstrap data) and each VM gets its own MAC: the template has neither.
    for (const t of [cpTemplate, workerTemplate]) {
      expect(vmSpec(t).template.spec.volumes.filter((v: any) => v.name === 'cloudinitvolume' || v.cloudInitNoCloud || v.cloudInitConfigDrive)).toStrictEqual([]);
      expect(vmSpec(t).template.spec.domain.devices.interfaces.filter((i: any) => i.macAddress !== undefined)).toStrictEqual([]);
    }
  });

  test('the clone across namespaces comes with the RoleBinding CDI checks, for the node VMs\' service account', () => {
    const bindings = find(objects, 'RoleBinding').filter((b) => b.roleRef.name === 'cdi.kubevirt.io:clone-sourcer');
    expect(bindings.map((b) => [b.metadata.namespace, b.subjects])).toStrictEqual([
      ['golden-images', [{ kind: 'ServiceAccount', name: 'default', namespace: 'cluster-1' }]],
    ]);
  });

  test('no VirtualMachine is written: CAPK creates one per Machine from the template', () => {
    expect(find(objects, 'VirtualMachine')).toStrictEqual([]);
  });

  test('node drains hand the VM to CAPK (evictionStrategy External), as CAPK\'s templates do', () => {
    expect(templates.map((t) => vmSpec(t).template.spec.evictionStrategy)).toStrictEqual(['External', 'External']);
  });
});

describe('CapkCluster: machine templates are immutable in CAPK, so their names follow their content', () => {
  const templateNames = (overrides: Partial<CapkClusterProps> = {}) => {
    const { app } = isolatedCluster(overrides);
    return find(synthObjects(app), 'KubevirtMachineTemplate').map((t) => t.metadata.name);
  };

  test('the same content gives the same names; a change gives new ones (and Cluster API rolls the machines)', () => {
    const first = templateNames();
    expect(templateNames()).toStrictEqual(first);
    const changed = templateNames({ bootstrapCheck: CapkBootstrapCheck.SSH });
    expect(changed.every((n, i) => n !== first[i])).toBe(true);
    expect(first.every((n) => /^cluster-1-(control-plane|worker)-[0-9a-f]{8}$/.test(n))).toBe(true);
  });
});

describe('CapkCluster: a cluster on the hosting cluster\'s pod network (CAPK\'s default shape)', () => {
  const app = new App();
  const chart = new Chart(app, 'clusters', { namespace: 'capi-clusters' });
  const machine: CapkMachineProps = { cpu: 2, memory: '4Gi', rootDisk: VmDisk.fromContainerImage('registry.example.com/capi/ubuntu-2404-kube-disk:v1.33.4') };
  new CapkCluster(chart, 'dev', {
    name: 'dev',
    kubernetesVersion: 'v1.33.4',
    controlPlane: { replicas: 3, machine },
    workerPools: [{ name: 'md-0', minReplicas: 1, maxReplicas: 5, machine }],
    controlPlaneServiceType: VmServiceType.LOAD_BALANCER,
  });
  const objects = synthObjects(app);

  test('CAPK\'s Service fronts the API servers (no endpoint written) and CAPK checks bootstrap over SSH', () => {
    const kc = find(objects, 'KubevirtCluster')[0];
    expect(kc.spec).toStrictEqual({ controlPlaneServiceTemplate: { spec: { type: 'LoadBalancer' } } });
    expect(find(objects, 'KubevirtMachineTemplate').map((t) => t.spec.template.spec.virtualMachineBootstrapCheck.checkStrategy)).toStrictEqual(['ssh', 'ssh']);
    expect(find(objects, 'KubevirtMachineTemplate')[0].spec.template.spec.virtualMachineTemplate.spec.template.spec.networks).toStrictEqual([{ name: 'default', pod: {} }]);
  });

  test('an autoscaled pool carries the autoscaler\'s bounds and no replicas, which the autoscaler owns', () => {
    const md = find(objects, 'MachineDeployment')[0];
    expect(md.spec.replicas).toBeUndefined();
    expect(md.metadata.annotations).toMatchObject({
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '1',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '5',
    });
    expect(find(objects, 'KubeadmControlPlane')[0].spec.replicas).toBe(3);
  });

  test('a masquerade pod network that forwards API server and SSH ports is enough', () => {
    const app2 = new App();
    const c2 = new Chart(app2, 'c');
    new CapkCluster(c2, 'dev', {
      name: 'dev',
      kubernetesVersion: '1.33.4',
      controlPlane: { machine: { ...machine, podNetwork: PodNetwork.masquerade({ ports: [VmPort.tcp(6443, 'api'), VmPort.ssh()] }) } },
    });
    expect(find(synthObjects(app2), 'KubeadmControlPlane')).toHaveLength(1);
  });
});
