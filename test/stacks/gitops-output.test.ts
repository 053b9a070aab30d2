import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Lazy, Yaml, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { BridgeNetwork, GitOpsApp, GitOpsAppProps, KubeVirtVm, ManifestLayout } from '../../src';
import { addOutputFile } from '../../src/output/extra-files';
import { INDEX_FILE, LIMITS, STAGING_PREFIX } from '../../src/output/staged-output';
import { expectLibraryError } from '../util/expect-error';

// A plain copy of fs, so that a test can make one of its functions fail (node's own module is not writable).
jest.mock('fs', () => ({ ...jest.requireActual('fs') }));

/*
 * GitOpsApp owns its output folder (issue 13, item 4): a run writes everything to a staging folder and moves
 * it into place only when all of it is written; it deletes the files it wrote before and no longer writes,
 * and nothing else.
 */

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-out-'));

/** Every file under `dir` (relative path -> bytes), hidden files included. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full).split(path.sep).join('/')] = fs.readFileSync(full, 'latin1');
    }
  };
  walk(dir);
  return out;
}

/** An app with a network and `vms` VMs named vm-0, vm-1, ... in chart `vms`. */
function estate(outdir: string, vms: string[], props: GitOpsAppProps = {}) {
  // The plan files (plan.md, plan.svg) are tested in test/plan; here only the manifests and the index matter.
  const app = new GitOpsApp({ outdir, plan: false, ...props });
  const chart = new Chart(app, 'vms', { namespace: 'ns' });
  const net = new BridgeNetwork(chart, 'net', { name: 'net', bridge: 'br1', vlan: 10 });
  for (const name of vms) new KubeVirtVm(chart, name, { name, memory: '1Gi', networks: [{ network: net, name: 'net' }] });
  return { app, chart };
}

/** A construct whose object throws when it is rendered: a failure in the middle of writing. */
class FailsWhenRendered extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'boom' },
      data: Lazy.any({ produce: () => { throw new Error('injected failure while rendering'); } }),
    });
  }
}

describe('GitOpsApp output folder', () => {
  test('a failure in the middle of writing leaves the previous output byte for byte as it was, with no staging folder', () => {
    // GIVEN an output folder from a first run, one file per resource, and an unrelated README
    const outdir = tmp();
    estate(outdir, ['vm-0', 'vm-1'], { layout: ManifestLayout.FILE_PER_RESOURCE }).app.synth();
    fs.writeFileSync(path.join(outdir, 'README.md'), '# cluster\n');
    const before = readTree(outdir);
    // WHEN the next run fails after several files were written (the failing object comes after vm-0's)
    const { app, chart } = estate(outdir, ['vm-0', 'vm-2'], { layout: ManifestLayout.FILE_PER_RESOURCE });
    new FailsWhenRendered(chart, 'z-fails');
    expect(() => app.synth()).toThrow(/injected failure while rendering/);
    // THEN every file is as before, nothing was added, and the staging folder is gone
    expect(readTree(outdir)).toStrictEqual(before);
  });

  test('a failure of the file system while writing (a full disk) leaves the previous output as it was', () => {
    // GIVEN an output folder from a first run
    const outdir = tmp();
    estate(outdir, ['vm-0', 'vm-1']).app.synth();
    const before = readTree(outdir);
    // WHEN writing a manifest fails
    const { app } = estate(outdir, ['vm-0', 'vm-1', 'vm-2']);
    const mocked = jest.requireMock('fs') as typeof fs;
    const real = mocked.writeSync;
    let calls = 0;
    mocked.writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
      if (++calls === 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (real as any)(...args);
    }) as typeof fs.writeSync;
    try {
      expect(() => app.synth()).toThrow(/ENOSPC/);
    } finally {
      mocked.writeSync = real;
    }
    // THEN the folder is byte-identical to the first run's
    expect(calls).toBeGreaterThan(0);
    expect(readTree(outdir)).toStrictEqual(before);
  });

  test('a commit cut short (a move fails halfway) leaves files the next run takes as its own and replaces', () => {
    // GIVEN a first run, one file per resource
    const outdir = tmp();
    estate(outdir, ['vm-0', 'vm-1'], { layout: ManifestLayout.FILE_PER_RESOURCE }).app.synth();
    // WHEN the next run's second move into place fails
    const mocked = jest.requireMock('fs') as typeof fs;
    const real = mocked.renameSync;
    let moves = 0;
    mocked.renameSync = ((from: fs.PathLike, to: fs.PathLike) => {
      if (!String(to).endsWith(INDEX_FILE) && ++moves === 2) throw new Error('EIO: injected failure while moving');
      return real(from, to);
    }) as typeof fs.renameSync;
    try {
      expect(() => estate(outdir, ['vm-2', 'vm-3'], { layout: ManifestLayout.FILE_PER_RESOURCE }).app.synth()).toThrow(/injected failure while moving/);
    } finally {
      mocked.renameSync = real;
    }
    // THEN the next run succeeds and leaves exactly its own files
    estate(outdir, ['vm-2', 'vm-3'], { layout: ManifestLayout.FILE_PER_RESOURCE }).app.synth();
    expect(Object.keys(readTree(outdir)).sort()).toStrictEqual([
      INDEX_FILE, 'vms/ns.networkattachmentdefinition.net.yaml', 'vms/ns.virtualmachine.vm-2.yaml', 'vms/ns.virtualmachine.vm-3.yaml',
    ]);
  });

  test('a validation error writes nothing, and creates no output folder that did not exist', () => {
    const outdir = path.join(tmp(), 'new');
    const { app, chart } = estate(outdir, ['vm-0']);
    new KubeVirtVm(chart, 'dup', { name: 'vm-1', memory: '1Gi' });
    chart.node.addValidation({ validate: () => ['injected: invalid'] });
    expect(() => app.synth()).toThrow(/Validation failed/);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('a removed VM\'s files are gone after the next synth; an unrelated file and folder stay', () => {
    // GIVEN a first run with three VMs, one file per resource, and files of someone else in the folder
    const outdir = tmp();
    estate(outdir, ['vm-0', 'vm-1', 'vm-2'], { layout: ManifestLayout.FILE_PER_RESOURCE }).app.synth();
    fs.writeFileSync(path.join(outdir, 'README.md'), '# cluster\n');
    fs.writeFileSync(path.join(outdir, 'vms', 'kustomization.yaml'), 'resources: []\n');
    fs.mkdirSync(path.join(outdir, 'docs'));
    fs.writeFileSync(path.join(outdir, 'docs', 'notes.md'), 'notes\n');
    expect(Object.keys(readTree(outdir))).toContain('vms/ns.virtualmachine.vm-1.yaml');
    // WHEN vm-1 is removed
    estate(outdir, ['vm-0', 'vm-2'], { layout: ManifestLayout.FILE_PER_RESOURCE }).app.synth();
    // THEN its manifest is gone, the others are there, the unrelated files are untouched
    const after = readTree(outdir);
    expect(Object.keys(after).sort()).toStrictEqual([
      INDEX_FILE,
      'README.md',
      'docs/notes.md',
      'vms/kustomization.yaml',
      'vms/ns.networkattachmentdefinition.net.yaml',
      'vms/ns.virtualmachine.vm-0.yaml',
      'vms/ns.virtualmachine.vm-2.yaml',
    ]);
    expect(after['README.md']).toBe('# cluster\n');
    expect(JSON.parse(after[INDEX_FILE]).files).toStrictEqual([
      'vms/ns.networkattachmentdefinition.net.yaml', 'vms/ns.virtualmachine.vm-0.yaml', 'vms/ns.virtualmachine.vm-2.yaml',
    ]);
  });

  test('a chart that is removed takes its file (and its folder, once empty) with it', () => {
    const outdir = tmp();
    const first = estate(outdir, ['vm-0'], { layout: ManifestLayout.FILE_PER_RESOURCE });
    new BridgeNetwork(new Chart(first.app, 'extra', { namespace: 'x' }), 'n', { bridge: 'br1', vlan: 11 });
    first.app.synth();
    expect(fs.existsSync(path.join(outdir, 'extra'))).toBe(true);
    estate(outdir, ['vm-0'], { layout: ManifestLayout.FILE_PER_RESOURCE }).app.synth();
    expect(fs.existsSync(path.join(outdir, 'extra'))).toBe(false);
  });

  test('changing the layout replaces the old layout\'s files', () => {
    const outdir = tmp();
    estate(outdir, ['vm-0'], { layout: ManifestLayout.FILE_PER_RESOURCE }).app.synth();
    estate(outdir, ['vm-0'], { layout: ManifestLayout.SINGLE_FILE }).app.synth();
    expect(Object.keys(readTree(outdir)).sort()).toStrictEqual([INDEX_FILE, 'app.k8s.yaml']);
  });

  test('the same app synthesized twice leaves the same bytes (and the index is stable)', () => {
    const outdir = tmp();
    estate(outdir, ['vm-0', 'vm-1']).app.synth();
    const first = readTree(outdir);
    estate(outdir, ['vm-0', 'vm-1']).app.synth();
    expect(readTree(outdir)).toStrictEqual(first);
  });

  test('a file it did not write is never overwritten: the run is refused before anything moves', () => {
    // GIVEN a folder with a hand-written file where the app would write its manifest, and no index
    const outdir = tmp();
    fs.writeFileSync(path.join(outdir, 'vms.k8s.yaml'), 'hand-written\n');
    const before = readTree(outdir);
    // WHEN the app synthesizes, THEN it refuses with the library's error and leaves the folder as it was
    let error: unknown;
    try {
      estate(outdir, ['vm-0']).app.synth();
    } catch (e) {
      error = e;
    }
    expectLibraryError(error, /outdir: ".*vms\.k8s\.yaml" already exists and was not written by this app/);
    expect(readTree(outdir)).toStrictEqual(before);
  });

  test('a staging folder left by a killed run is removed by the next run', () => {
    const outdir = tmp();
    fs.mkdirSync(path.join(outdir, `${STAGING_PREFIX}dead`));
    fs.writeFileSync(path.join(outdir, `${STAGING_PREFIX}dead`, 'vms.k8s.yaml'), 'half');
    estate(outdir, ['vm-0']).app.synth();
    expect(Object.keys(readTree(outdir)).sort()).toStrictEqual([INDEX_FILE, 'vms.k8s.yaml']);
  });

  test('a file too large to hold in memory is ordered through spill files: the same bytes', () => {
    // GIVEN an app whose VMs (wave 0) come before their Services (wave 5) and the network (wave -20)
    const build = (outdir: string) => {
      const { app, chart } = estate(outdir, []);
      for (let i = 0; i < 40; i++) new KubeVirtVm(chart, `vm-${i}`, { name: `vm-${i}`, memory: '1Gi' }).exposeViaService();
      return app;
    };
    const held = tmp();
    build(held).synth();
    // WHEN the writer may hold only ~2 documents and writes in small chunks
    const saved = { ...LIMITS };
    Object.assign(LIMITS, { spillThreshold: 1500, writeChunk: 700 });
    const spilled = tmp();
    try {
      build(spilled).synth();
    } finally {
      Object.assign(LIMITS, saved);
    }
    // THEN the output is byte-identical, and no spill file is left
    expect(readTree(spilled)).toStrictEqual(readTree(held));
    expect(readTree(held)['vms.k8s.yaml'].split('---\n')).toHaveLength(81);
  });

  test.each([
    ['no dependencies', ['a', 'c', 'd'], (_a: Chart, _c: Chart) => undefined],
    ['a chart with a numeric id', ['a', 'c', '7'], (_a: Chart, _c: Chart) => undefined],
    ['a chart that depends on a later one', ['a', 'c', 'd'], (a: Chart, c: Chart) => a.addDependency(c)],
    ['an object that depends on an object of a later chart', ['a', 'c', 'd'],
      (a: Chart, c: Chart) => a.node.findChild('n').node.addDependency(c.node.findChild('n'))],
  ])('one file for the app: charts in cdk8s\'s order (%s)', (_name, ids, depend) => {
    // GIVEN three charts, the first with a nested chart b
    const build = () => {
      const app = new GitOpsApp({ outdir: tmp(), layout: ManifestLayout.SINGLE_FILE });
      const charts = ids.map((id) => new Chart(app, id, { namespace: `ns-${id}` }));
      const nested = new Chart(charts[0], 'b', { namespace: 'ns-b' });
      [...charts, nested].forEach((ch, i) => new BridgeNetwork(ch, 'n', { name: `n${i}`, bridge: 'br1', vlan: 10 + i }));
      depend(charts[0], charts[1]);
      return app;
    };
    const app = build();
    const graph = jest.spyOn(App.prototype, 'charts', 'get');
    app.synth();
    // (only an app with dependencies or numeric ids needs cdk8s's dependency graph)
    expect(graph.mock.calls.length > 0).toBe(_name !== 'no dependencies');
    graph.mockRestore();
    // THEN the file holds the charts in the order of cdk8s's App.charts
    const namespaces = fs.readFileSync(path.join(app.outdir, 'app.k8s.yaml'), 'utf8').match(/namespace: \S+/g);
    expect(namespaces).toStrictEqual(build().charts.map((c) => `namespace: ${c.namespace}`));
  });

  test('the manifests are what cdk8s writes, byte for byte, in wave order', () => {
    const outdir = tmp();
    const { app, chart } = estate(outdir, ['vm-0', 'vm-1']);
    const expected = Yaml.stringify(...app.synthManifests().find((c) => c.chart === chart.node.id)!.manifests);
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'vms.k8s.yaml'), 'utf8')).toBe(expected);
  });
});

describe('what `cdk8s synth` does to the output folder (README: "Writing into a GitOps repository")', () => {
  test('cdk8s synth deletes the whole output folder before it runs the app: unrelated files are lost', () => {
    // GIVEN a cdk8s project whose output folder holds a README, and an app that writes nothing
    const project = tmp();
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), 'app: node app.js\noutput: out\n');
    fs.writeFileSync(path.join(project, 'app.js'), 'require("fs").mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true });\n');
    fs.mkdirSync(path.join(project, 'out'));
    fs.writeFileSync(path.join(project, 'out', 'README.md'), '# cluster\n');
    // WHEN cdk8s synth runs (the CLI of this repository's devDependencies, offline)
    const cli = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');
    const res = spawnSync(process.execPath, [cli, 'synth', '--no-check-upgrade'], { cwd: project, encoding: 'utf8' });
    expect(res.status).toBe(0);
    // THEN the README is gone: the CLI removed the folder before the app ran
    expect(fs.existsSync(path.join(project, 'out', 'README.md'))).toBe(false);
  });
});

describe('GitOpsApp options: honoured or refused', () => {
  test('yamlOutputType is refused: the layout is chosen with `layout` only', () => {
    for (const t of [YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_CHART, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE]) {
      let error: unknown;
      try {
        new GitOpsApp({ yamlOutputType: t, layout: ManifestLayout.FILE_PER_CHART });
      } catch (e) {
        error = e;
      }
      expectLibraryError(error, /yamlOutputType: "YamlOutputType\.\w+" is not read by GitOpsApp: choose the files with layout/);
    }
  });

  test('yamlOutputType reports the cdk8s output type closest to the layout', () => {
    expect(new GitOpsApp({ layout: ManifestLayout.SINGLE_FILE }).yamlOutputType).toBe(YamlOutputType.FILE_PER_APP);
    expect(new GitOpsApp().yamlOutputType).toBe(YamlOutputType.FILE_PER_CHART);
    expect(new GitOpsApp({ layout: ManifestLayout.FILE_PER_RESOURCE }).yamlOutputType).toBe(YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE);
  });

  test('recordConstructMetadata writes cdk8s\'s construct-metadata.json, listed in the index', () => {
    const outdir = tmp();
    estate(outdir, ['vm-0'], { recordConstructMetadata: true }).app.synth();
    const metadata = JSON.parse(fs.readFileSync(path.join(outdir, 'construct-metadata.json'), 'utf8'));
    expect(metadata).toStrictEqual({
      version: '1.0.0',
      resources: { 'net': { path: 'vms/net/Resource' }, 'vm-0': { path: 'vms/vm-0/Resource' } },
    });
    expect(JSON.parse(fs.readFileSync(path.join(outdir, INDEX_FILE), 'utf8')).files).toContain('construct-metadata.json');
    // and a later run without it removes the file
    estate(outdir, ['vm-0']).app.synth();
    expect(fs.existsSync(path.join(outdir, 'construct-metadata.json'))).toBe(false);
  });

  test('outputFileExtension names the files of every layout', () => {
    const outdir = tmp();
    estate(outdir, ['vm-0'], { layout: ManifestLayout.FILE_PER_RESOURCE, outputFileExtension: '.yml' }).app.synth();
    expect(Object.keys(readTree(outdir)).sort()).toStrictEqual([INDEX_FILE, 'vms/ns.networkattachmentdefinition.net.yml', 'vms/ns.virtualmachine.vm-0.yml']);
    estate(outdir, ['vm-0'], { outputFileExtension: '.yml' }).app.synth();
    expect(Object.keys(readTree(outdir)).sort()).toStrictEqual([INDEX_FILE, 'vms.yml']);
  });

  test('a layout that is not a ManifestLayout is refused', () => {
    expect(() => new GitOpsApp({ layout: 'one-file' as any })).toThrow(/layout: "one-file" must be one of ManifestLayout.SINGLE_FILE/);
  });
});

describe('extra output files (addOutputFile)', () => {
  class Plan extends Construct {
    public readonly written: boolean;
    constructor(scope: Construct, id: string, file: string, text: () => string) {
      super(scope, id);
      this.written = addOutputFile(this, file, text);
    }
  }

  test('are written with the manifests, indexed, and removed when no longer added', () => {
    const outdir = tmp();
    const { app, chart } = estate(outdir, ['vm-0']);
    // rendered at synthesis: sees the whole tree
    const plan = new Plan(chart, 'plan', 'docs/plan.md', () => `# plan\n${chart.node.findAll().filter((c) => c instanceof KubeVirtVm).length} VMs\n`);
    expect(plan.written).toBe(true);
    new Plan(chart, 'svg', 'docs/estate.svg', () => '<svg/>');
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'docs', 'plan.md'), 'utf8')).toBe('# plan\n1 VMs\n');
    expect(JSON.parse(fs.readFileSync(path.join(outdir, INDEX_FILE), 'utf8')).files).toStrictEqual(['docs/estate.svg', 'docs/plan.md', 'vms.k8s.yaml']);
    estate(outdir, ['vm-0']).app.synth();
    expect(Object.keys(readTree(outdir)).sort()).toStrictEqual([INDEX_FILE, 'vms.k8s.yaml']);
  });

  test('a failure while rendering one leaves the previous output as it was', () => {
    const outdir = tmp();
    estate(outdir, ['vm-0']).app.synth();
    const before = readTree(outdir);
    const { app, chart } = estate(outdir, ['vm-0', 'vm-1']);
    new Plan(chart, 'plan', 'plan.md', () => { throw new Error('injected failure in plan.md'); });
    expect(() => app.synth()).toThrow(/injected failure in plan\.md/);
    expect(readTree(outdir)).toStrictEqual(before);
  });

  test('are not written by a plain cdk8s App', () => {
    const plan = new Plan(new Chart(new App(), 'c'), 'plan', 'plan.md', () => 'x');
    expect(plan.written).toBe(false);
  });
});
