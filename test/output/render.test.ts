import { inspect } from 'util';
import { ApiObject, App, Chart, JsonPatch, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { canRenderFast, renderCounts, renderObject } from '../../src/output/render';
import { NUM_RUNS } from '../property/runs';

/*
 * renderObject(o) returns exactly what o.toJson() returns (the same keys in the same order, the same values),
 * or throws the same error. The values below are what cdk8s's resolvers and sanitizer treat specially: Lazy
 * values, objects with a resolve() method, number-or-string union holders (IntOrString, Quantity), class
 * instances they cannot render, null and undefined, and JSON patches.
 */

/** Shows a value with key order, undefined, NaN and -0 as they are. */
const show = (v: unknown) => inspect(v, { depth: Infinity, sorted: false, showHidden: false, breakLength: Infinity });

class Holder {
  constructor(public readonly value: number | string) {}
}
class Opaque {
  public readonly x = 1;
}

const key = fc.oneof(fc.constantFrom('a', 'b', 'Z', 'value', 'resolve', '10', '2', 'apiVersion', 'kind', 'metadata', ''), fc.string({ maxLength: 6 }));

/** Values as constructs put them into props: plain JSON and the things cdk8s resolves. */
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
    tie('v').map((x) => Lazy.any({ produce: () => x })),
    tie('v').map((x) => ({ resolve: () => x })),
    fc.oneof(fc.integer(), fc.string({ maxLength: 5 })).map((x) => new Holder(x)),
    fc.constantFrom('1Gi', '500m').map((q) => k8s.Quantity.fromString(q)),
    fc.integer({ min: 1, max: 65535 }).map((n) => k8s.IntOrString.fromNumber(n)),
    fc.constant(0).map(() => new Opaque()),
  ),
})).v;

const patch = fc.oneof(
  fc.constant(JsonPatch.add('/spec/added', { x: 1 })),
  fc.constant(JsonPatch.replace('/metadata/name', 'patched')),
  fc.constant(JsonPatch.remove('/spec')),
  fc.constant(JsonPatch.add('/metadata/labels/extra', 'yes')),
);

const spec = fc.record({
  props: fc.dictionary(key, value, { maxKeys: 5 }),
  spec: value,
  labels: fc.option(fc.dictionary(fc.constantFrom('app', 'tier', 'x/y'), fc.string({ maxLength: 5 }), { maxKeys: 2 }), { nil: undefined }),
  // metadata: more attributes, annotations and finalizers added later, values of every kind
  extraMetadata: fc.dictionary(fc.constantFrom('generateName', 'uid', 'custom', 'annotations'), value, { maxKeys: 2 }),
  annotations: fc.array(fc.tuple(fc.constantFrom('a', 'b/c'), fc.string({ maxLength: 4 })), { maxLength: 2 }),
  finalizers: fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  metadataAdds: fc.array(fc.tuple(fc.constantFrom('x', 'ownerReferences', 'labels'), value), { maxLength: 2 }),
  patches: fc.array(patch, { maxLength: 2 }),
  disableSort: fc.boolean(),
  resolver: fc.boolean(),
});

function attempt(f: () => unknown): { ok: string } | { error: string } {
  try {
    return { ok: show(f()) };
  } catch (e) {
    return { error: String((e as Error).message) };
  }
}

describe('renderObject: what ApiObject.toJson() returns, in one pass', () => {
  test('property: the same JSON (keys in the same order) or the same error, for random objects', () => {
    const tried = { onePass: 0 };
    const start = renderCounts.onePass;
    fc.assert(fc.property(spec, (s) => {
      const before = process.env.CDK8S_DISABLE_SORT;
      if (s.disableSort) process.env.CDK8S_DISABLE_SORT = '1';
      else delete process.env.CDK8S_DISABLE_SORT;
      try {
        const app = new App(s.resolver ? { resolvers: [{ resolve: () => undefined }] } : {});
        const chart = new Chart(app, 'c', { namespace: 'ns' });
        const o = new ApiObject(chart, 'o', {
          ...s.props, apiVersion: 'v1', kind: 'Thing', metadata: { ...s.extraMetadata, name: 'n', labels: s.labels }, spec: s.spec,
        });
        for (const [k, v] of s.annotations) o.metadata.addAnnotation(k, v);
        if (s.finalizers.length > 0) o.metadata.addFinalizers(...s.finalizers);
        for (const [k, v] of s.metadataAdds) o.metadata.add(k, v);
        if (s.patches.length > 0) o.addJsonPatch(...s.patches);
        const fast = canRenderFast(app);
        expect(fast).toBe(!s.resolver);
        expect(attempt(() => renderObject(o, fast))).toStrictEqual(attempt(() => o.toJson()));
        tried.onePass = renderCounts.onePass;
      } finally {
        if (before === undefined) delete process.env.CDK8S_DISABLE_SORT;
        else process.env.CDK8S_DISABLE_SORT = before;
      }
    }), { numRuns: NUM_RUNS * 2 });
    // most random objects are ones the one-pass path renders (the rest fall back to toJson)
    expect(tried.onePass - start).toBeGreaterThan(NUM_RUNS / 4);
  });

  test('plain ApiObjects of an app with the built-in resolvers take the one-pass path; others their own toJson', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const plain = new ApiObject(chart, 'plain', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: Lazy.any({ produce: () => 'x' }) } });
    const service = new k8s.KubeService(chart, 'svc', { spec: { ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(8080) }] } });
    const before = { ...renderCounts };
    expect(renderObject(plain, true)).toStrictEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: plain.name }, data: { a: 'x' } });
    expect(renderCounts).toStrictEqual({ onePass: before.onePass + 1, toJson: before.toJson });
    expect(renderObject(service, true)).toStrictEqual(service.toJson());
    expect(renderCounts).toStrictEqual({ onePass: before.onePass + 1, toJson: before.toJson + 1 });
  });

  test('producers run in the order cdk8s runs them (key order, before sorting)', () => {
    const calls: string[] = [];
    const lazy = (name: string) => Lazy.any({ produce: () => { calls.push(name); return name; } });
    const app = new App();
    const o = new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'X', spec: { z: lazy('z'), a: lazy('a'), m: [lazy('m1'), lazy('m2')] } });
    renderObject(o, true);
    const fast = [...calls];
    calls.length = 0;
    o.toJson();
    expect(fast).toStrictEqual(calls);
    expect(fast).toStrictEqual(['z', 'a', 'm1', 'm2']);
  });
});
