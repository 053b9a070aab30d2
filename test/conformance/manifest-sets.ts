/**
 * The manifests the conformance tests apply, and how one set of them is applied and checked.
 *
 * Where the manifests come from:
 * - the example app's committed output, `examples/expected/**` (one set: the whole GitOps tree);
 * - the YAML fixtures, `test/fixtures/**` (one set per file);
 * - every set of objects the test suites synthesize: the suites run once more in a child jest with
 *   `MANIFEST_RECORD_DIR` set, and `test/util/synth.ts` writes each set that `synthObjects` / `synthChartObjects`
 *   return (after schema validation) to that folder. This catches every stack, construct and snapshot test,
 *   including partial snapshots (a VM's spec only), tests added later and tests that assert without a snapshot,
 *   without parsing `.snap` files (whose strings are not escaped, so a NAD's JSON config cannot be read back
 *   reliably).
 *
 * How a set is applied (`applyAndCheck`), as Argo CD with CreateNamespace would:
 * 1. namespaces the set's objects live in but the set does not create are created;
 * 2. the objects are cut into groups of one sync wave and one kind, in Argo CD's order (`syncGroups`); each group
 *    is applied with server-side apply and `fieldValidation=Strict`, first as a dry run (all of the group), then for
 *    real. A ResourceQuota gets a status right after it is applied (no quota controller runs);
 * 3. what the server stored is compared with what was sent (`compare.ts`): a changed or removed field would show as
 *    a difference in a GitOps tool forever, so it is a problem; a field the server added (a default) is reported;
 * 4. the whole set is applied again: no object may change (its resourceVersion must stay);
 * 5. the set's objects are deleted again (namespaces stay: without the namespace controller a deleted namespace
 *    never goes away, but lose the labels and annotations the set gave them), so sets from different tests that
 *    reuse names do not meet (a RoleBinding's roleRef, for one, cannot change; a tenant's admission label must not
 *    put the next set's objects under its policies).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compareSentStored, FieldDifference, formatDifference } from './compare';
import { ApiError, describeRef, KubeClient, KubeObject, sleep, syncGroups } from '../util/apiserver';
import { ManifestObject } from '../util/schema';
import { parseManifest, RecordedSet } from '../util/synth';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** One object and where it came from (a file, or `test file › test name`). */
export interface Manifest {
  readonly source: string;
  readonly object: ManifestObject;
}

/** The YAML files under `dir`, sorted, relative to the repository. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(e.name)) out.push(path.relative(REPO_ROOT, full));
    }
  };
  walk(dir);
  return out;
}

/** The objects of YAML files (paths relative to the repository). */
export function loadFiles(files: readonly string[]): Manifest[] {
  return files.flatMap((file) => parseManifest(fs.readFileSync(path.join(REPO_ROOT, file), 'utf-8')).map((object) => ({ source: file, object })));
}

/**
 * The test files that may synthesize manifests (they call `synthObjects` or `synthChartObjects` of
 * test/util/synth.ts), relative to the repository. Property tests (random input) and the conformance tests
 * themselves are left out.
 */
export function synthesizingTestFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      const rel = path.relative(REPO_ROOT, full);
      if (e.isDirectory()) {
        if (!['test/property', 'test/conformance', 'test/fixtures'].includes(rel) && e.name !== '__snapshots__') walk(full);
      } else if (e.name.endsWith('.test.ts') && /\bsynth(Chart)?Objects\(/.test(fs.readFileSync(full, 'utf-8'))) {
        out.push(rel);
      }
    }
  };
  walk(path.join(REPO_ROOT, 'test'));
  return out;
}

/**
 * Runs the given test files in a child jest with `MANIFEST_RECORD_DIR=dir` and returns the recorded sets by test
 * file, duplicates (the same objects, in any test) left out after their first occurrence. The child's own test
 * results do not count here: the main jest run reports them.
 */
export async function recordSynthesizedSets(files: readonly string[], dir: string): Promise<{ sets: Map<string, RecordedSet[]>; output: string }> {
  const jest = require.resolve('jest/bin/jest');
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [jest, '--ci', '--runInBand', '--reporters=summary', '--runTestsByPath', ...files], {
      cwd: REPO_ROOT,
      env: { ...process.env, MANIFEST_RECORD_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d) => { text += d; });
    child.stderr.on('data', (d) => { text += d; });
    child.on('error', reject);
    child.on('close', () => resolve(text));
  });
  const recorded: RecordedSet[] = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf-8')))
    : [];
  recorded.sort((a, b) => a.source.localeCompare(b.source) || JSON.stringify(a.objects).localeCompare(JSON.stringify(b.objects)));
  const seen = new Set<string>();
  const sets = new Map<string, RecordedSet[]>();
  for (const set of recorded) {
    const key = JSON.stringify(set.objects);
    if (seen.has(key)) continue;
    seen.add(key);
    const file = set.source.split(' › ')[0];
    sets.set(file, [...(sets.get(file) ?? []), set]);
  }
  return { sets, output };
}

/** The outcome of `applyAndCheck` for one set. */
export interface SetReport {
  /** Objects applied (for real). */
  readonly applied: number;
  /** Refusals, changed or removed fields, drift: each names the source, the object and the server's message. */
  readonly problems: string[];
  /** Fields the server added (defaults), per object. */
  readonly added: Array<{ readonly kind: string; readonly object: string; readonly difference: FieldDifference }>;
  /** Every difference found, for the normalization report. */
  readonly differences: Array<{ readonly kind: string; readonly object: string; readonly difference: FieldDifference }>;
}

/** Applies one set of manifests as described in this file's header, and removes it again. */
export async function applyAndCheck(client: KubeClient, manifests: readonly Manifest[]): Promise<SetReport> {
  const problems: string[] = [];
  const differences: SetReport['differences'] = [];
  const label = (m: Manifest) => `${m.source} › ${describeRef(m.object)}`;
  const bySelf = new Map<ManifestObject, Manifest>(manifests.map((m) => [m.object, m]));

  // 1. namespaces the manifests expect to exist (Argo CD's CreateNamespace)
  const createdBySet = new Set(manifests.filter((m) => m.object.kind === 'Namespace' && m.object.apiVersion === 'v1').map((m) => m.object.metadata.name));
  const referenced = new Set(manifests.map((m) => m.object.metadata.namespace).filter((ns): ns is string => !!ns));
  for (const ns of [...referenced].sort()) if (!createdBySet.has(ns)) await client.ensureNamespace(ns);

  // 2. + 3. dry run, then for real, group by group
  const stored = new Map<Manifest, KubeObject>();
  for (const group of syncGroups(manifests.map((m) => m.object))) {
    const refused = new Set<ManifestObject>();
    for (const obj of group) {
      try {
        await client.apply(obj, { dryRun: true });
      } catch (e) {
        refused.add(obj);
        problems.push(`${label(bySelf.get(obj)!)}: refused (dry run): ${message(e)}`);
      }
    }
    for (const obj of group) {
      if (refused.has(obj)) continue;
      const m = bySelf.get(obj)!;
      try {
        let result = await client.apply(obj);
        if (obj.kind === 'ResourceQuota' && obj.apiVersion === 'v1') {
          await client.setQuotaStatus(obj.metadata.namespace ?? 'default', obj.metadata.name);
          result = await client.get(obj);
        }
        stored.set(m, result);
        for (const difference of compareSentStored(obj, result)) {
          differences.push({ kind: obj.kind, object: label(m), difference });
          if (difference.kind === 'changed' || difference.kind === 'removed') {
            problems.push(`${label(m)}: the server stores another form than the manifest (a GitOps diff would show it after every sync): ${formatDifference(difference)}`);
          }
        }
      } catch (e) {
        problems.push(`${label(m)}: refused: ${message(e)}`);
      }
    }
  }

  // 4. a second apply changes nothing (compared with the object as it is just before: a quota's status, for one,
  //    moves as quota admission counts the objects created after it)
  for (const m of stored.keys()) {
    try {
      const first = await client.get(m.object);
      const again = await client.apply(m.object);
      if (again.metadata.resourceVersion !== first.metadata.resourceVersion) {
        const changes = compareSentStored(strip(first), strip(again)).map(formatDifference);
        problems.push(`${label(m)}: a second apply changed the object (resourceVersion ${first.metadata.resourceVersion} -> ${again.metadata.resourceVersion}): ${changes.join('; ') || 'no field differs outside metadata.managedFields'}`);
      }
    } catch (e) {
      problems.push(`${label(m)}: refused on the second apply: ${message(e)}`);
    }
  }

  // 5. remove the set again (namespaces stay)
  for (const m of [...stored.keys()].reverse()) {
    if (m.object.kind === 'Namespace' && m.object.apiVersion === 'v1') continue;
    try {
      await client.delete(m.object);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) problems.push(`${label(m)}: could not be deleted after the check: ${message(e)}`);
    }
  }
  // ... but not their labels and annotations: applied again bare (server-side apply drops what the set set), so a
  // label that put a namespace under an admission policy (an IsolatedTenant's) does not judge the next set's objects
  // there while the server's policy cache still holds the deleted policy.
  const namespaces = [...stored.keys()].filter((m) => m.object.kind === 'Namespace' && m.object.apiVersion === 'v1');
  for (const m of namespaces) {
    try {
      await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: m.object.metadata.name } } as ManifestObject);
    } catch (e) {
      problems.push(`${label(m)}: could not be reset after the check: ${message(e)}`);
    }
  }
  if (namespaces.length > 0 && manifests.some((m) => m.object.kind === 'ValidatingAdmissionPolicyBinding')) await sleep(250);

  const added = differences.filter((d) => d.difference.kind === 'added');
  return { applied: stored.size, problems, added, differences };
}

function strip(obj: KubeObject): unknown {
  const { managedFields, resourceVersion, ...metadata } = obj.metadata as Record<string, unknown>;
  void managedFields;
  void resourceVersion;
  return { ...obj, metadata };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The normalization report: one row per kind, path (list indices as [*]) and kind of difference, with a count and
 * one example. Markdown.
 */
export function normalizationReport(differences: SetReport['differences']): string {
  const rows = new Map<string, { kind: string; path: string; what: string; count: number; example: string }>();
  for (const d of differences) {
    const p = d.difference.path.replace(/\[\d+\]/g, '[*]');
    const key = `${d.kind}\0${p}\0${d.difference.kind}`;
    const row = rows.get(key) ?? { kind: d.kind, path: p, what: d.difference.kind, count: 0, example: `${formatDifference(d.difference)} (${d.object})` };
    row.count++;
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort((a, b) => a.what.localeCompare(b.what) || a.kind.localeCompare(b.kind) || a.path.localeCompare(b.path));
  const lines = [
    '# What the API server normalizes in the library\'s manifests',
    '',
    'Written by test/conformance/manifests.test.ts (kube-apiserver v1.34.4, server-side apply, fieldValidation=Strict).',
    '`changed` and `removed` fail the test: a GitOps diff would show them after every sync. `added` are defaults;',
    '`moved` is a Secret\'s stringData, stored as data (Argo CD\'s diff does the same move, so it shows no difference).',
    '',
    '| difference | kind | path | objects | example |',
    '|---|---|---|---:|---|',
    ...sorted.map((r) => `| ${r.what} | ${r.kind} | \`${r.path}\` | ${r.count} | ${r.example.replace(/\|/g, '\\|')} |`),
    '',
  ];
  return lines.join('\n');
}
