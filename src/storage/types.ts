/**
 * Access modes a DataVolume may request. CDI's admission webhook accepts these three.
 */
export enum AccessMode {
  /** Mounted read-write by one node. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Mounted read-only by many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Mounted read-write by many nodes (needed for live migration). */
  READ_WRITE_MANY = 'ReadWriteMany',
}

/**
 * Whether a volume is a filesystem holding a disk image, or a raw block device.
 */
export enum VolumeMode {
  /** A filesystem with a `disk.img` in it. */
  FILESYSTEM = 'Filesystem',
  /** A raw block device (fewer layers, faster). */
  BLOCK = 'Block',
}

/**
 * Which of the two DataVolume storage APIs to write.
 */
export enum StorageApi {
  /**
   * `spec.storage`: CDI fills access modes and volume mode from the StorageProfile, adds filesystem
   * overhead, and may take a clone's size from its source. Preferred.
   */
  STORAGE = 'storage',
  /** `spec.pvc`: a plain PersistentVolumeClaim spec; exactly one access mode and a size are required. */
  PVC = 'pvc',
}

/**
 * How CDI copies a source volume into a clone (a StorageProfile's `cloneStrategy`).
 */
export enum CloneStrategy {
  /** Host-assisted: a source pod streams every byte to a target pod. Works everywhere; slow. */
  COPY = 'copy',
  /** Smart clone: a VolumeSnapshot of the source restored into the target; copy-on-write on most backends. */
  SNAPSHOT = 'snapshot',
  /** The CSI driver clones the volume itself. */
  CSI_CLONE = 'csi-clone',
}

/**
 * How a registry import pulls the image.
 */
export enum PullMethod {
  /** An importer pod downloads and converts the image (the default). */
  POD = 'pod',
  /** The node's container runtime pulls the image (uses the node's registry cache and credentials). */
  NODE = 'node',
}

/**
 * What a DataImportCron does with imports that a newer one replaced.
 */
export enum ImportGarbageCollection {
  /** Delete all but the newest `importsToKeep` imports. */
  OUTDATED = 'Outdated',
  /** Keep every import. */
  NEVER = 'Never',
}

/**
 * When a StorageClass binds a claim to a volume.
 */
export enum VolumeBindingMode {
  /** As soon as the claim exists. */
  IMMEDIATE = 'Immediate',
  /** When the first pod using the claim is scheduled. */
  WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer',
}

/**
 * What happens to a snapshot's content when its VolumeSnapshot is deleted.
 */
export enum SnapshotDeletionPolicy {
  /** The content and the snapshot on the storage system are deleted. */
  DELETE = 'Delete',
  /** The content and the snapshot on the storage system are kept. */
  RETAIN = 'Retain',
}
