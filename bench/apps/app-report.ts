/**
 * What every benchmark app prints as its last line: when its phases ended, in milliseconds since the process
 * started (performance.now()), so the parent can split the whole-process time it measured.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';

export const RESULT_TAG = '@@bench-app ';

export interface AppReport {
  /** Modules loaded (node start included). */
  readonly loadedMs: number;
  /** Objects or constructs built. */
  readonly builtMs: number;
  /** Everything written. */
  readonly writtenMs: number;
  /** V8 heap in use after building, after a full GC (only with --expose-gc, i.e. `--heap`). */
  readonly heapBuiltBytes?: number;
  /** V8 heap in use at the end, after a full GC when --expose-gc is on (what the output no longer needs is gone). */
  readonly heapAfterBytes?: number;
  /** Peak resident set of this process (VmHWM). */
  readonly peakRssBytes: number;
}

export function peakRss(pid: number | 'self' = 'self'): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** With --expose-gc: the heap in use after a full GC (for `heapBuiltBytes`), else undefined. */
export function heapNow(): number | undefined {
  const gc = (globalThis as any).gc as (() => void) | undefined;
  if (!gc) return undefined;
  gc();
  return process.memoryUsage().heapUsed;
}

export function report(loadedMs: number, builtMs: number, writtenMs: number, heapBuiltBytes?: number): void {
  const gc = (globalThis as any).gc as (() => void) | undefined;
  let heapAfterBytes: number | undefined;
  if (gc) {
    gc();
    heapAfterBytes = process.memoryUsage().heapUsed;
  }
  // For memory work: a heap snapshot of what the app still holds after writing (its objects are alive here).
  if (process.env.BENCH_HEAP_SNAPSHOT) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('v8').writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
  }
  const r: AppReport = { loadedMs, builtMs, writtenMs, heapBuiltBytes, heapAfterBytes, peakRssBytes: peakRss() };
  process.stdout.write(`${RESULT_TAG}${JSON.stringify(r)}\n`);
}

/** `--name value` from argv. */
export function arg(name: string, dflt?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : dflt;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
}

export const now = () => performance.now();
