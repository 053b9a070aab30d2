/**
 * A serializer floor: the estate's objects (bench/apps/estate-json.ts, built in this process) through one
 * YAML serializer alone, one file per chart, as a cdk8s app writes them. No constructs, no cdk8s rendering.
 *
 *   node bench/out/apps/floor.js --serializer yaml|js-yaml|manifest-yaml --tenants T --vms V --out DIR [--lib L]
 *
 * - yaml: the `yaml` package with cdk8s's options (YAML.stringify(doc, { keepUndefined: true, lineWidth: 0,
 *   version: '1.1' }), documents joined by `---`): what cdk8s's Yaml writes, the same bytes as the library.
 * - js-yaml: js-yaml's dump (no references, no line folding): the same objects, not the same bytes (it quotes
 *   differently).
 * - manifest-yaml: the library's ManifestYaml: the same bytes as the library.
 */
import * as fs from 'fs';
import * as path from 'path';
import { arg, now, report } from './app-report';
import { platformObjects, tenantObjects } from './estate-json';
import type * as Lib from '../../src';

const serializer = arg('serializer');
/* eslint-disable @typescript-eslint/no-require-imports */
let stringify: (doc: any) => string;
if (serializer === 'yaml') {
  const YAML = require('yaml') as typeof import('yaml');
  stringify = (doc) => YAML.stringify(doc, { keepUndefined: true, lineWidth: 0, version: '1.1' });
} else if (serializer === 'js-yaml') {
  const jsyaml = require('js-yaml') as typeof import('js-yaml');
  stringify = (doc) => jsyaml.dump(doc, { noRefs: true, lineWidth: -1 });
} else if (serializer === 'manifest-yaml') {
  const { ManifestYaml } = require(arg('lib')) as typeof Lib;
  stringify = (doc) => ManifestYaml.stringify(doc);
} else {
  throw new Error(`--serializer must be yaml, js-yaml or manifest-yaml, not ${serializer}`);
}
/* eslint-enable @typescript-eslint/no-require-imports */
const loaded = now();

const out = arg('out');
fs.mkdirSync(out, { recursive: true });
const size = { tenants: Number(arg('tenants')), vmsPerTenant: Number(arg('vms')) };
// Built first, as a cdk8s app has its objects before it writes them.
const charts = { platform: platformObjects(), tenants: [...tenantObjects(size)] };
const built = now();
for (const [chart, docs] of Object.entries(charts)) {
  fs.writeFileSync(path.join(out, `${chart}.k8s.yaml`), docs.map(stringify).join('---\n'));
}
report(loaded, built, now());
