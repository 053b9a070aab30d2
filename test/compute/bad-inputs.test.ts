import { Chart, Duration } from 'cdk8s';
import {
  AttachmentKind, BridgeNetwork, CloudInit, ClusterProfile, DiskBus, DiskCache, DiskIo, EvictionStrategy, ExternalSecretValue, HugepageSize,
  InterfaceBinding, Ipam, IoThreadsPolicy, KubeVirtVm, KubeVirtVmProps, MacAddressSource, MacvlanNetwork, NetworkAttachmentReference, NicModel,
  PerformanceProfile, PodNetwork, RunStrategy, SecretStoreReference, SshKeyPropagation, SshKeys, VmDisk, VmDns, VmInstancetype, VmPort,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';

// Networks of the app the rows build on.
const routed = (c: Chart) => new BridgeNetwork(c, 'net', {
  name: 'my-bridge',
  namespace: 'my-ns',
  bridge: 'br1',
  vlan: 1234,
  ipam: Ipam.whereabouts({ range: '10.123.124.0/24', routes: [{ destination: '0.0.0.0/0', gateway: '10.123.124.1' }] }),
});
const l2 = (c: Chart) => new BridgeNetwork(c, 'l2', { name: 'l2', namespace: 'my-ns', bridge: 'br2' });
const sriov = NetworkAttachmentReference.fromName('my-ns', 'sriov-net', { kind: AttachmentKind.SRIOV });
const other = NetworkAttachmentReference.fromName('other-ns', 'foreign');
const dns = VmDns.custom({ nameservers: ['10.123.124.53'] });

/** A valid VM in my-ns plus the given props. */
const vm = (c: Chart, props: KubeVirtVmProps = {}) => new KubeVirtVm(c, 'vm', { name: 'vm', namespace: 'my-ns', memory: '2Gi', ...props });

// Each row: the input, and the error the library must raise (construct path, field, bad value, rule).
// Sources: kubevirt pkg/network/admitter (section 1 of the domain rules), vmi-create-admitter.go,
// pkg/storage/admitters and pkg/instancetype/apply (section 7).
describeBadInputs('compute, networks (domain rules section 1): bad inputs fail synthesis with their message', [
  {
    name: 'interface name with a space',
    build: (c) => vm(c).addNetwork(routed(c), { name: 'other net' }),
    error: '[test/vm] networks[0].name: "other net" must contain only letters, digits, \'-\' and \'_\'',
  },
  {
    name: 'two interfaces with one name',
    build: (c) => vm(c, { networks: [{ network: routed(c), name: 'lan' }, { network: sriov, name: 'lan' }] }),
    error: '[test/vm] networks[1].name: "lan" is used by another interface of the VM; interface names must be unique',
  },
  {
    name: 'a Multus interface named like the pod interface',
    build: (c) => vm(c).addNetwork(routed(c), { name: 'default' }),
    error: '[test/vm] networks[0].name: "default" is used by another interface of the VM',
  },
  {
    name: 'two Multus default networks',
    build: (c) => vm(c, {
      dns,
      networks: [{ network: routed(c), isDefault: true }, { network: sriov, isDefault: true, acknowledgeNoRouteOut: true }],
    }),
    error: '[test/vm] networks[1].isDefault: true conflicts with networks[0]: a VM has at most one default network',
  },
  {
    name: 'a Multus default network next to an explicit pod network',
    build: (c) => vm(c, { dns, podNetwork: PodNetwork.masquerade(), networks: [{ network: routed(c), isDefault: true }] }),
    error: '[test/vm] networks[0].isDefault: true cannot be combined with a pod network: a Multus default network replaces the pod network',
  },
  {
    name: 'masquerade on a Multus network',
    build: (c) => vm(c).addNetwork(routed(c), { binding: InterfaceBinding.MASQUERADE }),
    error: '[test/vm] networks[0].binding: "masquerade" must not be masquerade: masquerade binding works only on the pod network',
  },
  {
    name: 'SR-IOV binding on a bridge network',
    build: (c) => vm(c).addNetwork(routed(c), { binding: InterfaceBinding.SRIOV }),
    error: '[test/vm] networks[0].binding: "sriov" must not be sriov: my-ns/my-bridge is not an SR-IOV network',
  },
  {
    name: 'bridge binding on an SR-IOV network',
    build: (c) => vm(c).addNetwork(sriov, { binding: InterfaceBinding.BRIDGE }),
    error: '[test/vm] networks[0].binding: "bridge" must be sriov: my-ns/sriov-net is an SR-IOV network',
  },
  {
    name: 'MAC address that does not parse',
    build: (c) => vm(c).addNetwork(routed(c), { macAddress: '02:00:5e:00:53' }),
    error: '[test/vm] networks[0].macAddress: "02:00:5e:00:53" must be a MAC address of 6 bytes',
  },
  {
    name: 'MAC address longer than 6 bytes (EUI-64)',
    build: (c) => vm(c).addNetwork(routed(c), { macAddress: '02:00:5e:10:00:00:00:01' }),
    error: '[test/vm] networks[0].macAddress: "02:00:5e:10:00:00:00:01" must be a MAC address of 6 bytes',
  },
  {
    name: 'the in-pod bridge\'s MAC on masquerade',
    build: (c) => vm(c, { podNetwork: PodNetwork.masquerade({ macAddress: '02:00:00:00:00:00' }) }),
    error: '[test/vm] podNetwork.macAddress: "02:00:00:00:00:00" is reserved for the in-pod bridge of masquerade binding',
  },
  {
    name: 'multicast MAC address',
    build: (c) => vm(c).addNetwork(routed(c), { macAddress: '01:00:5e:00:00:01' }),
    error: '[test/vm] networks[0].macAddress: "01:00:5e:00:00:01" must be a unicast MAC address',
  },
  {
    name: 'NIC model KubeVirt does not know',
    build: (c) => vm(c).addNetwork(routed(c), { model: 'rtl8169' as NicModel }),
    error: '[test/vm] networks[0].model: "rtl8169" must be one of NicModel.VIRTIO ("virtio"), NicModel.E1000 ("e1000"), NicModel.E1000E ("e1000e"), NicModel.IGB ("igb"), NicModel.NE2K_PCI ("ne2k_pci"), NicModel.PCNET ("pcnet"), NicModel.RTL8139 ("rtl8139")',
  },
  {
    name: 'NIC model on an SR-IOV interface',
    build: (c) => vm(c).addNetwork(sriov, { model: NicModel.VIRTIO }),
    error: '[test/vm] networks[0].model: "virtio" does not apply to SR-IOV',
  },
  {
    name: 'PCI address that does not parse',
    build: (c) => vm(c).addNetwork(routed(c), { pciAddress: '81:01.0' }),
    error: '[test/vm] networks[0].pciAddress: "81:01.0" must be a PCI address domain:bus:slot.function',
  },
  {
    name: 'port 0',
    build: (c) => vm(c, { podNetwork: PodNetwork.masquerade({ ports: [VmPort.tcp(0)] }) }),
    error: '[test/vm] podNetwork.ports[0].port: 0 must be an integer from 1 to 65535',
  },
  {
    name: 'port above 65535',
    build: (c) => vm(c, { podNetwork: PodNetwork.masquerade({ ports: [VmPort.udp(70000)] }) }),
    error: '[test/vm] podNetwork.ports[0].port: 70000 must be an integer from 1 to 65535',
  },
  {
    name: 'two ports with one name',
    build: (c) => vm(c, { podNetwork: PodNetwork.masquerade({ ports: [VmPort.tcp(80, 'web'), VmPort.tcp(8080, 'web')] }) }),
    error: '[test/vm] podNetwork.ports[1].name: "web" is used by another port of the interface',
  },
  {
    name: 'port name that is not an IANA service name',
    build: (c) => vm(c, { podNetwork: PodNetwork.masquerade({ ports: [VmPort.tcp(22, 'SSH_port')] }) }),
    error: '[test/vm] podNetwork.ports[0].name: "SSH_port" must be an IANA service name',
  },
  {
    name: 'default network without a route out',
    build: (c) => vm(c, { dns, networks: [{ network: l2(c), isDefault: true }] }),
    error: '[test/vm] networks[0].network: "my-ns/l2" gives no default route',
  },
  {
    name: 'default network without DNS settings',
    build: (c) => vm(c, { networks: [{ network: routed(c), isDefault: true }] }),
    error: '[test/vm] dns: undefined must give resolvers the VM can reach: its default network my-ns/my-bridge replaces the pod network',
  },
  {
    name: 'default network with cluster DNS, which it cannot reach',
    build: (c) => vm(c, { dns: VmDns.clusterFirst(), networks: [{ network: routed(c), isDefault: true }] }),
    error: '[test/vm] dns: "ClusterFirst" must give resolvers the VM can reach',
  },
  {
    name: 'acknowledgement on a network that is not the default',
    build: (c) => vm(c).addNetwork(l2(c), { acknowledgeNoRouteOut: true }),
    error: '[test/vm] networks[0].acknowledgeNoRouteOut: true only applies to the default network (isDefault: true)',
  },
  {
    name: 'a network of another namespace under Multus namespace isolation',
    build: (c) => vm(c, { multusNamespaceIsolation: true, multusGlobalNamespaces: ['infra'] }).addNetwork(other),
    error: '[test/vm] networks[0].network: "other-ns/foreign" is refused by Multus namespace isolation: a VM in "my-ns" may use NetworkAttachmentDefinitions of "my-ns", "default", "infra" only',
  },
  {
    name: 'more than 3 name servers',
    build: (c) => vm(c, { dns: VmDns.custom({ nameservers: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'] }) }),
    error: '[test/vm] dns.nameservers: ["10.0.0.1","10.0.0.2","10.0.0.3","10.0.0.4"] must list 1 to 3 name servers',
  },
  {
    name: 'a name server that is not an address',
    build: (c) => vm(c, { dns: VmDns.custom({ nameservers: ['dns.example.com'] }) }),
    error: '[test/vm] dns.nameservers[0]: "dns.example.com" must be an IPv4 or IPv6 address',
  },
  {
    name: 'a search domain that is not a DNS name',
    build: (c) => vm(c, { dns: VmDns.custom({ nameservers: ['10.0.0.1'], searches: ['Bad_Domain'] }) }),
    error: '[test/vm] dns.searches[0]: "Bad_Domain" must be a DNS-1123 subdomain',
  },
  {
    name: 'a Service on a fully isolated VM',
    build: (c) => vm(c, { dns, networks: [{ network: routed(c), isDefault: true }] }).exposeViaService(),
    error: '[test/vm] service: "vm" cannot reach the VM: Services route over the pod network and the VM is fully isolated (its default network is the Multus network my-ns/my-bridge)',
  },
  {
    name: 'isolating a VM that already has a Service',
    build: (c) => {
      const v = vm(c, { dns });
      v.exposeViaService();
      v.addNetwork(routed(c), { isDefault: true });
    },
    error: '[test/vm] networks[0].isDefault: true would isolate the VM from the pod network its Service vm needs',
  },
  {
    name: 'a Service port the pod interface does not forward',
    build: (c) => vm(c, { podNetwork: PodNetwork.masquerade({ ports: [VmPort.tcp(80, 'http')] }) }).exposeViaService(),
    error: '[test/vm] service.ports[0]: "22/TCP" is not forwarded to the guest',
  },
  {
    name: 'a Service with two unnamed ports',
    build: (c) => vm(c).exposeViaService({ ports: [VmPort.tcp(80), VmPort.tcp(443)] }),
    error: '[test/vm] service.ports[0].name: undefined is required when the Service has more than one port',
  },
  {
    name: 'a NIC booting at the root disk\'s position',
    build: (c) => vm(c, { rootDisk: VmDisk.fromPvc('root') }).addNetwork(routed(c), { bootOrder: 1 }),
    error: '[test/vm] networks[0].bootOrder: 1 is already the boot order of rootDisk.bootOrder',
  },
  {
    name: 'multi-queue with an e1000 NIC',
    build: (c) => vm(c, { networkInterfaceMultiqueue: true }).addNetwork(routed(c), { model: NicModel.E1000 }),
    error: '[test/vm] networks[0].model: "e1000" must be virtio with networkInterfaceMultiqueue',
  },
]);

describeBadInputs('compute, VM template and performance (domain rules section 7): bad inputs fail synthesis with their message', [
  {
    name: 'host name that is not a DNS label',
    build: (c) => vm(c, { hostname: 'db.example' }),
    error: '[test/vm] hostname: "db.example" must be a DNS-1123 label',
  },
  {
    name: 'subdomain that is not a DNS subdomain',
    build: (c) => vm(c, { subdomain: 'DB_Sub' }),
    error: '[test/vm] subdomain: "DB_Sub" must be a DNS-1123 subdomain',
  },
  {
    name: 'VM name that is not a DNS label',
    build: (c) => vm(c, { name: 'my.vm' }),
    error: '[test/vm] name: "my.vm" must be a DNS-1123 label',
  },
  {
    name: 'dataVolumeTemplates entry with a bad name',
    build: (c) => vm(c, { rootDisk: VmDisk.blank('10Gi', { dataVolumeName: 'Root_Disk' }) }),
    error: '[test/vm] rootDisk.dataVolumeName: "Root_Disk" must be a DNS-1123 subdomain',
  },
  {
    name: 'two disks owning one DataVolume',
    build: (c) => vm(c, { rootDisk: VmDisk.blank('10Gi', { dataVolumeName: 'dv' }), disks: [VmDisk.blank('10Gi', { dataVolumeName: 'dv' })] }),
    error: '[test/vm] disks[0].dataVolumeName: "dv" is the DataVolume of another disk of the VM',
  },
  {
    name: 'blank disk smaller than 1Mi',
    build: (c) => vm(c, { disks: [VmDisk.blank('512Ki')] }),
    error: '[test/vm] disks[0].size: "512Ki" must be at least 1Mi',
  },
  {
    name: 'isolated emulator thread without dedicated CPUs',
    build: (c) => vm(c, { isolateEmulatorThread: true }),
    error: '[test/vm] isolateEmulatorThread: true needs dedicatedCpuPlacement',
  },
  {
    name: 'NUMA passthrough without dedicated CPUs',
    build: (c) => vm(c, { numaGuestMappingPassthrough: true, hugepages: HugepageSize.SIZE_2MI }),
    error: '[test/vm] numaGuestMappingPassthrough: true needs dedicatedCpuPlacement',
  },
  {
    name: 'NUMA passthrough without hugepages',
    build: (c) => vm(c, { dedicatedCpuPlacement: true, numaGuestMappingPassthrough: true }),
    error: '[test/vm] numaGuestMappingPassthrough: true needs hugepages',
  },
  {
    name: 'real-time vCPUs without dedicated CPUs',
    build: (c) => vm(c, { realtime: true }),
    error: '[test/vm] realtime: true needs dedicatedCpuPlacement',
  },
  {
    name: 'real-time vCPUs without NUMA passthrough',
    build: (c) => vm(c, { realtime: true, dedicatedCpuPlacement: true }),
    error: '[test/vm] realtime: true needs numaGuestMappingPassthrough',
  },
  {
    name: 'memory that is not a multiple of the hugepage size',
    build: (c) => vm(c, { memory: '1025Mi', performance: PerformanceProfile.lowLatency() }),
    error: '[test/vm] memory: "1025Mi" must be a multiple of the hugepage size 2Mi',
  },
  {
    name: 'memory smaller than one hugepage',
    build: (c) => vm(c, { memory: '512Mi', hugepages: HugepageSize.SIZE_1GI }),
    error: '[test/vm] memory: "512Mi" must be a multiple of the hugepage size 1Gi',
  },
  {
    name: 'three threads per core with dedicated CPUs',
    build: (c) => vm(c, { threads: 3, performance: PerformanceProfile.dedicatedCpu() }),
    error: '[test/vm] threads: 3 must be at most 2 with dedicated CPU placement',
  },
  {
    name: 'fractional CPU request with dedicated CPUs',
    build: (c) => vm(c, { cpuRequest: '1500m', performance: PerformanceProfile.dedicatedCpu() }),
    error: '[test/vm] cpuRequest: "1500m" must be a whole number of CPUs with dedicated CPU placement',
  },
  {
    name: 'CPU request other than the vCPUs with dedicated CPUs',
    build: (c) => vm(c, { cpu: 4, cpuRequest: '2', performance: PerformanceProfile.dedicatedCpu() }),
    error: '[test/vm] cpuRequest: "2" must equal the vCPUs (4) with dedicated CPU placement',
  },
  {
    name: 'memory limit above the request with dedicated CPUs',
    build: (c) => vm(c, { memoryLimit: '3Gi', dedicatedCpuPlacement: true }),
    error: '[test/vm] memoryLimit: "3Gi" must equal memory (2Gi) with dedicated CPU placement',
  },
  {
    name: 'CPU request above the limit',
    build: (c) => vm(c, { cpuRequest: '2', cpuLimit: '1' }),
    error: '[test/vm] cpuRequest: "2" must not exceed cpuLimit (1)',
  },
  {
    name: 'memory limit below the memory',
    build: (c) => vm(c, { memoryLimit: '1Gi' }),
    error: '[test/vm] memoryLimit: "1Gi" must be at least memory (2Gi)',
  },
  {
    name: 'memory below 1M',
    build: (c) => vm(c, { memory: '512Ki' }),
    error: '[test/vm] memory: "512Ki" must be at least 1M',
  },
  {
    name: 'no memory and no instancetype',
    build: (c) => new KubeVirtVm(c, 'vm', { name: 'vm' }),
    error: '[test/vm] memory: undefined is required without an instancetype',
  },
  {
    name: 'memory next to an instancetype',
    build: (c) => vm(c, { instancetype: VmInstancetype.cluster('u1.medium') }),
    error: '[test/vm] memory: "2Gi" conflicts with the instancetype (VirtualMachineClusterInstancetype u1.medium)',
  },
  {
    name: 'CPU topology next to an instancetype',
    build: (c) => new KubeVirtVm(c, 'vm', { cpu: 2, instancetype: VmInstancetype.namespaced('small') }),
    error: '[test/vm] cpu: 2 conflicts with the instancetype (VirtualMachineInstancetype small)',
  },
  {
    name: 'dedicated CPUs next to an instancetype',
    build: (c) => new KubeVirtVm(c, 'vm', { instancetype: VmInstancetype.cluster('u1.medium'), performance: PerformanceProfile.dedicatedCpu() }),
    error: '[test/vm] dedicatedCpuPlacement: true cannot be combined with an instancetype',
  },
  {
    name: 'supplemental IO thread pool without a thread count',
    build: (c) => vm(c, { ioThreadsPolicy: IoThreadsPolicy.SUPPLEMENTAL_POOL }),
    error: '[test/vm] ioThreadsSupplementalPoolThreadCount: undefined must be a positive integer with the supplementalPool IO threads policy',
  },
  {
    name: 'thread count without the supplemental pool',
    build: (c) => vm(c, { ioThreadsPolicy: IoThreadsPolicy.AUTO, ioThreadsSupplementalPoolThreadCount: 4 }),
    error: '[test/vm] ioThreadsSupplementalPoolThreadCount: 4 only applies with IoThreadsPolicy.SUPPLEMENTAL_POOL',
  },
  {
    name: 'dedicated IO thread on a SATA disk',
    build: (c) => vm(c, { rootDisk: VmDisk.fromPvc('root', { bus: DiskBus.SATA, dedicatedIoThread: true }) }),
    error: '[test/vm] rootDisk.dedicatedIoThread: true needs a virtio disk (bus is sata)',
  },
  {
    name: 'native IO on a sparse disk',
    build: (c) => vm(c, { rootDisk: VmDisk.blank('10Gi', { io: DiskIo.NATIVE, cache: DiskCache.NONE }) }),
    error: '[test/vm] rootDisk.io: "native" needs a preallocated disk',
  },
  {
    name: 'native IO with the host cache',
    build: (c) => vm(c, { rootDisk: VmDisk.fromPvc('root', { preallocated: true, io: DiskIo.NATIVE, cache: DiskCache.WRITEBACK }) }),
    error: '[test/vm] rootDisk.cache: "writeback" must be none with native IO',
  },
  {
    name: 'cache mode KubeVirt does not know',
    build: (c) => vm(c, { rootDisk: VmDisk.fromPvc('root', { cache: 'unsafe' as DiskCache }) }),
    error: '[test/vm] rootDisk.cache: "unsafe" must be one of DiskCache.NONE ("none"), DiskCache.WRITETHROUGH ("writethrough"), DiskCache.WRITEBACK ("writeback")',
  },
  {
    name: 'IO mode KubeVirt does not know',
    build: (c) => vm(c, { rootDisk: VmDisk.fromPvc('root', { io: 'directsync' as DiskIo }) }),
    error: '[test/vm] rootDisk.io: "directsync" must be one of DiskIo.NATIVE ("native"), DiskIo.THREADS ("threads")',
  },
  {
    name: 'hugepage size KubeVirt does not know',
    build: (c) => vm(c, { hugepages: '4Mi' as HugepageSize }),
    error: '[test/vm] hugepages: "4Mi" must be 2Mi or 1Gi',
  },
  {
    name: 'IO threads policy KubeVirt does not know',
    build: (c) => vm(c, { ioThreadsPolicy: 'dedicated' as IoThreadsPolicy }),
    error: '[test/vm] ioThreadsPolicy: "dedicated" must be one of IoThreadsPolicy.SHARED ("shared"), IoThreadsPolicy.AUTO ("auto"), IoThreadsPolicy.SUPPLEMENTAL_POOL ("supplementalPool")',
  },
  {
    name: 'fractional CPU limit with dedicated CPUs',
    build: (c) => vm(c, { cpuLimit: '0.5', dedicatedCpuPlacement: true }),
    error: '[test/vm] cpuLimit: "0.5" must be a whole number of CPUs with dedicated CPU placement',
  },
  {
    name: 'eviction strategy KubeVirt does not know',
    build: (c) => vm(c, { evictionStrategy: 'Migrate' as EvictionStrategy }),
    error: '[test/vm] evictionStrategy: "Migrate" must be one of EvictionStrategy.LIVE_MIGRATE ("LiveMigrate"), EvictionStrategy.LIVE_MIGRATE_IF_POSSIBLE ("LiveMigrateIfPossible"), EvictionStrategy.NONE ("None"), EvictionStrategy.EXTERNAL ("External")',
  },
  {
    name: 'IDE bus',
    build: (c) => vm(c, { rootDisk: VmDisk.fromPvc('root', { bus: 'ide' as DiskBus }) }),
    error: '[test/vm] rootDisk.bus: "ide" must be one of DiskBus.VIRTIO ("virtio"), DiskBus.SATA ("sata"), DiskBus.SCSI ("scsi"), DiskBus.USB ("usb") (ide is not supported)',
  },
  {
    name: 'disk name that is not a DNS label',
    build: (c) => vm(c, { disks: [VmDisk.fromPvc('data', { name: 'Data' })] }),
    error: '[test/vm] disks[0].name: "Data" must be a DNS-1123 label',
  },
  {
    name: 'two disks with one name',
    build: (c) => vm(c, { disks: [VmDisk.fromPvc('a', { name: 'data' }), VmDisk.fromPvc('b', { name: 'data' })] }),
    error: '[test/vm] disks[1].name: "data" is used by another disk of the VM',
  },
  {
    name: 'a disk named like the cloud-init disk',
    build: (c) => vm(c, { disks: [VmDisk.fromPvc('a', { name: 'cloudinit' })] }),
    error: '[test/vm] disks[0].name: "cloudinit" is reserved for the cloud-init disk',
  },
  {
    name: 'boot order 0',
    build: (c) => vm(c, { rootDisk: VmDisk.fromPvc('root', { bootOrder: 0 }) }),
    error: '[test/vm] rootDisk.bootOrder: 0 must be an integer of at least 1',
  },
  {
    name: 'two disks booting at one position',
    build: (c) => vm(c, { rootDisk: VmDisk.fromPvc('root'), disks: [VmDisk.fromPvc('iso', { bootOrder: 1 })] }),
    error: '[test/vm] disks[0].bootOrder: 1 is already the boot order of rootDisk.bootOrder',
  },
  {
    name: 'user data given twice',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ userData: '#cloud-config\n', userDataSecretName: 'ud' }) }),
    error: '[test/vm] cloudInit.userDataSecretName: "ud" cannot be combined with userData',
  },
  {
    name: 'cloud-init without any data',
    build: (c) => vm(c, { cloudInit: CloudInit.configDrive({}) }),
    error: '[test/vm] cloudInit: {} must have user data or network data',
  },
  {
    name: 'a private key as SSH key',
    build: (c) => vm(c, { sshKeys: SshKeys.fromPublicKeys(['-----BEGIN OPENSSH PRIVATE KEY-----']) }),
    error: '[test/vm] sshKeys[0]: "-----BEGIN OPENSSH PRIVATE KEY-----" must be one OpenSSH public key line',
  },
  {
    name: 'guest agent propagation without users',
    build: (c) => vm(c, { sshKeys: SshKeys.fromSecret('keys', { propagation: SshKeyPropagation.qemuGuestAgent([]) }) }),
    error: '[test/vm] sshKeys.propagation.users: [] must name at least one guest user',
  },
  {
    name: 'run strategy KubeVirt does not know',
    build: (c) => vm(c, { runStrategy: 'Running' as RunStrategy }),
    error: '[test/vm] runStrategy: "Running" must be one of RunStrategy.ALWAYS ("Always"), RunStrategy.HALTED ("Halted"), RunStrategy.MANUAL ("Manual"), RunStrategy.RERUN_ON_FAILURE ("RerunOnFailure"), RunStrategy.ONCE ("Once")',
  },
  {
    name: 'toleration with Exists and a value',
    build: (c) => vm(c, { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }),
    error: '[test/vm] tolerations[0].value: "v" must be empty with the Exists operator',
  },
  {
    name: 'grace period of a fraction of a second',
    build: (c) => vm(c, { terminationGracePeriod: Duration.millis(1500) }),
    error: '[test/vm] terminationGracePeriod: "1.5s" must be a whole number of seconds',
  },
]);

// Stable identity, first-boot configuration and secrets (issue 12). Sources: kubevirt v1.9.0 pkg/network/dhcp and
// pkg/network/setup/netpod (what the guest gets by DHCP), vmi-create-admitter.go (inline data limits).
const storageNet = (c: Chart) => new BridgeNetwork(c, 'st', { name: 'storage', namespace: 'my-ns', bridge: 'br1', vlan: 100, ipam: Ipam.whereabouts({ range: '192.168.100.0/24' }) });
const lanNet = (c: Chart) => new BridgeNetwork(c, 'lan', { name: 'lan', namespace: 'my-ns', bridge: 'br1', vlan: 1300 });
const vault = SecretStoreReference.clusterSecretStore('vault');

describeBadInputs('compute, guest identity and first boot: bad inputs fail synthesis with their message', [
  // MAC addresses
  {
    name: 'the all-zero MAC',
    build: (c) => vm(c).addNetwork(routed(c), { macAddress: '00:00:00:00:00:00' }),
    error: '[test/vm] networks[0].macAddress: "00:00:00:00:00:00" is the all-zero MAC address, which no NIC may use',
  },
  {
    name: 'two VMs with one MAC on one segment (both named)',
    build: (c) => {
      const net = storageNet(c);
      vm(c, { networks: [{ network: net, macAddress: '0a:00:00:00:00:01' }] });
      new KubeVirtVm(c, 'other', { name: 'other', namespace: 'my-ns', memory: '1Gi', networks: [{ network: net, macAddress: '0A-00-00-00-00-01' }] });
    },
    error: '[test/other] networks[0].macAddress: "0a:00:00:00:00:01" is also the MAC of test/vm networks[0] on the segment of my-ns/storage (br1, VLAN 100): MAC addresses must be unique on a layer-2 segment; set macAddress on one of the NICs',
  },
  {
    name: 'a MAC source that is not a MacAddressSource (from JavaScript or Python)',
    build: (c) => vm(c, { macAddresses: 'kubemacpool' as unknown as MacAddressSource }),
    error: '[test/vm] macAddresses: "kubemacpool" must be a MacAddressSource (MacAddressSource.derived() or kubeMacPool())',
  },
  // Bindings that cannot work
  {
    name: 'bridge binding on a macvlan network',
    build: (c) => vm(c).addNetwork(new MacvlanNetwork(c, 'mv', { name: 'mv', namespace: 'my-ns', master: 'eth1' })),
    error: '[test/vm] networks[0].network: "my-ns/mv" is a macvlan network, which KubeVirt\'s bridge binding does not work with',
  },
  // Default routes
  {
    name: 'two NICs that each hand the guest a default route',
    build: (c) => vm(c).addNetwork(routed(c), { name: 'vm' }),
    error: '[test/vm] defaultRoute: ["default","vm"] are NICs that each hand the guest a default route (podNetwork, networks[0]), and a guest with several default routes sends replies out of the wrong NIC; set defaultRoute: false on all but one of them',
  },
  {
    name: 'defaultRoute: false on a NIC with pinned addresses',
    build: (c) => vm(c).addNetwork(lanNet(c), { staticAddresses: ['10.130.0.5/24'], defaultRoute: false }),
    error: '[test/vm] networks[0].defaultRoute: false only applies to a NIC that gets its address by DHCP',
  },
  {
    name: 'defaultRoute: true on a NIC that hands none',
    build: (c) => vm(c).addNetwork(storageNet(c), { defaultRoute: true }),
    error: '[test/vm] networks[0].defaultRoute: true cannot be true: the NIC hands the guest no default route',
  },
  {
    name: 'defaultRoute without generated network data',
    build: (c) => vm(c, { configureGuestNetwork: false }).addNetwork(routed(c), { defaultRoute: false }),
    error: '[test/vm] networks[0].defaultRoute: false needs the generated network data, which this VM does not get: configureGuestNetwork is false',
  },
  // Pinned addresses
  {
    name: 'an address pinned on a whereabouts network',
    build: (c) => vm(c).addNetwork(storageNet(c), { staticAddresses: ['192.168.100.10/24'] }),
    error: '[test/vm] networks[0].staticAddresses: ["192.168.100.10/24"] cannot be pinned on my-ns/storage: its IPAM assigns the NIC an address',
  },
  {
    name: 'an empty list of pinned addresses',
    build: (c) => vm(c).addNetwork(lanNet(c), { staticAddresses: [] }),
    error: '[test/vm] networks[0].staticAddresses: [] must list at least one address such as "10.0.0.5/24"',
  },
  {
    name: 'a pinned address without prefix length',
    build: (c) => vm(c).addNetwork(lanNet(c), { staticAddresses: ['10.130.0.5'] }),
    error: '[test/vm] networks[0].staticAddresses[0]: "10.130.0.5" must be an address with its prefix length, such as "10.0.0.5/24" or "fd00::5/64"',
  },
  {
    name: 'a pinned broadcast address',
    build: (c) => vm(c).addNetwork(lanNet(c), { staticAddresses: ['10.130.0.255/24'] }),
    error: '[test/vm] networks[0].staticAddresses[0]: "10.130.0.255/24" must be a host address, not the network or broadcast address of its subnet',
  },
  {
    name: 'pinned addresses without generated network data (KubeMacPool)',
    build: (c) => vm(c, { macAddresses: MacAddressSource.kubeMacPool() }).addNetwork(lanNet(c), { staticAddresses: ['10.130.0.5/24'] }),
    error: '[test/vm] networks[0].staticAddresses: ["10.130.0.5/24"] needs the generated network data, which this VM does not get: KubeMacPool chooses the MACs',
  },
  {
    name: 'static routes without pinned addresses',
    build: (c) => vm(c).addNetwork(lanNet(c), { staticRoutes: [{ destination: '0.0.0.0/0', gateway: '10.130.0.1' }] }),
    error: '[test/vm] networks[0].staticRoutes: ["0.0.0.0/0"] only apply with staticAddresses',
  },
  {
    name: 'a static route to a destination that is not a CIDR',
    build: (c) => vm(c).addNetwork(lanNet(c), { staticAddresses: ['10.130.0.5/24'], staticRoutes: [{ destination: 'default', gateway: '10.130.0.1' }] }),
    error: '[test/vm] networks[0].staticRoutes[0].destination: "default" must be a CIDR such as "10.0.0.0/24" or "fd00::/64"',
  },
  {
    name: 'a static route to a CIDR with a prefix too long',
    build: (c) => vm(c).addNetwork(lanNet(c), { staticAddresses: ['10.130.0.5/24'], staticRoutes: [{ destination: '10.0.0.0/33', gateway: '10.130.0.1' }] }),
    error: '[test/vm] networks[0].staticRoutes[0].destination: "10.0.0.0/33" must have a prefix length from 0 to 32',
  },
  {
    name: 'a static route to a CIDR with host bits set',
    build: (c) => vm(c).addNetwork(lanNet(c), { staticAddresses: ['10.130.0.5/24'], staticRoutes: [{ destination: '10.20.0.1/16', gateway: '10.130.0.1' }] }),
    error: '[test/vm] networks[0].staticRoutes[0].destination: "10.20.0.1/16" has host bits set; did you mean "10.20.0.0/16"?',
  },
  {
    name: 'a static route through a gateway off the pinned subnets',
    build: (c) => vm(c).addNetwork(lanNet(c), { staticAddresses: ['10.130.0.5/24'], staticRoutes: [{ destination: '0.0.0.0/0', gateway: '10.1.0.1' }] }),
    error: '[test/vm] networks[0].staticRoutes[0].gateway: "10.1.0.1" must be an address of the destination\'s family inside the subnet of one of the staticAddresses',
  },
  {
    name: 'two VMs pinning one address on one segment',
    build: (c) => {
      const lan = lanNet(c);
      vm(c).addNetwork(lan, { staticAddresses: ['10.130.0.5/24'] });
      new KubeVirtVm(c, 'other', { name: 'other', namespace: 'my-ns', memory: '1Gi', networks: [{ network: lan, staticAddresses: ['10.130.0.5/24'] }] });
    },
    error: '[test/other] networks[0].staticAddresses[0]: "10.130.0.5" is also pinned by test/vm networks[0].staticAddresses[0] on the segment of my-ns/lan (br1, VLAN 1300): an address belongs to one NIC of a segment',
  },
  {
    name: 'an address pinned inside the whereabouts pool of a network on the same segment',
    build: (c) => {
      const pool = new BridgeNetwork(c, 'pool', { name: 'pool', namespace: 'my-ns', bridge: 'br1', vlan: 1300, ipam: Ipam.whereabouts({ range: '10.130.0.0/24' }) });
      const l2only = new BridgeNetwork(c, 'l2only', { name: 'l2only', namespace: 'my-ns', shareSegmentWith: pool, ipam: Ipam.none() });
      vm(c).addNetwork(l2only, { staticAddresses: ['10.130.0.5/24'] });
    },
    error: '[test/vm] networks[0].staticAddresses[0]: "10.130.0.5" lies in the address pool 10.130.0.0/24 of test/pool on the segment of my-ns/l2only (br1, VLAN 1300), which could hand it to another attachment; exclude it from that pool (exclude: ["10.130.0.5/32"]) or pin an address outside it',
  },
  // Cloud-init
  {
    name: 'plain user data in an app that does not allow plain secrets',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ userData: '#cloud-config\npassword: hunter2\n' }) }),
    error: '[test/vm] cloudInit.userData: "<redacted>" would be written to Git in plain text, in Secret my-ns/vm-cloud-init; reference an existing Secret (userDataSecretName) or pull the data from a secret store (userDataFromStore), or opt in with GitOpsApp allowPlainSecrets',
  },
  {
    name: 'user data from a Secret and from a store',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ userDataSecretName: 'ud', userDataFromStore: ExternalSecretValue.fromStore(vault, 'k') }) }),
    error: '[test/vm] cloudInit.userDataFromStore: "<store>" cannot be combined with userDataSecretName: give the user data one way',
  },
  {
    name: 'network data inline and from a Secret',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ networkData: 'version: 2\n', networkDataSecretName: 'net' }) }),
    error: '[test/vm] cloudInit.networkDataSecretName: "net" cannot be combined with networkData: give the data or a Secret holding it',
  },
  {
    name: 'cloud-init that is not a CloudInit (from JavaScript or Python)',
    build: (c) => vm(c, { cloudInit: { userDataSecretName: 'ud' } as unknown as CloudInit }),
    error: '[test/vm] cloudInit: {"userDataSecretName":"ud"} must be a CloudInit (CloudInit.noCloud() or configDrive())',
  },
  {
    name: 'network data that is not YAML',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ networkData: 'version: 2\nethernets: [unclosed' }) }),
    error: /\[test\/vm\] cloudInit\.networkData: "<network data>" must be YAML: /,
  },
  {
    name: 'network data that is a list',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ networkData: '- version: 2\n' }) }),
    error: '[test/vm] cloudInit.networkData: "<network data>" must be a YAML mapping (cloud-init network config)',
  },
  {
    name: 'network data of version 1 (cannot be merged)',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ networkData: 'version: 1\nconfig: []\n' }) }),
    error: '[test/vm] cloudInit.networkData: "<network data>" must be network config version 2 to be merged with the generated NIC configuration (found version 1)',
  },
  {
    name: 'network data whose ethernets are a list',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ networkData: 'version: 2\nethernets: [eth0]\n' }) }),
    error: '[test/vm] cloudInit.networkData: "<network data>" must have ethernets as a mapping of NIC entries',
  },
  {
    name: 'network data that configures a generated NIC under another key',
    build: (c) => vm(c, {
      podNetwork: PodNetwork.masquerade({ macAddress: '0a:00:00:00:00:09' }),
      cloudInit: CloudInit.noCloud({ networkData: 'version: 2\nethernets:\n  eth0:\n    match: { macaddress: "0A:00:00:00:00:09" }\n' }),
    }),
    error: '[test/vm] cloudInit.networkData: "<network data>" configures the NIC default (MAC 0A:00:00:00:00:09) under the key "eth0"; use the key "default" to change the generated entry',
  },
  {
    name: 'inline network data over KubeVirt\'s 2048 bytes (not merged)',
    build: (c) => vm(c, { configureGuestNetwork: false, cloudInit: CloudInit.noCloud({ networkData: `version: 1\n# ${'x'.repeat(2100)}\n` }) }),
    error: '[test/vm] cloudInit.networkData: "2114 bytes" must be at most 2048 bytes inline (KubeVirt\'s limit); put it in a Secret and name it in networkDataSecretName',
  },
  {
    name: 'merged network data over KubeVirt\'s 2048 bytes',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ networkData: `version: 2\nethernets:\n  extra:\n    match: { name: "x${'x'.repeat(2100)}" }\n` }) }),
    error: /\[test\/vm\] cloudInit\.networkData: "\d+ bytes" must be at most 2048 bytes inline \(KubeVirt's limit\) with the generated NIC entries; set configureGuestNetwork: false/,
  },
  {
    name: 'generated network data asked for with KubeMacPool',
    build: (c) => vm(c, { macAddresses: MacAddressSource.kubeMacPool(), configureGuestNetwork: true }),
    error: '[test/vm] configureGuestNetwork: true cannot be done: KubeMacPool chooses the MACs, so no NIC can be matched',
  },
  {
    name: 'generated network data asked for with ConfigDrive',
    build: (c) => vm(c, { cloudInit: CloudInit.configDrive({ userDataSecretName: 'ud' }), configureGuestNetwork: true }),
    error: '[test/vm] configureGuestNetwork: true cannot be done: ConfigDrive reads OpenStack network_data.json, not network config v2',
  },
  {
    name: 'generated network data asked for next to a network data Secret',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ networkDataSecretName: 'net' }), configureGuestNetwork: true }),
    error: '[test/vm] configureGuestNetwork: true cannot be done: the network data comes whole from the Secret net',
  },
  // User data from a secret store
  {
    name: 'a store value that is not an ExternalSecretValue',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ userDataFromStore: { remoteKey: 'k' } as unknown as ExternalSecretValue }) }),
    error: '[test/vm] cloudInit.userDataFromStore: {"remoteKey":"k"} must be an ExternalSecretValue (ExternalSecretValue.fromStore())',
  },
  {
    name: 'a store that is not a SecretStoreReference',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ userDataFromStore: ExternalSecretValue.fromStore({ kind: 'Vault', name: 'v' } as unknown as SecretStoreReference, 'k') }) }),
    error: '[test/vm] cloudInit.userDataFromStore.store: {"kind":"Vault","name":"v"} must be a SecretStoreReference',
  },
  {
    name: 'a store name that is not a DNS name',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ userDataFromStore: ExternalSecretValue.fromStore(SecretStoreReference.secretStore('My Vault'), 'k') }) }),
    error: '[test/vm] cloudInit.userDataFromStore.store.name: "My Vault" must be a DNS-1123 subdomain (the name of the store)',
  },
  {
    name: 'an empty remote key',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ userDataFromStore: ExternalSecretValue.fromStore(vault, ' ') }) }),
    error: '[test/vm] cloudInit.userDataFromStore.remoteKey: " " must be the non-empty key of the value in the store, without control characters',
  },
  {
    name: 'an empty property of the remote secret',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ userDataFromStore: ExternalSecretValue.fromStore(vault, 'k', { property: '' }) }) }),
    error: '[test/vm] cloudInit.userDataFromStore.property: "" must name a property of the remote secret (or be left out for the whole value)',
  },
  {
    name: 'a refresh interval in fractions of a second',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ userDataFromStore: ExternalSecretValue.fromStore(vault, 'k', { refreshInterval: Duration.millis(1500) }) }) }),
    error: '[test/vm] cloudInit.userDataFromStore.refreshInterval: "1.5s" must be a whole number of seconds',
  },
  // Cluster prerequisites of the VM
  {
    name: 'a dedicated-CPU VM in an app whose declared cluster lacks CPUManager',
    build: (c, app) => {
      ClusterProfile.declare(app, { kubevirtVersion: 'v1.9.0', kubevirtFeatureGates: ['Snapshot'] });
      vm(c, { performance: PerformanceProfile.dedicatedCpu() });
    },
    error: '[test/vm] dedicatedCpuPlacement: true needs the KubeVirt feature gate "CPUManager" (dedicated CPU placement), which the declared cluster does not enable',
  },
  {
    name: 'the supplementalPool IO threads policy on a declared KubeVirt older than v1.5.0',
    build: (c, app) => {
      ClusterProfile.declare(app, { kubevirtVersion: 'v1.4.2' });
      vm(c, { ioThreadsPolicy: IoThreadsPolicy.SUPPLEMENTAL_POOL, ioThreadsSupplementalPoolThreadCount: 2 });
    },
    error: '[test/vm] ioThreadsPolicy: "supplementalPool" needs KubeVirt v1.5.0 or later (the supplementalPool IO threads policy); the declared cluster has v1.4.2',
  },
  {
    name: 'guest NUMA on a declared KubeVirt where NUMA is still a gate, without it',
    build: (c, app) => {
      ClusterProfile.declare(app, { kubevirtVersion: 'v1.4.0', kubevirtFeatureGates: ['CPUManager'] });
      vm(c, { performance: PerformanceProfile.lowLatency() });
    },
    error: '[test/vm] numaGuestMappingPassthrough: true needs the KubeVirt feature gate "NUMA"',
  },
]);
