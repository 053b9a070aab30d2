import { ApiObject, ApiObjectMetadataDefinition, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/*
 * An object's JSON as `apiObject.toJson()` returns it, computed in one pass.
 *
 * cdk8s 2.70's ApiObject.toJson() (lib/api-object.js) resolves `{ ...props, metadata: metadata.toJson() }`
 * (lib/resolve.js: for every value, App.of(apiObject) to find the resolvers, a ResolutionContext, a copy of
 * the key path; then a copy of each object), sanitizes the result (lib/_util.js sanitizeValue: a second copy,
 * keys sorted, null and undefined values dropped, an error for objects of other classes), applies the
 * object's JSON patches and puts apiVersion, kind and metadata first. For a large estate that is the largest
 * part of synthesis besides the construct tree.
 *
 * `renderObject` does the same in one copy, and only where its result is the same by construction:
 * - the object's class does not override toJson (plain `ApiObject`s; the generated Kube* and CRD classes
 *   map their JSON afterwards and go through their own toJson);
 * - the app's resolvers are exactly cdk8s's three built-in ones (a custom resolver sees key paths and
 *   contexts, which this does not build);
 * - every value is one the built-in resolvers and sanitizeValue handle without an error.
 * Otherwise, and for anything it did not expect (a cdk8s whose ApiObject keeps its props or patches
 * elsewhere), it returns `apiObject.toJson()`: the same result, or the same error. test/output/render.test.ts
 * compares the two over random objects.
 */

/** Thrown inside the fast path: use `apiObject.toJson()`. */
class UseToJson extends Error {}
const USE_TO_JSON = new UseToJson();

const TO_JSON = ApiObject.prototype.toJson;
const METADATA_TO_JSON = ApiObjectMetadataDefinition.prototype.toJson;

/** How many objects took the one-pass path and how many cdk8s's toJson (read by the tests). */
export const renderCounts = { onePass: 0, toJson: 0 };

/** Whether the app of `o` resolves with cdk8s's built-in resolvers only (in their order). */
function builtInResolversOnly(app: App): boolean {
  const r = app.resolvers;
  return r.length === 3 && r[0] instanceof LazyResolver && r[1] instanceof ImplicitTokenResolver && r[2] instanceof NumberStringUnionResolver
    && r[0].constructor === LazyResolver && r[1].constructor === ImplicitTokenResolver && r[2].constructor === NumberStringUnionResolver;
}

/**
 * `resolve()` then `sanitizeValue()` of one value: the resolvers in cdk8s's order (Lazy, implicit token,
 * number-or-string union), then arrays element by element, plain objects key by key (sorted unless
 * CDK8S_DISABLE_SORT), null and undefined dropped from objects.
 */
function resolveAndSanitize(value: any, sortKeys: boolean, filterEmpty = false): any {
  if (value == null) return undefined;
  // LazyResolver
  if (value instanceof Lazy) return resolveAndSanitize(value.produce(), sortKeys, filterEmpty);
  // ImplicitTokenResolver
  if (typeof value.resolve === 'function') return resolveAndSanitize(value.resolve(), sortKeys, filterEmpty);
  const type = typeof value;
  if (type !== 'object') {
    // NumberStringUnionResolver looks at `.value` of anything but a plain object: a primitive has none
    // (unless a prototype was extended, which is left to cdk8s).
    if (value.value !== undefined) throw USE_TO_JSON;
    return value;
  }
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || (value as any).value !== undefined) throw USE_TO_JSON;
    // sanitizeValue's filterEmptyArrays (metadata): an empty array is left out
    if (filterEmpty && value.length === 0) return undefined;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = resolveAndSanitize(value[i], sortKeys, filterEmpty);
    return out;
  }
  if (value.constructor !== Object || Object.getPrototypeOf(value) !== Object.prototype) {
    // a class instance: the union resolver turns `{ value }` holders into plain objects; anything else makes
    // sanitizeValue throw, with cdk8s's message
    const v = value.value;
    if (typeof v === 'number' || typeof v === 'string') return resolveAndSanitize({ value: v }, sortKeys, filterEmpty);
    throw USE_TO_JSON;
  }
  // cdk8s resolves every value (in key order) before it sorts and sanitizes: resolve in that order too, so
  // that producers with side effects see the same sequence.
  const keys = Object.keys(value);
  const resolved = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) resolved[i] = resolveAndSanitize(value[keys[i]], sortKeys, filterEmpty);
  const out: Record<string, any> = {};
  let n = 0;
  if (sortKeys && !isSorted(keys)) {
    const order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
    for (const i of order) {
      if (resolved[i] != null) {
        out[keys[i]] = resolved[i];
        n++;
      }
    }
  } else {
    for (let i = 0; i < keys.length; i++) {
      if (resolved[i] != null) {
        out[keys[i]] = resolved[i];
        n++;
      }
    }
  }
  // sanitizeValue's filterEmptyObjects (metadata): an object left empty is left out
  return filterEmpty && n === 0 ? undefined : out;
}

/** Whether the keys are in the order `Array.prototype.sort()` puts them (UTF-16 code units). */
function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/**
 * `metadata.toJson()` (lib/metadata.js): the additional attributes, name, namespace, annotations, finalizers,
 * owner references and labels, resolved, then sanitized with empty arrays and objects left out and keys
 * always sorted.
 */
function metadataJson(metadata: ApiObjectMetadataDefinition): any {
  const m = metadata as any;
  if (m.toJson !== METADATA_TO_JSON || m._additionalAttributes === null || typeof m._additionalAttributes !== 'object') {
    return metadata.toJson();
  }
  return resolveAndSanitize({
    ...m._additionalAttributes,
    name: m.name,
    namespace: m.namespace,
    annotations: m.annotations,
    finalizers: m.finalizers,
    ownerReferences: m.ownerReferences,
    labels: m.labels,
  }, true, true);
}

/**
 * The JSON of `o`, equal to `o.toJson()`. `fast` says whether the app allows the fast path at all (see
 * `canRenderFast`), checked once per app rather than per object.
 */
export function renderObject(o: ApiObject, fast: boolean): any {
  const props = (o as any).props;
  const patches = (o as any).patches;
  if (!fast || o.toJson !== TO_JSON || props === null || typeof props !== 'object' || !Array.isArray(patches)) {
    renderCounts.toJson++;
    return o.toJson();
  }
  try {
    const data = { ...props, metadata: metadataJson(o.metadata) };
    const json = resolveAndSanitize(data, !process.env.CDK8S_DISABLE_SORT);
    const patched = patches.length > 0 ? JsonPatch.apply(json, ...patches) : json;
    const result: Record<string, any> = {};
    for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) {
      if (k in patched) result[k] = patched[k];
    }
    renderCounts.onePass++;
    return result;
  } catch {
    // Whatever went wrong, cdk8s's own toJson gives the result or the error cdk8s users know.
    renderCounts.toJson++;
    return o.toJson();
  }
}

/** Whether objects of `app` may take the fast path of `renderObject`. */
export function canRenderFast(app: App): boolean {
  return builtInResolversOnly(app);
}
