import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { ManifestYaml } from '../../src';
import { YAML11_PLAIN_TAG_TESTS } from '../../src/output/emitter';

/*
 * What cdk8s writes for each kind of JSON value, written down, and ManifestYaml writing the same. The
 * property tests (yaml.property.test.ts) cover random values; this table documents the rules.
 */

const CASES: Array<[string, unknown, string]> = [
  ['strings YAML 1.1 reads as booleans are double-quoted (keys too)', { y: 'yes', on: 'off', n: 'No', Y: 'ON' }, '"y": "yes"\n"on": "off"\n"n": "No"\n"Y": "ON"\n'],
  ['null words and the empty string are quoted', { a: 'null', b: '~', c: '', d: 'Null' }, 'a: "null"\nb: "~"\nc: ""\nd: "Null"\n'],
  ['numbers in any YAML 1.1 notation are quoted', { a: '0x1F', b: '1e3', c: '0755', d: '1_000', e: '.inf', f: '1:20', g: '0b11', h: 'e5', i: '+1' },
    'a: "0x1F"\nb: "1e3"\nc: "0755"\nd: "1_000"\ne: ".inf"\nf: "1:20"\ng: "0b11"\nh: "e5"\ni: "+1"\n'],
  ['timestamps are quoted; near misses are not', { a: '2001-12-14', b: '2001-12-14t21:59:43.10-05:00', c: '2001-12-14x' },
    'a: "2001-12-14"\nb: "2001-12-14t21:59:43.10-05:00"\nc: 2001-12-14x\n'],
  ['indicators at the start, ": " and " #" force quotes; ":" and "#" inside a word do not', { a: '- x', b: 'x: y', c: 'a #b', d: 'a:b', e: 'a#b', f: '*x', g: '@x', h: 'x:' },
    'a: "- x"\nb: "x: y"\nc: "a #b"\nd: a:b\ne: a#b\nf: "*x"\ng: "@x"\nh: "x:"\n'],
  ['single quotes only to avoid escaping double quotes', { a: 'say "hi": now', b: 'it\'s: here', c: '"\'' }, 'a: \'say "hi": now\'\nb: "it\'s: here"\nc: "\\"\'"\n'],
  ['leading and trailing spaces force quotes', { a: ' x', b: 'x ' }, 'a: " x"\nb: "x "\n'],
  ['multi-line strings are literal blocks with the chomping their end needs', { a: 'x\ny', b: 'x\ny\n', c: 'x\n\n', d: ' x\ny' },
    'a: |-\n  x\n  y\nb: |\n  x\n  y\nc: |+\n  x\n\nd: |2-\n   x\n  y\n'],
  ['a multi-line string ending in spaces is double-quoted, folded at 40 characters', { a: 'x\n ', b: `${'a'.repeat(40)}\nb\n ` },
    `a: "x\\n "\nb: "${'a'.repeat(40)}\n\n  b\n\n  \\ "\n`],
  ['control characters force double quotes with YAML escapes', { a: 'a\u0000b\u0007\u001b\u0085\u00a0\u2028\u0001' }, 'a: "a\\0b\\a\\e\u0085\u00a0\u2028\\x01"\n'],
  ['unicode is written as it is', { ключ: 'значение 日本 😀' }, 'ключ: значение 日本 😀\n'],
  ['numbers, booleans, null, undefined', { a: 1, b: -0, c: 1.5, d: 1e21, e: NaN, f: -Infinity, g: true, h: null, i: undefined },
    'a: 1\nb: -0\nc: 1.5\nd: 1e+21\ne: .nan\nf: -.inf\ng: true\nh: null\ni: null\n'],
  ['empty collections are flow, others block; sequences are indented under their key', { a: {}, b: [], c: [{ x: [1, []] }, [2, 3]] },
    'a: {}\nb: []\nc:\n  - x:\n      - 1\n      - []\n  - - 2\n    - 3\n'],
  ['a key of more than 1024 characters is an explicit key', { [`k${'x'.repeat(1024)}`]: { a: 1 } }, `? k${'x'.repeat(1024)}\n: a: 1\n`],
  ['long lines are never folded', { a: 'word '.repeat(40).trim() }, `a: ${'word '.repeat(40).trim()}\n`],
  ['document markers: quoted as a top-level key, plain deeper', { '---x': { '---y': '...z' } }, '"---x":\n  ---y: ...z\n'],
  ['a scalar document', 'text', 'text\n'],
];

describe('ManifestYaml: what cdk8s writes for each kind of value', () => {
  test.each(CASES)('%s', (_name, doc, expected) => {
    expect(Yaml.stringify(doc)).toBe(expected);
    expect(ManifestYaml.stringify(doc)).toBe(expected);
  });

  test('several documents, undefined ones as empty lines, joined by ---', () => {
    const docs = [{ a: 1 }, undefined, 'x', [], {}];
    expect(ManifestYaml.stringify(...docs)).toBe(Yaml.stringify(...docs));
    expect(ManifestYaml.stringify()).toBe('');
  });

  test('a value whose getter writes YAML itself (re-entry) still comes out right', () => {
    const doc = { get inner() { return ManifestYaml.stringify({ a: [1, 'yes'] }); }, after: 'x' };
    const expected = Yaml.stringify({ inner: Yaml.stringify({ a: [1, 'yes'] }), after: 'x' });
    expect(ManifestYaml.stringify(doc)).toBe(expected);
  });

  test('save() writes what Yaml.save() writes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-yaml-'));
    const docs = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { 'a.sh': '#!/bin/sh\necho on\n' } }, { b: [] }];
    Yaml.save(path.join(dir, 'cdk8s.yaml'), docs);
    ManifestYaml.save(path.join(dir, 'fast.yaml'), docs);
    expect(fs.readFileSync(path.join(dir, 'fast.yaml'))).toStrictEqual(fs.readFileSync(path.join(dir, 'cdk8s.yaml')));
  });

  test('the YAML 1.1 plain scalars it quotes are those of the yaml package cdk8s bundles', () => {
    // The test's `yaml` is the version cdk8s bundles; the emitter copies the tests of its YAML 1.1 schema.
    const bundled = JSON.parse(fs.readFileSync(require.resolve('cdk8s/package.json'), 'utf8')).dependencies.yaml;
    expect(JSON.parse(fs.readFileSync(require.resolve('yaml/package.json'), 'utf8')).version).toBe(bundled);
    const schema = new YAML.Document(null, { version: '1.1' }).schema;
    const tests = schema.tags.filter((t: any) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test).map((t: any) => String(t.test));
    expect(YAML11_PLAIN_TAG_TESTS.map(String)).toStrictEqual(tests);
  });
});
