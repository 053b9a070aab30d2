/**
 * Synthesis helpers for tests: synthesize like `cdk8s synth` does, read the YAML back the way kubectl
 * would, and schema-validate every object (see ./schema.ts) before a test gets to look at it.
 */
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
  return objects;
}
