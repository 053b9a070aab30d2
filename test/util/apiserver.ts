/**
 * A real Kubernetes API server for tests: kube-apiserver v1.34.4 and an embedded etcd, built from the Go module in
 * `conformance/` (see conformance/main.go), started on 127.0.0.1 with its own certificates and temporary directory,
 * and a small REST client for it (Node's https with the admin client certificate; no kubectl needed).
 *
 * ```ts
 * import { useApiServer } from '../util/apiserver';
 *
 * const server = useApiServer();               // beforeAll: build if needed, start; afterAll: stop, clean up
 *
 * test('a tenant may not attach another tenant's network', async () => {
 *   const admin = server().admin;
 *   const tenant = server().as('alice', ['tenant-a:admins']);     // Impersonate-User / Impersonate-Group
 *   await admin.applyCrds();                    // every CRD in ../shared/crds, waits until they are served
 *   await admin.applyAll(objects);              // namespaces, NADs, RBAC, the policy and its binding, in sync-wave order
 *   await admin.waitForPolicy('tenant-networks', badVm, { as: tenant });  // the policy takes ~1 s to be enforced
 *   await expect(tenant.create(badVm)).rejects.toThrow(/may only attach networks of its own tenant/);
 *   await tenant.create(goodVm);
 * });
 * ```
 *
 * API
 * - `useApiServer(options?)`: registers `beforeAll` (start; builds the binary first if needed, with a timeout long
 *   enough for a cold build) and `afterAll` (stop) in the current describe block; returns a getter for the server.
 * - `startApiServer(options?)` / `server.stop()`: the same by hand. `stop()` ends the process and removes its
 *   temporary directory. Also, if a test file never calls `stop()`, the process is killed when the test process
 *   exits; if the test process is killed, the server notices (its stdin closes; on Linux also PR_SET_PDEATHSIG),
 *   stops and removes its directory; a directory of a server killed with SIGKILL is removed by the next start.
 * - `ensureApiServerBinary()`: builds `.tmp/conformance/apiserver` with `go build` (Go's build cache makes rebuilds
 *   cheap) unless the binary was built from the same `conformance/` sources and Go version (a hash in
 *   `.tmp/conformance/apiserver.sha256`). Concurrent callers wait for one build.
 * - `ApiServer`: `url`, `ca`, `cert`, `key` (admin client certificate, group system:masters), `kubeconfig`, `dir`,
 *   `pid`; `admin` (a `KubeClient`); `as(user, groups)` (a `KubeClient` that impersonates; RBAC applies to it);
 *   `logs()` (the last lines the server wrote to stderr).
 * - `KubeClient` (every method rejects with an `ApiError` carrying the server's own message when the server refuses):
 *   - `apply(obj, { fieldManager, force, dryRun, validation, waitForQuotaStatus })`: server-side apply,
 *     `fieldValidation=Strict` by default (an unknown field is refused with the server's message; for server-side
 *     apply the server answers 500 "failed to create typed patch object ... field not declared in schema", for
 *     create 400 "strict decoding error: unknown field ...");
 *   - `applyAll(objects, { dryRunFirst })`: `apply` each object in Argo CD's sync order (`syncOrder`); with
 *     `dryRunFirst`, every group of one wave and kind is dry-run before it is applied; ResourceQuotas get a status
 *     (`setQuotaStatus`) as soon as they exist;
 *   - `create(obj, { dryRun, validation, waitForQuotaStatus })`, `get(ref)`, `tryGet(ref)` (undefined on 404), `list(apiVersion, kind, ns?)`,
 *     `delete(ref)`, `patchStatus(ref, status)`;
 *   - `resource(apiVersion, kind)`: discovery (`{ name, namespaced }`), cached, refreshed when a kind is unknown;
 *   - `request(method, path, options)`: any other call; returns `{ status, body }` without throwing;
 *   - `applyCrds(dir?)`: applies every CRD of `../shared/crds` and waits until each is Established;
 *   - `ensureNamespace(name)`;
 *   - `setQuotaStatus(namespace, name, used?)`: no quota controller runs, and quota admission enforces a ResourceQuota
 *     only through its status (it reads `status.hard`, and refuses "status unknown for quota" while `status.used`
 *     lacks a resource): a quota that was only applied limits nothing. This writes `status.hard = spec.hard` and
 *     `status.used` (zero for each resource unless given), then waits 200 ms, as quota admission reads quotas from an
 *     informer; `apply` and `create` also retry a "status unknown for quota" refusal for up to 5 s (unless
 *     `waitForQuotaStatus: false`);
 *   - `waitForPolicy(name, probe, { as, timeoutMs })`: a ValidatingAdmissionPolicy is enforced about a second after
 *     it is created; this dry-run creates `probe` (an object the policy refuses) as `as` until the server refuses it
 *     with a message naming the policy.
 * - `ApiError`: `status` (HTTP), `reason`, `message` (the server's), `causes`, `body`.
 * - `syncOrder(objects)`: Argo CD's order (gitops-engine pkg/sync/sync_tasks.go): wave, then kind (Helm's kind
 *   order, custom resources last), then name; a Namespace moves to the wave of the first object in it.
 * - `objectRef(obj)`, `describeRef(obj)` ("Kind namespace/name").
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { crdDirectory, ManifestObject } from './schema';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The Go module of the test control plane. */
export const CONFORMANCE_DIR = path.join(REPO_ROOT, 'conformance');
/** Where the binary is built (gitignored). */
export const BUILD_DIR = path.join(REPO_ROOT, '.tmp', 'conformance');
/** Prefix of the temporary directories the server creates (conformance/main.go `dirPrefix`). */
export const SERVER_DIR_PREFIX = 'cdk8s-kubevirt-apiserver-';

// ---------------------------------------------------------------------------------------------------------
// Build
// ---------------------------------------------------------------------------------------------------------

/**
 * `go build` arguments. The Kubernetes version is stamped into the binary as Kubernetes' own build does
 * (k8s.io/component-base/version), so /version answers it; it is read from conformance/go.mod.
 */
function goBuildArgs(): string[] {
  const gomod = fs.readFileSync(path.join(CONFORMANCE_DIR, 'go.mod'), 'utf-8');
  const version = /^\s*k8s\.io\/kubernetes (v(\d+)\.(\d+)\.\d+)\s*$/m.exec(gomod);
  if (!version) throw new Error('conformance/go.mod does not require k8s.io/kubernetes');
  const v = 'k8s.io/component-base/version';
  const ldflags = ['-s', '-w', `-X ${v}.gitVersion=${version[1]}`, `-X ${v}.gitMajor=${version[2]}`, `-X ${v}.gitMinor=${version[3]}`, `-X ${v}.gitTreeState=clean`];
  return ['build', '-trimpath', '-buildvcs=false', `-ldflags=${ldflags.join(' ')}`];
}

export interface BuildResult {
  /** The binary. */
  readonly binary: string;
  /** Whether this call ran `go build` (false: the binary was up to date, or another process built it). */
  readonly built: boolean;
  /** Milliseconds this call took. */
  readonly ms: number;
}

/** The binary's path. */
export function apiServerBinary(): string {
  return path.join(BUILD_DIR, 'apiserver');
}

/**
 * A hash of everything the binary is built from: the Go sources, go.mod and go.sum of `conformance/`, the Go
 * version and the build flags. Go's build cache already keys compiled packages this way; the hash only spares the
 * link (about 20 s and 2 GiB) when nothing changed.
 */
export function buildHash(): string {
  const hash = createHash('sha256');
  const files = fs.readdirSync(CONFORMANCE_DIR).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum').sort();
  for (const f of files) hash.update(`${f}\0`).update(fs.readFileSync(path.join(CONFORMANCE_DIR, f))).update('\0');
  hash.update(goVersion()).update('\0').update(goBuildArgs().join(' '));
  return hash.digest('hex');
}

function goVersion(): string {
  const r = spawnSync('go', ['version'], { encoding: 'utf-8' });
  if (r.error || r.status !== 0) {
    throw new Error(`the conformance tests need Go (to build conformance/): 'go version' failed: ${r.error?.message ?? r.stderr}`);
  }
  return r.stdout.trim();
}

/**
 * Builds the API server binary unless it is up to date. Safe to call from several processes at once: one builds,
 * the others wait for it (a lock file holding the builder's pid; a lock whose process is gone is taken over).
 */
export async function ensureApiServerBinary(options: { log?: (line: string) => void } = {}): Promise<BuildResult> {
  const start = Date.now();
  const binary = apiServerBinary();
  const stamp = `${binary}.sha256`;
  const want = buildHash();
  const upToDate = () => fs.existsSync(binary) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf-8').trim() === want;
  if (upToDate()) return { binary, built: false, ms: Date.now() - start };
  if (process.env.CONFORMANCE_BUILD_FAILED === '1') {
    throw new Error('the test API server could not be built (see the apiserver step of test:all); not trying again');
  }

  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const lock = path.join(BUILD_DIR, 'build.lock');
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(fs.readFileSync(lock, 'utf-8').trim() || '0');
      if (!processAlive(owner)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      await sleep(500);
      if (upToDate()) return { binary, built: false, ms: Date.now() - start };
    }
  }
  try {
    if (upToDate()) return { binary, built: false, ms: Date.now() - start };
    const tmp = `${binary}.tmp-${process.pid}`;
    const args = [...goBuildArgs(), '-o', tmp, '.'];
    options.log?.(`building ${path.relative(REPO_ROOT, binary)}: (cd conformance && go ${args.join(' ')}); with a cold Go cache this takes about 4 minutes`);
    const output = await run('go', args, CONFORMANCE_DIR);
    if (output.code !== 0) {
      fs.rmSync(tmp, { force: true });
      throw new Error(`go build in conformance/ failed (exit ${output.code}):\n${output.text.slice(-8000)}`);
    }
    fs.renameSync(tmp, binary);
    fs.writeFileSync(stamp, `${want}\n`);
    return { binary, built: true, ms: Date.now() - start };
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => { text += d; });
    child.stderr.on('data', (d) => { text += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, text }));
  });
}

// ---------------------------------------------------------------------------------------------------------
// The server process
// ---------------------------------------------------------------------------------------------------------

export interface ApiServerOptions {
  /** Milliseconds to wait for the ready line after the process started. @default 60000 */
  readonly startTimeoutMs?: number;
  /** Folder for the server's temporary directory. @default os.tmpdir() */
  readonly tmpDir?: string;
  /** Called with progress messages (the build). @default none */
  readonly log?: (line: string) => void;
}

/** What the server prints when it is ready (conformance/main.go `readyLine`). */
interface ReadyLine {
  url: string;
  ca: string;
  cert: string;
  key: string;
  kubeconfig: string;
  dir: string;
  pid: number;
  startupMs: number;
}

const live = new Set<ApiServer>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for a test file that never stopped its server: end it when this process exits. (If this hook never
  // runs, e.g. because the process was killed, the server still stops: its stdin closes.)
  process.on('exit', () => {
    for (const server of live) server._terminateNow();
  });
}

/** Builds the binary if needed and starts a server; resolves once it serves (its /readyz answered 200). */
export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const { binary } = await ensureApiServerBinary({ log: options.log });
  installExitHook();
  const child = spawn(binary, ['-tmp', options.tmpDir ?? os.tmpdir()], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  const keep = (chunk: Buffer) => {
    stderr.push(...chunk.toString('utf-8').split('\n').filter(Boolean));
    if (stderr.length > 400) stderr.splice(0, stderr.length - 400);
  };
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`no ready line after ${options.startTimeoutMs ?? 60_000} ms`)), options.startTimeoutMs ?? 60_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`the API server did not start: ${e.message}\n--- its last lines on stderr:\n${stderr.slice(-60).join('\n')}`));
    };
    child.on('error', fail);
    void exited.then((code) => fail(new Error(`it exited with code ${code}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf-8');
      const line = out.split('\n').find((l) => l.startsWith('APISERVER_READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('APISERVER_READY '.length)));
      }
    });
  });
  const server = new ApiServer(child, ready, stderr, exited);
  live.add(server);
  // The server must not keep a test process alive: its pipes no longer count for Node's event loop. Its stdin
  // stays open: closing it (when this process exits) is what tells the server to stop.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void })?.unref?.();
  return server;
}

/**
 * Registers `beforeAll` (start; 20 minutes allowed, for a cold build) and `afterAll` (stop) in the current
 * describe block and returns a getter for the running server.
 */
export function useApiServer(options: ApiServerOptions = {}): () => ApiServer {
  let server: ApiServer | undefined;
  beforeAll(async () => {
    server = await startApiServer({ log: (line) => process.stderr.write(`apiserver: ${line}\n`), ...options });
  }, 20 * 60_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);
  return () => {
    if (!server) throw new Error('the API server is not running (did its beforeAll fail?)');
    return server;
  };
}

/** A running API server. */
export class ApiServer {
  /** `https://127.0.0.1:PORT`. */
  public readonly url: string;
  /** CA certificate (PEM file). */
  public readonly ca: string;
  /** Admin client certificate (CN admin, O system:masters) and its key (PEM files). */
  public readonly cert: string;
  public readonly key: string;
  /** An admin kubeconfig, for a human with kubectl. */
  public readonly kubeconfig: string;
  /** The server's temporary directory (certificates, etcd data); removed when it stops. */
  public readonly dir: string;
  public readonly pid: number;
  /** How long the server took from process start to ready. */
  public readonly startupMs: number;
  /** A client with the admin certificate. */
  public readonly admin: KubeClient;
  private readonly agent: https.Agent;
  private stopped = false;

  /** @internal */
  constructor(
    private readonly child: ChildProcess,
    ready: ReadyLine,
    private readonly stderr: string[],
    private readonly exited: Promise<number | null>,
  ) {
    this.url = ready.url;
    this.ca = ready.ca;
    this.cert = ready.cert;
    this.key = ready.key;
    this.kubeconfig = ready.kubeconfig;
    this.dir = ready.dir;
    this.pid = ready.pid;
    this.startupMs = ready.startupMs;
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      ca: fs.readFileSync(this.ca),
      cert: fs.readFileSync(this.cert),
      key: fs.readFileSync(this.key),
    });
    this.admin = new KubeClient(this.url, this.agent);
  }

  /** A client that acts as `user` in `groups` (impersonation by the admin; RBAC decides what it may do). */
  public as(user: string, groups: readonly string[] = []): KubeClient {
    return new KubeClient(this.url, this.agent, { user, groups: [...groups] });
  }

  /** The last lines (up to 400) the server wrote to stderr. */
  public logs(): string {
    return this.stderr.join('\n');
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its temporary directory. */
  public async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.agent.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), 10_000); });
      const outcome = await Promise.race([this.exited, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    live.delete(this);
  }

  /**
   * @internal For the process 'exit' hook, where nothing asynchronous can run: SIGTERM, after which the server
   * stops and removes its directory by itself (within 5 s, conformance/main.go).
   */
  public _terminateNow(): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.child.kill('SIGTERM');
    } catch {
      // already gone
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// REST client
// ---------------------------------------------------------------------------------------------------------

/** A request the server refused. `message` is the server's own. */
export class ApiError extends Error {
  constructor(
    /** HTTP status. */
    public readonly status: number,
    /** `Status.reason` (NotFound, Invalid, Forbidden, BadRequest, AlreadyExists, ...). */
    public readonly reason: string,
    message: string,
    /** `Status.details.causes`. */
    public readonly causes: ReadonlyArray<{ reason?: string; message?: string; field?: string }>,
    /** The whole response body. */
    public readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  readonly body?: unknown;
  /** @default 'application/json' */
  readonly contentType?: string;
  readonly query?: Record<string, string | undefined>;
}

export interface ApplyOptions {
  /** @default 'cdk8s-kubevirt-conformance' */
  readonly fieldManager?: string;
  /** Take over fields another manager owns. @default true */
  readonly force?: boolean;
  /** `dryRun=All`: everything (admission included) runs, nothing is stored. @default false */
  readonly dryRun?: boolean;
  /** `fieldValidation`. @default 'Strict' */
  readonly validation?: 'Strict' | 'Warn' | 'Ignore';
  /** Retry for up to 5 s while quota admission has not yet seen a quota's status (see `setQuotaStatus`). @default true */
  readonly waitForQuotaStatus?: boolean;
}

export interface CreateOptions {
  readonly dryRun?: boolean;
  /** @default 'Strict' */
  readonly validation?: 'Strict' | 'Warn' | 'Ignore';
  /** As in `ApplyOptions`. @default true */
  readonly waitForQuotaStatus?: boolean;
}

export interface ApplyAllOptions extends ApplyOptions {
  /** Dry-run each group of objects (one wave, one kind) before applying it. @default false */
  readonly dryRunFirst?: boolean;
}

/** Enough to find an object. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

export interface Resource {
  /** Plural resource name, e.g. `virtualmachines`. */
  readonly name: string;
  readonly namespaced: boolean;
}

interface Impersonation {
  user: string;
  groups: string[];
}

/** A Kubernetes object as the server returns it. */
export type KubeObject = ManifestObject & { metadata: ManifestObject['metadata'] & { resourceVersion?: string; uid?: string } };

export class KubeClient {
  private readonly discovery = new Map<string, Map<string, Resource>>();

  /** @internal */
  constructor(private readonly url: string, private readonly agent: https.Agent, private readonly impersonate?: Impersonation) {}

  /** Sends one request; never throws for an HTTP status (only for a broken connection). */
  public request(method: string, urlPath: string, options: RequestOptions = {}): Promise<{ status: number; body: any }> {
    const query = Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined) as Array<[string, string]>;
    const target = new URL(urlPath, this.url);
    for (const [k, v] of query) target.searchParams.set(k, v);
    const payload = options.body === undefined ? undefined
      : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string | string[]> = { Accept: 'application/json' };
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    if (this.impersonate) {
      headers['Impersonate-User'] = this.impersonate.user;
      if (this.impersonate.groups.length > 0) headers['Impersonate-Group'] = this.impersonate.groups;
    }
    return new Promise((resolve, reject) => {
      const req = https.request(target, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf-8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like `request`, but rejects with an `ApiError` for any status >= 400. */
  public async call(method: string, urlPath: string, options: RequestOptions = {}): Promise<any> {
    const { status, body } = await this.request(method, urlPath, options);
    if (status >= 400) throw toApiError(status, body);
    return body;
  }

  /** The resource serving `kind` in `apiVersion` (discovery, cached; refreshed once when the kind is unknown). */
  public async resource(apiVersion: string, kind: string): Promise<Resource> {
    for (const refresh of [false, true]) {
      let kinds = this.discovery.get(apiVersion);
      if (!kinds || refresh) {
        const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
        const { status, body } = await this.request('GET', base);
        kinds = new Map();
        if (status === 200) {
          for (const r of body.resources as Array<{ name: string; kind: string; namespaced: boolean }>) {
            if (!r.name.includes('/')) kinds.set(r.kind, { name: r.name, namespaced: r.namespaced });
          }
        }
        this.discovery.set(apiVersion, kinds);
      }
      const found = kinds.get(kind);
      if (found) return found;
    }
    throw new Error(`the server does not serve kind ${kind} in ${apiVersion}`);
  }

  /** The URL path of a collection (no name) or of one object. */
  public async path(apiVersion: string, kind: string, namespace?: string, name?: string, subresource?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
    return `${base}${ns}/${r.name}${name ? `/${encodeURIComponent(name)}` : ''}${subresource ? `/${subresource}` : ''}`;
  }

  private async objectPath(ref: ObjectRef, subresource?: string): Promise<string> {
    return this.path(ref.apiVersion, ref.kind, ref.metadata.namespace, ref.metadata.name, subresource);
  }

  /** Server-side apply (`PATCH`, `application/apply-patch+yaml`); resolves to the object as stored (or as it would be). */
  public async apply(obj: ObjectRef, options: ApplyOptions = {}): Promise<KubeObject> {
    const urlPath = await this.objectPath(obj);
    return this.quotaRetry(options.waitForQuotaStatus, () => this.call('PATCH', urlPath, {
      body: obj, // JSON is YAML
      contentType: 'application/apply-patch+yaml',
      query: {
        fieldManager: options.fieldManager ?? 'cdk8s-kubevirt-conformance',
        force: String(options.force ?? true),
        fieldValidation: options.validation ?? 'Strict',
        dryRun: options.dryRun ? 'All' : undefined,
      },
    }));
  }

  /**
   * Quota admission reads ResourceQuotas from an informer, so a status written a moment ago may not have reached it
   * yet ("status unknown for quota"); such a refusal is retried for up to 5 s.
   */
  private async quotaRetry<T>(enabled: boolean | undefined, call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        return await call();
      } catch (e) {
        if (enabled === false || !(e instanceof ApiError) || !e.message.includes('status unknown for quota') || Date.now() > deadline) throw e;
        await sleep(50);
      }
    }
  }

  /**
   * Applies `objects` in Argo CD's sync order (`syncOrder`). With `dryRunFirst`, each group of one wave and one kind
   * is dry-run before it is applied, so a namespace, a quota or a CRD of an earlier group exists when the objects
   * that need it are dry-run. A ResourceQuota gets its status right after it is applied (`setQuotaStatus`).
   * Rejects with the first refusal; resolves to the stored objects in the order applied.
   */
  public async applyAll(objects: readonly ObjectRef[], options: ApplyAllOptions = {}): Promise<KubeObject[]> {
    const stored: KubeObject[] = [];
    for (const group of syncGroups(objects)) {
      if (options.dryRunFirst) {
        for (const obj of group) await this.apply(obj, { ...options, dryRun: true });
      }
      for (const obj of group) {
        stored.push(await this.apply(obj, { ...options, dryRun: false }));
        if (obj.kind === 'ResourceQuota' && obj.apiVersion === 'v1') await this.setQuotaStatus(obj.metadata.namespace ?? 'default', obj.metadata.name);
      }
    }
    return stored;
  }

  /** `POST` to the collection; resolves to the created object. */
  public async create(obj: ObjectRef, options: CreateOptions = {}): Promise<KubeObject> {
    const urlPath = await this.path(obj.apiVersion, obj.kind, obj.metadata.namespace);
    return this.quotaRetry(options.waitForQuotaStatus, () => this.call('POST', urlPath, {
      body: obj,
      query: { fieldValidation: options.validation ?? 'Strict', dryRun: options.dryRun ? 'All' : undefined },
    }));
  }

  public async get(ref: ObjectRef): Promise<KubeObject> {
    return this.call('GET', await this.objectPath(ref));
  }

  /** The object, or undefined if it does not exist. */
  public async tryGet(ref: ObjectRef): Promise<KubeObject | undefined> {
    const { status, body } = await this.request('GET', await this.objectPath(ref));
    if (status === 404) return undefined;
    if (status >= 400) throw toApiError(status, body);
    return body;
  }

  /** Every object of a kind, in one namespace or (undefined) in all. */
  public async list(apiVersion: string, kind: string, namespace?: string): Promise<KubeObject[]> {
    const r = await this.resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return (await this.call('GET', `${base}${ns}/${r.name}`)).items;
  }

  public async delete(ref: ObjectRef): Promise<void> {
    await this.call('DELETE', await this.objectPath(ref));
  }

  /** Merge-patches the status subresource. */
  public async patchStatus(ref: ObjectRef, status: unknown): Promise<KubeObject> {
    return this.call('PATCH', await this.objectPath(ref, 'status'), {
      body: { status },
      contentType: 'application/merge-patch+json',
    });
  }

  /** Creates the namespace unless it exists. */
  public async ensureNamespace(name: string): Promise<void> {
    const { status, body } = await this.request('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    });
    if (status >= 400 && status !== 409) throw toApiError(status, body);
  }

  /**
   * Gives a ResourceQuota the status the quota controller would (that controller does not run here):
   * `status.hard` = `spec.hard`, `status.used` = `used` or zero for every resource. Quota admission enforces only the
   * resources in `status.hard` (k8s.io/apiserver v0.34.4, pkg/admission/plugin/resourcequota/controller.go), so a
   * quota without a status limits nothing.
   */
  public async setQuotaStatus(namespace: string, name: string, used: Record<string, string> = {}): Promise<void> {
    const ref = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { namespace, name } };
    const quota = await this.get(ref);
    const hard: Record<string, string> = quota.spec?.hard ?? {};
    await this.patchStatus(ref, { hard, used: Object.fromEntries(Object.keys(hard).map((k) => [k, used[k] ?? '0'])) });
    // Quota admission sees the status through an informer, a moment later.
    await sleep(200);
  }

  /**
   * Applies every CustomResourceDefinition in `dir` (default: the CRDs the project reads, `../shared/crds`) and waits
   * until each is Established and its kinds are discoverable.
   */
  public async applyCrds(dir: string = crdDirectory(), timeoutMs = 60_000): Promise<KubeObject[]> {
    const crds = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
      .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf-8')).map((d) => d.toJS() as KubeObject))
      .filter((o) => o?.kind === 'CustomResourceDefinition');
    await Promise.all(crds.map((crd) => this.apply(crd)));
    const deadline = Date.now() + timeoutMs;
    for (const crd of crds) {
      for (;;) {
        const current = await this.get(crd);
        if ((current.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True')) break;
        if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not Established after ${timeoutMs} ms`);
        await sleep(100);
      }
    }
    this.discovery.clear();
    return crds;
  }

  /**
   * Waits until the ValidatingAdmissionPolicy `name` is enforced: dry-run creates `probe` (an object the policy
   * refuses) as the client `as` (default: this client) until the server refuses it with a message naming the policy.
   * Resolves to that refusal.
   */
  public async waitForPolicy(name: string, probe: ObjectRef, options: { as?: KubeClient; timeoutMs?: number } = {}): Promise<ApiError> {
    const client = options.as ?? this;
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let last = 'the probe was admitted';
    for (;;) {
      try {
        await client.create(probe, { dryRun: true });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        if (e.message.includes(`ValidatingAdmissionPolicy '${name}'`)) return e;
        last = e.message;
      }
      if (Date.now() > deadline) throw new Error(`ValidatingAdmissionPolicy ${name} not enforced after ${options.timeoutMs ?? 30_000} ms (last: ${last})`);
      await sleep(100);
    }
  }
}

function toApiError(status: number, body: any): ApiError {
  if (body && typeof body === 'object' && body.kind === 'Status') {
    return new ApiError(status, body.reason ?? '', body.message ?? JSON.stringify(body), body.details?.causes ?? [], body);
  }
  return new ApiError(status, '', typeof body === 'string' ? body : JSON.stringify(body), [], body);
}

// ---------------------------------------------------------------------------------------------------------
// Sync order (Argo CD)
// ---------------------------------------------------------------------------------------------------------

/** Helm's kind order, which Argo CD applies within a wave; kinds not listed (custom resources) come last. */
const KIND_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role',
  'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

const WAVE = 'argocd.argoproj.io/sync-wave';

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** The object's `argocd.argoproj.io/sync-wave` (0 when absent). */
export function syncWave(obj: ObjectRef): number {
  const raw = (obj.metadata as { annotations?: Record<string, string> }).annotations?.[WAVE];
  const wave = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(wave)) throw new Error(`${describeRef(obj)}: sync wave ${JSON.stringify(raw)} is not an integer`);
  return wave;
}

/**
 * Argo CD's sync order (gitops-engine pkg/sync/sync_tasks.go): by wave, then kind (Helm's order, custom resources
 * last), then name; a Namespace is then moved to the wave of the first object in it, if that comes earlier.
 */
export function syncOrder<T extends ObjectRef>(objects: readonly T[]): T[] {
  return syncTasks(objects).map((t) => t.obj);
}

/** `syncOrder`, cut into groups of one wave and one kind (each group may be dry-run before it is applied). */
export function syncGroups<T extends ObjectRef>(objects: readonly T[]): T[][] {
  const groups: T[][] = [];
  let key = '';
  for (const { obj, wave } of syncTasks(objects)) {
    const k = `${wave}/${kindRank(obj.kind)}`;
    if (k !== key) groups.push([]);
    key = k;
    groups[groups.length - 1].push(obj);
  }
  return groups;
}

function syncTasks<T extends ObjectRef>(objects: readonly T[]): Array<{ obj: T; wave: number }> {
  const tasks = objects.map((obj) => ({ obj, wave: syncWave(obj) }));
  const firstWaveIn = new Map<string, number>();
  for (const t of tasks) {
    const ns = t.obj.metadata.namespace;
    if (ns !== undefined) firstWaveIn.set(ns, Math.min(firstWaveIn.get(ns) ?? Infinity, t.wave));
  }
  for (const t of tasks) {
    if (t.obj.kind === 'Namespace' && t.obj.apiVersion === 'v1') t.wave = Math.min(t.wave, firstWaveIn.get(t.obj.metadata.name) ?? Infinity);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return tasks.sort((a, b) => a.wave - b.wave || kindRank(a.obj.kind) - kindRank(b.obj.kind) || byName(a.obj.metadata.name, b.obj.metadata.name));
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------

/** `Kind namespace/name` (or `Kind name` for a cluster-scoped object). */
export function describeRef(obj: ObjectRef): string {
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}

/** The reference part of an object. */
export function objectRef(obj: ObjectRef): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace } };
}

/** Whether a process with this pid exists. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
