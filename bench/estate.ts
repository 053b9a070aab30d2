/**
 * Estate benchmark (issue 7): T tenants x V VMs through the library, the same objects as raw cdk8s
 * ApiObjects, and the same JSON through the plain YAML serializer (the floor), each variant in a child
 * process of its own, at several multiples of the estate. How to read it: bench/README.md.
 *
 *   npx projen bench                                     # 100 tenants x 50 VMs at 1x, 2x, 4x, 3 runs each
 *   BENCH_TENANTS=10 BENCH_RUNS=1 npx projen bench       # the projen task passes no arguments: use BENCH_*
 *   node --expose-gc -r ts-node/register/transpile-only bench/estate.ts --tenants 10 --runs 1 --scales 1,2
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance, PerformanceObserver } from 'perf_hooks';

// ---------------------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------------------

type Variant = 'library' | 'raw' | 'floor';
const VARIANTS: readonly Variant[] = ['library', 'raw', 'floor'];

interface Options {
  readonly tenants: number;
  readonly vms: number;
  readonly scales: number[];
  readonly runs: number;
  readonly warmup: boolean;
  readonly out: string;
  readonly results?: string;
  /** Internal: run one variant at one scale in this process. */
  readonly child?: Variant;
  readonly scale?: number;
  /** Internal: the library run that writes the JSON the raw and floor runs read. */
  readonly handoff?: boolean;
}

const USAGE = `usage: node --expose-gc -r ts-node/register/transpile-only bench/estate.ts [options]
   or: npx projen bench -- [options]               (or set the BENCH_* variables)
  --tenants N      BENCH_TENANTS   tenants in the 1x estate (default 100)
  --vms N          BENCH_VMS       VMs per tenant (default 50)
  --scales LIST    BENCH_SCALES    multiples of the tenants to run, comma-separated (default 1,2,4)
  --runs N         BENCH_RUNS      fresh processes per variant and scale; the tables show the median (default 3)
  --warmup         BENCH_WARMUP=1  warm the JIT in each process on a small estate first (default: cold, like cdk8s synth)
  --out DIR        BENCH_OUT       manifests and raw results (default bench/out, gitignored; the compiled library always goes to bench/out/lib)
  --results FILE   BENCH_RESULTS   also write the markdown tables to FILE`;

/** Options from the environment, for `npx projen bench`, whose task does not pass arguments on. */
const ENV_OPTIONS: Record<string, string> = {
  tenants: 'BENCH_TENANTS',
  vms: 'BENCH_VMS',
  scales: 'BENCH_SCALES',
  runs: 'BENCH_RUNS',
  warmup: 'BENCH_WARMUP',
  out: 'BENCH_OUT',
  results: 'BENCH_RESULTS',
};

function parseArgs(argv: string[]): Options {
  const o: Record<string, string> = {};
  const isChild = argv.includes('--child');
  for (const [option, name] of Object.entries(ENV_OPTIONS)) {
    const value = process.env[name];
    if (isChild || value === undefined || value === '') continue; // the parent passes children everything
    o[option] = option === 'warmup' ? String(!['0', 'false', 'no'].includes(value.toLowerCase())) : value;
  }
  const flags = new Set(['warmup', 'handoff']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue; // `npx projen bench -- --tenants 10` passes the separator on
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${JSON.stringify(a)}\n${USAGE}`);
    if (flags.has(m[1]) && m[2] === undefined) {
      o[m[1]] = 'true';
      continue;
    }
    o[m[1]] = m[2] ?? argv[++i];
    if (o[m[1]] === undefined) throw new Error(`--${m[1]} needs a value\n${USAGE}`);
  }
  const known = ['tenants', 'vms', 'scales', 'runs', 'warmup', 'out', 'results', 'child', 'scale', 'handoff'];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new Error(`unknown option --${k}\n${USAGE}`);
  const int = (name: string, dflt: number) => {
    const v = o[name] === undefined ? dflt : Number(o[name]);
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number of at least 1, not ${o[name]}`);
    return v;
  };
  const scales = (o.scales ?? '1,2,4').split(',').map((k) => Number(k.trim()));
  if (scales.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`--scales must list whole numbers of at least 1, not ${o.scales}`);
  if (o.child !== undefined && !VARIANTS.includes(o.child as Variant)) throw new Error(`--child must be one of ${VARIANTS.join(', ')}`);
  const opts: Options = {
    tenants: int('tenants', 100),
    vms: int('vms', 50),
    scales,
    runs: int('runs', 3),
    warmup: o.warmup === 'true',
    out: path.resolve(o.out ?? path.join(__dirname, 'out')),
    results: o.results,
    child: o.child as Variant | undefined,
    scale: o.scale === undefined ? undefined : int('scale', 1),
    handoff: o.handoff === 'true',
  };
  // One VLAN per tenant from 1000 (VLAN ids end at 4094) and one /24 per tenant in 10.0.0.0/8.
  const maxTenants = opts.tenants * Math.max(...(opts.child ? [opts.scale ?? 1] : opts.scales));
  if (maxTenants > 3094) throw new Error(`at most 3094 tenants fit the VLAN plan (1000 + i); asked for ${maxTenants}`);
  return opts;
}

// ---------------------------------------------------------------------------------------------------------
// What every child reports
// ---------------------------------------------------------------------------------------------------------

interface Measurement {
  readonly variant: Variant;
  readonly scale: number;
  readonly tenants: number;
  readonly vms: number;
  /** Loading the library's modules (library) or the input JSON (raw, floor); not part of `wallMs`. */
  readonly loadMs: number;
  /** The measured work: construct + synth + write (library), new ApiObject + synth + write (raw), stringify + write (floor). */
  readonly wallMs: number;
  /** Of `wallMs`: building the construct tree (library) or the ApiObjects (raw); 0 for the floor. */
  readonly constructMs: number;
  /** Of `wallMs`: garbage-collection pauses (perf_hooks 'gc' entries). */
  readonly gcMs: number;
  /** Peak resident set during the measured work (VmHWM, reset just before the work; see resetPeakRss). */
  readonly peakRssBytes: number;
  /** Whether the peak could be reset before the work (else it is the peak since the process started). */
  readonly peakReset: boolean;
  /** Resident set after loading and a full GC, just before the measured work. */
  readonly baseRssBytes: number;
  readonly objects: number;
  readonly files: number;
  readonly bytesWritten: number;
  /** sha256 over the written documents in order, so the three variants can be shown to write the same YAML. */
  readonly outputHash: string;
}

const RESULT_TAG = '@@bench-result ';

/** The measured stretch of the running child, to attribute GC pauses to it. */
const work = { start: 0, end: 0 };
const MiB = 1024 * 1024;

/**
 * Resets the peak resident set of this process to its current size (Linux: `echo 5 > /proc/self/clear_refs`),
 * so that the peak read after the work belongs to the work and not to loading. Returns false where that is
 * not possible; the peak is then the process's since it started.
 */
function resetPeakRss(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak resident set in bytes (VmHWM; process.resourceUsage().maxRSS reads the same counter). */
function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Full GC, then the resident set before the measured work; resets the peak where possible. */
function settle(): { baseRssBytes: number; peakReset: boolean } {
  fullGc();
  const baseRssBytes = process.memoryUsage().rss;
  return { baseRssBytes, peakReset: resetPeakRss() };
}

function fullGc(): void {
  const gc = (globalThis as any).gc as (() => void) | undefined;
  if (!gc) throw new Error('run with node --expose-gc (npx projen bench does)');
  gc();
  gc();
}

/** The written files, in chart order, hashed as one stream of YAML documents (joined as Yaml.stringify joins). */
function summarizeOutput(files: string[]): { bytes: number; hash: string } {
  const h = createHash('sha256');
  let bytes = 0;
  files.forEach((f, i) => {
    const data = fs.readFileSync(f);
    bytes += data.length;
    if (i > 0) h.update('---\n');
    h.update(data);
  });
  return { bytes, hash: h.digest('hex') };
}

function resetDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

/** The handoff from the library run to the raw and floor runs: the manifests per chart, in written order. */
interface Handoff {
  readonly charts: Array<{ readonly chart: string; readonly manifests: any[] }>;
}

function handoffPath(opts: Options, scale: number): string {
  return path.join(opts.out, `${scale}x`, 'objects.json');
}

/**
 * The compiled library (see compileLibrary): always under bench/out, whatever --out says, because it loads
 * cdk8s, constructs and ip-address from the repository's node_modules.
 */
function libraryJs(): string {
  return path.join(__dirname, 'out', 'lib');
}

// ---------------------------------------------------------------------------------------------------------
// (a) the library: the estate as a platform team would write it
// ---------------------------------------------------------------------------------------------------------

type Lib = typeof import('../src/network') & typeof import('../src/storage') & typeof import('../src/compute')
  & typeof import('../src/tenancy') & typeof import('../src/stacks/gitops-app');

/** One GitOpsApp, a platform chart (golden image, storage network) and a tenants chart. */
function buildEstate(lib: Lib, Chart: typeof import('cdk8s').Chart, outdir: string, tenants: number, vms: number) {
  const app = new lib.GitOpsApp({ outdir, layout: lib.ManifestLayout.FILE_PER_CHART });
  const platform = new Chart(app, 'platform');
  const tenantsChart = new Chart(app, 'tenants');

  const image = new lib.GoldenImage(platform, 'fedora', {
    name: 'fedora',
    namespace: 'golden-images',
    source: lib.ImageSource.http('https://images.example.com/fedora-40.qcow2'),
    size: '10Gi',
    storageClass: 'ceph-block',
  });
  // Ceph on the host network: the tenants' VMs have no pod network, and reach the monitors on the storage VLAN.
  const storage = new lib.SharedCephNetwork(platform, 'storage', {
    bridge: 'br1', vlan: 100, range: '192.168.0.0/16', nodeRange: '192.168.0.0/24', provider: lib.CephNetworkProvider.HOST,
  });

  for (let t = 0; t < tenants; t++) {
    const name = `tenant-${String(t).padStart(4, '0')}`;
    const net = `10.${Math.floor(t / 256)}.${t % 256}`;
    const tenant = new lib.IsolatedTenant(tenantsChart, name, {
      name,
      defaultNetwork: {
        name: 'tenant-net',
        bridge: 'br1',
        vlan: 1000 + t,
        ipam: lib.Ipam.whereabouts({
          range: `${net}.0/24`,
          gateway: `${net}.1`,
          routes: [{ destination: '0.0.0.0/0', gateway: `${net}.1` }],
        }),
      },
      sharedNetworks: [storage],
      dnsServers: [`${net}.53`],
    });
    for (let v = 0; v < vms; v++) {
      const vm = `vm-${String(v).padStart(3, '0')}`;
      tenant.addVm(vm, {
        name: vm,
        cpu: 2,
        memory: '4Gi',
        networks: [{ network: storage, name: 'storage' }],
        rootDisk: lib.VmDisk.fromGoldenImage(image, { size: '20Gi' }),
      });
    }
  }
  return app;
}

function runLibrary(opts: Options, scale: number): Measurement {
  const tenants = opts.tenants * scale;
  const loadStart = performance.now();
  // Loaded here, not at the top, so the parent and the floor never load the library.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Chart } = require('cdk8s') as typeof import('cdk8s');
  const js = libraryJs();
  const lib = {
    ...require(path.join(js, 'network')),
    ...require(path.join(js, 'storage')),
    ...require(path.join(js, 'compute')),
    ...require(path.join(js, 'tenancy')),
    ...require(path.join(js, 'stacks', 'gitops-app')),
  } as Lib;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const loadMs = performance.now() - loadStart;
  const outdir = path.join(opts.out, `${scale}x`, 'library');
  resetDir(outdir);
  if (opts.warmup) {
    buildEstate(lib, Chart, path.join(outdir, 'warmup'), Math.min(2, tenants), opts.vms).synth();
    fs.rmSync(path.join(outdir, 'warmup'), { recursive: true, force: true });
  }
  const { baseRssBytes, peakReset } = settle();

  const t0 = work.start = performance.now();
  const app = buildEstate(lib, Chart, outdir, tenants, opts.vms);
  const t1 = performance.now();
  app.synth();
  const t2 = work.end = performance.now();
  const peakRssBytes = peakRss();

  // Not measured: count, hash, and hand the JSON to the raw and floor runs.
  const files = app.charts.map((c) => path.join(outdir, `${c.node.id}${app.outputFileExtension}`));
  const { bytes, hash } = summarizeOutput(files);
  const charts = app.synthManifests();
  if (opts.handoff) {
    const handoff: Handoff = { charts: charts.map((c) => ({ chart: c.chart, manifests: c.manifests })) };
    fs.writeFileSync(handoffPath(opts, scale), JSON.stringify(handoff));
  }
  return {
    variant: 'library',
    scale,
    tenants,
    vms: tenants * opts.vms,
    loadMs,
    wallMs: t2 - t0,
    constructMs: t1 - t0,
    gcMs: 0,
    peakRssBytes,
    peakReset,
    baseRssBytes,
    objects: charts.reduce((n, c) => n + c.manifests.length, 0),
    files: files.length,
    bytesWritten: bytes,
    outputHash: hash,
  };
}

function loadHandoff(opts: Options, scale: number): { handoff: Handoff; loadMs: number } {
  const start = performance.now();
  const handoff = JSON.parse(fs.readFileSync(handoffPath(opts, scale), 'utf8')) as Handoff;
  return { handoff, loadMs: performance.now() - start };
}

/** The first `share` of every chart's manifests, for warming up raw and floor on a small estate. */
function sliceHandoff(handoff: Handoff, share: number): Handoff {
  return { charts: handoff.charts.map((c) => ({ chart: c.chart, manifests: c.manifests.slice(0, Math.ceil(c.manifests.length * share)) })) };
}

// ---------------------------------------------------------------------------------------------------------
// (b) raw ApiObjects: the library's JSON as plain `new ApiObject(chart, id, json)`, written by the same app
//     class (GitOpsApp: validate once, order by wave, Yaml.save per chart), so the only difference to (a) is
//     the library's constructs. One chart per chart of (a) (so two), so that ordering by wave keeps the
//     platform's objects ahead of the tenants' and the files come out byte for byte the same.
// ---------------------------------------------------------------------------------------------------------

function rawApp(cdk8s: typeof import('cdk8s'), gitops: typeof import('../src/stacks/gitops-app'), outdir: string, handoff: Handoff) {
  const app = new gitops.GitOpsApp({ outdir, layout: gitops.ManifestLayout.FILE_PER_CHART });
  for (const c of handoff.charts) {
    const chart = new cdk8s.Chart(app, c.chart);
    c.manifests.forEach((m, i) => new cdk8s.ApiObject(chart, `o${i}`, m));
  }
  return app;
}

function runRaw(opts: Options, scale: number): Measurement {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const cdk8s = require('cdk8s') as typeof import('cdk8s');
  const gitops = require(path.join(libraryJs(), 'stacks', 'gitops-app')) as typeof import('../src/stacks/gitops-app');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const { handoff, loadMs } = loadHandoff(opts, scale);
  const outdir = path.join(opts.out, `${scale}x`, 'raw');
  resetDir(outdir);
  if (opts.warmup) {
    rawApp(cdk8s, gitops, path.join(outdir, 'warmup'), sliceHandoff(handoff, 2 / (opts.tenants * scale))).synth();
    fs.rmSync(path.join(outdir, 'warmup'), { recursive: true, force: true });
  }
  const { baseRssBytes, peakReset } = settle();

  const t0 = work.start = performance.now();
  const app = rawApp(cdk8s, gitops, outdir, handoff);
  const t1 = performance.now();
  app.synth();
  const t2 = work.end = performance.now();
  const peakRssBytes = peakRss();

  const files = handoff.charts.map((c) => path.join(outdir, `${c.chart}${app.outputFileExtension}`));
  const { bytes, hash } = summarizeOutput(files);
  return {
    variant: 'raw',
    scale,
    tenants: opts.tenants * scale,
    vms: opts.tenants * scale * opts.vms,
    loadMs,
    wallMs: t2 - t0,
    constructMs: t1 - t0,
    gcMs: 0,
    peakRssBytes,
    peakReset,
    baseRssBytes,
    objects: handoff.charts.reduce((n, c) => n + c.manifests.length, 0),
    files: files.length,
    bytesWritten: bytes,
    outputHash: hash,
  };
}

// ---------------------------------------------------------------------------------------------------------
// (c) the floor: the same JSON through cdk8s's Yaml.stringify (the `yaml` package with cdk8s's options:
//     YAML 1.1, no line folding) and fs.writeFileSync, one file per chart. Any cdk8s app that writes these
//     files pays at least this.
// ---------------------------------------------------------------------------------------------------------

function writeFloor(Yaml: typeof import('cdk8s').Yaml, outdir: string, handoff: Handoff): string[] {
  fs.mkdirSync(outdir, { recursive: true });
  return handoff.charts.map((c) => {
    const file = path.join(outdir, `${c.chart}.k8s.yaml`);
    fs.writeFileSync(file, Yaml.stringify(...c.manifests), { encoding: 'utf8' });
    return file;
  });
}

function runFloor(opts: Options, scale: number): Measurement {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Yaml } = require('cdk8s') as typeof import('cdk8s');
  const { handoff, loadMs } = loadHandoff(opts, scale);
  const outdir = path.join(opts.out, `${scale}x`, 'floor');
  resetDir(outdir);
  if (opts.warmup) {
    writeFloor(Yaml, path.join(outdir, 'warmup'), sliceHandoff(handoff, 2 / (opts.tenants * scale)));
    fs.rmSync(path.join(outdir, 'warmup'), { recursive: true, force: true });
  }
  const { baseRssBytes, peakReset } = settle();

  const t0 = work.start = performance.now();
  const files = writeFloor(Yaml, outdir, handoff);
  const t2 = work.end = performance.now();
  const peakRssBytes = peakRss();

  const { bytes, hash } = summarizeOutput(files);
  return {
    variant: 'floor',
    scale,
    tenants: opts.tenants * scale,
    vms: opts.tenants * scale * opts.vms,
    loadMs,
    wallMs: t2 - t0,
    constructMs: 0,
    gcMs: 0,
    peakRssBytes,
    peakReset,
    baseRssBytes,
    objects: handoff.charts.reduce((n, c) => n + c.manifests.length, 0),
    files: files.length,
    bytesWritten: bytes,
    outputHash: hash,
  };
}

async function runChild(opts: Options): Promise<void> {
  const pauses: Array<{ readonly start: number; readonly duration: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const run = { library: runLibrary, raw: runRaw, floor: runFloor }[opts.child!];
  const m = run(opts, opts.scale ?? 1);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the observer is called asynchronously
  observer.disconnect();
  const gcMs = pauses.filter((p) => p.start >= work.start && p.start < work.end).reduce((t, p) => t + p.duration, 0);
  process.stdout.write(`${RESULT_TAG}${JSON.stringify({ ...m, gcMs })}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// The parent: compile the library once, one child process per run, variant and scale, then the tables
// ---------------------------------------------------------------------------------------------------------

/**
 * Compiles src/ to JavaScript with the library's own tsconfig.json (as `npx jsii` / the published package
 * has it, inline source maps included) into bench/out/lib. The children load that, as a cdk8s app loads the
 * library from node_modules; loading src/ through ts-node instead would add ~50 MiB of transpiler caches to
 * the library's process only and blur the memory comparison.
 */
function compileLibrary(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const root = path.resolve(__dirname, '..');
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  })!;
  const out = libraryJs();
  resetDir(out);
  const srcDir = path.join(root, 'src');
  for (const file of config.fileNames) {
    const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      // The package is CommonJS (no "type": "module"), which is what tsc emits for it under node16.
      compilerOptions: { ...config.options, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
      fileName: file,
    });
    const target = path.join(out, path.relative(srcDir, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, outputText);
  }
}

function spawnChild(opts: Options, variant: Variant, scale: number, handoff: boolean): Measurement {
  const args = [
    ...process.execArgv, // --expose-gc -r ts-node/register/transpile-only, as the projen task starts us
    __filename,
    '--child', variant, '--scale', String(scale),
    '--tenants', String(opts.tenants), '--vms', String(opts.vms), '--out', opts.out,
    ...(opts.warmup ? ['--warmup'] : []),
    ...(handoff ? ['--handoff'] : []),
  ];
  const res = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * MiB, stdio: ['ignore', 'pipe', 'inherit'] });
  if (res.status !== 0) throw new Error(`${variant} at ${scale}x failed (exit ${res.status ?? res.signal}):\n${res.stdout}`);
  const line = res.stdout.split('\n').find((l) => l.startsWith(RESULT_TAG));
  if (!line) throw new Error(`${variant} at ${scale}x reported nothing:\n${res.stdout}`);
  return JSON.parse(line.slice(RESULT_TAG.length)) as Measurement;
}

const TARGETS = {
  timeVsRaw: 1.5,
  memoryVsRaw: 1.5,
  growthAt4x: 4.4,
  estateVms: 5000,
  estateSeconds: 10,
  estateBytes: 1024 * MiB,
};

/** The median run of one variant at one scale (wall time and peak RSS medians taken separately). */
interface Summary {
  readonly runs: Measurement[];
  readonly wallMs: number;
  readonly constructMs: number;
  readonly gcMs: number;
  readonly peakRssBytes: number;
  readonly baseRssBytes: number;
  readonly minWallMs: number;
  readonly maxWallMs: number;
  readonly objects: number;
  readonly vms: number;
  readonly bytesWritten: number;
  readonly hashes: Set<string>;
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function summarize(runs: Measurement[]): Summary {
  return {
    runs,
    wallMs: median(runs.map((r) => r.wallMs)),
    constructMs: median(runs.map((r) => r.constructMs)),
    gcMs: median(runs.map((r) => r.gcMs)),
    peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
    baseRssBytes: median(runs.map((r) => r.baseRssBytes)),
    minWallMs: Math.min(...runs.map((r) => r.wallMs)),
    maxWallMs: Math.max(...runs.map((r) => r.wallMs)),
    objects: runs[0].objects,
    vms: runs[0].vms,
    bytesWritten: runs[0].bytesWritten,
    hashes: new Set(runs.map((r) => r.outputHash)),
  };
}

const sec = (ms: number) => (ms / 1000).toFixed(2);
const mib = (b: number) => (b / MiB).toFixed(0);
const times = (r: number) => `${r.toFixed(2)}x`;
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
const int = (n: number) => n.toLocaleString('en-US');

function report(opts: Options, results: Measurement[]): string {
  const summaries = new Map<string, Summary>();
  const by = (v: Variant, k: number): Summary => {
    const key = `${v}@${k}`;
    if (!summaries.has(key)) summaries.set(key, summarize(results.filter((r) => r.variant === v && r.scale === k)));
    return summaries.get(key)!;
  };
  const base = opts.scales[0];
  const lines: string[] = [];
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  lines.push(`${int(opts.tenants)} tenants x ${int(opts.vms)} VMs at ${opts.scales.map((k) => `${k}x`).join(', ')} `
    + '(every VM: a tenant default network, the shared storage network, a 20Gi root disk cloned from one golden image). '
    + `${os.cpus().length} cores (${cpu}), ${int(Math.round(os.totalmem() / MiB / 1024))} GiB, Node ${process.version}. `
    + `Median of ${opts.runs} run${opts.runs > 1 ? 's' : ''}, each a fresh ${opts.warmup ? 'process warmed up on 2 tenants' : 'cold process'}; `
    + (results.every((r) => r.peakReset)
      ? 'peak RSS is the high-water mark of the measured work (VmHWM, reset after loading).'
      : 'peak RSS is the high-water mark of the whole process, loading included.'));
  lines.push('');

  lines.push('| Scale | VMs | Objects | Variant | Wall (s) | min-max (s) | of which construct (s) | of which GC (s) | Peak RSS (MiB) | RSS before work (MiB) | Bytes written |');
  lines.push('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const k of opts.scales) {
    for (const v of VARIANTS) {
      const r = by(v, k);
      lines.push(`| ${k}x | ${int(r.vms)} | ${int(r.objects)} | ${v} | ${sec(r.wallMs)} | ${sec(r.minWallMs)}-${sec(r.maxWallMs)} `
        + `| ${v === 'floor' ? '-' : sec(r.constructMs)} | ${sec(r.gcMs)} | ${mib(r.peakRssBytes)} | ${mib(r.baseRssBytes)} | ${int(r.bytesWritten)} |`);
    }
  }
  lines.push('');

  lines.push('| Scale | library / raw, time | library / raw, peak RSS | library / floor, time | library / floor, peak RSS | raw / floor, time | same YAML in all three |');
  lines.push('|---|---:|---:|---:|---:|---:|---|');
  for (const k of opts.scales) {
    const [l, r, f] = VARIANTS.map((v) => by(v, k));
    const same = new Set([...l.hashes, ...r.hashes, ...f.hashes]).size === 1;
    lines.push(`| ${k}x | ${times(l.wallMs / r.wallMs)} | ${times(l.peakRssBytes / r.peakRssBytes)} | ${times(l.wallMs / f.wallMs)} `
      + `| ${times(l.peakRssBytes / f.peakRssBytes)} | ${times(r.wallMs / f.wallMs)} | ${same ? 'yes' : '**NO**'} |`);
  }
  lines.push('');

  const l0 = by('library', base);
  lines.push(`| Scale | VMs | library wall (s) | time vs ${base}x | objects vs ${base}x | library peak RSS (MiB) | RSS vs ${base}x | raw wall (s) | raw time vs ${base}x |`);
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const r0 = by('raw', base);
  for (const k of opts.scales) {
    const l = by('library', k);
    const r = by('raw', k);
    lines.push(`| ${k}x | ${int(l.vms)} | ${sec(l.wallMs)} | ${times(l.wallMs / l0.wallMs)} | ${times(l.objects / l0.objects)} `
      + `| ${mib(l.peakRssBytes)} | ${times(l.peakRssBytes / l0.peakRssBytes)} | ${sec(r.wallMs)} | ${times(r.wallMs / r0.wallMs)} |`);
  }
  lines.push('');

  // The issue's targets; the overhead ratios are judged at the worst scale.
  const worst = (f: (k: number) => number) => Math.max(...opts.scales.map(f));
  const timeVsRaw = worst((k) => by('library', k).wallMs / by('raw', k).wallMs);
  const memVsRaw = worst((k) => by('library', k).peakRssBytes / by('raw', k).peakRssBytes);
  lines.push('| Target | Limit | Measured | |');
  lines.push('|---|---:|---:|---|');
  lines.push(`| construct overhead, time (library / raw, worst scale) | ${times(TARGETS.timeVsRaw)} | ${times(timeVsRaw)} | ${verdict(timeVsRaw <= TARGETS.timeVsRaw)} |`);
  lines.push(`| construct overhead, memory (library / raw peak RSS, worst scale) | ${times(TARGETS.memoryVsRaw)} | ${times(memVsRaw)} | ${verdict(memVsRaw <= TARGETS.memoryVsRaw)} |`);
  const four = opts.scales.find((k) => k === base * 4);
  if (four !== undefined) {
    const g = by('library', four).wallMs / l0.wallMs;
    lines.push(`| 4x the estate, time (library ${four}x / ${base}x) | ${times(TARGETS.growthAt4x)} | ${times(g)} | ${verdict(g <= TARGETS.growthAt4x)} |`);
  }
  // The absolute targets are for the issue's estate of 5,000 VMs.
  const estate = opts.scales.map((k) => by('library', k)).find((l) => l.vms === TARGETS.estateVms);
  if (estate) {
    lines.push(`| ${int(estate.vms)} VMs, wall time | ${TARGETS.estateSeconds} s | ${sec(estate.wallMs)} s | ${verdict(estate.wallMs <= TARGETS.estateSeconds * 1000)} |`);
    lines.push(`| ${int(estate.vms)} VMs, peak RSS | ${mib(TARGETS.estateBytes)} MiB | ${mib(estate.peakRssBytes)} MiB | ${verdict(estate.peakRssBytes <= TARGETS.estateBytes)} |`);
  } else {
    lines.push(`| ${int(TARGETS.estateVms)} VMs, wall time and peak RSS | ${TARGETS.estateSeconds} s, ${mib(TARGETS.estateBytes)} MiB | not run | - |`);
  }
  return lines.join('\n');
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.child) {
    runChild(opts).catch((e) => {
      console.error(e);
      process.exit(1);
    });
    return;
  }
  const started = performance.now();
  fs.mkdirSync(opts.out, { recursive: true });
  compileLibrary();
  const results: Measurement[] = [];
  for (const k of opts.scales) {
    fs.mkdirSync(path.join(opts.out, `${k}x`), { recursive: true });
    for (let run = 1; run <= opts.runs; run++) {
      // The library goes first in run 1 (it writes the JSON the others read); later runs rotate the order.
      const order = VARIANTS.map((_, i) => VARIANTS[(i + run - 1) % VARIANTS.length]);
      for (const v of order) {
        const r = spawnChild(opts, v, k, v === 'library' && run === 1);
        results.push(r);
        console.error(`${k}x run ${run} ${v.padEnd(7)} ${sec(r.wallMs).padStart(6)} s (construct ${sec(r.constructMs)}, GC ${sec(r.gcMs)})  `
          + `peak ${mib(r.peakRssBytes).padStart(4)} MiB (before work ${mib(r.baseRssBytes)})  ${int(r.objects)} objects  `
          + `${int(r.bytesWritten)} bytes  load ${sec(r.loadMs)} s`);
      }
    }
    fs.rmSync(handoffPath(opts, k), { force: true });
  }
  const md = report(opts, results);
  console.log(`\n${md}\n`);
  console.error(`bench took ${sec(performance.now() - started)} s`);
  fs.writeFileSync(path.join(opts.out, 'results.json'), JSON.stringify(results, undefined, 2));
  fs.writeFileSync(path.join(opts.out, 'results.md'), `${md}\n`);
  if (opts.results) fs.writeFileSync(opts.results, `${md}\n`);
}

main();
