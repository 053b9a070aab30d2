import { IConstruct } from 'constructs';
import { DiskCache, HugepageSize, IoThreadsPolicy } from './options';
import { check } from '../core/errors';

/**
 * The guest CPU model (`domain.cpu.model`).
 */
export class CpuModel {
  /** The host's CPU as it is: the fastest guest, but it migrates only to identical hosts. */
  public static hostPassthrough(): CpuModel {
    return new CpuModel('host-passthrough');
  }

  /** A named model close to the host's (libvirt `host-model`). */
  public static hostModel(): CpuModel {
    return new CpuModel('host-model');
  }

  /** A named libvirt CPU model, e.g. `Skylake-Server`. */
  public static named(name: string): CpuModel {
    return new CpuModel(name);
  }

  private constructor(
    /** The model as KubeVirt spells it. */
    public readonly name: string) {}

  /** @internal */
  public _check(scope: IConstruct, field: string): void {
    check(typeof this.name === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(this.name), scope, field, this.name,
      'must be host-passthrough, host-model or a libvirt CPU model name such as "Skylake-Server"');
  }
}

/**
 * The performance knobs of a VM. A `PerformanceProfile` sets several at once; each can also be set on the
 * VM alone, where it wins over the profile.
 */
export interface PerformanceKnobs {
  /**
   * Pin every vCPU to a dedicated host CPU (`cpu.dedicatedCpuPlacement`). Needs KubeVirt's `CPUManager` feature
   * gate (Alpha, off by default in v1.9.0: without it virt-handler labels no node and the VM stays Pending), nodes
   * whose kubelet runs the static CPU manager, integer CPUs and requests equal to limits. Both are recorded as
   * cluster prerequisites.
   * @default false
   */
  readonly dedicatedCpuPlacement?: boolean;
  /**
   * Give QEMU's emulator thread a dedicated host CPU of its own (`cpu.isolateEmulatorThread`, one more CPU
   * per VM). Needs `dedicatedCpuPlacement`.
   * @default false
   */
  readonly isolateEmulatorThread?: boolean;
  /**
   * Back guest memory with hugepages of this size; the memory must be a multiple of it.
   * @default - regular pages
   */
  readonly hugepages?: HugepageSize;
  /**
   * Mirror the host NUMA topology of the pinned CPUs and memory into the guest
   * (`cpu.numa.guestMappingPassthrough`). Needs `dedicatedCpuPlacement` and `hugepages`, and the NUMA
   * feature gate.
   * @default false
   */
  readonly numaGuestMappingPassthrough?: boolean;
  /**
   * Guest CPU model.
   * @default - the cluster's default model (host-model unless configured)
   */
  readonly cpuModel?: CpuModel;
  /**
   * Tune the vCPUs for real-time workloads (`cpu.realtime`). Needs `dedicatedCpuPlacement` and
   * `numaGuestMappingPassthrough`, and real-time kernels on the nodes.
   * @default false
   */
  readonly realtime?: boolean;
  /**
   * How IO threads serve the disks (`domain.ioThreadsPolicy`). Left out, the VM has no IO threads: QEMU serves
   * disk IO from its main loop, unless a disk asks for `dedicatedIoThread`, and then the other disks share one
   * thread (KubeVirt v1.9.0 virtwrap/converter/iothreads).
   * @default - no IO threads
   */
  readonly ioThreadsPolicy?: IoThreadsPolicy;
  /**
   * Number of IO threads of the supplemental pool; only with `IoThreadsPolicy.SUPPLEMENTAL_POOL`.
   * @default - none
   */
  readonly ioThreadsSupplementalPoolThreadCount?: number;
  /**
   * One queue per vCPU on virtio disks (`devices.blockMultiQueue`).
   * @default false
   */
  readonly blockMultiQueue?: boolean;
  /**
   * One queue per vCPU on virtio NICs (`devices.networkInterfaceMultiqueue`); every NIC must be virtio.
   * @default false
   */
  readonly networkInterfaceMultiqueue?: boolean;
  /**
   * Cache mode of the VM's persistent disks that do not set their own.
   * @default - KubeVirt's choice per disk
   */
  readonly diskCache?: DiskCache;
  /**
   * Native IO on the VM's preallocated disks that do not set their own IO mode.
   * @default false
   */
  readonly nativeIoOnPreallocatedDisks?: boolean;
}

/**
 * Options of the low-latency profile.
 */
export interface LowLatencyOptions {
  /**
   * Hugepage size; the VM's memory must be a multiple of it.
   * @default HugepageSize.SIZE_2MI
   */
  readonly hugepageSize?: HugepageSize;
}

/**
 * A named set of performance knobs (see `PerformanceKnobs`). Knobs set on the VM itself win over the
 * profile's; every dependency between knobs is checked on the VM.
 */
export class PerformanceProfile {
  /** Shared CPUs and KubeVirt's defaults: the best density. */
  public static balanced(): PerformanceProfile {
    return new PerformanceProfile('balanced', {});
  }

  /** Dedicated CPUs with an isolated emulator thread: no noisy neighbours on the vCPUs. */
  public static dedicatedCpu(): PerformanceProfile {
    return new PerformanceProfile('dedicatedCpu', { dedicatedCpuPlacement: true, isolateEmulatorThread: true });
  }

  /**
   * Everything for latency: dedicated CPUs, an isolated emulator thread, hugepages, guest NUMA mapped to
   * the host's, the host CPU model, IO threads, block and NIC multi-queue, and cache `none` on persistent
   * disks with native IO on the preallocated ones.
   */
  public static lowLatency(options: LowLatencyOptions = {}): PerformanceProfile {
    return new PerformanceProfile('lowLatency', {
      dedicatedCpuPlacement: true,
      isolateEmulatorThread: true,
      hugepages: options.hugepageSize ?? HugepageSize.SIZE_2MI,
      numaGuestMappingPassthrough: true,
      cpuModel: CpuModel.hostPassthrough(),
      ioThreadsPolicy: IoThreadsPolicy.AUTO,
      blockMultiQueue: true,
      networkInterfaceMultiqueue: true,
      diskCache: DiskCache.NONE,
      nativeIoOnPreallocatedDisks: true,
    });
  }

  /** A profile of your own. */
  public static custom(name: string, knobs: PerformanceKnobs): PerformanceProfile {
    return new PerformanceProfile(name, knobs);
  }

  private constructor(
    /** Name of the profile. */
    public readonly name: string,
    /** The knobs it sets. */
    public readonly knobs: PerformanceKnobs) {}
}
