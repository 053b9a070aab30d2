/**
 * Estate benchmark (issue 17): whole processes, interleaved, against the tools a platform team would use
 * instead. How to run and read it: bench/README.md.
 *
 *   npx projen bench                                           # 2,500 / 5,000 / 10,000 VMs, 3 runs, every variant
 *   npx projen bench -- --vms 500 --runs 1                     # a quick look
 *   npx projen bench -- --update-readme                        # ... and put the table into README.md
 *   npx projen bench -- --vms 10000,100000 --runs 1 --variants library,helm,python-batch    # linear to 100,000?
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as YAML from 'yaml';

// ---------------------------------------------------------------------------------------------------------
// Variants
// ---------------------------------------------------------------------------------------------------------

type Variant = 'library' | 'raw' | 'helm' | 'yaml' | 'js-yaml' | 'manifest-yaml' | 'python' | 'python-batch';

interface VariantInfo {
  readonly label: string;
  /** What the variant's output is checked for against the library's. */
  readonly same: 'bytes' | 'objects';
}

const VARIANTS: Record<Variant, VariantInfo> = {
  'library': { label: 'library (TypeScript)', same: 'bytes' },
  'raw': { label: 'raw cdk8s ApiObjects', same: 'bytes' },
  'helm': { label: '`helm template`', same: 'objects' },
  'yaml': { label: '`yaml` stringify alone', same: 'bytes' },
  'js-yaml': { label: 'js-yaml alone', same: 'objects' },
  'manifest-yaml': { label: 'ManifestYaml alone', same: 'bytes' },
  'python': { label: 'library (Python, addVm per VM)', same: 'bytes' },
  'python-batch': { label: 'library (Python, addVms per tenant)', same: 'bytes' },
};
const ALL_VARIANTS = Object.keys(VARIANTS) as Variant[];

const HELM_VERSION = 'v3.22.0';
const ROOT = path.resolve(__dirname, '..');
const TOOLS = path.join(__dirname, '.tools');
const HELM = path.join(TOOLS, 'bin', 'helm');
const VENV = path.join(ROOT, '.venv-bench');
const MiB = 1024 * 1024;
/** The jsii kernel's heap limit when started from Python (jsii/_kernel/providers/process.py: --max-old-space-size=4069). */
const JSII_KERNEL_HEAP_MIB = 4069;

// ---------------------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------------------

interface Options {
  readonly vms: number[];
  readonly perTenant: number;
  readonly runs: number;
  readonly variants: Variant[];
  readonly check: 'auto' | 'full' | 'bytes' | 'none';
  readonly out: string;
  readonly updateReadme: boolean;
  /** One untimed run of every variant at the smallest estate before the timed rounds (disk caches, bytecode). */
  readonly warmup: boolean;
  /** Only compile the library and the apps (and set up helm and Python for the chosen variants), for profiling. */
  readonly setupOnly: boolean;
  /** Start the Node apps with --expose-gc and report their heap after writing (a full GC at the end: slower exit). */
  readonly heap: boolean;
}

const USAGE = `usage: npx projen bench -- [options]
  --vms LIST          estates to run, in VMs, comma-separated (default 2500,5000,10000); VMs per tenant: --per-tenant
  --per-tenant N      VMs per tenant (default 50)
  --runs N            runs of every variant at every size, interleaved (default 3); tables show medians
  --variants LIST     any of ${ALL_VARIANTS.join(', ')} (default: all)
  --check MODE        output identity checks: auto (objects up to 20,000 VMs, bytes always), full, bytes, none
  --out DIR           outputs and results (default bench/out, gitignored)
  --update-readme     also replace the table between <!-- bench:start --> and <!-- bench:end --> in README.md
  --no-warmup         skip the untimed run of every variant at the smallest estate before the timed rounds
  --setup-only        compile the library and apps into bench/out (and set up the chosen variants' tools), run nothing
  --heap              report the Node apps' heap after writing (a full GC before exit: not for timing runs)`;

function parseArgs(argv: string[]): Options {
  const o: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue;
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${JSON.stringify(a)}\n${USAGE}`);
    if (['update-readme', 'heap', 'setup-only', 'no-warmup'].includes(m[1])) {
      o[m[1]] = 'true';
      continue;
    }
    o[m[1]] = m[2] ?? argv[++i];
    if (o[m[1]] === undefined) throw new Error(`--${m[1]} needs a value\n${USAGE}`);
  }
  for (const k of Object.keys(o)) {
    if (!['vms', 'per-tenant', 'runs', 'variants', 'check', 'out', 'update-readme', 'heap', 'setup-only', 'no-warmup'].includes(k)) throw new Error(`unknown option --${k}\n${USAGE}`);
  }
  const whole = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: ${v} is not a whole number of at least 1`);
    return n;
  };
  const perTenant = whole('per-tenant', o['per-tenant'] ?? '50');
  const vms = (o.vms ?? '2500,5000,10000').split(',').map((v) => whole('vms', v.trim()));
  for (const v of vms) {
    if (v % perTenant !== 0) throw new Error(`--vms: ${v} is not a multiple of ${perTenant} VMs per tenant`);
    // One VLAN per tenant from 1000 (VLAN ids end at 4094), one /24 per tenant in 10.0.0.0/8.
    if (v / perTenant > 3094) throw new Error(`--vms: ${v} needs ${v / perTenant} tenants; at most 3094 fit the VLAN plan (use --per-tenant)`);
  }
  const variants = (o.variants ?? ALL_VARIANTS.join(',')).split(',').map((v) => v.trim() as Variant);
  for (const v of variants) if (!(v in VARIANTS)) throw new Error(`--variants: unknown variant ${v} (${ALL_VARIANTS.join(', ')})`);
  const check = (o.check ?? 'auto') as Options['check'];
  if (!['auto', 'full', 'bytes', 'none'].includes(check)) throw new Error(`--check: ${check} is not auto, full, bytes or none`);
  return {
    vms,
    perTenant,
    runs: whole('runs', o.runs ?? '3'),
    variants,
    check,
    out: path.resolve(o.out ?? path.join(__dirname, 'out')),
    updateReadme: o['update-readme'] === 'true',
    heap: o.heap === 'true',
    setupOnly: o['setup-only'] === 'true',
    warmup: o['no-warmup'] !== 'true',
  };
}

// ---------------------------------------------------------------------------------------------------------
// Set-up: compiled library and apps, helm, the Python wheel in a virtualenv
// ---------------------------------------------------------------------------------------------------------

/** Runs a command for set-up, failing loudly. */
function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const res = spawnSync(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * MiB });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${res.status ?? res.signal}):\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

/**
 * Compiles src/ (with the library's own tsconfig.json, as `npx jsii` does) to bench/out/lib and the apps to
 * bench/out/apps: every measured Node process loads compiled JavaScript, as a cdk8s app loads the library from
 * node_modules (ts-node would add its own start-up and caches to the measured processes).
 */
function compile(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  })!;
  const emit = (file: string, target: string) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { ...config.options, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
      fileName: file,
    });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, outputText);
  };
  const lib = path.join(__dirname, 'out', 'lib');
  fs.rmSync(lib, { recursive: true, force: true });
  for (const file of config.fileNames) emit(file, path.join(lib, path.relative(path.join(ROOT, 'src'), file)).replace(/\.ts$/, '.js'));
  const apps = path.join(__dirname, 'out', 'apps');
  fs.rmSync(apps, { recursive: true, force: true });
  for (const file of fs.readdirSync(path.join(__dirname, 'apps')).filter((f) => f.endsWith('.ts'))) {
    emit(path.join(__dirname, 'apps', file), path.join(apps, file.replace(/\.ts$/, '.js')));
  }
}

/** helm HELM_VERSION in bench/.tools/bin, built with `go install` from the Go module proxy if it is not there. */
function ensureHelm(): string {
  // A helm built by `go install` reports only "v3.22" itself; the module version is in the build info.
  const version = () => {
    if (!fs.existsSync(HELM)) return undefined;
    const res = spawnSync('go', ['version', '-m', HELM], { encoding: 'utf8' });
    return /^\s*mod\s+helm\.sh\/helm\/v3\s+(\S+)/m.exec(res.stdout ?? '')?.[1];
  };
  if (version() === HELM_VERSION) return HELM;
  console.error(`bench: building helm ${HELM_VERSION} with go install into ${path.relative(ROOT, TOOLS)} (a few minutes, once)`);
  sh('go', ['install', `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], {
    env: { ...process.env, GOBIN: path.join(TOOLS, 'bin'), GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' },
  });
  if (version() !== HELM_VERSION) throw new Error(`bench: ${HELM} does not report ${HELM_VERSION}`);
  return HELM;
}

/** Newest modification time of the files under `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return t;
}

/**
 * The Python interpreter of .venv-bench with the wheel from dist/python installed (and the cdk8s, constructs,
 * cdk8s-plus-27 and jsii versions the TypeScript side uses). Builds the wheel first (`npx projen compile` and
 * `npx projen package:python`) when there is none or src/ changed after it was built.
 */
function ensurePython(): string {
  const wheelDir = path.join(ROOT, 'dist', 'python');
  const wheels = () => (fs.existsSync(wheelDir) ? fs.readdirSync(wheelDir).filter((f) => f.endsWith('.whl')) : []);
  const fresh = () => wheels().length === 1 && fs.statSync(path.join(wheelDir, wheels()[0])).mtimeMs > newest(path.join(ROOT, 'src'));
  if (!fresh()) {
    console.error('bench: building the Python wheel (npx projen compile, npx projen package:python)');
    sh('npx', ['projen', 'compile']);
    fs.rmSync(wheelDir, { recursive: true, force: true });
    sh('npx', ['projen', 'package:python']);
    if (!fresh()) throw new Error('bench: no fresh wheel in dist/python after npx projen package:python');
  }
  const wheel = path.join(wheelDir, wheels()[0]);
  const digest = createHash('sha256').update(fs.readFileSync(wheel)).digest('hex');
  const python = path.join(VENV, 'bin', 'python');
  const marker = path.join(VENV, 'installed-wheel.sha256');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === digest) return python;
  console.error(`bench: installing ${path.relative(ROOT, wheel)} into ${path.relative(ROOT, VENV)}`);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const pkg = require(path.join(ROOT, 'package.json'));
  const constraints = [
    ...['cdk8s', 'constructs', 'cdk8s-plus-27'].map((n) => `${n}==${pkg.devDependencies[n]}`),
    `jsii==${require('jsii-pacmak/package.json').version}`,
  ];
  /* eslint-enable @typescript-eslint/no-require-imports */
  fs.rmSync(VENV, { recursive: true, force: true });
  sh('python3', ['-m', 'venv', VENV]);
  const file = path.join(VENV, 'constraints.txt');
  fs.writeFileSync(file, constraints.join('\n') + '\n');
  sh(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--constraint', file, wheel]);
  // The first import compiles bytecode and fills the jsii kernel's package cache: a one-time cost, not measured.
  sh(python, ['-c', 'import cdk8s_kubevirt']);
  fs.writeFileSync(marker, digest);
  return python;
}

// ---------------------------------------------------------------------------------------------------------
// One run: a whole process, measured from outside
// ---------------------------------------------------------------------------------------------------------

interface Run {
  readonly variant: Variant;
  readonly vms: number;
  readonly run: number;
  /** Whole process: start to exit. */
  readonly wallMs: number;
  /** Peak resident set (wait4 ru_maxrss: the process, or the largest of the descendants it waited for). */
  readonly peakRssBytes: number;
  /** From the app's own report (not for helm): when loading, building and writing ended, ms since it started. */
  readonly app?: {
    loadedMs: number;
    builtMs: number;
    writtenMs: number;
    peakRssBytes: number;
    heapBuiltBytes?: number;
    heapAfterBytes?: number;
    kernelPeakRssBytes?: number;
  };
}

interface Env {
  readonly node: string[];
  readonly helm?: string;
  readonly python?: string;
}

function command(env: Env, variant: Variant, tenants: number, perTenant: number, outdir: string): string[] {
  const app = (name: string) => path.join(__dirname, 'out', 'apps', `${name}.js`);
  const lib = path.join(__dirname, 'out', 'lib');
  const size = ['--tenants', String(tenants), '--vms', String(perTenant), '--out', outdir];
  switch (variant) {
    case 'library': return [...env.node, app('library'), '--lib', lib, ...size];
    case 'raw': return [...env.node, app('raw'), ...size];
    case 'yaml':
    case 'js-yaml':
    case 'manifest-yaml': return [...env.node, app('floor'), '--serializer', variant, '--lib', lib, ...size];
    case 'helm': return [env.helm!, 'template', path.join(__dirname, 'chart'), '--set', `tenants=${tenants}`, '--set', `vmsPerTenant=${perTenant}`, '--output-dir', outdir];
    case 'python': return [env.python!, path.join(__dirname, 'apps', 'estate.py'), ...size];
    case 'python-batch': return [env.python!, path.join(__dirname, 'apps', 'estate.py'), ...size, '--batch'];
  }
}

function runOnce(env: Env, opts: Options, variant: Variant, vms: number, run: number): Run {
  const outdir = path.join(opts.out, String(vms), variant);
  fs.rmSync(outdir, { recursive: true, force: true });
  const cmd = command(env, variant, vms / opts.perTenant, opts.perTenant, outdir);
  const res = spawnSync('python3', [path.join(__dirname, 'measure.py'), ...cmd], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * MiB, env: { ...process.env, CDK8S_OUTDIR: '' },
  });
  const measured = /@@bench-measure (.*)/.exec(res.stderr ?? '');
  if (res.status !== 0 || !measured) {
    throw new Error(`${variant} at ${vms} VMs failed (${res.status ?? res.signal}):\n${cmd.join(' ')}\n${res.stdout?.slice(-4000)}\n${res.stderr?.slice(-4000)}`);
  }
  const m = JSON.parse(measured[1]);
  const reported = /@@bench-app (.*)/.exec(res.stdout ?? '');
  return { variant, vms, run, wallMs: m.wallMs, peakRssBytes: m.maxRssKiB * 1024, app: reported ? JSON.parse(reported[1]) : undefined };
}

// ---------------------------------------------------------------------------------------------------------
// Output checks: the same bytes, or the same objects, as the library
// ---------------------------------------------------------------------------------------------------------

/** The manifest files a variant wrote (relative path -> absolute), without GitOpsApp's index. */
function manifestFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(e.name)) files.set(path.relative(dir, full), full);
    }
  };
  walk(dir);
  return files;
}

/** sha256 over the files, by name: equal for two outputs exactly when they have the same files with the same bytes. */
function bytesDigest(dir: string): string {
  const h = createHash('sha256');
  for (const [name, full] of [...manifestFiles(dir)].sort(([a], [b]) => a.localeCompare(b))) {
    h.update(`${name}\0`);
    h.update(fs.readFileSync(full));
    h.update('\0');
  }
  return h.digest('hex');
}

/** The number of YAML documents in a variant's files (`---` lines + 1 per non-empty file). */
function countDocuments(dir: string): number {
  let n = 0;
  for (const full of manifestFiles(dir).values()) {
    const text = fs.readFileSync(full, 'utf8');
    if (text.length > 0) n += 1 + (text.match(/^---$/gm)?.length ?? 0);
  }
  return n;
}

/** Sorts keys at every level, so that key order does not matter. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as any)[k])]));
  }
  return v;
}

/**
 * sha256 over the objects of all files, read as YAML 1.1 (as kubectl reads them), each as canonical JSON, sorted:
 * equal for two outputs exactly when they hold the same objects, whatever the files, order or formatting.
 */
function objectsDigest(dir: string): { digest: string; objects: number } {
  const docs: string[] = [];
  for (const full of manifestFiles(dir).values()) {
    for (const text of fs.readFileSync(full, 'utf8').split(/^---$/m)) {
      const obj = YAML.parse(text, { version: '1.1' });
      if (obj !== null && obj !== undefined) docs.push(JSON.stringify(canonical(obj)));
    }
  }
  docs.sort();
  const h = createHash('sha256');
  for (const d of docs) h.update(d + '\n');
  return { digest: h.digest('hex'), objects: docs.length };
}

interface Check {
  readonly variant: Variant;
  readonly vms: number;
  readonly kind: 'bytes' | 'objects' | 'skipped';
  readonly same: boolean;
  readonly note?: string;
}

function checkOutputs(opts: Options, vms: number, variants: Variant[]): { checks: Check[]; objects?: number } {
  if (opts.check === 'none') return { checks: [] };
  const dir = (v: Variant) => path.join(opts.out, String(vms), v);
  const objectsToo = opts.check === 'full' || (opts.check === 'auto' && vms <= 20000);
  const reference = bytesDigest(dir('library'));
  const referenceObjects = objectsToo || variants.some((v) => VARIANTS[v].same === 'objects' && opts.check !== 'bytes')
    ? objectsDigest(dir('library')) : undefined;
  const checks: Check[] = [];
  for (const v of variants.filter((x) => x !== 'library')) {
    if (VARIANTS[v].same === 'bytes') {
      checks.push({ variant: v, vms, kind: 'bytes', same: bytesDigest(dir(v)) === reference });
    } else if (referenceObjects && objectsToo) {
      checks.push({ variant: v, vms, kind: 'objects', same: objectsDigest(dir(v)).digest === referenceObjects.digest });
    } else {
      checks.push({ variant: v, vms, kind: 'skipped', same: true, note: opts.check === 'bytes' ? '--check bytes' : 'above 20,000 VMs; --check full compares them' });
    }
  }
  return { checks, objects: referenceObjects?.objects ?? countDocuments(dir('library')) };
}

// ---------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

interface Cell {
  readonly wallMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly peakRssBytes: number;
  readonly runs: Run[];
}

const sec = (ms: number) => (ms / 1000).toFixed(2);
const mib = (b: number) => (b / MiB).toFixed(0);
const int = (n: number) => n.toLocaleString('en-US');
const times = (r: number) => `${r.toFixed(2)}x`;
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

const TARGETS = {
  helmTime: 0.8,
  helmMemory: 1.0,
  rawTime: 1.0,
  pythonTime: 2.0,
  growth: 10.5,
  memory100kBytes: 1.5 * 1024 * MiB,
};

function report(opts: Options, results: Run[], checks: Check[], objectsByVms: Map<number, number>, tookMs: number): string {
  const cells = new Map<string, Cell>();
  const cell = (v: Variant, vms: number): Cell | undefined => {
    const key = `${v}@${vms}`;
    if (!cells.has(key)) {
      const runs = results.filter((r) => r.variant === v && r.vms === vms);
      if (runs.length === 0) return undefined;
      cells.set(key, {
        wallMs: median(runs.map((r) => r.wallMs)),
        minMs: Math.min(...runs.map((r) => r.wallMs)),
        maxMs: Math.max(...runs.map((r) => r.wallMs)),
        peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
        runs,
      });
    }
    return cells.get(key);
  };
  const variants = opts.variants;
  const lines: string[] = [];
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  lines.push(`\`npx projen bench${process.argv.slice(2).filter((a) => a !== '--update-readme' && a !== '--').length > 0 ? ' -- ' + process.argv.slice(2).filter((a) => a !== '--update-readme' && a !== '--').join(' ') : ''}\`: `
    + `${os.cpus().length} cores (${cpu}), ${int(Math.round(os.totalmem() / MiB / 1024))} GiB, Node ${process.version}, helm ${HELM_VERSION}. `
    + `Each cell: the median of ${opts.runs} whole process${opts.runs > 1 ? 'es' : ''} (start, module loading, construction, synthesis, writing; `
    + 'variants interleaved), min-max in brackets, and the median peak resident set. '
    + `${opts.perTenant} VMs per tenant; per VM a VirtualMachine (pod network, tenant and storage networks, root disk cloned from a DataSource) and a Service.`);
  lines.push('');
  const header = ['VMs', 'objects', ...variants.map((v) => VARIANTS[v].label)];
  lines.push(`| ${header.join(' | ')} |`);
  lines.push(`|${header.map((_, i) => (i === 0 ? '---:' : '---:')).join('|')}|`);
  for (const vms of opts.vms) {
    const row = [int(vms), objectsByVms.has(vms) ? int(objectsByVms.get(vms)!) : '-'];
    for (const v of variants) {
      const c = cell(v, vms);
      row.push(c ? `${sec(c.wallMs)} s (${sec(c.minMs)}-${sec(c.maxMs)}), ${mib(c.peakRssBytes)} MiB` : '-');
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  lines.push('');

  // Ratios, within this run.
  const ratio = (a: Variant, b: Variant, vms: number, f: (c: Cell) => number) => {
    const ca = cell(a, vms);
    const cb = cell(b, vms);
    return ca && cb ? f(ca) / f(cb) : undefined;
  };
  const show = (r: number | undefined) => (r === undefined ? '-' : times(r));
  const ratioRows: Array<[string, Variant, Variant, (c: Cell) => number]> = [
    ['library / helm, time', 'library', 'helm', (c) => c.wallMs],
    ['library / helm, peak memory', 'library', 'helm', (c) => c.peakRssBytes],
    ['library / raw ApiObjects, time', 'library', 'raw', (c) => c.wallMs],
    ['library / raw ApiObjects, peak memory', 'library', 'raw', (c) => c.peakRssBytes],
    ['Python (addVms) / TypeScript, time', 'python-batch', 'library', (c) => c.wallMs],
    ['Python (addVm per VM) / TypeScript, time', 'python', 'library', (c) => c.wallMs],
    ['ManifestYaml / `yaml` stringify, time', 'manifest-yaml', 'yaml', (c) => c.wallMs],
    ['ManifestYaml / js-yaml, time', 'manifest-yaml', 'js-yaml', (c) => c.wallMs],
  ];
  lines.push(`| ratio | ${opts.vms.map((v) => `${int(v)} VMs`).join(' | ')} |`);
  lines.push(`|---|${opts.vms.map(() => '---:').join('|')}|`);
  for (const [name, a, b, f] of ratioRows) {
    if (!variants.includes(a) || !variants.includes(b)) continue;
    lines.push(`| ${name} | ${opts.vms.map((vms) => show(ratio(a, b, vms, f))).join(' | ')} |`);
  }
  lines.push('');

  // The issue's targets.
  const target: string[] = [];
  const at = (vms: number) => opts.vms.includes(vms);
  for (const vms of [5000, 10000].filter(at)) {
    const t = ratio('library', 'helm', vms, (c) => c.wallMs);
    const m = ratio('library', 'helm', vms, (c) => c.peakRssBytes);
    if (t !== undefined) target.push(`| library / helm, time, ${int(vms)} VMs | ${times(TARGETS.helmTime)} | ${times(t)} | ${verdict(t <= TARGETS.helmTime)} |`);
    if (m !== undefined) target.push(`| library / helm, peak memory, ${int(vms)} VMs | ${times(TARGETS.helmMemory)} | ${times(m)} | ${verdict(m <= TARGETS.helmMemory)} |`);
  }
  for (const vms of opts.vms.filter((v) => v >= 5000)) {
    const t = ratio('library', 'raw', vms, (c) => c.wallMs);
    if (t !== undefined) target.push(`| library / raw ApiObjects, time, ${int(vms)} VMs | ${times(TARGETS.rawTime)} | ${times(t)} | ${verdict(t <= TARGETS.rawTime)} |`);
  }
  if (at(5000)) {
    const t = ratio('python-batch', 'library', 5000, (c) => c.wallMs);
    if (t !== undefined) target.push(`| Python / TypeScript, time, 5,000 VMs (addVms) | ${times(TARGETS.pythonTime)} | ${times(t)} | ${verdict(t <= TARGETS.pythonTime)} |`);
  }
  if (at(10000) && at(100000)) {
    for (const v of (['library', 'python-batch', 'helm'] as Variant[]).filter((x) => variants.includes(x))) {
      const g = cell(v, 100000)!.wallMs / cell(v, 10000)!.wallMs;
      const limit = v === 'library' ? ` | ${times(TARGETS.growth)} | ${times(g)} | ${verdict(g <= TARGETS.growth)} |` : ` | - | ${times(g)} | |`;
      target.push(`| ${VARIANTS[v].label}: 100,000 VMs / 10,000 VMs, time${limit}`);
    }
  }
  if (at(100000)) {
    const l = cell('library', 100000);
    if (l) target.push(`| library (TypeScript), peak memory, 100,000 VMs | 1.5 GiB | ${(l.peakRssBytes / 1024 / MiB).toFixed(2)} GiB | ${verdict(l.peakRssBytes <= TARGETS.memory100kBytes)} |`);
    const p = cell('python-batch', 100000);
    const kernel = p?.runs.map((r) => r.app?.kernelPeakRssBytes ?? 0);
    if (p && kernel) {
      const k = median(kernel);
      target.push(`| Python, jsii kernel peak memory, 100,000 VMs | heap limit ${int(JSII_KERNEL_HEAP_MIB)} MiB | ${mib(k)} MiB resident | ${verdict(k < JSII_KERNEL_HEAP_MIB * MiB)} |`);
    }
  }
  if (target.length > 0) {
    lines.push('| target | limit | measured | |');
    lines.push('|---|---:|---:|---|');
    lines.push(...target);
    lines.push('');
  }

  // Output identity.
  if (checks.length > 0) {
    const byVariant = new Map<Variant, Check[]>();
    for (const c of checks) byVariant.set(c.variant, [...(byVariant.get(c.variant) ?? []), c]);
    const parts = [...byVariant].map(([v, cs]) => {
      const kinds = [...new Set(cs.filter((c) => c.kind !== 'skipped').map((c) => c.kind))];
      const ok = cs.every((c) => c.same);
      const skipped = cs.some((c) => c.kind === 'skipped');
      const note = cs.find((c) => c.kind === 'skipped')?.note;
      const verdictText = ok ? (kinds.length ? `same ${kinds.join(', ')}` : 'objects not compared') : '**DIFFERENT**';
      return `${VARIANTS[v].label}: ${verdictText}${skipped ? ` (${kinds.length ? 'objects not compared ' : ''}${note})` : ''}`;
    });
    lines.push(`Output against the library's: ${parts.join('; ')}.`);
  }
  lines.push(`Bench wall time ${(tookMs / 60000).toFixed(1)} min.`);
  return lines.join('\n');
}

/** Where each run's time went (from the apps' own marks): a table for bench/out/results.md, not the README. */
function phaseTable(opts: Options, results: Run[]): string {
  const lines = [
    '| VMs | variant | start + load (s) | build (s) | synth + write (s) | exit (s) | heap before synth / after writing, full GC (MiB) | jsii kernel peak (MiB) |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const vms of opts.vms) {
    for (const v of opts.variants) {
      const runs = results.filter((r) => r.variant === v && r.vms === vms && r.app);
      if (runs.length === 0) continue;
      const med = (f: (r: Run) => number) => median(runs.map(f));
      const after = runs[0].app!.heapAfterBytes === undefined ? '-' : mib(med((r) => r.app!.heapAfterBytes!));
      const heap = runs[0].app!.heapBuiltBytes === undefined ? after : `${mib(med((r) => r.app!.heapBuiltBytes!))} / ${after}`;
      const kernel = runs[0].app!.kernelPeakRssBytes === undefined ? '-' : mib(med((r) => r.app!.kernelPeakRssBytes!));
      lines.push(`| ${int(vms)} | ${v} | ${sec(med((r) => r.app!.loadedMs))} | ${sec(med((r) => r.app!.builtMs - r.app!.loadedMs))} `
        + `| ${sec(med((r) => r.app!.writtenMs - r.app!.builtMs))} | ${sec(med((r) => r.wallMs - r.app!.writtenMs))} | ${heap} | ${kernel} |`);
    }
  }
  return lines.join('\n');
}

function updateReadme(table: string): void {
  const readme = path.join(ROOT, 'README.md');
  const text = fs.readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} ... ${end} block`);
  fs.writeFileSync(readme, `${text.slice(0, i + start.length)}\n${table}\n${text.slice(j)}`);
  console.error('bench: README.md updated');
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const started = performance.now();
  fs.mkdirSync(opts.out, { recursive: true });
  compile();
  const env: Env = {
    node: opts.heap ? [process.execPath, '--expose-gc'] : [process.execPath],
    helm: opts.variants.includes('helm') ? ensureHelm() : undefined,
    python: opts.variants.some((v) => v.startsWith('python')) ? ensurePython() : undefined,
  };
  if (opts.setupOnly) {
    console.error(`bench: compiled into ${path.relative(ROOT, path.join(opts.out, '..'))}/out/{lib,apps}; tools ready`);
    return;
  }
  // The library runs first at each size in the first round (its output is the reference); later rounds
  // rotate the order, so that neither the order nor a slow moment of the machine favours one variant.
  const variants = ['library' as Variant, ...opts.variants.filter((v) => v !== 'library')];
  if (opts.warmup) {
    const smallest = Math.min(...opts.vms);
    for (const v of variants) runOnce(env, opts, v, smallest, 0);
    console.error(`bench: warmed up (one untimed run of every variant at ${int(smallest)} VMs)`);
  }
  const results: Run[] = [];
  const checks: Check[] = [];
  const objectsByVms = new Map<number, number>();
  for (let run = 1; run <= opts.runs; run++) {
    for (const [si, vms] of opts.vms.entries()) {
      const order = run === 1 ? variants : variants.map((_, i) => variants[(i + run + si) % variants.length]);
      for (const v of order) {
        if (!opts.variants.includes(v) && v === 'library' && run > 1) continue;
        const r = runOnce(env, opts, v, vms, run);
        if (opts.variants.includes(v)) results.push(r);
        console.error(`run ${run} ${int(vms).padStart(7)} VMs ${v.padEnd(13)} ${sec(r.wallMs).padStart(7)} s  peak ${mib(r.peakRssBytes).padStart(5)} MiB`
          + (r.app ? `  (loaded ${sec(r.app.loadedMs)}, built ${sec(r.app.builtMs)}, written ${sec(r.app.writtenMs)})` : ''));
      }
      if (run === 1) {
        const c = checkOutputs(opts, vms, opts.variants);
        checks.push(...c.checks);
        if (c.objects !== undefined) objectsByVms.set(vms, c.objects);
        for (const x of c.checks.filter((y) => !y.same)) console.error(`bench: ${x.variant} at ${int(vms)} VMs does NOT hold the same ${x.kind} as the library`);
      }
    }
  }
  const table = report(opts, results, checks, objectsByVms, performance.now() - started);
  const phases = phaseTable(opts, results);
  console.log(`\n${table}\n\n${phases}\n`);
  fs.writeFileSync(path.join(opts.out, 'results.json'), JSON.stringify({ opts, results, checks }, undefined, 2));
  fs.writeFileSync(path.join(opts.out, 'results.md'), `${table}\n\n${phases}\n`);
  if (opts.updateReadme) updateReadme(table);
  if (checks.some((c) => !c.same)) process.exitCode = 1;
}

main();
