/**
 * The talk "High Performance KubeVirt in Action", as a cdk8s app.
 *
 * Two GitOps apps, because their manifests go to two clusters:
 * - `vm-cluster/`: the KubeVirt cluster: every manifest shown in the talk (the bridge NAD `my-ns/my-bridge`,
 *   the VM `my-vm`, the cloned DataVolume `my-cloned-dv`, the shared storage network `rook-ceph/ceph`) and the
 *   talk's use cases as stacks: high-performance VMs next to Ceph, isolated tenants, a golden-image catalog
 *   with an upload-fed image for air-gapped clusters, and the talk's two Kubernetes clusters as Cluster API
 *   clusters (`clusters.k8s.yaml`): CAPK runs in this cluster (its in-cluster mode), so the Cluster API objects,
 *   the clusters' namespaces and their tenant networks all go here;
 * - `garden/`: the Gardener garden cluster: the same two clusters as Gardener shoots, one file per resource.
 *   Gardener's KubeVirt provider was archived in 2022, so nothing maintained reconciles these Shoots; CAPK is the
 *   maintained way to run them (see docs/clusters-on-kubevirt.md).
 *
 * Next to the KubeVirt cluster's manifests, `cluster-prerequisites.md` says what they need from that cluster
 * (feature gates, minimum versions, node settings).
 *
 * Every VM gets stable MACs and cloud-init network data for all its NICs, and SSH public keys (not secret: they
 * may stay in Git). User data that may hold secrets never goes into Git: the talk's VM pulls it from a secret
 * store through an ExternalSecret.
 *
 * examples/python/main.py is the same app in Python and writes byte-identical output.
 * (A user of the published package imports from 'cdk8s-kubevirt' instead of '../src'.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import {
  AccessMode, BridgeNetwork, CloneSource, ClonedDisk, CloudInit, ClusterPrerequisites, ClusterProvider, ExternalSecretValue, GitOpsApp,
  GoldenImageCatalogStack, Grantee, HighPerformanceVmStack, ImageSource, Ipam, KubernetesClustersStack, KubeVirtVm, ManifestLayout,
  MultiTenantVmStack, NetworkAttachmentReference, NodeBridgePolicy, SecretStoreReference, SharedCephNetwork, SshKeys, StackCluster, StackStorage,
  StorageApi, VmDisk,
} from '../src';

const UBUNTU = 'https://cloud-images.ubuntu.com/releases/24.04/release-20250805/ubuntu-24.04-server-cloudimg-amd64.img';
const ARGOCD = Grantee.serviceAccount('argocd', 'argocd-application-controller');
/** The operators' SSH public key (a public key is not secret). */
const OPS_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example.com';
/** Where secret material lives: a ClusterSecretStore of the External Secrets Operator. */
const VAULT = SecretStoreReference.clusterSecretStore('vault');
const KUBERNETES = '1.33.4';

/**
 * The talk's two clusters, each with its own tenant network and the shared Ceph network, described once and written
 * both as Gardener shoots and as CAPK clusters. Only the VLANs differ: on the KubeVirt cluster VLAN 1234 of br1
 * is the talk's my-bridge, and the app-wide network plan refuses a second network on it.
 */
export function twoClusters(vlans: number[]): StackCluster[] {
  return [1, 2].map((i) => ({
    name: `cluster-${i}`,
    vlan: vlans[i - 1],
    range: `10.250.${i}.0/24`,
    gateway: `10.250.${i}.1`,
    dnsServers: [`10.250.${i}.53`],
    // CAPK: the API server's VIP on the node network (served by kube-vip on the control-plane VMs).
    apiServerAddress: `10.250.${i}.10`,
    pools: [{
      name: 'worker',
      minimum: 2,
      maximum: 5,
      machineType: 'standard-4', // Gardener: the CloudProfile's 4 CPUs / 16Gi
      cpu: 4, // CAPK
      memory: '16Gi', // CAPK
      volumeSize: '30Gi',
      dataVolumes: [{ name: 'containerd', size: '100Gi' }],
    }],
  }));
}

/** The KubeVirt cluster. */
export function vmCluster(outdir: string): GitOpsApp {
  const app = new GitOpsApp({ outdir, layout: ManifestLayout.FILE_PER_CHART });

  // The node side: br1 on bond0 carries exactly the VLANs used below.
  const infra = new Chart(app, 'infrastructure');
  new NodeBridgePolicy(infra, 'br1', { bridge: 'br1', uplink: 'bond0', mtu: 9000, nodeSelector: { 'kubevirt.io/schedulable': 'true' } });
  // "VMs and Ceph attach to the same net-attach-def": the shared storage network rook-ceph/ceph.
  const storage = new SharedCephNetwork(infra, 'ceph', {
    bridge: 'br1',
    vlan: 100,
    mtu: 9000,
    range: '192.168.100.0/24',
    nodeRange: '192.168.100.0/28',
    cephCluster: { cephImage: 'quay.io/ceph/ceph:v19.2.3', spec: { storage: { useAllNodes: true, useAllDevices: true } } },
  });

  // The talk's manifests, as on the slides.
  const talk = new Chart(app, 'talk', { namespace: 'my-ns' });
  const myBridge = new BridgeNetwork(talk, 'my-bridge', {
    name: 'my-bridge',
    bridge: 'br1',
    vlan: 1234,
    ipam: Ipam.whereabouts({ range: '10.123.124.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.123.124.1' }] }),
  });
  new KubeVirtVm(talk, 'my-vm', {
    name: 'my-vm',
    memory: '2Gi',
    // One default route per guest: the pod network's; the guest ignores my-bridge's route to 0.0.0.0/0.
    networks: [{ network: myBridge, name: 'other-net', defaultRoute: false }],
    rootDisk: VmDisk.fromContainerImage('quay.io/containerdisks/fedora:41'),
    cloudInit: CloudInit.noCloud({ userDataFromStore: ExternalSecretValue.fromStore(VAULT, 'vms/my-ns/my-vm', { property: 'user-data' }) }),
    sshKeys: SshKeys.fromPublicKeys([OPS_KEY]),
  });
  new ClonedDisk(talk, 'my-cloned-dv', {
    name: 'my-cloned-dv',
    source: CloneSource.fromPvc('my-ns', 'my-source-dv'),
    storageApi: StorageApi.PVC,
    accessModes: [AccessMode.READ_WRITE_ONCE],
    size: '10Gi',
    storageClass: 'storage-provisioner',
  });

  // Golden images, imported once; one arrives by upload for air-gapped clusters.
  new GoldenImageCatalogStack(app, 'images', {
    namespace: 'golden-images',
    storageClass: 'ceph-block',
    images: [{ name: 'ubuntu-24-04', source: ImageSource.http(UBUNTU), size: '10Gi' }],
    uploadImages: [{ name: 'rhel-9-airgapped', size: '20Gi' }],
    uploaders: [Grantee.group('image-uploaders')],
    clones: [{ name: 'ubuntu-scratch', namespace: 'lab', image: 'ubuntu-24-04', size: '30Gi' }],
    applier: ARGOCD,
  });

  // High-performance VMs next to Ceph.
  new HighPerformanceVmStack(app, 'hpc', {
    namespace: 'hpc',
    bridge: 'br1',
    storage: StackStorage.existing(storage),
    vmVlan: 300,
    vmRange: '10.30.0.0/24',
    vmGateway: '10.30.0.1',
    storageClass: 'ceph-block',
    image: { name: 'ubuntu-24-04', source: ImageSource.http(UBUNTU), size: '10Gi' },
    vms: [{ name: 'db-1', cpu: 8, memory: '32Gi', diskSize: '100Gi' }, { name: 'db-2', cpu: 8, memory: '32Gi', diskSize: '100Gi' }],
    sshKeys: SshKeys.fromPublicKeys([OPS_KEY]),
  });

  // Fully isolated tenants: Multus default networks, no pod network, storage reachable, nothing else.
  new MultiTenantVmStack(app, 'tenants', {
    bridge: 'br1',
    storage: StackStorage.existing(storage),
    image: { name: 'ubuntu-24-04', source: ImageSource.http(UBUNTU), size: '10Gi' },
    imageNamespace: 'tenant-images',
    storageClass: 'ceph-block',
    tenants: [
      {
        name: 'tenant-a',
        vlan: 2001,
        range: '10.201.0.0/24',
        gateway: '10.201.0.1',
        dnsServers: ['10.201.0.53'],
        quota: { cpu: '32', memory: '128Gi', virtualMachines: 20 },
        admins: [Grantee.group('tenant-a-admins')],
        vms: [{ name: 'web-1' }, { name: 'web-2' }],
        sshKeys: SshKeys.fromPublicKeys([OPS_KEY]),
      },
      {
        name: 'tenant-b',
        vlan: 2002,
        range: '10.202.0.0/24',
        gateway: '10.202.0.1',
        dnsServers: ['10.202.0.53'],
        vms: [{ name: 'ci-runner', cpu: 4, memory: '8Gi', diskSize: '40Gi' }],
        sshKeys: SshKeys.fromPublicKeys([OPS_KEY]),
      },
    ],
  });

  // The talk's two clusters through Cluster API Provider KubeVirt: each in its own isolated tenant, nodes on the
  // tenant network with the storage network beside it, root disks cloned from one node image.
  new KubernetesClustersStack(app, 'clusters', {
    provider: ClusterProvider.capk({
      // A Kubernetes node image from Cluster API's image-builder (kubeadm and kubelet of KUBERNETES).
      image: { name: 'ubuntu-2404-kube-v1-33-4', source: ImageSource.registry('docker://registry.example.com/capi-images/ubuntu-2404-kube:v1.33.4'), size: '20Gi' },
      imageNamespace: 'golden-images',
      storageClass: 'ceph-block',
    }),
    bridge: 'br1',
    kubernetesVersion: KUBERNETES,
    sharedNetworks: [storage],
    clusters: twoClusters([3001, 3002]),
  });
  return app;
}

/** The garden cluster: "multiple shoot clusters can access shared networks and create their own isolated tenant networks". */
export function garden(outdir: string): GitOpsApp {
  const app = new GitOpsApp({ outdir, layout: ManifestLayout.FILE_PER_RESOURCE });
  new KubernetesClustersStack(app, 'shoots', {
    provider: ClusterProvider.gardener({
      projectNamespace: 'garden-dev',
      region: 'local',
      cloudProfileName: 'kubevirt',
      credentialsBindingName: 'hosting-cluster',
      machineImageName: 'ubuntu',
      machineImageVersion: '24.4.0',
      volumeType: 'ceph-block',
      zones: ['zone-a'],
    }),
    bridge: 'br1',
    kubernetesVersion: KUBERNETES,
    sharedNetworks: [NetworkAttachmentReference.fromName('rook-ceph', 'ceph')],
    clusters: twoClusters([1234, 2345]), // the talk's VLANs
  });
  return app;
}

/**
 * Writes both apps under `outdir`, and next to the KubeVirt cluster's manifests what they need from that cluster
 * (`vm-cluster/cluster-prerequisites.md`).
 */
export function synthesize(outdir: string): void {
  const vms = vmCluster(path.join(outdir, 'vm-cluster'));
  vms.synth();
  fs.writeFileSync(path.join(outdir, 'vm-cluster', 'cluster-prerequisites.md'), ClusterPrerequisites.of(vms).toMarkdown());
  garden(path.join(outdir, 'garden')).synth();
}

if (require.main === module) {
  synthesize(process.env.CDK8S_OUTDIR ?? 'dist');
}
