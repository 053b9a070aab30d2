import { App, Chart } from 'cdk8s';
import { Ipam, KubeVirtShoot, KubeVirtShootProps, NetworkAttachmentReference, ShootWorkerProps, VmDns } from '../../src';
import { describeBadInputs } from '../util/expect-error';
import { synthObjects } from '../util/synth';

// Each row is a rule of Gardener v1.149 (pkg/api/core/validation/shoot.go, project.go, the Shoot admission plugin)
// or of the KubeVirt provider's webhook (gardener-extension-provider-kubevirt v0.2.0 pkg/apis/kubevirt/validation)
// that concerns a field KubeVirtShoot writes: GIVEN a valid shoot spoiled in one field, WHEN it is synthesized, THEN
// it fails with the library's error naming the field, the value and the rule.

const worker: ShootWorkerProps = {
  name: 'w', machineType: 'm', machineImageName: 'ubuntu', machineImageVersion: '1', minimum: 1, maximum: 2, zones: ['a'], volumeSize: '20Gi', volumeType: 'standard',
};
const base: KubeVirtShootProps = {
  name: 's',
  namespace: 'garden-dev',
  region: 'local',
  cloudProfileName: 'kubevirt',
  credentialsBindingName: 'hosting',
  kubernetesVersion: '1.33.4',
  nodesCidr: '10.250.0.0/16',
  workers: [worker],
};
const shoot = (c: Chart, props: Partial<KubeVirtShootProps> = {}) => new KubeVirtShoot(c, 's', { ...base, ...props });
const pool = (props: Partial<ShootWorkerProps> = {}) => ({ workers: [{ ...worker, ...props }] });
/** Workerless: no workers and none of the fields Gardener forbids without them, unless `props` adds one. */
const workerless = (c: Chart, props: Record<string, unknown> = {}) => new KubeVirtShoot(c, 's', {
  ...base, credentialsBindingName: undefined, nodesCidr: undefined, workers: [], ...props,
});
const routed = (range: string, gateway: string) => Ipam.whereabouts({ range, routes: [{ destination: '0.0.0.0/0', gateway }] });
const defaultNetwork = (extra: Record<string, unknown> = {}) => ({
  tenantNetworks: [{ name: 'a', isDefault: true, network: { bridge: 'br1', vlan: 1, ipam: routed('10.1.0.0/24', '10.1.0.1') }, ...extra }],
  nodesCidr: undefined,
});
const dns = VmDns.custom({ nameservers: ['10.1.0.53'] });

describe('KubeVirtShoot: the base of the bad-input rows is valid', () => {
  test('the base shoot synthesizes, with the node network and the CredentialsBinding it was given', () => {
    const app = new App();
    shoot(new Chart(app, 'test'));
    const [s] = synthObjects(app).filter((o) => o.kind === 'Shoot');
    expect(s.spec.networking.nodes).toBe('10.250.0.0/16');
    expect(s.spec.credentialsBindingName).toBe('hosting');
    expect(s.spec.secretBindingName).toBeUndefined();
  });
});

describeBadInputs('KubeVirtShoot: Gardener\'s names and limits', [
  {
    name: 'a shoot name with "--" (Gardener separates project and shoot with it)',
    build: (c) => shoot(c, { name: 'a--b' }),
    error: '[test/s] name: "a--b" must not contain "--"',
  },
  {
    name: 'a namespace that is not a project namespace',
    build: (c) => shoot(c, { namespace: 'dev' }),
    error: '[test/s] namespace: "dev" must be a Gardener project namespace: "garden" or "garden-<name>"',
  },
  {
    name: 'a project name over 10 characters',
    build: (c) => shoot(c, { namespace: 'garden-development' }),
    error: '[test/s] projectName: "development" must have at most 10 characters and no "--"',
  },
  {
    name: 'shoot name plus project name over 21 characters',
    build: (c) => shoot(c, { name: 'a-very-long-shoot-nam' }),
    error: '[test/s] name: "a-very-long-shoot-nam" must have at most 21 characters together with the project name "dev"',
  },
  {
    name: 'an empty region',
    build: (c) => shoot(c, { region: '' }),
    error: '[test/s] region: "" is required',
  },
  {
    name: 'a CloudProfile name that is not an object name',
    build: (c) => shoot(c, { cloudProfileName: 'Kube_Virt' }),
    error: '[test/s] cloudProfileName: "Kube_Virt" must be a DNS-1123 subdomain',
  },
  {
    name: 'a Kubernetes version with "v" (CloudProfile versions have none)',
    build: (c) => shoot(c, { kubernetesVersion: 'v1.33.4' }),
    error: '[test/s] kubernetesVersion: "v1.33.4" must be a Kubernetes version of the CloudProfile such as "1.33.4"',
  },
  {
    name: 'a networking type that is not a label name',
    build: (c) => shoot(c, { networkingType: 'calico!' }),
    error: '[test/s] networkingType: "calico!" must be a valid label name',
  },
  {
    name: 'workers that are not a list (JavaScript)',
    build: (c) => shoot(c, { workers: 'w' as any }),
    error: '[test/s] workers: "w" must be a list of worker pools',
  },
]);

describeBadInputs('KubeVirtShoot: credentials (secretBindingName is deprecated, credentialsBindingName preferred)', [
  {
    name: 'a CredentialsBinding name that is not an object name',
    build: (c) => shoot(c, { credentialsBindingName: 'Hosting_Cluster' }),
    error: '[test/s] credentialsBindingName: "Hosting_Cluster" must be a DNS-1123 subdomain',
  },
  {
    name: 'both bindings',
    build: (c) => shoot(c, { secretBindingName: 'old' }),
    error: '[test/s] secretBindingName: "old" cannot be combined with credentialsBindingName',
  },
  {
    name: 'no binding on a shoot with workers',
    build: (c) => shoot(c, { credentialsBindingName: undefined }),
    error: '[test/s] credentialsBindingName: undefined is required',
  },
  {
    name: 'a SecretBinding on Kubernetes 1.34',
    build: (c) => shoot(c, { credentialsBindingName: undefined, secretBindingName: 'old', kubernetesVersion: '1.34' }),
    error: '[test/s] secretBindingName: "old" is refused by Gardener for Kubernetes 1.34 and later (kubernetesVersion 1.34); use credentialsBindingName',
  },
]);

describeBadInputs('KubeVirtShoot: workerless shoots (Gardener\'s rules, then the provider\'s)', [
  {
    name: 'a CredentialsBinding on a workerless shoot',
    build: (c) => workerless(c, { credentialsBindingName: 'hosting' }),
    error: '[test/s] credentialsBindingName: "hosting" must not be set without worker pools: Gardener forbids it on a workerless shoot',
  },
  {
    name: 'a SecretBinding on a workerless shoot',
    build: (c) => workerless(c, { secretBindingName: 'hosting' }),
    error: '[test/s] secretBindingName: "hosting" must not be set without worker pools: Gardener forbids it on a workerless shoot',
  },
  {
    name: 'tenant networks on a workerless shoot (an infrastructureConfig)',
    build: (c) => workerless(c, { tenantNetworks: [{ name: 'a', network: { bridge: 'br1', vlan: 1 } }] }),
    error: '[test/s] tenantNetworks: ["a"] must be empty without worker pools: Gardener forbids it on a workerless shoot (spec.provider.infrastructureConfig)',
  },
  {
    name: 'shared networks on a workerless shoot',
    build: (c) => workerless(c, { sharedNetworks: [NetworkAttachmentReference.fromName('rook-ceph', 'ceph')] }),
    error: '[test/s] sharedNetworks: ["ceph"] must be empty without worker pools',
  },
  {
    name: 'a networking type on a workerless shoot',
    build: (c) => workerless(c, { networkingType: 'calico' }),
    error: '[test/s] networkingType: "calico" must not be set without worker pools',
  },
  {
    name: 'a pod network on a workerless shoot',
    build: (c) => workerless(c, { podsCidr: '100.96.0.0/11' }),
    error: '[test/s] podsCidr: "100.96.0.0/11" must not be set without worker pools',
  },
  {
    name: 'a node network on a workerless shoot',
    build: (c) => workerless(c, { nodesCidr: '10.250.0.0/16' }),
    error: '[test/s] nodesCidr: "10.250.0.0/16" must not be set without worker pools',
  },
  {
    name: 'a workerless KubeVirt shoot at all',
    build: (c) => workerless(c),
    error: '[test/s] workers: [] must list at least one worker pool: Gardener forbids networking.nodes on a workerless shoot, and the KubeVirt provider requires networking.nodes on every KubeVirt shoot',
  },
]);

describeBadInputs('KubeVirtShoot: node, pod and service networks', [
  {
    name: 'no node network (the provider requires networking.nodes)',
    build: (c) => shoot(c, { nodesCidr: undefined }),
    error: '[test/s] nodesCidr: undefined is required without a default tenant network: the KubeVirt provider refuses a shoot without networking.nodes',
  },
  {
    name: 'a node network other than the default tenant network\'s range',
    build: (c) => shoot(c, { ...defaultNetwork(), nodesCidr: '10.9.0.0/24', workers: [{ ...worker, dns }] }),
    error: '[test/s] nodesCidr: "10.9.0.0/24" must be the range "10.1.0.0/24" of the default tenant network "a" (or left out)',
  },
  {
    name: 'an IPv6 node network',
    build: (c) => shoot(c, { nodesCidr: 'fd00::/64' }),
    error: '[test/s] nodesCidr: "fd00::/64" must be an IPv4 CIDR: the shoot is single-stack IPv4',
  },
  {
    name: 'an IPv6 default tenant network (the node network)',
    build: (c) => shoot(c, { tenantNetworks: [{ name: 'a', isDefault: true, network: { bridge: 'br1', vlan: 1, ipam: Ipam.whereabouts({ range: 'fd00:1::/64', routes: [{ destination: '::/0', gateway: 'fd00:1::1' }] }) } }], nodesCidr: undefined }),
    error: '[test/s] tenantNetworks[0].network.ipam: "fd00:1::/64" must assign IPv4 addresses: the default network\'s range becomes the shoot\'s node network',
  },
  {
    name: 'an IPv6 pod network',
    build: (c) => shoot(c, { podsCidr: 'fd00:1::/48' }),
    error: '[test/s] podsCidr: "fd00:1::/48" must be an IPv4 CIDR: the shoot is single-stack IPv4',
  },
  {
    name: 'a service network in Gardener\'s reserved VPN ranges',
    build: (c) => shoot(c, { servicesCidr: '243.0.0.0/16' }),
    error: '[test/s] servicesCidr: "243.0.0.0/16" overlaps 240.0.0.0/8 to 244.0.0.0/8, which Gardener reserves for the VPN between seed and shoot',
  },
  {
    name: 'a pod network that overlaps the node network',
    build: (c) => shoot(c, { podsCidr: '10.250.128.0/17' }),
    error: '[test/s] podsCidr: "10.250.128.0/17" overlaps the node network "10.250.0.0/16" (nodesCidr): a cluster\'s node, pod and service networks must be disjoint',
  },
  {
    name: 'a service network that overlaps the pod network',
    build: (c) => shoot(c, { podsCidr: '100.96.0.0/11', servicesCidr: '100.100.0.0/16' }),
    error: '[test/s] servicesCidr: "100.100.0.0/16" overlaps the pod network "100.96.0.0/11" (podsCidr)',
  },
  {
    name: 'a service network that overlaps the default tenant network (the node network)',
    build: (c) => shoot(c, { ...defaultNetwork(), servicesCidr: '10.0.0.0/8', workers: [{ ...worker, dns }] }),
    error: '[test/s] servicesCidr: "10.0.0.0/8" overlaps the node network "10.1.0.0/24" (tenantNetworks[0].network.ipam)',
  },
  {
    name: 'a default tenant network without a route out',
    build: (c) => shoot(c, { tenantNetworks: [{ name: 'a', isDefault: true, network: { bridge: 'br1', vlan: 1, ipam: Ipam.whereabouts({ range: '10.1.0.0/24' }) } }], nodesCidr: undefined }),
    error: '[test/s] tenantNetworks[0].network: "a" gives no default route, so nodes on it as their only network reach neither the shoot\'s API server in the seed nor any registry',
  },
  {
    name: 'an acknowledgement on a network that is not the default',
    build: (c) => shoot(c, { tenantNetworks: [{ name: 'a', network: { bridge: 'br1', vlan: 1 }, acknowledgeNoDns: true }] }),
    error: '[test/s] tenantNetworks[0].acknowledgeNoDns: true only applies to the default network (isDefault: true)',
  },
]);

describeBadInputs('KubeVirtShoot: worker pools as Gardener and the provider validate them', [
  {
    name: 'a worker pool name over 15 characters',
    build: (c) => shoot(c, pool({ name: 'workerpool-large' })),
    error: '[test/s] workers[0].name: "workerpool-large" must be a DNS-1123 label of at most 15 characters (Gardener\'s limit for worker pool names)',
  },
  {
    name: 'no machine type',
    build: (c) => shoot(c, pool({ machineType: '' })),
    error: '[test/s] workers[0].machineType: "" is required: Gardener looks it up in the CloudProfile',
  },
  {
    name: 'minimum 0 with maximum above 0 (the provider does not scale from zero)',
    build: (c) => shoot(c, pool({ minimum: 0, maximum: 2 })),
    error: '[test/s] workers[0].minimum: 0 must be at least 1 when maximum is above 0 (maximum 2): the KubeVirt provider does not scale worker pools from zero',
  },
  {
    name: 'an empty zone name',
    build: (c) => shoot(c, pool({ zones: [''] })),
    error: '[test/s] workers[0].zones[0]: "" must be a zone name',
  },
  {
    name: 'a zone listed twice',
    build: (c) => shoot(c, pool({ zones: ['a', 'a'] })),
    error: '[test/s] workers[0].zones[1]: "a" is listed twice',
  },
  {
    name: 'no volumeType (the provider requires volume.type)',
    build: (c) => shoot(c, pool({ volumeType: undefined as any })),
    error: '[test/s] workers[0].volumeType: undefined is required: the KubeVirt provider refuses a worker without volume.type',
  },
  {
    name: 'a root disk size that is not whole gibibytes',
    build: (c) => shoot(c, pool({ volumeSize: '20G' })),
    error: '[test/s] workers[0].volumeSize: "20G" must be a whole number of gibibytes such as "30Gi"',
  },
  {
    name: 'a data volume name over 15 characters',
    build: (c) => shoot(c, pool({ dataVolumes: [{ name: 'containerd-cache', size: '10Gi' }] })),
    error: '[test/s] workers[0].dataVolumes[0].name: "containerd-cache" must be a DNS-1123 label of at most 15 characters (Gardener\'s limit for volume names)',
  },
  {
    name: 'two data volumes of one name',
    build: (c) => shoot(c, pool({ dataVolumes: [{ name: 'd', size: '10Gi' }, { name: 'd', size: '20Gi' }] })),
    error: '[test/s] workers[0].dataVolumes[1].name: "d" is used by another data volume of the pool',
  },
  {
    name: 'a data volume size in Mi',
    build: (c) => shoot(c, pool({ dataVolumes: [{ name: 'd', size: '512Mi' }] })),
    error: '[test/s] workers[0].dataVolumes[0].size: "512Mi" must be a whole number of gibibytes',
  },
  {
    name: 'a data volume with an empty volume type (the provider requires dataVolumes[].type)',
    build: (c) => shoot(c, pool({ dataVolumes: [{ name: 'd', size: '10Gi', storageClass: '' }] })),
    error: '[test/s] workers[0].dataVolumes[0].storageClass: "" must name a volume type of the CloudProfile',
  },
  {
    name: 'DNS settings that are not a VmDns (JavaScript)',
    build: (c) => shoot(c, pool({ dns: { policy: 'None' } as any })),
    error: '[test/s] workers[0].dns: {"policy":"None"} must be a VmDns',
  },
  {
    name: 'a worker pool on a default tenant network without DNS (provider issues #31/#32)',
    build: (c) => shoot(c, defaultNetwork()),
    error: '[test/s] workers[0].dns: undefined must give resolvers the node VMs can reach: the default tenant network "a" replaces their pod network',
  },
  {
    name: 'a worker pool on a default tenant network with the hosting cluster\'s DNS',
    build: (c) => shoot(c, { ...defaultNetwork(), workers: [{ ...worker, dns: VmDns.clusterFirst() }] }),
    error: '[test/s] workers[0].dns: "ClusterFirst" must give resolvers the node VMs can reach',
  },
  {
    name: 'seven DNS search domains for the node VMs (KubeVirt still allows 6)',
    build: (c) => shoot(c, pool({ dns: VmDns.custom({ nameservers: ['10.0.0.53'], searches: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }) })),
    error: '[test/s] workers[0].dns.searches: ["a","b","c","d","e","f","g"] must list at most 6 search domains',
  },
  {
    name: 'no pool that can run system components',
    build: (c) => shoot(c, pool({ minimum: 0, maximum: 0 })),
    error: '[test/s] workers: [0] must have a pool with maximum above 0',
  },
  {
    name: 'a pool with fewer nodes than zones',
    build: (c) => shoot(c, pool({ zones: ['a', 'b', 'c'], minimum: 1, maximum: 2 })),
    error: '[test/s] workers[0].maximum: 2 must be at least the number of zones (3)',
  },
]);
