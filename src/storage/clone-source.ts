import type { GoldenImage } from './golden-image';
import { AccessMode, StorageApi, VolumeMode } from './types';

/**
 * What kind of object a clone reads from.
 */
export enum CloneSourceKind {
  /** A CDI DataSource (`spec.sourceRef`): a stable name for the current image. */
  DATA_SOURCE = 'DataSource',
  /** A PersistentVolumeClaim (`spec.source.pvc`). */
  PVC = 'PersistentVolumeClaim',
  /** A VolumeSnapshot (`spec.source.snapshot`). */
  SNAPSHOT = 'VolumeSnapshot',
}

/**
 * What is known about a source this app does not define, so that a clone's size and strategy can be
 * checked at synth time.
 */
export interface CloneSourceOptions {
  /**
   * Size of the source volume (a Kubernetes quantity); a clone may not be smaller.
   * @default - unknown: the clone's size is left to CDI (storage API) or must be given (pvc API)
   */
  readonly size?: string;
  /**
   * Storage class of the source volume (for a snapshot: of the volume it was taken from).
   * @default - unknown
   */
  readonly storageClass?: string;
  /**
   * Volume mode of the source volume.
   * @default - unknown
   */
  readonly volumeMode?: VolumeMode;
  /**
   * Access modes of the source volume.
   * @default - unknown
   */
  readonly accessModes?: AccessMode[];
}

/**
 * The volume a clone copies: a GoldenImage of this app, or a DataSource, PVC or VolumeSnapshot that exists
 * elsewhere. Names are checked when the clone is rendered, against the construct that uses them.
 */
export class CloneSource {
  /**
   * A golden image of this app: through its DataSource when it has one (a stable name that follows
   * DataImportCron updates), else through its PVC. Size, storage class and volume mode come from the image.
   */
  public static fromGoldenImage(image: GoldenImage): CloneSource {
    const viaDataSource = image.dataSourceName !== undefined;
    return new CloneSource(
      viaDataSource ? CloneSourceKind.DATA_SOURCE : CloneSourceKind.PVC,
      image.namespace,
      viaDataSource ? image.dataSourceName as string : image.name,
      {
        size: image.size,
        storageClass: image.storageClass,
        // A pvc without volumeMode is a Filesystem volume; with the storage API the StorageProfile decides.
        volumeMode: image.volumeMode ?? (image.storageApi === StorageApi.PVC ? VolumeMode.FILESYSTEM : undefined),
        accessModes: image.accessModes,
      },
      image,
    );
  }

  /**
   * The DataSource `name` in `namespace`. CDI checks clone permission in the namespace of the PVC the
   * DataSource points at; this library assumes that PVC lives in the DataSource's namespace, as it does for
   * golden images and DataImportCrons.
   */
  public static fromDataSource(namespace: string, name: string, options: CloneSourceOptions = {}): CloneSource {
    return new CloneSource(CloneSourceKind.DATA_SOURCE, namespace, name, options, undefined);
  }

  /** The PersistentVolumeClaim (or DataVolume) `name` in `namespace`. */
  public static fromPvc(namespace: string, name: string, options: CloneSourceOptions = {}): CloneSource {
    return new CloneSource(CloneSourceKind.PVC, namespace, name, options, undefined);
  }

  /** The VolumeSnapshot `name` in `namespace`; `size` is its restore size. */
  public static fromSnapshot(namespace: string, name: string, options: CloneSourceOptions = {}): CloneSource {
    return new CloneSource(CloneSourceKind.SNAPSHOT, namespace, name, options, undefined);
  }

  /** The kind of the source object. */
  public readonly kind: CloneSourceKind;
  /** Namespace of the source object. */
  public readonly namespace: string;
  /** Name of the source object. */
  public readonly name: string;
  /** Size of the source volume, if known. */
  public readonly size?: string;
  /** Storage class of the source volume, if known. */
  public readonly storageClass?: string;
  /** Volume mode of the source volume, if known. */
  public readonly volumeMode?: VolumeMode;
  /** Access modes of the source volume, if known. */
  public readonly accessModes?: AccessMode[];
  /** @internal */
  public readonly _image?: GoldenImage;

  private constructor(kind: CloneSourceKind, namespace: string, name: string, options: CloneSourceOptions, image: GoldenImage | undefined) {
    this.kind = kind;
    this.namespace = namespace;
    this.name = name;
    this.size = options.size;
    this.storageClass = options.storageClass;
    this.volumeMode = options.volumeMode;
    this.accessModes = options.accessModes;
    this._image = image;
  }
}
