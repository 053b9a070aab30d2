import { Chart } from 'cdk8s';
import {
  CapkBootstrapCheck, CapkCluster, CapkClusterProps, CapkMachineProps, CapkWorkerPoolProps, Ipam, IsolatedTenant, NetworkAttachmentReference,
  PodNetwork, SharedCephNetwork, VmDisk, VmDns, VmPort, VmServiceType,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';

// Each row is a rule of Cluster API v1.10.9 (its webhooks), of CAPK v0.1.10 (what its controllers create and reach)
// or of KubeVirt for the node VMs: GIVEN a valid CAPK cluster spoiled in one place, WHEN it is synthesized, THEN it
// fails with the library's error naming the field, the value and the rule.

const machine: CapkMachineProps = { cpu: 2, memory: '4Gi', rootDisk: VmDisk.fromContainerImage('registry.example.com/capi/node:v1.33.4') };
const base: CapkClusterProps = { name: 'c', kubernetesVersion: '1.33.4', controlPlane: { machine }, workerPools: [{ name: 'md-0', machine }] };
const capk = (c: Chart, props: Partial<CapkClusterProps> = {}) => new CapkCluster(c, 'c', { ...base, ...props });
const cp = (m: Partial<CapkMachineProps> | Record<string, unknown>) => ({ controlPlane: { machine: { ...machine, ...m } as CapkMachineProps } });
const pool = (p: Partial<CapkWorkerPoolProps>) => ({ workerPools: [{ name: 'md-0', machine, ...p }] });
/** A tenant whose network (10.250.1.0/24) is the nodes' default network, with the Ceph network granted. */
function tenantCluster(c: Chart, props: Partial<CapkClusterProps> = {}, m: Partial<CapkMachineProps> = {}) {
  const ceph = new SharedCephNetwork(c, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24' });
  const t = new IsolatedTenant(c, 't', {
    name: 't',
    defaultNetwork: { name: 'nodes', bridge: 'br1', vlan: 10, ipam: Ipam.whereabouts({ range: '10.250.1.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.250.1.1' }] }) },
    sharedNetworks: [ceph],
  });
  const isolated: CapkMachineProps = {
    ...machine,
    networks: [{ network: t.defaultNetwork, isDefault: true }, { network: ceph, name: 'storage' }],
    dns: VmDns.custom({ nameservers: ['10.250.1.53'] }),
    ...m,
  };
  return new CapkCluster(c, 'c', {
    ...base, namespace: 't', controlPlane: { machine: isolated }, workerPools: [], controlPlaneEndpoint: { host: '10.250.1.10' }, ...props,
  });
}

describeBadInputs('CapkCluster: Cluster API names, versions and replicas', [
  {
    name: 'a cluster name that does not start with a letter (CAPK\'s Service "<name>-lb" is a DNS-1035 label)',
    build: (c) => capk(c, { name: '1-cluster' }),
    error: '[test/c] name: "1-cluster" must be a DNS-1035 label of at most 60 characters',
  },
  {
    name: 'a cluster name of 61 characters',
    build: (c) => capk(c, { name: `c${'x'.repeat(60)}` }),
    error: 'must be a DNS-1035 label of at most 60 characters (lower-case letters, digits and \'-\', starting with a letter): CAPK names the control-plane Service "<name>-lb"',
  },
  {
    name: 'a Kubernetes version without a patch number (Cluster API\'s webhooks refuse it)',
    build: (c) => capk(c, { kubernetesVersion: '1.33' }),
    error: '[test/c] kubernetesVersion: "1.33" must be a full Kubernetes version such as "v1.33.4"',
  },
  {
    name: 'no control plane (JavaScript)',
    build: (c) => capk(c, { controlPlane: undefined as any }),
    error: '[test/c] controlPlane: undefined is required: a Cluster API cluster needs a control plane',
  },
  {
    name: 'worker pools that are not a list (JavaScript)',
    build: (c) => capk(c, { workerPools: {} as any }),
    error: '[test/c] workerPools: {} must be a list of worker pools',
  },
  {
    name: 'an even number of control-plane machines (stacked etcd)',
    build: (c) => capk(c, { controlPlane: { replicas: 2, machine } }),
    error: '[test/c] controlPlane.replicas: 2 must be an odd whole number of at least 1: the control-plane machines run stacked etcd, which needs a majority',
  },
  {
    name: 'no control-plane machines',
    build: (c) => capk(c, { controlPlane: { replicas: 0, machine } }),
    error: '[test/c] controlPlane.replicas: 0 must be an odd whole number of at least 1',
  },
  {
    name: 'a service type that is not a VmServiceType (JavaScript)',
    build: (c) => capk(c, { controlPlaneServiceType: 'ExternalName' as VmServiceType }),
    error: '[test/c] controlPlaneServiceType: "ExternalName" must be one of VmServiceType.CLUSTER_IP',
  },
  {
    name: 'a bootstrap check that is not a CapkBootstrapCheck (JavaScript)',
    build: (c) => capk(c, { bootstrapCheck: 'ping' as CapkBootstrapCheck }),
    error: '[test/c] bootstrapCheck: "ping" must be one of CapkBootstrapCheck.SSH ("ssh"), CapkBootstrapCheck.NONE ("none")',
  },
  {
    name: 'an endpoint host that is neither an address nor a DNS name',
    build: (c) => capk(c, { controlPlaneEndpoint: { host: 'https://api.example.com' } }),
    error: '[test/c] controlPlaneEndpoint.host: "https://api.example.com" must be an IP address or a DNS name',
  },
  {
    name: 'an endpoint port out of range',
    build: (c) => capk(c, { controlPlaneEndpoint: { host: '10.0.0.10', port: 70000 } }),
    error: '[test/c] controlPlaneEndpoint.port: 70000 must be an integer from 1 to 65535',
  },
]);

describeBadInputs('CapkCluster: worker pools', [
  {
    name: 'a pool whose MachineDeployment name would exceed 63 characters (a label value in Cluster API)',
    build: (c) => capk(c, pool({ name: `p${'x'.repeat(61)}` })),
    error: 'must be a DNS-1123 label that keeps "c-<pool>" within 63 characters: Cluster API uses the MachineDeployment\'s name as a label value',
  },
  {
    name: 'a pool named like the control plane',
    build: (c) => capk(c, pool({ name: 'control-plane' })),
    error: '[test/c] workerPools[0].name: "control-plane" is the name of the control plane\'s objects (c-control-plane); pick another',
  },
  {
    name: 'two pools of one name',
    build: (c) => capk(c, { workerPools: [{ name: 'md-0', machine }, { name: 'md-0', machine }] }),
    error: '[test/c] workerPools[1].name: "md-0" is used by another worker pool; pool names are unique',
  },
  {
    name: 'fixed replicas on an autoscaled pool',
    build: (c) => capk(c, pool({ replicas: 2, minReplicas: 1, maxReplicas: 3 })),
    error: '[test/c] workerPools[0].replicas: 2 cannot be combined with minReplicas/maxReplicas: the cluster autoscaler owns the replicas of an autoscaled pool',
  },
  {
    name: 'an autoscaled pool with one bound only',
    build: (c) => capk(c, pool({ minReplicas: 1 })),
    error: '[test/c] workerPools[0].maxReplicas: undefined is required with the other bound: the cluster autoscaler needs both annotations',
  },
  {
    name: 'an autoscaled pool with an upper bound only',
    build: (c) => capk(c, pool({ maxReplicas: 3 })),
    error: '[test/c] workerPools[0].minReplicas: undefined is required with the other bound',
  },
  {
    name: 'an autoscaled pool from zero (CAPK reports no node capacity)',
    build: (c) => capk(c, pool({ minReplicas: 0, maxReplicas: 3 })),
    error: '[test/c] workerPools[0].minReplicas: 0 must be a whole number of at least 1: the cluster autoscaler scales a Cluster API pool up from zero only when it knows the node capacity, which CAPK v0.1.10 does not report',
  },
  {
    name: 'an autoscaled pool whose maximum is below its minimum',
    build: (c) => capk(c, pool({ minReplicas: 3, maxReplicas: 2 })),
    error: '[test/c] workerPools[0].maxReplicas: 2 must be a whole number of at least minReplicas (3)',
  },
  {
    name: 'a negative replica count',
    build: (c) => capk(c, pool({ replicas: -1 })),
    error: '[test/c] workerPools[0].replicas: -1 must be a whole number >= 0',
  },
]);

describeBadInputs('CapkCluster: node VMs as CAPK creates them', [
  {
    name: 'no machine for the control plane (JavaScript)',
    build: (c) => capk(c, { controlPlane: { machine: undefined as any } }),
    error: '[test/c] controlPlane.machine: undefined is required: the VM of each machine',
  },
  {
    name: 'cloud-init on a machine (CAPK writes the bootstrap data as cloud-init)',
    build: (c) => capk(c, cp({ cloudInit: { userData: '#cloud-config' } })),
    error: '[test/c] controlPlane.machine.cloudInit: {"userData":"#cloud-config"} is not a setting of a machine: CAPK writes each node\'s cloud-init: the kubeadm bootstrap data and its own capk user',
  },
  {
    name: 'a host name on a machine (kubeadm needs distinct node names)',
    build: (c) => capk(c, cp({ hostname: 'node' })),
    error: '[test/c] controlPlane.machine.hostname: "node" is not a setting of a machine',
  },
  {
    name: 'no root disk',
    build: (c) => capk(c, cp({ rootDisk: undefined })),
    error: '[test/c] controlPlane.machine.rootDisk: undefined is required: a VmDisk the machines boot from',
  },
  {
    name: 'a disk named like CAPK\'s bootstrap volume',
    build: (c) => capk(c, cp({ disks: [VmDisk.blank('1Gi', { name: 'cloudinitvolume' })] })),
    error: '[test/c] controlPlane.machine.disks[0].name: "cloudinitvolume" is the volume CAPK adds to every node VM for its bootstrap data',
  },
  {
    name: 'an existing DataVolume every machine would share',
    build: (c) => capk(c, cp({ disks: [VmDisk.fromDataVolume('shared-data')] })),
    error: '[test/c] controlPlane.machine.disks: "shared-data" is an existing DataVolume that every machine would share',
  },
  {
    name: 'an existing PersistentVolumeClaim as root disk',
    build: (c) => capk(c, cp({ rootDisk: VmDisk.fromPvc('golden-root') })),
    error: '[test/c] controlPlane.machine.rootDisk: "golden-root" is an existing PersistentVolumeClaim that every machine would share',
  },
  {
    name: 'a fixed MAC address on a machine\'s network (every machine of the pool would get it)',
    build: (c) => tenantCluster(c, {}, { networks: [{ network: NetworkAttachmentReference.fromName('t', 'nodes'), isDefault: true, macAddress: '02:00:00:00:00:01', acknowledgeNoRouteOut: true }] }),
    error: '[test/c] controlPlane.machine.networks[0].macAddress: "02:00:00:00:00:01" cannot be set on a machine: every VM made from the template would get it',
  },
  {
    name: 'a fixed MAC address on a machine\'s pod network',
    build: (c) => capk(c, cp({ podNetwork: PodNetwork.masquerade({ macAddress: '02:00:00:00:00:01' }) })),
    error: '[test/c] controlPlane.machine.podNetwork.macAddress: "02:00:00:00:00:01" cannot be set on a machine',
  },
  {
    name: 'a masquerade pod network that does not forward the API server port',
    build: (c) => capk(c, cp({ podNetwork: PodNetwork.masquerade({ ports: [VmPort.ssh()] }) })),
    error: '[test/c] controlPlane.machine.podNetwork.ports: ["22/TCP"] must forward 6443/TCP: CAPK\'s control-plane Service sends API server traffic to it',
  },
  {
    name: 'a masquerade pod network that does not forward SSH with the SSH bootstrap check',
    build: (c) => capk(c, pool({ machine: { ...machine, podNetwork: PodNetwork.masquerade({ ports: [VmPort.tcp(10250, 'kubelet')] }) } })),
    error: '[test/c] workerPools[0].machine.podNetwork.ports: ["10250/TCP"] must forward 22/TCP with the SSH bootstrap check',
  },
  {
    name: 'a machine with too little memory for KubeVirt (the VM rules apply to node VMs)',
    build: (c) => capk(c, cp({ memory: '512k' })),
    error: '[test/c/controlPlane.machine] memory: "512k" must be at least 1M',
  },
]);

describeBadInputs('CapkCluster: isolated node networks and the app-wide rules', [
  {
    name: 'isolated machines without a control-plane endpoint (CAPK\'s Service routes over the pod network)',
    build: (c) => tenantCluster(c, { controlPlaneEndpoint: undefined }),
    error: '[test/c] controlPlaneEndpoint: undefined is required: the machines of controlPlane.machine have no pod network (their default network is t/nodes), and CAPK\'s control-plane Service c-lb reaches the API servers over the pod network only',
  },
  {
    name: 'isolated machines without DNS settings',
    build: (c) => tenantCluster(c, {}, { dns: undefined }),
    error: '[test/c/controlPlane.machine] dns: undefined must give resolvers the VM can reach',
  },
  {
    name: 'a pod network that overlaps the node network',
    build: (c) => tenantCluster(c, { podsCidr: '10.250.0.0/16' }),
    error: '[test/c] podsCidr: "10.250.0.0/16" overlaps the node network "10.250.1.0/24" (network t/nodes): a cluster\'s node, pod and service networks must be disjoint',
  },
  {
    name: 'a service network that overlaps the Ceph storage network the nodes attach to',
    build: (c) => tenantCluster(c, { servicesCidr: '192.168.0.0/16' }),
    error: '[test/c] servicesCidr: "192.168.0.0/16" overlaps the node network "192.168.100.0/24" (network rook-ceph/ceph)',
  },
  {
    name: 'a service network that overlaps the pod network',
    build: (c) => capk(c, { podsCidr: '100.96.0.0/11', servicesCidr: '100.100.0.0/16' }),
    error: '[test/c] servicesCidr: "100.100.0.0/16" overlaps the pod network "100.96.0.0/11" (podsCidr)',
  },
  {
    name: 'a pod network that is not a CIDR',
    build: (c) => capk(c, { podsCidr: '100.96.0.0' }),
    error: '[test/c] podsCidr: "100.96.0.0" must be a CIDR',
  },
  {
    name: 'machines on the pod network in a tenant\'s namespace, whose NetworkPolicy drops CAPK\'s traffic (app-wide)',
    build: (c) => {
      capk(c, { namespace: 't' });
      new IsolatedTenant(c, 't', { name: 't', defaultNetwork: { bridge: 'br1', vlan: 10 } });
    },
    error: '[test/c] controlPlane.machine.podNetwork: "t" is the namespace of tenant "t", whose NetworkPolicy admits pod-network traffic from that namespace only',
  },
  {
    name: 'node VMs in a tenant\'s namespace on a shared network not granted to it (app-wide)',
    build: (c) => {
      tenantCluster(c);
      const other = NetworkAttachmentReference.fromName('kube-system', 'mgmt');
      new CapkCluster(c, 'rogue', { ...base, name: 'rogue', namespace: 't', controlPlane: { machine: { ...machine, networks: [{ network: other }] } }, workerPools: [] });
    },
    error: '[test/rogue/controlPlane.machine] networks[0]: "kube-system/mgmt" is not granted to tenant "t"; grant it with grantSharedNetwork() first',
  },
]);
