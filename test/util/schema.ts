/**
 * Schema validation of synthesized Kubernetes objects, used by every test.
 *
 * Every object must be of a known kind; nothing escapes validation:
 *
 * - Custom resources are checked against the `openAPIV3Schema` of their version in the real CRDs under
 *   `../shared/crds` (resolved from the repository root; override with `CDK8S_KUBEVIRT_CRDS_DIR`). The CRD
 *   files are never copied into the repository. The Kubernetes schema dialect is translated to JSON Schema
 *   for ajv 8, the way the API server reads it:
 *     - `nullable: true` admits `null`;
 *     - `x-kubernetes-int-or-string: true` admits integers and strings (a `pattern` applies to strings only);
 *     - `x-kubernetes-preserve-unknown-fields: true` admits unknown fields in that object (and, on an array,
 *       in its items), with any content; declared properties there are still checked, as the API server does;
 *     - everywhere else objects are closed: a field the schema does not declare is an error, as with
 *       `kubectl apply --validate=strict`. This includes `type: object` without `properties`, which the
 *       API server prunes to `{}` (so e.g. an interface binding `masquerade: {}` admits no fields);
 *     - `x-kubernetes-list-type: set` requires unique items, `map` requires unique `x-kubernetes-list-map-keys`;
 *     - formats: int32 is range-checked, int64 must be an integer, byte must be base64, date-time must be
 *       RFC 3339; any other format is accepted unchecked (none of the current CRDs uses another one);
 *     - CEL rules (`x-kubernetes-validations`) are NOT evaluated: they need a CEL interpreter. Defaults are
 *       not applied. Any other keyword the translation does not know is a hard error, so nothing is silently
 *       skipped if a CRD starts using it.
 *   A version that the CRD does not list, or lists as not served, is an error.
 *
 * - Built-in kinds (`v1` Service, Secret, ..., `rbac.authorization.k8s.io/v1` Role, ..., `apps/v1` ...)
 *   are checked with the validators of the maintained `kubernetes-models` package. Those validators do NOT
 *   reject unknown fields (checked: `spec.bogus` on a Service passes), and the package ships compiled
 *   validators, not JSON schemas that could be closed. So each validator runs on a read-tracking proxy of
 *   the object: ajv's generated code reads every property its schema declares (`data.foo !== undefined`)
 *   and enumerates the keys of maps (`for (key in data)`). After the run, in every object the validator
 *   entered, a key that it never read is an unknown field. Objects whose keys were enumerated (maps) or
 *   of which no key at all was read (schemas of free-form type, e.g. `RawExtension`) are not judged.
 *
 * - `metadata` of every object must be a valid ObjectMeta: its fields are checked with the
 *   `kubernetes-models` ObjectMeta schema (strict, as above), `name` is required and must be a valid name
 *   for the kind (DNS-1123 subdomain; DNS-1035 label for Service; DNS-1123 label for Namespace; path
 *   segment for RBAC kinds), `namespace` must be a DNS-1123 label, label keys/values and annotation keys
 *   must follow the apiserver rules.
 *
 * - NetworkAttachmentDefinition `spec.config`, a string the CRD does not check, must be CNI configuration
 *   JSON (`cniVersion`, and `type` or a non-empty `plugins` list of objects with `type`).
 *
 * - The data itself must be JSON: `undefined` members are treated as absent (as `JSON.stringify` does),
 *   but NaN, Infinity, functions, Dates, class instances and so on are errors.
 *
 * Compiled validators are cached per apiVersion/kind for the life of the process (each jest test file).
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import * as YAML from 'yaml';

// ---------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------

/** A synthesized Kubernetes object. Fields other than the type meta are loosely typed for test convenience. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: any;
}

/** One problem found in one object. */
export interface SchemaViolation {
  /** The object, as `Kind namespace/name` (or `Kind name` without a namespace). */
  readonly object: string;
  /** JSON pointer into the object; `/` is the object itself. */
  readonly path: string;
  /** The violated rule, e.g. `must be object` or `unknown field "foo"`. */
  readonly message: string;
}

/** Thrown by `validateManifest` / `validateAll`; the message lists every violation, one per line. */
export class ManifestValidationError extends Error {
  constructor(public readonly violations: readonly SchemaViolation[]) {
    super(formatViolations(violations));
    this.name = 'ManifestValidationError';
  }
}

/** Renders a violation as `VirtualMachine my-ns/my-vm: /spec/running: must be boolean`. */
export function formatViolation(v: SchemaViolation): string {
  return `${v.object}: ${v.path}: ${v.message}`;
}

/** Names an object the way violations do: `Kind namespace/name`, `Kind name`, or `Kind <unnamed>`. */
export function describeObject(obj: unknown): string {
  const o = isPlainObject(obj) ? obj : {};
  const kind = typeof o.kind === 'string' && o.kind ? o.kind : '<no kind>';
  const meta = isPlainObject(o.metadata) ? o.metadata : {};
  const name = typeof meta.name === 'string' && meta.name ? meta.name : '<unnamed>';
  const ns = typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : '';
  return `${kind} ${ns}${name}`;
}

/** Every violation of one object; empty when the object is valid. */
export function manifestViolations(obj: unknown): SchemaViolation[] {
  const object = describeObject(obj);
  const problems: Problem[] = [];
  const data = toJsonData(obj, '', problems);
  if (problems.length === 0) problems.push(...checkObject(data));
  return dedupe(problems).map(p => ({ object, path: p.path || '/', message: p.message }));
}

/** Throws a `ManifestValidationError` unless `obj` is valid. */
export function validateManifest(obj: unknown): void {
  const violations = manifestViolations(obj);
  if (violations.length > 0) throw new ManifestValidationError(violations);
}

/**
 * Every violation of a whole manifest: each object's own problems, plus objects that appear twice
 * (same API group, kind, namespace and name), which `kubectl apply` would silently merge.
 */
export function manifestsViolations(objs: readonly unknown[]): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  const seen = new Map<string, number>();
  objs.forEach((obj, index) => {
    violations.push(...manifestViolations(obj));
    const id = identity(obj);
    if (id === undefined) return;
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, index);
    } else {
      violations.push({ object: describeObject(obj), path: '/', message: `duplicate object: documents #${first} and #${index} have the same group, kind, namespace and name` });
    }
  });
  return violations;
}

/** Throws a `ManifestValidationError` listing the problems of all objects unless all are valid. */
export function validateAll(objs: readonly unknown[]): void {
  const violations = manifestsViolations(objs);
  if (violations.length > 0) throw new ManifestValidationError(violations);
}

/** The directory the CRDs are read from. */
export function crdDirectory(): string {
  return process.env.CDK8S_KUBEVIRT_CRDS_DIR
    ? path.resolve(process.env.CDK8S_KUBEVIRT_CRDS_DIR)
    : path.resolve(REPO_ROOT, '..', 'shared', 'crds');
}

/**
 * Whether `apiVersion`/`kind` is a kind the validator knows (a served CRD version or a built-in kind).
 * Loads and compiles the schema if needed.
 */
export function isKnownKind(apiVersion: string, kind: string): boolean {
  return !('error' in validatorFor(apiVersion, kind));
}

// ---------------------------------------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------------------------------------

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const MAX_LISTED = 60;

interface Problem {
  readonly path: string;
  readonly message: string;
}

interface KindValidator {
  /** Whether the kind's own validator already checks `metadata` as an ObjectMeta. */
  readonly checksObjectMeta: boolean;
  /** Whether objects of the kind are cluster-scoped (no namespace) rather than namespaced. */
  readonly clusterScoped: boolean;
  /** Problems of the whole object except the rules on metadata that `checkMetadata` applies. */
  validate(obj: Record<string, unknown>): Problem[];
}

type Lookup = KindValidator | { error: string };

const validators = new Map<string, Lookup>();

function validatorFor(apiVersion: string, kind: string): Lookup {
  const key = `${apiVersion}/${kind}`;
  let v = validators.get(key);
  if (!v) {
    // Built-in kinds first: no CRD may redefine them. A group can hold both (snapshot.storage.k8s.io is a CRD).
    v = builtinValidator(apiVersion, kind) ?? crdValidator(apiVersion, kind);
    validators.set(key, v);
  }
  return v;
}

function checkObject(obj: unknown): Problem[] {
  if (!isPlainObject(obj)) return [{ path: '', message: 'must be object' }];
  const { apiVersion, kind } = obj;
  const problems: Problem[] = [];
  if (typeof apiVersion !== 'string' || !API_VERSION.test(apiVersion)) {
    problems.push({ path: '/apiVersion', message: `must be an API version such as "group/v1" or "v1" (got ${JSON.stringify(apiVersion)})` });
  }
  if (typeof kind !== 'string' || !KIND.test(kind)) {
    problems.push({ path: '/kind', message: `must be a kind in CamelCase (got ${JSON.stringify(kind)})` });
  }
  if (problems.length > 0) return problems;
  const v = validatorFor(apiVersion as string, kind as string);
  if ('error' in v) return [{ path: '', message: v.error }];
  problems.push(...v.validate(obj));
  problems.push(...checkMetadata(obj, kind as string, v.checksObjectMeta));
  problems.push(...scopeProblems(obj, v.clusterScoped));
  problems.push(...(EXTRA_CHECKS[`${apiVersion}/${kind}`]?.(obj) ?? []));
  return problems;
}

/**
 * Checks beyond the schema, for fields the CRD leaves opaque. NetworkAttachmentDefinition `spec.config` is a
 * string the CRD does not look into; Multus parses it as a CNI configuration (a single plugin with `type`, or
 * a list with `plugins`), so at least that shape is required here. The plugins' own keys are the library's
 * business (its tests assert them).
 */
const EXTRA_CHECKS: Record<string, (obj: Record<string, any>) => Problem[]> = {
  'k8s.cni.cncf.io/v1/NetworkAttachmentDefinition': obj => {
    const config: unknown = obj.spec?.config;
    if (typeof config !== 'string') return [];
    const at = '/spec/config';
    let cni: unknown;
    try {
      cni = JSON.parse(config);
    } catch (e) {
      return [{ path: at, message: `must be CNI configuration JSON: ${(e as Error).message}` }];
    }
    if (!isPlainObject(cni)) return [{ path: at, message: 'must be a CNI configuration: a JSON object' }];
    const problems: Problem[] = [];
    if (typeof cni.cniVersion !== 'string' || cni.cniVersion === '') {
      problems.push({ path: at, message: 'CNI configuration must have a "cniVersion" string' });
    }
    if (cni.plugins !== undefined) {
      if (!Array.isArray(cni.plugins) || cni.plugins.length === 0) {
        problems.push({ path: at, message: 'CNI configuration list must have a non-empty "plugins" array' });
      } else {
        cni.plugins.forEach((plugin: unknown, i: number) => {
          if (!isPlainObject(plugin) || typeof plugin.type !== 'string' || plugin.type === '') {
            problems.push({ path: at, message: `CNI plugins[${i}] must be an object with a "type" string` });
          }
        });
      }
      if (typeof cni.name !== 'string' || cni.name === '') problems.push({ path: at, message: 'CNI configuration list must have a "name" string' });
    } else if (typeof cni.type !== 'string' || cni.type === '') {
      problems.push({ path: at, message: 'CNI configuration must have a "type" string (single plugin) or "plugins" (list)' });
    }
    return problems;
  },
};

/** Built-in kinds that are cluster-scoped (the API server's scope; kubernetes-models does not say). */
const CLUSTER_SCOPED_BUILTINS = new Set([
  'v1/Namespace', 'v1/Node', 'v1/PersistentVolume',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'storage.k8s.io/v1/StorageClass', 'storage.k8s.io/v1/CSIDriver', 'scheduling.k8s.io/v1/PriorityClass',
  'apiextensions.k8s.io/v1/CustomResourceDefinition', 'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
]);

/**
 * A cluster-scoped object carries no namespace (the API server ignores it and GitOps tools show a diff
 * forever); a namespaced one names its namespace, which this library always writes so that a manifest
 * never lands in whatever namespace the applier happens to default to.
 */
function scopeProblems(obj: Record<string, any>, clusterScoped: boolean): Problem[] {
  const ns = obj.metadata?.namespace;
  if (clusterScoped && ns !== undefined) return [{ path: '/metadata/namespace', message: `must not be set: ${obj.kind} is cluster-scoped` }];
  if (!clusterScoped && (typeof ns !== 'string' || ns === '')) return [{ path: '/metadata/namespace', message: `is required: ${obj.kind} is namespaced` }];
  return [];
}

const API_VERSION = /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

function identity(obj: unknown): string | undefined {
  if (!isPlainObject(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  if (typeof meta.name !== 'string') return undefined;
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.indexOf('/')) : '';
  return JSON.stringify([group, obj.kind, meta.namespace ?? '', meta.name]);
}

// ---------------------------------------------------------------------------------------------------------
// Built-in kinds: kubernetes-models validators, made strict with a read-tracking proxy
// ---------------------------------------------------------------------------------------------------------

// kubernetes-models is loaded by computed module name (one module per kind), which needs a require function.
const loadModule = createRequire(__filename);

interface ModelClass {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly prototype: { validate(): void };
  new (data?: unknown): { validate(): void };
}

function loadModel(apiVersion: string, kind: string): ModelClass | undefined {
  let mod: Record<string, unknown>;
  try {
    mod = loadModule(`kubernetes-models/${apiVersion}/${kind}`);
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND' || (e as { code?: string }).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
    throw e;
  }
  const cls = mod[kind] as ModelClass | undefined;
  // Only top-level resources have a type meta (ServiceSpec etc. are models too, but not kinds).
  if (typeof cls !== 'function' || cls.apiVersion !== apiVersion || cls.kind !== kind) return undefined;
  return cls;
}

function builtinValidator(apiVersion: string, kind: string): KindValidator | undefined {
  const cls = loadModel(apiVersion, kind);
  if (!cls) return undefined;
  const run = (data: unknown) => cls.prototype.validate.call(data);
  return {
    checksObjectMeta: true,
    clusterScoped: CLUSTER_SCOPED_BUILTINS.has(`${apiVersion}/${kind}`),
    validate: obj => runStrict(run, obj),
  };
}

/** ObjectMeta checks for custom resources: the ConfigMap validator with nothing but `metadata` set. */
function objectMetaProblems(metadata: unknown): Problem[] {
  const cls = loadModel('v1', 'ConfigMap');
  if (!cls) throw new Error('kubernetes-models has no v1 ConfigMap');
  return runStrict(data => cls.prototype.validate.call(data), { apiVersion: 'v1', kind: 'ConfigMap', metadata });
}

interface Tracking {
  readonly path: string;
  readonly reads: Set<string>;
  enumerated: boolean;
}

/**
 * Runs a kubernetes-models validate function (which throws an ajv ValidationError) on a read-tracking proxy
 * of `data` and returns its errors plus the unknown fields, as explained at the top of this file.
 */
function runStrict(run: (data: unknown) => void, data: object): Problem[] {
  const tracked = new Map<object, Tracking>();
  const proxies = new WeakMap<object, object>();
  const wrap = (target: object, at: string): object => {
    const existing = proxies.get(target);
    if (existing) return existing;
    const t: Tracking = { path: at, reads: new Set(), enumerated: false };
    tracked.set(target, t);
    const proxy = new Proxy(target, {
      get(tgt, key, receiver) {
        const value = Reflect.get(tgt, key, receiver);
        if (typeof key !== 'string') return value;
        t.reads.add(key);
        if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(tgt, key)) {
          return wrap(value, `${at}/${escapePointer(key)}`);
        }
        return value;
      },
      has(tgt, key) {
        if (typeof key === 'string') t.reads.add(key);
        return Reflect.has(tgt, key);
      },
      getOwnPropertyDescriptor(tgt, key) {
        if (typeof key === 'string') t.reads.add(key);
        return Reflect.getOwnPropertyDescriptor(tgt, key);
      },
      ownKeys(tgt) {
        t.enumerated = true;
        return Reflect.ownKeys(tgt);
      },
    });
    proxies.set(target, proxy);
    return proxy;
  };

  const problems: Problem[] = [];
  try {
    run(wrap(data, ''));
  } catch (e) {
    const errors = (e as { errors?: ErrorObject[] }).errors;
    if (!Array.isArray(errors)) throw e;
    problems.push(...ajvProblems(errors));
  }
  for (const [target, t] of tracked) {
    if (Array.isArray(target) || t.enumerated || t.reads.size === 0) continue;
    for (const key of Object.keys(target)) {
      if (!t.reads.has(key)) problems.push({ path: `${t.path}/${escapePointer(key)}`, message: unknownField(key) });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Custom resources: CRD openAPIV3Schema translated to JSON Schema and compiled with ajv
// ---------------------------------------------------------------------------------------------------------

interface CrdVersion {
  name: string;
  served?: boolean;
  schema?: { openAPIV3Schema?: KubeSchema };
}

interface Crd {
  file: string;
  spec: { group: string; names: { kind: string }; scope: string; versions: CrdVersion[] };
}

type KubeSchema = Record<string, any>;

let crdFiles: Map<string, string> | undefined;
const parsedCrds = new Map<string, Crd[]>();

/** The text of every `*.yaml` file in the CRD directory (read once; parsing is deferred). */
function crdFileTexts(): Map<string, string> {
  if (!crdFiles) {
    const dir = crdDirectory();
    if (!fs.existsSync(dir)) {
      throw new Error(`CRD directory ${dir} does not exist: the tests read the CRDs from ../shared/crds next to the repository (or set CDK8S_KUBEVIRT_CRDS_DIR)`);
    }
    crdFiles = new Map();
    for (const f of fs.readdirSync(dir).sort()) {
      if (f.endsWith('.yaml') || f.endsWith('.yml')) crdFiles.set(f, fs.readFileSync(path.join(dir, f), 'utf8'));
    }
  }
  return crdFiles;
}

function parseCrdFile(file: string): Crd[] {
  let crds = parsedCrds.get(file);
  if (!crds) {
    const text = crdFileTexts().get(file)!;
    crds = [];
    for (const doc of YAML.parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      const js = doc.toJS({ maxAliasCount: -1 });
      if (isPlainObject(js) && js.kind === 'CustomResourceDefinition' && String(js.apiVersion).startsWith('apiextensions.k8s.io/')) {
        crds.push({ ...(js as unknown as Crd), file });
      }
    }
    parsedCrds.set(file, crds);
  }
  return crds;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The CRD that defines group/kind. Only files whose text mentions both `group: <group>` and
 * `kind: <kind>` are parsed; if none matches (e.g. flow-style YAML), every file is parsed before giving up.
 */
function findCrd(group: string, kind: string): Crd | undefined {
  const files = crdFileTexts();
  const groupLine = new RegExp(`^\\s*group:\\s*["']?${escapeRegExp(group)}["']?\\s*$`, 'm');
  const kindLine = new RegExp(`^\\s*kind:\\s*["']?${escapeRegExp(kind)}["']?\\s*$`, 'm');
  const likely = [...files.entries()].filter(([, text]) => groupLine.test(text) && kindLine.test(text)).map(([f]) => f);
  const search = (candidates: string[]) => {
    for (const f of candidates) {
      const crd = parseCrdFile(f).find(c => c.spec.group === group && c.spec.names.kind === kind);
      if (crd) return crd;
    }
    return undefined;
  };
  return search(likely) ?? search([...files.keys()].filter(f => !likely.includes(f)));
}

function crdValidator(apiVersion: string, kind: string): Lookup {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { error: `unknown kind: ${apiVersion} ${kind} is not a built-in Kubernetes kind (kubernetes-models)` };
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const crd = findCrd(group, kind);
  if (!crd) return { error: `unknown kind: ${apiVersion} ${kind} is neither a built-in Kubernetes kind (kubernetes-models) nor defined by a CRD in ${crdDirectory()}` };
  const v = crd.spec.versions.find(x => x.name === version);
  const served = crd.spec.versions.filter(x => x.served).map(x => `${group}/${x.name}`).join(', ');
  if (!v) return { error: `unknown version: ${crd.file} defines no version ${version} of ${kind} (served: ${served})` };
  if (!v.served) return { error: `version ${apiVersion} of ${kind} is not served (served: ${served})` };
  const root = v.schema?.openAPIV3Schema;
  if (!root) return { error: `${crd.file} has no openAPIV3Schema for ${apiVersion}` };

  const formats = new Set<string>();
  const schema = toJsonSchema(root, { at: '', formats, preserveItems: false, inJunctor: false });
  // The API server always admits the type meta and ObjectMeta at the root, declared or not.
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  schema.properties = {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: rootMetadataSchema({}),
    ...props,
  };
  const compiled = compile(schema, formats, `${crd.file} ${apiVersion}`);
  return {
    checksObjectMeta: false,
    clusterScoped: crd.spec.scope === 'Cluster',
    validate: obj => compiled(obj) ? [] : ajvProblems(compiled.errors ?? [], obj),
  };
}

/** Keywords that carry no validation the API server applies. */
const IGNORED_KEYWORDS = new Set(['description', 'title', 'example', 'externalDocs', 'default']);
/** Keywords whose meaning is the same in Kubernetes' OpenAPI v3 subset and JSON Schema draft 7. */
const COPIED_KEYWORDS = new Set([
  'enum', 'pattern', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems',
  'minProperties', 'maxProperties', 'multipleOf', 'required', 'format', 'uniqueItems',
]);
/** Keywords translated by `toJsonSchema`. */
const TRANSLATED_KEYWORDS = new Set([
  'type', 'nullable', 'properties', 'additionalProperties', 'items', 'allOf', 'anyOf', 'oneOf', 'not',
  'exclusiveMinimum', 'exclusiveMaximum',
]);

interface ConvertContext {
  /** JSON pointer into the CRD schema, for error messages. */
  readonly at: string;
  /** Formats met on the way, registered with ajv before compiling. */
  readonly formats: Set<string>;
  /** The parent is an array with `x-kubernetes-preserve-unknown-fields`: unknown fields here are kept. */
  readonly preserveItems: boolean;
  /** Inside allOf/anyOf/oneOf/not: structural schemas declare fields only outside, so do not close objects here. */
  readonly inJunctor: boolean;
}

/** Translates one node of a (structural) Kubernetes schema into JSON Schema draft 7 for ajv. */
function toJsonSchema(s: KubeSchema, ctx: ConvertContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || IGNORED_KEYWORDS.has(k) || TRANSLATED_KEYWORDS.has(k)) continue;
    if (!COPIED_KEYWORDS.has(k)) throw new Error(`CRD schema keyword "${k}" at ${ctx.at || '/'} is not supported by test/util/schema.ts`);
    out[k] = value;
  }
  if (typeof s.format === 'string') ctx.formats.add(s.format);

  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true || ctx.preserveItems;
  const types: string[] = intOrString ? ['integer', 'string'] : typeof s.type === 'string' ? [s.type] : [];
  if (s.nullable === true && types.length > 0) {
    types.push('null');
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  if (types.length > 0) out.type = types.length === 1 ? types[0] : types;

  // OpenAPI 3.0 exclusive bounds are booleans qualifying minimum/maximum; draft 7 uses numbers.
  if (s.exclusiveMinimum === true && typeof s.minimum === 'number') {
    delete out.minimum;
    out.exclusiveMinimum = s.minimum;
  }
  if (s.exclusiveMaximum === true && typeof s.maximum === 'number') {
    delete out.maximum;
    out.exclusiveMaximum = s.maximum;
  }

  const child = (at: string, extra: Partial<ConvertContext> = {}): ConvertContext =>
    ({ ...ctx, at: `${ctx.at}/${at}`, preserveItems: false, ...extra });

  if (isPlainObject(s.properties)) {
    const props: Record<string, unknown> = {};
    for (const [name, sub] of Object.entries(s.properties)) {
      props[name] = ctx.at === '' && name === 'metadata' && !ctx.inJunctor
        ? rootMetadataSchema(sub as KubeSchema)
        : toJsonSchema(sub as KubeSchema, child(`properties/${escapePointer(name)}`));
    }
    out.properties = props;
  }
  if (isPlainObject(s.additionalProperties)) {
    out.additionalProperties = toJsonSchema(s.additionalProperties, child('additionalProperties'));
  } else if (typeof s.additionalProperties === 'boolean') {
    out.additionalProperties = s.additionalProperties;
  }
  if (isPlainObject(s.items)) {
    out.items = toJsonSchema(s.items, child('items', { preserveItems: preserve }));
  }
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[junctor])) {
      out[junctor] = (s[junctor] as KubeSchema[]).map((sub, i) => toJsonSchema(sub, child(`${junctor}/${i}`, { inJunctor: true })));
    }
  }
  if (isPlainObject(s.not)) out.not = toJsonSchema(s.not, child('not', { inJunctor: true }));
  // int-or-string: the type union above says it all; the anyOf of bare types that usually comes along is redundant.
  if (intOrString) delete out.anyOf;

  const isObject = s.type === 'object' || (s.type === undefined && isPlainObject(s.properties));
  if (isObject && !preserve && !ctx.inJunctor && s.additionalProperties === undefined) {
    out.additionalProperties = false;
  }

  if (s['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  if (s['x-kubernetes-list-type'] === 'map' && Array.isArray(s['x-kubernetes-list-map-keys'])) {
    out.listMapKeys = s['x-kubernetes-list-map-keys'];
  }
  return out;
}

/**
 * The root `metadata` of a custom resource is an ObjectMeta, which CRD schemas leave as `type: object`
 * (the API server checks it itself). Keep any restriction the CRD adds to name/generateName; the
 * ObjectMeta rules are applied by `checkMetadata`.
 */
function rootMetadataSchema(s: KubeSchema): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'object' };
  if (isPlainObject(s.properties)) {
    const props: Record<string, unknown> = {};
    for (const name of ['name', 'generateName']) {
      const sub = s.properties[name];
      if (isPlainObject(sub)) props[name] = toJsonSchema(sub, { at: `/properties/metadata/properties/${name}`, formats: new Set(), preserveItems: false, inJunctor: false });
    }
    out.properties = props;
  }
  return out;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

let ajvInstance: Ajv | undefined;

function ajv(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new Ajv({
      allErrors: true,
      // strictSchema stays on (an unknown keyword is a bug in the translation); the other strict checks
      // object to constructs that are normal in Kubernetes schemas (type-less junctor branches, unions).
      strictSchema: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      allowUnionTypes: true,
      validateSchema: false,
      code: { esm: false },
    });
    ajvInstance.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX });
    ajvInstance.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    ajvInstance.addFormat('float', { type: 'number', validate: () => true });
    ajvInstance.addFormat('double', { type: 'number', validate: () => true });
    ajvInstance.addFormat('byte', { type: 'string', validate: (s: string) => BASE64.test(s) });
    ajvInstance.addFormat('date-time', { type: 'string', validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) });
    ajvInstance.addKeyword({
      keyword: 'listMapKeys',
      type: 'array',
      schemaType: 'array',
      errors: true,
      validate: function listMapKeys(keys: string[], data: unknown[], _parent: unknown, cxt?: { instancePath: string }) {
        const seen = new Map<string, number>();
        const errors: Partial<ErrorObject>[] = [];
        data.forEach((item, i) => {
          if (!isPlainObject(item)) return;
          const id = JSON.stringify(keys.map(k => item[k] ?? null));
          const first = seen.get(id);
          if (first === undefined) {
            seen.set(id, i);
          } else {
            const what = keys.map(k => `${k}=${JSON.stringify(item[k])}`).join(', ');
            errors.push({ keyword: 'listMapKeys', instancePath: `${cxt?.instancePath ?? ''}/${i}`, params: { keys }, message: `duplicate entry (${what}): same key as item ${first}` });
          }
        });
        (listMapKeys as unknown as { errors: unknown }).errors = errors;
        return errors.length === 0;
      },
    });
  }
  return ajvInstance;
}

function compile(schema: Record<string, unknown>, formats: Set<string>, what: string): ValidateFunction {
  const a = ajv();
  for (const f of formats) {
    // Formats the API server does not check for CRDs, or that no CRD here uses: accepted unchecked.
    if (!a.formats[f]) a.addFormat(f, true);
  }
  try {
    return a.compile(schema);
  } catch (e) {
    throw new Error(`cannot compile the schema of ${what}: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// metadata
// ---------------------------------------------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

function dns1123Label(s: string): string | undefined {
  if (s.length > 63) return 'must be no more than 63 characters (DNS-1123 label)';
  if (!DNS1123_LABEL.test(s)) return "must be a DNS-1123 label: lower case alphanumerics or '-', starting and ending with an alphanumeric";
  return undefined;
}

function dns1123Subdomain(s: string): string | undefined {
  if (s.length > 253) return 'must be no more than 253 characters (DNS-1123 subdomain)';
  if (!DNS1123_SUBDOMAIN.test(s)) return "must be a DNS-1123 subdomain: lower case alphanumerics, '-' or '.', starting and ending with an alphanumeric";
  return undefined;
}

function dns1035Label(s: string): string | undefined {
  if (s.length > 63) return 'must be no more than 63 characters (DNS-1035 label)';
  if (!DNS1035_LABEL.test(s)) return "must be a DNS-1035 label: lower case alphanumerics or '-', starting with a letter and ending with an alphanumeric";
  return undefined;
}

function pathSegmentName(s: string): string | undefined {
  if (s === '.' || s === '..') return `may not be "${s}"`;
  if (/[/%]/.test(s)) return "may not contain '/' or '%'";
  return undefined;
}

/** The apiserver's name rule per kind (ValidateObjectMeta's nameFn). */
function nameRule(apiVersion: string, kind: string): (s: string) => string | undefined {
  if (apiVersion === 'v1' && kind === 'Namespace') return dns1123Label;
  if (apiVersion === 'v1' && kind === 'Service') return dns1035Label;
  if (apiVersion.startsWith('rbac.authorization.k8s.io/')) return pathSegmentName;
  return dns1123Subdomain;
}

function qualifiedName(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'must be a qualified name: an optional DNS subdomain prefix and "/" followed by a name';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (parts[0].length === 0) return 'prefix part must be non-empty';
    const prefixProblem = dns1123Subdomain(parts[0]);
    if (prefixProblem) return `prefix part ${prefixProblem}`;
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) return "name part must consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
  return undefined;
}

function checkMetadata(obj: Record<string, unknown>, kind: string, checkedAsObjectMeta: boolean): Problem[] {
  const meta = obj.metadata;
  if (meta === undefined || meta === null) return [{ path: '/metadata', message: 'is required' }];
  if (!isPlainObject(meta)) return [{ path: '/metadata', message: 'must be object' }];
  const problems: Problem[] = checkedAsObjectMeta ? [] : objectMetaProblems(meta);

  const name = meta.name;
  if (name === undefined || name === '') {
    problems.push({ path: '/metadata/name', message: 'is required (generateName is not supported by kubectl apply)' });
  } else if (typeof name === 'string') {
    const p = nameRule(obj.apiVersion as string, kind)(name);
    if (p) problems.push({ path: '/metadata/name', message: `${JSON.stringify(name)} ${p}` });
  }
  if (typeof meta.namespace === 'string') {
    const p = dns1123Label(meta.namespace);
    if (p) problems.push({ path: '/metadata/namespace', message: `${JSON.stringify(meta.namespace)} ${p}` });
  }
  if (isPlainObject(meta.labels)) {
    for (const [k, v] of Object.entries(meta.labels)) {
      const at = `/metadata/labels/${escapePointer(k)}`;
      const kp = qualifiedName(k);
      if (kp) problems.push({ path: at, message: `label key ${JSON.stringify(k)}: ${kp}` });
      if (typeof v === 'string') {
        if (v.length > 63) problems.push({ path: at, message: 'label value must be no more than 63 characters' });
        else if (!LABEL_VALUE.test(v)) problems.push({ path: at, message: `label value ${JSON.stringify(v)} must be empty or consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric` });
      }
    }
  }
  if (isPlainObject(meta.annotations)) {
    let bytes = 0;
    for (const [k, v] of Object.entries(meta.annotations)) {
      const kp = qualifiedName(k.toLowerCase());
      if (kp) problems.push({ path: `/metadata/annotations/${escapePointer(k)}`, message: `annotation key ${JSON.stringify(k)}: ${kp}` });
      bytes += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
    }
    if (bytes > MAX_ANNOTATIONS_BYTES) problems.push({ path: '/metadata/annotations', message: `total size ${bytes} bytes must be no more than ${MAX_ANNOTATIONS_BYTES}` });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

function isPlainObject(x: unknown): x is Record<string, any> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unknownField(key: string): string {
  return `unknown field ${JSON.stringify(key)}`;
}

/**
 * A plain-JSON copy of `x` (what `kubectl` would receive), with `undefined` members dropped; anything
 * JSON cannot carry is reported.
 */
function toJsonData(x: unknown, at: string, problems: Problem[]): unknown {
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) problems.push({ path: at, message: `${x} is not a JSON number` });
    return x;
  }
  if (Array.isArray(x)) {
    return x.map((item, i) => {
      if (item === undefined) problems.push({ path: `${at}/${i}`, message: 'undefined is not a JSON value' });
      return toJsonData(item, `${at}/${i}`, problems);
    });
  }
  if (isPlainObject(x)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (v !== undefined) out[k] = toJsonData(v, `${at}/${escapePointer(k)}`, problems);
    }
    return out;
  }
  const what = typeof x === 'object' ? `a ${(x as object).constructor?.name ?? 'non-plain'} object` : `a ${typeof x}`;
  problems.push({ path: at, message: `${what} is not a JSON value` });
  return null;
}

/**
 * Turns ajv errors into problems; the type errors of one value are merged ("must be integer or string").
 * With `data`, all errors about a `null` value become one: CRD fields admit null only when `nullable`.
 */
function ajvProblems(errors: readonly ErrorObject[], data?: unknown): Problem[] {
  const typeErrors = new Map<string, string[]>();
  const problems: Problem[] = [];
  const nulls = new Set<string>();
  for (const e of errors) {
    if (data !== undefined && valueAt(data, e.instancePath) === null) {
      if (!nulls.has(e.instancePath)) problems.push({ path: e.instancePath, message: 'must not be null: the field is not nullable (the API server would drop it)' });
      nulls.add(e.instancePath);
    }
  }
  errors = errors.filter(e => !nulls.has(e.instancePath));
  for (const e of errors) {
    if (e.keyword === 'type') {
      const list = typeErrors.get(e.instancePath) ?? [];
      for (const t of String((e.params as { type: string | string[] }).type).split(',')) if (!list.includes(t)) list.push(t);
      typeErrors.set(e.instancePath, list);
    }
  }
  const typedPaths = new Set(typeErrors.keys());
  for (const e of errors) {
    const at = e.instancePath;
    switch (e.keyword) {
      case 'type': {
        const list = typeErrors.get(at);
        if (list) {
          problems.push({ path: at, message: `must be ${list.join(' or ')}` });
          typeErrors.delete(at);
        }
        break;
      }
      case 'oneOf':
      case 'anyOf':
        // When the branches failed on type (int-or-string), the merged type error says it all.
        if (!typedPaths.has(at)) {
          problems.push({ path: at, message: e.message ?? e.keyword });
        }
        break;
      case 'additionalProperties': {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        problems.push({ path: `${at}/${escapePointer(key)}`, message: unknownField(key) });
        break;
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(v => JSON.stringify(v)).join(', ');
        problems.push({ path: at, message: `must be one of ${allowed}` });
        break;
      }
      case 'format':
        problems.push({ path: at, message: `must match format ${JSON.stringify((e.params as { format: string }).format)}` });
        break;
      default:
        problems.push({ path: at, message: e.message ?? e.keyword });
    }
  }
  return problems;
}

/** The value at a JSON pointer, or undefined. */
function valueAt(data: unknown, pointer: string): unknown {
  let cur = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter(p => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function formatViolations(violations: readonly SchemaViolation[]): string {
  const objects = new Set(violations.map(v => v.object)).size;
  const lines = violations.slice(0, MAX_LISTED).map(v => `  ${formatViolation(v)}`);
  if (violations.length > MAX_LISTED) lines.push(`  ... and ${violations.length - MAX_LISTED} more`);
  return `${violations.length} schema violation(s) in ${objects} object(s):\n${lines.join('\n')}`;
}
