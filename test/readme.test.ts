import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateAll } from './util/schema';
import { parseManifest } from './util/synth';

/**
 * The README's quick starts are real programs: examples/quickstart.ts and examples/python/quickstart.py hold
 * them verbatim (TypeScript imports '../src' instead of 'cdk8s-kubevirt'). This test keeps the README and the
 * files in step, runs the TypeScript one and pins its output, which the Python one must match
 * (test-python/test_readme.py).
 */
const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
const FIXTURE = path.join(__dirname, 'fixtures', 'parity', 'quickstart.k8s.yaml');

const block = (title: string, lang: string) => {
  const m = new RegExp(`## ${title}\\n\\n\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(README);
  if (!m) throw new Error(`README has no ${title} block`);
  return m[1];
};
const withoutHeader = (text: string) => text.split('\n').filter((l, i) => !(i === 0 && (l.startsWith('//') || l.startsWith('"""')))).join('\n').trimStart();

test('the README\'s TypeScript quick start is examples/quickstart.ts', () => {
  const file = fs.readFileSync(path.join(ROOT, 'examples', 'quickstart.ts'), 'utf-8');
  expect(withoutHeader(file).replace("from '../src'", "from 'cdk8s-kubevirt'")).toBe(block('Quick start \\(TypeScript\\)', 'ts'));
});

test('the README\'s Python quick start is examples/python/quickstart.py', () => {
  const file = fs.readFileSync(path.join(ROOT, 'examples', 'python', 'quickstart.py'), 'utf-8');
  expect(withoutHeader(file)).toBe(block('Quick start \\(Python\\)', 'python'));
});

test('the TypeScript quick start synthesizes schema-valid YAML, pinned for the Python one', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'quickstart-'));
  const before = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    // The quick start is a program (it synthesizes when loaded), so it is loaded, not imported.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => require('../examples/quickstart'));
  } finally {
    if (before === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = before;
  }
  const yaml = fs.readFileSync(path.join(outdir, 'vms.k8s.yaml'), 'utf-8');
  const objects = parseManifest(yaml);
  validateAll(objects);
  expect(objects.map((o) => o.kind)).toContain('VirtualMachine');
  if (process.env.UPDATE_PARITY === '1') fs.writeFileSync(FIXTURE, yaml);
  expect(yaml).toBe(fs.readFileSync(FIXTURE, 'utf-8'));
});
