/**
 * The performance knobs in effect on a VM. Internal: not re-exported by index.ts.
 */
import { PerformanceKnobs, PerformanceProfile } from './performance';

const KNOB_KEYS: Array<keyof PerformanceKnobs> = [
  'dedicatedCpuPlacement', 'isolateEmulatorThread', 'hugepages', 'numaGuestMappingPassthrough', 'cpuModel', 'realtime',
  'ioThreadsPolicy', 'ioThreadsSupplementalPoolThreadCount', 'blockMultiQueue', 'networkInterfaceMultiqueue',
  'diskCache', 'nativeIoOnPreallocatedDisks',
];

/** The knobs in effect: the profile's, overridden by the ones set on the VM. */
export function effectiveKnobs(profile: PerformanceProfile | undefined, own: PerformanceKnobs): PerformanceKnobs {
  const out: { [key: string]: unknown } = { ...(profile?.knobs ?? {}) };
  for (const key of KNOB_KEYS) if (own[key] !== undefined) out[key] = own[key];
  return out as PerformanceKnobs;
}

/** The knobs that shape CPU and memory, which belong in the instancetype when the VM has one. */
export const CPU_MEMORY_KNOBS: Array<keyof PerformanceKnobs> = [
  'dedicatedCpuPlacement', 'isolateEmulatorThread', 'hugepages', 'numaGuestMappingPassthrough', 'cpuModel', 'realtime',
  'ioThreadsPolicy', 'ioThreadsSupplementalPoolThreadCount',
];
