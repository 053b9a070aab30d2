import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, YamlOutputType } from 'cdk8s';
import { BridgeNetwork, GitOpsApp, ManifestLayout } from '../../src';
import { addOutputFile } from '../../src/output/extra-files';
import { INDEX_FILE } from '../../src/output/staged-output';
import { describeBadInputs } from '../util/expect-error';

// Rows for the error sites of GitOpsApp's output folder (src/output, src/stacks/gitops-app.ts).

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-errors-'));

/** A GitOpsApp writing to `outdir` with one chart `c` holding one network. */
function app(outdir: string, layout?: ManifestLayout, chartId = 'c') {
  const a = new GitOpsApp({ outdir, layout, plan: false });
  const chart = new Chart(a, chartId, { namespace: 'ns' });
  new BridgeNetwork(chart, 'n', { name: 'n', bridge: 'br1', vlan: 10 });
  return { app: a, chart };
}

describeBadInputs('output folder: bad settings and folders fail with their message', [
  {
    name: 'yamlOutputType given to a GitOpsApp (the layout is chosen with layout)',
    build: () => new GitOpsApp({ yamlOutputType: YamlOutputType.FILE_PER_RESOURCE }),
    error: '[<app>] yamlOutputType: "YamlOutputType.FILE_PER_RESOURCE" is not read by GitOpsApp: choose the files with layout',
  },
  {
    name: 'a chart id that cannot name a folder of the output',
    build: () => app(tmp(), ManifestLayout.FILE_PER_RESOURCE, '..').app.synth(),
    error: '[..] id: ".." cannot name a file of the output (a chart id names its file or folder)',
  },
  {
    name: 'a file in the output folder that the app did not write, where it would write a manifest',
    build: () => {
      const outdir = tmp();
      fs.writeFileSync(path.join(outdir, 'c.k8s.yaml'), 'mine\n');
      app(outdir).app.synth();
    },
    error: /\] outdir: ".*c\.k8s\.yaml" already exists and was not written by this app/,
  },
  {
    name: 'an index that GitOpsApp did not write',
    build: () => {
      const outdir = tmp();
      fs.writeFileSync(path.join(outdir, INDEX_FILE), '{"files": ["../etc/passwd"]}');
      app(outdir).app.synth();
    },
    error: /\] outdir: ".*\.cdk8s-kubevirt-files\.json" is not an index GitOpsApp wrote/,
  },
  {
    name: 'an extra output file outside the output folder',
    build: () => addOutputFile(app(tmp()).chart, '../plan.md', () => ''),
    error: '[c] file: "../plan.md" must be a relative path inside the output folder',
  },
  {
    name: 'two writers of one extra output file',
    build: () => {
      const { app: a, chart } = app(tmp());
      addOutputFile(chart, 'plan.md', () => 'a');
      addOutputFile(chart.node.findChild('n'), 'plan.md', () => 'b');
      a.synth();
    },
    error: '[c/n] file: "plan.md" is also written by c; every file of the output has one writer',
  },
]);
