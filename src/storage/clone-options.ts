import type { StorageClassProfile } from './storage-class-profile';
import { AccessMode, CloneStrategy, StorageApi, VolumeMode } from './types';

/**
 * How a clone's volume looks and how CDI should copy it. Shared by `ClonedDisk` and the disks of a VM.
 */
export interface CloneOptions {
  /**
   * Size of the clone (a Kubernetes quantity); it may only grow beyond the source's.
   * @default - the source's: left to CDI with the storage API, the source's known size with the pvc API
   */
  readonly size?: string;
  /**
   * Storage class of the clone. Smart clones need the source's class.
   * @default - the class of `storageProfile`, else the source's known class, else the cluster default
   */
  readonly storageClass?: string;
  /**
   * Access modes of the clone.
   * @default - from the StorageProfile (storage API); the source's single known access mode (pvc API)
   */
  readonly accessModes?: AccessMode[];
  /**
   * Volume mode of the clone. Smart clones need the source's mode.
   * @default - the source's known volume mode, else the StorageProfile's
   */
  readonly volumeMode?: VolumeMode;
  /**
   * Thick-provision the clone (CDI `preallocation`): predictable write latency, and the precondition for disk
   * `io: native`. It costs what clones save: CDI writes the whole size of every clone ("filled in full", CDI
   * doc/preallocation.md), so each VM's disk takes its full size on thin storage, and on Ceph RBD a preallocated
   * clone is no longer copy-on-write from its golden image. An explicit opt-in.
   * @default - not preallocated (CDI's cluster-wide `preallocation` setting, off unless the admin turns it on)
   */
  readonly preallocation?: boolean;
  /**
   * Which DataVolume storage API to write.
   * @default StorageApi.STORAGE
   */
  readonly storageApi?: StorageApi;
  /**
   * The clone strategy expected for this disk. It is realized by the StorageProfile of the target class
   * (`storageProfile`); when it cannot happen, the DataVolume is annotated with the reason
   * (`cdk8s-kubevirt.io/clone-strategy-fallback`), or synthesis fails if `requireStrategy` is set.
   * @default - the cloneStrategy of `storageProfile`, else none expected (CDI decides)
   */
  readonly strategy?: CloneStrategy;
  /**
   * Fail synthesis unless every prerequisite of `strategy` that can be checked at synth time is known to
   * hold (same storage class and volume mode, a profile that selects it, a snapshot class, no
   * WaitForFirstConsumer across namespaces).
   * @default false
   */
  readonly requireStrategy?: boolean;
  /**
   * CDI's view of the target storage class: the StorageProfile that selects the strategy and the facts
   * (snapshot class, binding mode) smart clones depend on.
   * @default - unknown
   */
  readonly storageProfile?: StorageClassProfile;
}
