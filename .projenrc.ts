import { cdk8s, javascript, typescript } from 'projen';

// Versions are pinned: the same versions must exist on npm and PyPI, because the Python wheel
// depends on the PyPI builds of the same jsii libraries.
const CDK8S = '2.70.106';
const CONSTRUCTS = '10.8.1';
const CDK8S_PLUS = '2.9.5';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-kubevirt',
  description:
    'High-performance KubeVirt for cdk8s: VMs on Multus bridge networks, full tenant isolation, a storage network shared with Rook-Ceph, golden images and CDI clones, checked at synth time.',
  author: 'cdk8s-kubevirt maintainers',
  authorAddress: 'maintainers@cdk8s-kubevirt.invalid',
  repositoryUrl: 'https://github.com/cdk8s-kubevirt/cdk8s-kubevirt.git',
  defaultReleaseBranch: 'main',
  license: 'Apache-2.0',
  keywords: ['cdk8s', 'kubevirt', 'cdi', 'multus', 'whereabouts', 'rook', 'ceph', 'gardener'],
  projenrcTs: true,
  projenrcTsOptions: { runner: typescript.TypeScriptRunner.tsNode({ tsconfig: 'tsconfig.dev.json' }) },
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.16.0',

  jsiiVersion: '~6.0.16',
  typescriptVersion: '6.0.3',
  cdk8sVersion: CDK8S,
  constructsVersion: CONSTRUCTS,
  cdk8sVersionPinning: false,
  constructsVersionPinning: false,
  peerDeps: [`cdk8s-plus-27@^${CDK8S_PLUS}`],
  // Address math and the parser of user-given cloud-init network data come from maintained libraries, and the
  // estate plan's picture is drawn by Graphviz compiled to WebAssembly (@viz-js/viz, MIT; see src/plan/graphviz.ts
  // for the choice); they are bundled because they are not jsii modules.
  bundledDeps: ['ip-address@10.7.6', 'yaml@2.9.1', '@viz-js/viz@3.31.0'],
  devDeps: [
    `cdk8s-plus-27@${CDK8S_PLUS}`,
    'cdk8s-cli@2.207.60',
    'ajv@8.20.0',
    'kubernetes-models@4.5.1',
    'fast-check@4.11.0',
    // The benchmark's second serializer floor (bench/): the fastest maintained JavaScript YAML writer.
    'js-yaml@5.5.0',
    'ts-node@10.9.2',
    '@types/node@20.19.25',
    'ts-jest@29.4.15',
    'jest@30.5.2',
    '@types/jest@30.0.0',
    'jest-junit@17.0.0',
  ],

  publishToPypi: {
    distName: 'cdk8s-kubevirt',
    module: 'cdk8s_kubevirt',
  },

  // The dev tsconfig covers src, test, examples, bench, scripts and .projenrc.ts.
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    compilerOptions: {},
    include: ['.projenrc.ts', 'src/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
  },
  typecheckTests: true,

  jestOptions: {
    // CI must never rewrite snapshots: `test` passes --ci; `test:update` is for humans.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
      testTimeout: 120_000,
    },
  },
  eslintOptions: {
    // Lint test/, examples/, ... with the dev tsconfig: the default project service only finds tsconfig.json
    // (src only) and fails on every other file with "was not found by the project service".
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'scripts'],
    fileExtensions: ['.ts'],
    ignorePatterns: ['src/imports/**', 'examples/imports/**', 'dist/**', 'lib/**'],
  },

  sampleCode: false,
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  stale: false,
  gitignore: ['/.venv*', '/test-python/.pytest_cache', '__pycache__', '/examples/dist', '/bench/out', '/bench/.tools', '/.tmp'],
});

// Regenerate the typed bindings from ../shared/crds (see imports/README.md).
project.addTask('import', {
  description: 'Regenerate src/imports from the CRDs in ../shared/crds (storage versions only)',
  exec: 'ts-node --project tsconfig.dev.json scripts/import-crds.ts',
});

// The main job: synthesize the example app into dist/examples.
project.addTask('examples', {
  description: 'Synthesize the example app (examples/main.ts) into dist/examples',
  cwd: 'examples',
  exec: 'cdk8s synth --no-check-upgrade',
});

project.addTask('bench', {
  description: 'Estate benchmark: whole processes of the library against raw cdk8s, helm template, the YAML serializers and Python (flags: see bench/README.md; --update-readme writes the README table)',
  exec: 'node --expose-gc -r ts-node/register/transpile-only bench/estate.ts',
  receiveArgs: true,
});

const testPython = project.addTask('test:python', {
  description: 'Install the wheel built in this run into a fresh virtualenv and run the pytest suite',
  exec: 'bash scripts/test-python.sh',
});

// The test control plane (conformance/, a Go module: kube-apiserver + etcd), built into .tmp/conformance.
project.addTask('conformance:build', {
  description: 'Build the test API server (conformance/) unless it is up to date; the first build takes about 4 minutes',
  exec: 'ts-node --project tsconfig.dev.json scripts/build-apiserver.ts',
});
project.addTask('test:conformance', {
  description: 'Only the conformance tests: everything the library writes, applied to a real kube-apiserver',
  exec: 'jest --ci test/conformance',
  receiveArgs: true,
});

// Every test, in the order CI needs them; prints `N passed, N failed` as its last line.
project.addTask('test:all', {
  description: 'Build, lint, jest (--ci), package JS and Python, run the Python suite; print the totals',
  exec: 'bash scripts/test-all.sh',
});
void testPython;

for (const pattern of ['/examples', '/bench', '/scripts', '/test-python', '/imports', '/.ci', '/conformance', '/.tmp']) {
  project.addPackageIgnore(pattern);
}

project.synth();
