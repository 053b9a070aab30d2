/**
 * Regenerates the typed bindings in src/imports from the CRDs in ../shared/crds.
 *
 * For each binding listed in imports/sources.json, the CRD documents are read, every version except the
 * storage version is dropped (cdk8s import would otherwise emit a class per listed version), and the result
 * is fed to `cdk8s import`. The CRD files themselves never enter this repository.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

interface Binding {
  readonly module: string;
  readonly files: string[];
  readonly kinds: string[];
}

const root = path.resolve(__dirname, '..');
const sources = JSON.parse(fs.readFileSync(path.join(root, 'imports', 'sources.json'), 'utf8'));
const crdDir = path.resolve(root, sources.crdDir);
const outDir = path.join(root, 'src', 'imports');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kubevirt-import-'));

const args: string[] = [];
for (const binding of sources.bindings as Binding[]) {
  const docs: unknown[] = [];
  for (const file of binding.files) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(crdDir, file), 'utf8'))) {
      const crd = doc.toJS();
      if (!crd) continue;
      const storage = crd.spec.versions.filter((v: any) => v.storage);
      if (storage.length !== 1) {
        throw new Error(`${file}: expected exactly one storage version, found ${storage.length}`);
      }
      if (!binding.kinds.includes(crd.spec.names.kind)) {
        throw new Error(`${file}: kind ${crd.spec.names.kind} is not listed for module ${binding.module}`);
      }
      crd.spec.versions = storage;
      docs.push(crd);
    }
  }
  const file = path.join(work, `${binding.module}.yaml`);
  fs.writeFileSync(file, docs.map((d) => YAML.stringify(d)).join('---\n'));
  args.push(file);
}

fs.rmSync(outDir, { recursive: true, force: true });
// One call per module: `cdk8s import` takes a single source per invocation.
for (const file of args) {
  execFileSync('cdk8s', ['import', '--no-check-upgrade', '--language', 'typescript', '--output', outDir, file], {
    stdio: 'inherit',
    cwd: root,
  });
}
fs.rmSync(work, { recursive: true, force: true });
console.log(`bindings written to ${path.relative(root, outDir)}`);
