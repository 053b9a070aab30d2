import { BoundDisk, DiskBinder, DiskContext } from './disk-binding';
import { DiskBus, DiskCache, DiskIo } from './options';
import { checkBootOrder } from './rules';
import { check, checkEnum, fail } from '../core/errors';
import { isDns1123Label, isDns1123Subdomain } from '../core/names';
import { renderClone } from '../storage/clone';
import { CloneOptions } from '../storage/clone-options';
import { CloneSource } from '../storage/clone-source';
import { ClonedDisk } from '../storage/cloned-disk';
import { GoldenImage } from '../storage/golden-image';
import { checkAccessModes, checkDataVolumeSpec, checkSize, checkStorageClass, checkVolumeMode, renderStorage } from '../storage/spec';
import { AccessMode, StorageApi, VolumeMode } from '../storage/types';

/**
 * How a disk is attached to the guest.
 */
export interface VmDiskOptions {
  /**
   * Name of the disk and its volume (a DNS-1123 label: KubeVirt names containers after it).
   * @default - `root` for the root disk, `disk1`, `disk2`, ... for the others
   */
  readonly name?: string;
  /**
   * Bus.
   * @default DiskBus.VIRTIO
   */
  readonly bus?: DiskBus;
  /**
   * Host cache mode.
   * @default - the performance knob `diskCache` on persistent disks, else KubeVirt's choice
   */
  readonly cache?: DiskCache;
  /**
   * IO mode; `NATIVE` only on preallocated disks with cache `NONE`.
   * @default - native on preallocated disks when the performance knob `nativeIoOnPreallocatedDisks` is on, else KubeVirt's choice
   */
  readonly io?: DiskIo;
  /**
   * Boot from this disk at this position; unique among the VM's disks and NICs.
   * @default - 1 for the root disk, else not bootable
   */
  readonly bootOrder?: number;
  /**
   * Give the disk an IO thread of its own (virtio disks only).
   * @default false
   */
  readonly dedicatedIoThread?: boolean;
}

/**
 * A new, empty persistent disk.
 */
export interface VmBlankDiskOptions extends VmDiskOptions {
  /**
   * Storage class.
   * @default - the cluster's default storage class
   */
  readonly storageClass?: string;
  /**
   * Access modes (ReadWriteMany for live migration).
   * @default - from the StorageProfile of the storage class
   */
  readonly accessModes?: AccessMode[];
  /**
   * Volume mode.
   * @default - from the StorageProfile of the storage class
   */
  readonly volumeMode?: VolumeMode;
  /**
   * Allocate the whole size up front (CDI `preallocation`): predictable write latency, and the
   * precondition for native IO.
   * @default false
   */
  readonly preallocation?: boolean;
  /**
   * Name of the DataVolume the VM creates (and owns).
   * @default - `<vm name>-<disk name>`
   */
  readonly dataVolumeName?: string;
}

/**
 * A disk cloned for the VM, which owns it (a `dataVolumeTemplates` entry).
 */
export interface VmClonedDiskOptions extends CloneOptions, VmDiskOptions {
  /**
   * Name of the DataVolume the VM creates (and owns).
   * @default - `<vm name>-<disk name>`
   */
  readonly dataVolumeName?: string;
}

/**
 * A disk that already exists (a PVC or a DataVolume made elsewhere).
 */
export interface VmExistingDiskOptions extends VmDiskOptions {
  /**
   * The volume is fully allocated (created with preallocation, or on thick storage), so native IO is safe.
   * @default false
   */
  readonly preallocated?: boolean;
}

/**
 * A disk of a VM: the root disk or an extra one.
 */
export class VmDisk {
  /**
   * A new, empty persistent disk of `size` (at least 1Mi), written as a `dataVolumeTemplates` entry so the
   * VM owns it.
   */
  public static blank(size: string, options: VmBlankDiskOptions = {}): VmDisk {
    return new VmDisk(options, (ctx) => {
      const f = (name: string) => `${ctx.field}.${name}`;
      // The DataVolume rules of CDI's webhook, shared with golden images and clones.
      checkSize(ctx.scope, f('size'), size);
      const spec: Record<string, any> = {
        source: { blank: {} },
        ...renderStorage({
          api: StorageApi.STORAGE,
          size,
          storageClass: checkStorageClass(ctx.scope, f('storageClass'), options.storageClass),
          accessModes: checkAccessModes(ctx.scope, f('accessModes'), options.accessModes, StorageApi.STORAGE),
          volumeMode: checkVolumeMode(ctx.scope, f('volumeMode'), options.volumeMode),
        }),
      };
      if (options.preallocation !== undefined) spec.preallocation = options.preallocation;
      checkDataVolumeSpec(ctx.scope, f('spec'), spec);
      const dvName = ownDataVolumeName(ctx, options.dataVolumeName);
      return {
        volume: { name: ctx.diskName, dataVolume: { name: dvName } },
        dataVolumeTemplate: { metadata: { name: dvName }, spec },
        preallocated: options.preallocation === true,
        persistent: true,
      };
    });
  }

  /**
   * A clone of a golden image, DataSource, PVC or VolumeSnapshot, written as a `dataVolumeTemplates` entry so
   * the VM owns its disk. A source in another namespace comes with the RoleBinding CDI checks there, for the
   * VM's service account (KubeVirt authorizes a VM's clones for it).
   */
  public static fromClone(source: CloneSource, options: VmClonedDiskOptions = {}): VmDisk {
    return new VmDisk(options, (ctx) => {
      const dvName = ownDataVolumeName(ctx, options.dataVolumeName);
      const rendered = renderClone(ctx.scope, {
        name: dvName, namespace: ctx.namespace, source, options, serviceAccount: ctx.serviceAccount, field: ctx.field,
      });
      const keys = Object.keys(rendered.annotations).sort();
      return {
        volume: { name: ctx.diskName, dataVolume: { name: dvName } },
        dataVolumeTemplate: {
          metadata: { name: dvName, ...(keys.length > 0 ? { annotations: Object.fromEntries(keys.map((k) => [k, rendered.annotations[k]])) } : {}) },
          spec: rendered.spec,
        },
        preallocated: options.preallocation === true,
        persistent: true,
      };
    });
  }

  /** A clone of a golden image of this app: `fromClone(CloneSource.fromGoldenImage(image), options)`. */
  public static fromGoldenImage(image: GoldenImage, options: VmClonedDiskOptions = {}): VmDisk {
    return VmDisk.fromClone(CloneSource.fromGoldenImage(image), options);
  }

  /**
   * A standalone cloned DataVolume of this app, in the VM's namespace. The VM uses it but does not own it;
   * to own its disk, use `fromClone`.
   */
  public static fromClonedDisk(disk: ClonedDisk, options: VmExistingDiskOptions = {}): VmDisk {
    return new VmDisk(options, (ctx) => {
      check(disk.namespace === ctx.namespace, ctx.scope, `${ctx.field}.clonedDisk`, `${disk.namespace}/${disk.name}`,
        `must be in the VM's namespace ${JSON.stringify(ctx.namespace)}: a VM mounts only volumes of its own namespace`);
      return {
        volume: { name: ctx.diskName, dataVolume: { name: disk.name } },
        preallocated: options.preallocated === true,
        persistent: true,
      };
    });
  }

  /** An existing PersistentVolumeClaim in the VM's namespace. */
  public static fromPvc(claimName: string, options: VmExistingDiskOptions = {}): VmDisk {
    return new VmDisk(options, (ctx) => {
      check(isDns1123Subdomain(claimName), ctx.scope, `${ctx.field}.claimName`, claimName, 'must be a DNS-1123 subdomain');
      return {
        volume: { name: ctx.diskName, persistentVolumeClaim: { claimName } },
        preallocated: options.preallocated === true,
        persistent: true,
      };
    });
  }

  /** An existing DataVolume in the VM's namespace (the VM does not own it). */
  public static fromDataVolume(dataVolumeName: string, options: VmExistingDiskOptions = {}): VmDisk {
    return new VmDisk(options, (ctx) => {
      check(isDns1123Subdomain(dataVolumeName), ctx.scope, `${ctx.field}.dataVolume`, dataVolumeName, 'must be a DNS-1123 subdomain');
      return {
        volume: { name: ctx.diskName, dataVolume: { name: dataVolumeName } },
        preallocated: options.preallocated === true,
        persistent: true,
      };
    });
  }

  /**
   * An ephemeral disk from a container image (`containerDisk`): reset on every restart, for demos and
   * stateless guests.
   */
  public static fromContainerImage(image: string, options: VmDiskOptions = {}): VmDisk {
    return new VmDisk(options, (ctx) => {
      check(typeof image === 'string' && /^[^\s]+$/.test(image), ctx.scope, `${ctx.field}.image`, image, 'must be a container image reference without whitespace');
      return {
        volume: { name: ctx.diskName, containerDisk: { image } },
        preallocated: false,
        persistent: false,
      };
    });
  }

  /** @internal */
  public static _of(options: VmDiskOptions, binder: DiskBinder): VmDisk {
    return new VmDisk(options, binder);
  }

  private constructor(
    /** How the disk is attached. */
    public readonly options: VmDiskOptions,
    private readonly binder: DiskBinder) {}

  /**
   * Checks the disk and renders its entries.
   * @internal
   */
  public _bind(ctx: DiskContext): BoundDisk {
    const o = this.options;
    const f = ctx.field;
    check(isDns1123Label(ctx.diskName), ctx.scope, `${f}.name`, ctx.diskName,
      'must be a DNS-1123 label (KubeVirt names the disk\'s container after it)');
    if (o.bus !== undefined) {
      checkEnum(ctx.scope, `${f}.bus`, o.bus, DiskBus as Record<string, DiskBus>, 'DiskBus', ' (ide is not supported)');
    }
    if (o.cache !== undefined) {
      checkEnum(ctx.scope, `${f}.cache`, o.cache, DiskCache as Record<string, DiskCache>, 'DiskCache');
    }
    if (o.io !== undefined) {
      checkEnum(ctx.scope, `${f}.io`, o.io, DiskIo as Record<string, DiskIo>, 'DiskIo');
    }
    checkBootOrder(ctx.scope, `${f}.bootOrder`, o.bootOrder);
    if (o.dedicatedIoThread) {
      check((o.bus ?? DiskBus.VIRTIO) === DiskBus.VIRTIO, ctx.scope, `${f}.dedicatedIoThread`, true,
        `needs a virtio disk (bus is ${o.bus}): libvirt has no IO threads for other buses`);
    }
    const bound = this.binder(ctx);
    if (o.io === DiskIo.NATIVE) {
      check(bound.preallocated, ctx.scope, `${f}.io`, o.io,
        'needs a preallocated disk: native IO on a sparse volume blocks the guest while storage allocates (set preallocation, or preallocated for an existing volume)');
    }
    return { ...bound, name: ctx.diskName, field: f, options: o };
  }
}

function ownDataVolumeName(ctx: DiskContext, explicit: string | undefined): string {
  const name = explicit ?? `${ctx.vmName}-${ctx.diskName}`;
  if (!isDns1123Subdomain(name)) {
    fail(ctx.scope, `${ctx.field}.dataVolumeName`, name, 'must be a DNS-1123 subdomain (at most 253 characters)');
  }
  return name;
}
