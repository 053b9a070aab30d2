/**
 * Synthesis helpers for tests: synthesize like `cdk8s synth` does, read the YAML back the way kubectl
 * would, and schema-validate every object (see ./schema.ts) before a test gets to look at it.
 *
 * Recording: when the environment variable `MANIFEST_RECORD_DIR` names a folder, every set of objects that
 * `synthObjects` / `synthChartObjects` return (after validation) is also written there, one JSON file per call
 * (`{ source, objects }`, `source` naming the test file and test). The conformance tests (test/conformance)
 * run the test suites once more with it set and apply every recorded set to a real API server.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { ManifestObject, validateAll } from './schema';

/**
 * Parses a multi-document YAML manifest. YAML 1.1 rules are used, as cdk8s writes it and as kubectl
 * (go-yaml) reads it, so an unquoted `yes` comes back as a boolean here too. Empty documents are skipped;
 * a syntax error, duplicate key or document that is not a mapping throws.
 */
export function parseManifest(text: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  YAML.parseAllDocuments(text, { version: '1.1' }).forEach((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`YAML document #${i}: ${doc.errors.map(e => e.message).join('; ')}`);
    const js: unknown = doc.toJS();
    if (js === null || js === undefined) return;
    if (typeof js !== 'object' || Array.isArray(js)) throw new Error(`YAML document #${i} is not a mapping`);
    objects.push(js as ManifestObject);
  });
  return objects;
}

/**
 * Synthesizes `app` with `app.synthYaml()` (which runs the cdk8s validations of every construct), parses
 * the documents and returns them after schema-validating all of them (throws `ManifestValidationError`).
 */
export function synthObjects(app: App): ManifestObject[] {
  return parseAndValidate(app.synthYaml());
}

/**
 * Like `synthObjects`, for one chart: `chart.toJson()` runs the cdk8s validations (of every construct in
 * the app, as cdk8s does), the objects are rendered to YAML as cdk8s does, parsed back and schema-validated.
 */
export function synthChartObjects(chart: Chart): ManifestObject[] {
  return parseAndValidate(Yaml.stringify(...chart.toJson()));
}

function parseAndValidate(text: string): ManifestObject[] {
  const objects = parseManifest(text);
  validateAll(objects);
  record(objects);
  return objects;
}

/** A set of objects one synthesis wrote, as recorded under `MANIFEST_RECORD_DIR`. */
export interface RecordedSet {
  /** `<test file relative to the repository> › <test name>`. */
  readonly source: string;
  readonly objects: ManifestObject[];
}

let recorded = 0;

function record(objects: ManifestObject[]): void {
  const dir = process.env.MANIFEST_RECORD_DIR;
  if (!dir || objects.length === 0) return;
  const state = typeof expect === 'function' ? expect.getState() : undefined;
  const file = state?.testPath ? path.relative(path.join(__dirname, '..', '..'), state.testPath) : 'unknown';
  const set: RecordedSet = { source: [file, state?.currentTestName].filter(Boolean).join(' › '), objects };
  const text = JSON.stringify(set);
  const name = createHash('sha256').update(`${file}\0${process.pid}\0${recorded++}`).digest('hex').slice(0, 16);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), text);
}
