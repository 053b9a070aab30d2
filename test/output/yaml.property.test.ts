import { isDeepStrictEqual } from 'util';
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { ManifestYaml } from '../../src';
import { NUM_RUNS } from '../property/runs';

/*
 * ManifestYaml writes the bytes cdk8s's Yaml writes. The reference is cdk8s's own `Yaml.stringify` (the `yaml`
 * package it bundles, with its options). Every property also counts how often ManifestYaml handed a document
 * to cdk8s's serializer: for plain JSON without shared objects that must be never, so the bytes compared are
 * the emitter's own.
 */

const reference = Yaml.stringify.bind(Yaml);
let fallbacks: jest.SpyInstance;
beforeEach(() => {
  fallbacks = jest.spyOn(Yaml, 'stringify');
});
afterEach(() => fallbacks.mockRestore());

/** Characters that change how YAML must write a string: indicators, whitespace, line breaks, quotes, escapes. */
const ADVERSARIAL = [
  ...'-?:,[]{}#&*!|>\'"%@`~=<+._/\\', ' ', '  ', '\t', '\n', '\n\n', '\r', '\r\n', 'a', 'b', 'Z', '0', '1', '9', 'e', 'E', 'x', 'o', 'n', 'y',
  '\u0000', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u007f', '\u0085', '\u009f', '\u00a0', '\u00e9', '\u2028', '\u2029', '\ufeff',
  '\ud83d\ude00', '\ud800', '\udfff', '日本',
];

/** Whole strings YAML 1.1 reads as something else, or that are markers, plus near misses. */
const SPECIAL = [
  '', ' ', 'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'yEs', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'oN', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL', 'nULL', '~', '-', '?', ':', '<<', '<', '<<<', '=', '!', '&a', '*a', '|', '>',
  '0', '00', '007', '0755', '08', '0o17', '0b1010', '0b102', '0x1F', '0xg', '+1', '-1', '1_000', '1__0', '12e3', '1e3', 'e3', 'E-3', '1.5',
  '.5', '5.', '-.5', '1.2.3', '.inf', '-.inf', '+.INF', '.Inf', '.nan', '.NaN', '.NAN', '.nAn', '1:20', '1:20:30', '190:20:30.15', '1:60',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2001-1-1', '20011214', '---', '...', '--- x', '... x',
  '%YAML 1.1', 'a\n---\nb', 'a\n...', '%', '#', '# x', 'a #b', 'a# b', 'a: b', 'a:b', 'a:', ':a', '- a', '-a', '? a', '?a', '[a]', '{a}',
  'it\'s', 'say "hi"', '\'both" ', 'a\n', '\n', '\na', 'a\n\n', '\n\n', ' a', 'a ', ' ', 'a\n ', 'a \nb', 'a\n b', ' a\nb\n',
  'x\n  ', 'line\n\n\n', '\ta', 'a\t', '-0', '0.0', '1e+21', 'NaN', 'Infinity', 'undefined', '"', '\'', '"\'',
];

/** Strings of every kind: random unicode, adversarial characters, special words, multi-line, long. */
const str: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 1 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...ADVERSARIAL), maxLength: 16 }), weight: 4 },
  { arbitrary: fc.constantFrom(...SPECIAL), weight: 3 },
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}(\.[a-z0-9-]{1,10}){0,3}(\/[\w.-]{1,10})?$/), weight: 2 },
  {
    // multi-line text, as cloud-init user data or scripts
    arbitrary: fc.array(fc.oneof(fc.string({ unit: fc.constantFrom(...ADVERSARIAL), maxLength: 50 }), fc.constantFrom(...SPECIAL)),
      { minLength: 2, maxLength: 6 }).map((lines) => lines.join('\n')),
    weight: 2,
  },
  {
    // long: over the 40 characters of multi-line double quotes, and over 1024 (an explicit key)
    arbitrary: fc.tuple(fc.constantFrom(...SPECIAL), fc.string({ unit: fc.constantFrom(...ADVERSARIAL), maxLength: 8 }),
      fc.integer({ min: 5, max: 1100 })).map(([a, b, n]) => (a + b).repeat(Math.ceil(n / Math.max(1, (a + b).length))).slice(0, n)),
    weight: 1,
  },
);

const num = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, 1e-7, -1e300, 5e-324, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -Infinity, 0.1 + 0.2),
);

/** Any JSON value (and undefined, which cdk8s keeps as null), nested. */
const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    str, num, fc.boolean(), fc.constant(null), fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(str, tie('value'), { maxKeys: 5 }),
    fc.constant(0).map(() => []), fc.constant(0).map(() => ({})),
  ),
})).value;

/** Maps of maps and lists of maps, as Kubernetes objects are. */
const manifest = fc.dictionary(
  str,
  fc.oneof(json, fc.array(fc.dictionary(str, json, { maxKeys: 4 }), { maxLength: 4 }),
    fc.dictionary(str, fc.dictionary(str, json, { maxKeys: 3 }), { maxKeys: 3 })),
  { minKeys: 1, maxKeys: 6 },
);

/** What a YAML reader gets back: undefined was written as null. */
function undefinedAsNull(v: unknown): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(undefinedAsNull);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, undefinedAsNull(x)]));
  return v;
}

/** Every string in a value, keys included. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  return [];
}

/** Every key in a value. */
function keys(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(keys);
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]);
  return [];
}

/** Builds the value anew each time: one object reachable twice would be written with anchors. */
const fresh = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

describe('property: ManifestYaml writes exactly the bytes of cdk8s\'s Yaml.stringify', () => {
  test('any JSON value as one document', () => {
    fc.assert(fc.property(json, (v) => {
      expect(ManifestYaml.stringify(fresh(v))).toBe(reference(fresh(v)));
    }), { numRuns: NUM_RUNS * 5 });
    expect(fallbacks).not.toHaveBeenCalled();
  });

  test('manifest-shaped documents, several to a file (undefined documents included)', () => {
    const files = fc.array(fc.oneof({ arbitrary: manifest, weight: 8 }, { arbitrary: fc.constant(undefined), weight: 1 }), { maxLength: 4 });
    fc.assert(fc.property(files, (docs) => {
      expect(ManifestYaml.stringify(...fresh(docs))).toBe(reference(...fresh(docs)));
    }), { numRuns: NUM_RUNS * 5 });
    expect(fallbacks).not.toHaveBeenCalled();
  });

  test('strings alone, as values and as keys at every depth (where quoting rules differ)', () => {
    fc.assert(fc.property(str, str, (a, b) => {
      for (const doc of [a, [a], { [a]: b }, { k: { [a]: [b] } }, [{ [a]: { [b]: a } }], [[a, { [b]: [] }]]]) {
        expect(ManifestYaml.stringify(doc)).toBe(reference(doc));
      }
    }), { numRuns: NUM_RUNS * 5 });
    expect(fallbacks).not.toHaveBeenCalled();
  });

  test('what it writes reads back (YAML 1.1, as kubectl reads it) as the same JSON, except for the flaws of cdk8s\'s own writer', () => {
    fc.assert(fc.property(manifest, (doc) => {
      let back: unknown;
      try {
        back = YAML.parse(ManifestYaml.stringify(doc), { version: '1.1' });
      } catch {
        back = undefined;
      }
      if (isDeepStrictEqual(back, undefinedAsNull(doc))) return;
      // Byte identity means ManifestYaml writes what cdk8s writes, flaws included (see the tests below): a line
      // of just one space inside a multi-line double-quoted string, a block scalar whose first line holds only
      // spaces, a `<<` key written plain (a merge key), and a byte order mark starting the document (a reader
      // drops it).
      const flawed = strings(doc).some((s) => /\n \n/.test(s) || /^\n* +\n/.test(s)) || keys(doc).includes('<<')
        || Object.keys(doc)[0]?.startsWith('\ufeff');
      expect(flawed).toBe(true);
    }), { numRuns: NUM_RUNS });
  });

  test('cdk8s writes a byte order mark at the start of a document plain, which a reader drops: ManifestYaml writes the same bytes', () => {
    const doc = { '\ufeffkey': 'x' };
    expect(reference(doc)).toBe('\ufeffkey: x\n');
    expect(YAML.parse(reference(doc))).toStrictEqual({ key: 'x' });
    expect(ManifestYaml.stringify(doc)).toBe(reference(doc));
  });

  test('cdk8s writes a key `<<` plain, which YAML 1.1 reads as a merge key: ManifestYaml writes the same bytes', () => {
    const doc = { data: { '<<': 'x' } };
    expect(reference(doc)).toBe('data:\n  <<: x\n');
    expect(ManifestYaml.stringify(doc)).toBe(reference(doc));
  });

  test('cdk8s writes a string whose first line is only spaces as a block scalar without an indentation indicator, which reads back without the spaces: ManifestYaml writes the same bytes', () => {
    const doc = { a: ' \n' };
    const written = reference(doc);
    expect(written).toBe('a: |+\n   \n');
    expect(YAML.parse(written, { version: '1.1' })).toStrictEqual({ a: '\n' });
    expect(ManifestYaml.stringify(doc)).toBe(written);
  });

  test('a long double-quoted string with a line of one space does not read back: ManifestYaml writes the same bytes', () => {
    const doc = { a: `${'x'.repeat(40)}\n \nb\n ` };
    const written = reference(doc);
    expect(written).toBe(`a: "${'x'.repeat(40)}\n\n  \\\\ \n\n  b\n\n  \\ "\n`);
    expect(YAML.parse(written, { version: '1.1' })).toStrictEqual({ a: `${'x'.repeat(40)}\n\\\nb\n ` });
    expect(ManifestYaml.stringify(doc)).toBe(written);
  });
});

describe('values that are not plain JSON go to cdk8s\'s serializer: the same bytes', () => {
  test.each([
    ['one object twice (anchors and aliases)', () => { const o = { a: 1 }; return { x: o, y: o, z: [o] }; }],
    ['one array twice', () => { const a = [1, 2]; return [a, a]; }],
    ['a Date', () => ({ when: new Date(Date.UTC(2024, 1, 2, 3, 4, 5)) })],
    ['an object with toJSON', () => ({ v: { toJSON: () => 'converted' } })],
    ['a class instance', () => ({ v: new (class Point { public x = 1; })() })],
    ['a Map', () => ({ v: new Map([['a', 1]]) })],
    ['a bigint', () => ({ v: BigInt(2) ** BigInt(70) })],
    ['a Buffer', () => ({ v: Buffer.from('hi') })],
  ])('%s', (_name, make) => {
    expect(ManifestYaml.stringify(make())).toBe(reference(make()));
    expect(fallbacks).toHaveBeenCalled();
  });

  test('property: any value with shared objects', () => {
    fc.assert(fc.property(manifest, str, (doc, key) => {
      const shared = { [key]: [1, 'x'] };
      const v = { ...doc, first: shared, second: [shared] };
      expect(ManifestYaml.stringify(v)).toBe(reference({ ...doc, first: shared, second: [shared] }));
    }), { numRuns: NUM_RUNS });
  });
});
