/**
 * When KubeVirt runs the VM (`spec.runStrategy`; the deprecated `running` is never written).
 */
export enum RunStrategy {
  /** Always running: restarted whenever it stops. */
  ALWAYS = 'Always',
  /** Never running. */
  HALTED = 'Halted',
  /** Started and stopped only through the API (`virtctl start|stop`). */
  MANUAL = 'Manual',
  /** Running, and restarted only after a failure. */
  RERUN_ON_FAILURE = 'RerunOnFailure',
  /** Runs once and is never restarted. */
  ONCE = 'Once',
}

/**
 * What happens to the VM when its node is drained (`spec.template.spec.evictionStrategy`).
 */
export enum EvictionStrategy {
  /** Live-migrate away; the drain blocks while the VM cannot migrate. */
  LIVE_MIGRATE = 'LiveMigrate',
  /** Live-migrate when the VM can migrate, else shut it down. */
  LIVE_MIGRATE_IF_POSSIBLE = 'LiveMigrateIfPossible',
  /** Shut the VM down; the run strategy decides whether it comes back elsewhere. */
  NONE = 'None',
  /** Block the eviction and leave it to an external controller (cluster-api-provider-kubevirt). */
  EXTERNAL = 'External',
}

/**
 * The emulated NIC model of an interface (kubevirt pkg/network/admitter/netiface.go).
 */
export enum NicModel {
  /** Paravirtualized; the fastest, and the only model that gets multiple queues. */
  VIRTIO = 'virtio',
  /** Intel 82540EM, for guests without virtio drivers. */
  E1000 = 'e1000',
  /** Intel 82574. */
  E1000E = 'e1000e',
  /** Intel 82576. */
  IGB = 'igb',
  /** NE2000 PCI. */
  NE2K_PCI = 'ne2k_pci',
  /** AMD PCnet. */
  PCNET = 'pcnet',
  /** Realtek 8139. */
  RTL8139 = 'rtl8139',
}

/**
 * How a VM interface is bound to its pod interface.
 */
export enum InterfaceBinding {
  /** NAT behind the pod's address; only on the pod network. */
  MASQUERADE = 'masquerade',
  /** The VM's NIC is bridged to the pod interface and owns its address (Multus networks; pod network only as an opt-in). */
  BRIDGE = 'bridge',
  /** An SR-IOV virtual function passed through to the guest; only on SR-IOV networks. */
  SRIOV = 'sriov',
}

/**
 * The bus a disk sits on (kubevirt vmi-create-admitter.go validateBusSupport; `ide` is refused).
 */
export enum DiskBus {
  /** Paravirtualized; needed for dedicated IO threads and block multi-queue. */
  VIRTIO = 'virtio',
  /** SATA, for guests without virtio drivers. */
  SATA = 'sata',
  /** SCSI. */
  SCSI = 'scsi',
  /** USB. */
  USB = 'usb',
}

/**
 * The host page cache mode of a disk.
 */
export enum DiskCache {
  /** No host cache (O_DIRECT): predictable latency, needed for native IO. */
  NONE = 'none',
  /** Host cache for reads; writes go through to storage. */
  WRITETHROUGH = 'writethrough',
  /** Host cache for reads and writes. */
  WRITEBACK = 'writeback',
}

/**
 * How QEMU issues disk IO.
 */
export enum DiskIo {
  /** Linux native AIO; only on preallocated disks (CDI doc/preallocation.md). */
  NATIVE = 'native',
  /** A thread pool. */
  THREADS = 'threads',
}

/**
 * How IO threads are assigned to disks (`domain.ioThreadsPolicy`).
 */
export enum IoThreadsPolicy {
  /** One IO thread shared by the disks without a dedicated thread. */
  SHARED = 'shared',
  /** A pool of IO threads sized from the vCPU count. */
  AUTO = 'auto',
  /** A supplemental pool of `ioThreadsSupplementalPoolThreadCount` threads. */
  SUPPLEMENTAL_POOL = 'supplementalPool',
}

/**
 * Size of the hugepages backing guest memory (`domain.memory.hugepages.pageSize`).
 */
export enum HugepageSize {
  /** 2 MiB pages. */
  SIZE_2MI = '2Mi',
  /** 1 GiB pages. */
  SIZE_1GI = '1Gi',
}

/**
 * The type of the Service in front of a VM.
 */
export enum VmServiceType {
  /** A cluster-internal virtual IP. */
  CLUSTER_IP = 'ClusterIP',
  /** A port on every node. */
  NODE_PORT = 'NodePort',
  /** An external load balancer. */
  LOAD_BALANCER = 'LoadBalancer',
}
