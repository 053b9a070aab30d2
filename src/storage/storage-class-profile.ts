import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { StoragePlan } from './plan';
import { requireCloneStrategy, requireSnapshotApi } from './prerequisites';
import { checkAccessModes, checkEnum, checkStorageClass, checkVolumeMode } from './spec';
import { AccessMode, CloneStrategy, SnapshotDeletionPolicy, StorageApi, VolumeBindingMode, VolumeMode } from './types';
import { check } from '../core/errors';
import { requireDns1123Subdomain } from '../core/names';
import { clusterScoped, metadata, setSyncWave, SyncWaves } from '../core/objects';
import { StorageProfile, StorageProfileSpecClaimPropertySetsVolumeMode } from '../imports/cdi.kubevirt.io';
import { VolumeSnapshotClass, VolumeSnapshotClassDeletionPolicy } from '../imports/snapshot.storage.k8s.io';

/**
 * A VolumeSnapshotClass this library writes.
 */
export interface VolumeSnapshotClassOptions {
  /** Name of the VolumeSnapshotClass (cluster-scoped). */
  readonly name: string;
  /** The CSI driver that takes the snapshots: the provisioner of the storage class, e.g. `rbd.csi.ceph.com`. */
  readonly driver: string;
  /**
   * What happens to a snapshot's content when the VolumeSnapshot is deleted.
   * @default SnapshotDeletionPolicy.DELETE - CDI's temporary smart-clone snapshots leave nothing behind
   */
  readonly deletionPolicy?: SnapshotDeletionPolicy;
  /**
   * Driver-specific parameters (e.g. Ceph's `clusterID` and snapshotter secret).
   * @default - none
   */
  readonly parameters?: { [key: string]: string };
}

/**
 * The VolumeSnapshotClass a smart clone (CloneStrategy.SNAPSHOT) snapshots its source with.
 */
export class SnapshotClass {
  /** A VolumeSnapshotClass that already exists in the cluster. */
  public static existing(name: string): SnapshotClass {
    return new SnapshotClass(name, true, undefined);
  }

  /** A VolumeSnapshotClass written by this app (once, however many profiles use it). */
  public static define(options: VolumeSnapshotClassOptions): SnapshotClass {
    return new SnapshotClass(options.name, true, options);
  }

  /** The storage class has no snapshot support: smart clones onto it always fall back to copy. */
  public static unavailable(): SnapshotClass {
    return new SnapshotClass(undefined, false, undefined);
  }

  /** Name of the VolumeSnapshotClass; undefined when snapshots are unavailable. */
  public readonly name?: string;
  /** Whether snapshots can be taken at all. */
  public readonly available: boolean;
  /** @internal */
  public readonly _definition?: VolumeSnapshotClassOptions;

  private constructor(name: string | undefined, available: boolean, definition: VolumeSnapshotClassOptions | undefined) {
    this.name = name;
    this.available = available;
    this._definition = definition;
  }
}

/**
 * What CDI should know about one storage class: its StorageProfile settings and the facts smart clones
 * depend on.
 */
export interface StorageClassProfileProps {
  /** Name of the StorageClass (the StorageProfile has the same name). */
  readonly storageClass: string;
  /**
   * How CDI clones volumes of this class (`StorageProfile.spec.cloneStrategy`). The CDI resource's
   * `cloneStrategyOverride`, if set by the cluster admin, still wins.
   * @default - CDI's choice: its built-in default for the provisioner, else snapshot when possible, else copy
   */
  readonly cloneStrategy?: CloneStrategy;
  /**
   * The VolumeSnapshotClass for smart clones (`StorageProfile.spec.snapshotClass`), or
   * `SnapshotClass.unavailable()` when the class cannot take snapshots.
   * @default - unknown: CDI picks a VolumeSnapshotClass of the class's CSI driver if one exists
   */
  readonly snapshotClass?: SnapshotClass;
  /**
   * The StorageClass's volume binding mode; not written (the StorageClass is not this library's), but a
   * cross-namespace smart clone onto WaitForFirstConsumer storage falls back to copy (kubevirt #8715).
   * @default - unknown
   */
  readonly volumeBindingMode?: VolumeBindingMode;
  /**
   * Access modes CDI gives DataVolumes that use the storage API (`claimPropertySets[0].accessModes`);
   * set together with `volumeMode`.
   * @default - CDI's built-in defaults for the provisioner
   */
  readonly accessModes?: AccessMode[];
  /**
   * Volume mode CDI gives DataVolumes that use the storage API (`claimPropertySets[0].volumeMode`); set
   * together with `accessModes`.
   * @default - CDI's built-in defaults for the provisioner
   */
  readonly volumeMode?: VolumeMode;
}

/**
 * CDI's view of one storage class: writes its StorageProfile (only the fields that are set; none set, no
 * object) and, for `SnapshotClass.define(...)`, the VolumeSnapshotClass smart clones need. Pass it to
 * clones as `storageProfile` so their strategy can be checked at synth time.
 *
 * @example
 * const ceph = new StorageClassProfile(chart, 'ceph-block', {
 *   storageClass: 'ceph-block',
 *   cloneStrategy: CloneStrategy.SNAPSHOT,
 *   snapshotClass: SnapshotClass.define({ name: 'ceph-block', driver: 'rbd.csi.ceph.com' }),
 *   volumeBindingMode: VolumeBindingMode.IMMEDIATE,
 * });
 */
export class StorageClassProfile extends Construct {
  /** Name of the StorageClass. */
  public readonly storageClass: string;
  /** The clone strategy written to the StorageProfile, if any. */
  public readonly cloneStrategy?: CloneStrategy;
  /** The snapshot class smart clones use, if known. */
  public readonly snapshotClass?: SnapshotClass;
  /** The StorageClass's binding mode, if known. */
  public readonly volumeBindingMode?: VolumeBindingMode;
  /** Default volume mode for the storage API, if set. */
  public readonly volumeMode?: VolumeMode;
  /** The StorageProfile, when one is written. */
  public readonly storageProfile?: ApiObject;
  /** The VolumeSnapshotClass, when this profile wrote it. */
  public readonly volumeSnapshotClass?: ApiObject;

  constructor(scope: Construct, id: string, props: StorageClassProfileProps) {
    super(scope, id);
    const plan = StoragePlan.of(this);
    this.storageClass = checkStorageClass(this, 'storageClass', props.storageClass) as string;
    check(this.storageClass !== undefined, this, 'storageClass', props.storageClass, 'is required');
    if (props.cloneStrategy !== undefined) {
      checkEnum(this, 'cloneStrategy', props.cloneStrategy, CloneStrategy as Record<string, CloneStrategy>, 'CloneStrategy');
    }
    if (props.volumeBindingMode !== undefined) {
      checkEnum(this, 'volumeBindingMode', props.volumeBindingMode, VolumeBindingMode as Record<string, VolumeBindingMode>, 'VolumeBindingMode');
    }
    const volumeMode = checkVolumeMode(this, 'volumeMode', props.volumeMode);
    const accessModes = checkAccessModes(this, 'accessModes', props.accessModes, StorageApi.STORAGE);
    check((accessModes === undefined) === (volumeMode === undefined), this, accessModes ? 'volumeMode' : 'accessModes', undefined,
      'is required together with ' + (accessModes ? 'accessModes' : 'volumeMode') + ': a StorageProfile claim property set needs both');
    if (accessModes !== undefined) check(accessModes.length > 0, this, 'accessModes', accessModes, 'must hold at least one access mode');

    const snapshotClass = props.snapshotClass;
    if (snapshotClass?.name !== undefined) requireDns1123Subdomain(this, 'snapshotClass.name', snapshotClass.name);
    if (snapshotClass?._definition) {
      this.volumeSnapshotClass = this.writeSnapshotClass(plan, snapshotClass);
      requireSnapshotApi(this);
    }
    if (props.cloneStrategy !== undefined) requireCloneStrategy(this, props.cloneStrategy, this.storageClass, snapshotClass, 'cloneStrategy');

    const spec: Record<string, any> = {};
    if (accessModes !== undefined) {
      const mode = volumeMode as unknown as StorageProfileSpecClaimPropertySetsVolumeMode;
      spec.claimPropertySets = [{ accessModes: [...accessModes], volumeMode: mode }];
    }
    if (props.cloneStrategy !== undefined) spec.cloneStrategy = props.cloneStrategy;
    if (snapshotClass?.name !== undefined) spec.snapshotClass = snapshotClass.name;
    if (Object.keys(spec).length > 0) {
      this.storageProfile = clusterScoped(new StorageProfile(this, 'Resource', { metadata: metadata({ name: this.storageClass }), spec }));
      setSyncWave(this.storageProfile, SyncWaves.INFRASTRUCTURE);
    }
    // One set of facts per storage class, written or not: two would contradict each other.
    plan.register(this, `StorageClassProfile/${this.storageClass}`, 'storageClass', this.storageClass);

    this.cloneStrategy = props.cloneStrategy;
    this.snapshotClass = snapshotClass;
    this.volumeBindingMode = props.volumeBindingMode;
    this.volumeMode = volumeMode;
  }

  private writeSnapshotClass(plan: StoragePlan, snapshotClass: SnapshotClass): ApiObject {
    const d = snapshotClass._definition as VolumeSnapshotClassOptions;
    plan.register(this, `VolumeSnapshotClass/${d.name}`, 'snapshotClass.name', d.name, snapshotClass);
    const written = plan.snapshotClassObject(snapshotClass);
    if (written) return written;
    check(typeof d.driver === 'string' && d.driver.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/.test(d.driver),
      this, 'snapshotClass.driver', d.driver, 'must be a CSI driver name: at most 63 letters, digits, \'-\' and \'.\', starting and ending alphanumeric');
    const policy = d.deletionPolicy ?? SnapshotDeletionPolicy.DELETE;
    checkEnum(this, 'snapshotClass.deletionPolicy', policy, SnapshotDeletionPolicy as Record<string, SnapshotDeletionPolicy>, 'SnapshotDeletionPolicy');
    const obj = new VolumeSnapshotClass(this, 'VolumeSnapshotClass', {
      metadata: metadata({ name: d.name }),
      driver: d.driver,
      deletionPolicy: policy as unknown as VolumeSnapshotClassDeletionPolicy,
      parameters: d.parameters ? Object.fromEntries(Object.entries(d.parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : undefined,
    });
    clusterScoped(obj);
    setSyncWave(obj, SyncWaves.INFRASTRUCTURE);
    plan.recordSnapshotClassObject(snapshotClass, obj);
    return obj;
  }
}
