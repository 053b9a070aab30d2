/**
 * A disk bound to its VM: what it adds to the VM, and how the performance knobs shape it.
 * Internal: not re-exported by index.ts.
 */
import { Construct } from 'constructs';
import type { VmDiskOptions } from './disks';
import { DiskBus, DiskCache, DiskIo } from './options';
import { PerformanceKnobs } from './performance';
import {
  VirtualMachineSpecTemplateSpecDomainDevicesDisks,
  VirtualMachineSpecTemplateSpecVolumes,
} from '../imports/kubevirt.io';

/** What a disk needs to know about its VM. */
export interface DiskContext {
  readonly scope: Construct;
  readonly vmName: string;
  readonly namespace: string;
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  readonly diskName: string;
  readonly field: string;
}

/** A disk bound to its VM: the entries it adds to the VM. */
export interface BoundDisk {
  readonly name: string;
  readonly field: string;
  readonly options: VmDiskOptions;
  readonly volume: VirtualMachineSpecTemplateSpecVolumes;
  /** A `dataVolumeTemplates` entry when the VM owns the disk (plain JSON, written as is). */
  readonly dataVolumeTemplate?: { readonly metadata: Record<string, any>; readonly spec: Record<string, any> };
  readonly preallocated: boolean;
  /** Whether the disk is persistent storage (the performance cache knob applies). */
  readonly persistent: boolean;
}

/** Renders the volume and the `dataVolumeTemplates` entry of a disk. */
export type DiskBinder = (ctx: DiskContext) => Omit<BoundDisk, 'name' | 'field' | 'options'>;

/** The disk entry of a bound disk, with the performance knobs' defaults applied. */
export function renderDisk(
  disk: BoundDisk, knobs: PerformanceKnobs, bootOrder: number | undefined,
): VirtualMachineSpecTemplateSpecDomainDevicesDisks {
  const o = disk.options;
  const cache = o.cache ?? (disk.persistent ? knobs.diskCache : undefined);
  const io = o.io ?? (disk.preallocated && knobs.nativeIoOnPreallocatedDisks ? DiskIo.NATIVE : undefined);
  return {
    name: disk.name,
    disk: { bus: o.bus ?? DiskBus.VIRTIO },
    bootOrder,
    cache,
    io,
    dedicatedIoThread: o.dedicatedIoThread ? true : undefined,
  };
}

/** The effective cache and IO mode of a disk (for the cross checks of the VM). */
export function effectiveCacheAndIo(disk: BoundDisk, knobs: PerformanceKnobs): { cache?: DiskCache; io?: DiskIo } {
  const d = renderDisk(disk, knobs, undefined);
  return { cache: d.cache as DiskCache | undefined, io: d.io as DiskIo | undefined };
}
