/**
 * Everything the library writes, applied to a real API server (kube-apiserver v1.34.4 with the project's CRDs):
 * the example app's output, the YAML fixtures and every set of objects the test suites synthesize, in sync-wave
 * order, with server-side apply and strict field validation, first as a dry run and then for real; then applied a
 * second time, which must change nothing. How and why: ./manifest-sets.ts.
 *
 * A failure names the file (or test), the object and the server's message. The fields the server normalizes are
 * written to test-reports/conformance-normalization.md.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  applyAndCheck, loadFiles, Manifest, normalizationReport, recordSynthesizedSets, REPO_ROOT, SetReport, synthesizingTestFiles, yamlFiles,
} from './manifest-sets';
import { useApiServer } from '../util/apiserver';
import { RecordedSet } from '../util/synth';

const EXAMPLE_FILES = yamlFiles(path.join(REPO_ROOT, 'examples', 'expected'));
const FIXTURE_FILES = yamlFiles(path.join(REPO_ROOT, 'test', 'fixtures'));
const SUITES = synthesizingTestFiles();

describe('every manifest the library writes, on a real API server', () => {
  // The suites are run again, recording what they synthesize, while the server starts and takes the CRDs.
  // (The folder is made here, not at collection: a run that skips every test runs no hook and must leave nothing.)
  let recordDir = '';
  let recording: Promise<{ sets: Map<string, RecordedSet[]>; output: string }>;
  beforeAll(() => {
    recordDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-record-'));
    recording = recordSynthesizedSets(SUITES, recordDir);
    recording.catch(() => undefined); // awaited (and reported) by the tests
  });
  const server = useApiServer();
  beforeAll(async () => {
    await server().admin.applyCrds();
  }, 120_000);

  const reports: SetReport[] = [];
  afterAll(async () => {
    // The recording run may still be writing (when a filter skipped the tests that wait for it).
    await recording?.catch(() => undefined);
    if (recordDir) fs.rmSync(recordDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(REPO_ROOT, 'test-reports'), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, 'test-reports', 'conformance-normalization.md'), normalizationReport(reports.flatMap((r) => r.differences)));
  }, 10 * 60_000);

  async function check(manifests: Manifest[]): Promise<SetReport> {
    const report = await applyAndCheck(server().admin, manifests);
    reports.push(report);
    return report;
  }

  test('the check is not vacuous: a manifest the server stores in another form is reported, with file, object and field', async () => {
    // GIVEN a quota written as '1000m' (the server stores '1') and a Service without a port (the server refuses it)
    const manifests = [
      { source: 'by-hand.yaml', object: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'check' }, spec: { hard: { 'requests.cpu': '1000m' } } } },
      { source: 'by-hand.yaml', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'check' }, spec: { selector: { a: 'b' } } } },
    ];
    // WHEN the set is checked
    const report = await applyAndCheck(server().admin, manifests);
    // THEN both are problems, each naming the file, the object and what the server did or said
    expect(report.problems).toStrictEqual([
      'by-hand.yaml › ResourceQuota check/q: the server stores another form than the manifest (a GitOps diff would show it after every sync): changed spec.hard["requests.cpu"]: "1000m" -> "1"',
      'by-hand.yaml › Service check/s: refused (dry run): Service "s" is invalid: spec.ports: Required value',
    ]);
  });

  test('the example app\'s output (examples/expected, one GitOps tree) applies cleanly and re-applies without drift', async () => {
    // GIVEN the committed output of the example app, every file of it
    const manifests = loadFiles(EXAMPLE_FILES);
    expect(manifests.length).toBeGreaterThan(40);
    // WHEN it is applied in sync-wave order (dry run, then for real) and applied again
    const report = await check(manifests);
    // THEN the server refuses nothing, stores what was sent, and the second apply changes nothing
    expect(report.problems).toStrictEqual([]);
    expect(report.applied).toBe(manifests.length);
  });

  test.each(FIXTURE_FILES)('the fixture %s applies cleanly and re-applies without drift', async (file) => {
    const manifests = loadFiles([file]);
    const report = await check(manifests);
    expect(report.problems).toStrictEqual([]);
    expect(report.applied).toBe(manifests.length);
  });

  test('the suites were recorded: every suite with snapshots synthesized at least one set', async () => {
    // GIVEN the recording run of the suites
    const { sets, output } = await recording;
    // THEN each test file that keeps snapshots of synthesized manifests recorded sets (a suite that could not run
    // records nothing, which must not pass as "nothing to apply")
    const withSnapshots = SUITES.filter((f) => fs.existsSync(path.join(REPO_ROOT, path.dirname(f), '__snapshots__', `${path.basename(f)}.snap`)));
    expect(withSnapshots.length).toBeGreaterThan(5);
    const missing = withSnapshots.filter((f) => (sets.get(f) ?? []).length === 0);
    expect({ missing, output: missing.length > 0 ? output.slice(-4000) : '' }).toStrictEqual({ missing: [], output: '' });
    // and the stacks suite recorded each of the talk's four stacks
    expect((sets.get('test/stacks/stacks.test.ts') ?? []).length).toBeGreaterThanOrEqual(4);
  }, 10 * 60_000);

  test.each(SUITES)('every set %s synthesizes applies cleanly and re-applies without drift', async (file) => {
    // GIVEN every distinct set of objects the suite's tests synthesized
    const { sets } = await recording;
    const problems: string[] = [];
    for (const set of sets.get(file) ?? []) {
      // WHEN each is applied like a GitOps tree of its own
      const report = await check(set.objects.map((object) => ({ source: set.source, object })));
      problems.push(...report.problems);
    }
    // THEN the server refuses nothing, stores what was sent, and a second apply changes nothing
    expect(problems).toStrictEqual([]);
  }, 10 * 60_000);
});
