import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ClusterComponent, ClusterPrerequisites, ClusterProfile, KubeVirtConfigurationPatch, PrerequisiteKind, PrerequisiteProps,
} from '../../src';
import { describeBadInputs, expectLibraryError, synthError } from '../util/expect-error';
import { validateAll } from '../util/schema';
import { parseManifest } from '../util/synth';

const CPU_MANAGER: PrerequisiteProps = {
  kind: PrerequisiteKind.FEATURE_GATE,
  component: ClusterComponent.KUBEVIRT,
  requirement: 'CPUManager',
  reason: 'dedicated CPU placement',
  field: 'cpu.dedicatedCpuPlacement',
  value: true,
};
const CDI_166: PrerequisiteProps = {
  kind: PrerequisiteKind.VERSION,
  component: ClusterComponent.CDI,
  requirement: 'v1.66.0',
  reason: 'the cdi.kubevirt.io:clone-sourcer ClusterRole',
};

/** A construct standing in for one that needs something from the cluster. */
function needs(chart: Chart, id: string, ...prerequisites: PrerequisiteProps[]): Construct {
  const c = new Construct(chart, id);
  for (const p of prerequisites) ClusterPrerequisites.of(c).require(c, p);
  return c;
}

describe('ClusterPrerequisites', () => {
  test('GIVEN two constructs needing one gate and one needing a version, THEN all lists each once, versions first, with who needs it', () => {
    // GIVEN
    const app = new App();
    const chart = new Chart(app, 'c');
    needs(chart, 'vm-b', CPU_MANAGER);
    needs(chart, 'vm-a', CPU_MANAGER, CDI_166);

    // WHEN
    const all = ClusterPrerequisites.of(app).all;

    // THEN: one entry per requirement, neededBy sorted, kinds in their documented order
    expect(all).toEqual([
      { kind: 'version', component: 'cdi', requirement: 'v1.66.0', reasons: ['the cdi.kubevirt.io:clone-sourcer ClusterRole'], notNeededFrom: undefined, neededBy: ['c/vm-a'] },
      { kind: 'feature-gate', component: 'kubevirt', requirement: 'CPUManager', reasons: ['dedicated CPU placement'], notNeededFrom: undefined, neededBy: ['c/vm-a', 'c/vm-b'] },
    ]);
  });

  test('minimumVersions keeps the highest minimum per component', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    needs(chart, 'a', { ...CDI_166, requirement: 'v1.58.0', reason: 'gc off' }, CDI_166,
      { kind: PrerequisiteKind.VERSION, component: ClusterComponent.CNI_PLUGINS, requirement: 'v1.7.0', reason: 'portIsolation' });
    expect(ClusterPrerequisites.of(app).minimumVersions).toEqual({ 'cdi': 'v1.66.0', 'containernetworking-plugins': 'v1.7.0' });
  });

  test('without a declared cluster nothing is checked: the app synthesizes', () => {
    expect(synthError((chart) => needs(chart, 'vm', CPU_MANAGER, CDI_166))).toBeUndefined();
  });

  test('a declared cluster that meets every prerequisite synthesizes', () => {
    expect(synthError((chart, app) => {
      ClusterProfile.declare(app, { kubevirtVersion: 'v1.9.0', kubevirtFeatureGates: ['CPUManager'], cdiVersion: 'v1.66.2' });
      needs(chart, 'vm', CPU_MANAGER, CDI_166);
    })).toBeUndefined();
  });

  test('a gate that went GA in the declared KubeVirt version is not needed', () => {
    expect(synthError((chart, app) => {
      ClusterProfile.declare(app, { kubevirtVersion: 'v1.10.0', kubevirtFeatureGates: [] });
      needs(chart, 'vm', { ...CPU_MANAGER, notNeededFrom: 'v1.10.0' });
    })).toBeUndefined();
  });

  test('a component whose version is not declared is not checked', () => {
    expect(synthError((chart, app) => {
      ClusterProfile.declare(app, { kubevirtVersion: 'v1.9.0' });
      needs(chart, 'vm', CDI_166, CPU_MANAGER);
    })).toBeUndefined();
  });

  test('a pre-release is older than its release', () => {
    const error = synthError((chart, app) => {
      ClusterProfile.declare(app, { cdiVersion: 'v1.66.0-rc.1' });
      needs(chart, 'r', CDI_166);
    });
    expectLibraryError(error, /needs CDI v1.66.0 or later/);
  });

  test('ClusterProfile.of returns what was declared', () => {
    const app = new App();
    expect(ClusterProfile.of(app)).toBeUndefined();
    ClusterProfile.declare(app, { kubevirtVersion: 'v1.9.0' });
    expect(ClusterProfile.of(app)?.props.kubevirtVersion).toBe('v1.9.0');
  });
});

describe('the prerequisites as a Markdown section', () => {
  test('GIVEN 5,000 constructs needing one gate, THEN the section counts them per chart instead of listing 5,000 paths', () => {
    const app = new App();
    const a = new Chart(app, 'tenants');
    const b = new Chart(app, 'hpc');
    for (let i = 0; i < 4998; i++) needs(a, `vm-${i}`, CPU_MANAGER);
    needs(b, 'db-1', CPU_MANAGER, CDI_166);
    needs(b, 'db-2', CPU_MANAGER);
    const md = ClusterPrerequisites.of(app).toMarkdown();
    expect(md).toBe([
      '## Cluster prerequisites',
      '',
      'What these manifests need from the cluster they are applied to, why, and which constructs need it.',
      '',
      '### Minimum versions',
      '',
      '| component | version | why | needed by |',
      '|---|---|---|---|',
      '| CDI | v1.66.0 or later | the cdi.kubevirt.io:clone-sourcer ClusterRole | `hpc/db-1` |',
      '',
      '### KubeVirt feature gates',
      '',
      'Enable them in the `KubeVirt` CR, `spec.configuration.developerConfiguration.featureGates` (KubeVirtConfigurationPatch can write that list).',
      '',
      '| gate | why | needed by |',
      '|---|---|---|',
      '| `CPUManager` | dedicated CPU placement | 5000 constructs: `hpc` (2), `tenants` (4998) |',
      '',
    ].join('\n'));
  });

  test('a gate GA in the declared KubeVirt version is left out; declared versions are shown; pipes are escaped', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    ClusterProfile.declare(app, { kubevirtVersion: 'v1.9.0', cdiVersion: 'v1.66.2' });
    needs(chart, 'vm', { ...CPU_MANAGER, requirement: 'NUMA', notNeededFrom: 'v1.5.0' }, CDI_166,
      { kind: PrerequisiteKind.NODE, component: ClusterComponent.NODES, requirement: 'a | b', reason: 'why' });
    const md = ClusterPrerequisites.of(app).toMarkdown();
    expect(md).not.toContain('NUMA');
    expect(md).toContain('| CDI | v1.66.0 or later (declared: v1.66.2) |');
    expect(md).toContain('| nodes | a \\| b | why | `c/vm` |');
    expect(ClusterPrerequisites.of(app).kubevirtFeatureGates).toStrictEqual([]);
  });

  test('an app that needs nothing says so', () => {
    expect(ClusterPrerequisites.of(new App()).toMarkdown()).toContain('need nothing from the cluster');
  });
});

describe('KubeVirtConfigurationPatch: the feature gates as a KubeVirt CR patch (opt-in)', () => {
  test('GIVEN an app that needs CPUManager, THEN the patch enables it and every additional gate, never pruned, applied server-side', () => {
    // GIVEN
    const app = new App();
    const chart = new Chart(app, 'infra');
    needs(chart, 'vm', CPU_MANAGER, { ...CPU_MANAGER, requirement: 'NUMA', notNeededFrom: 'v1.5.0' });
    const patch = new KubeVirtConfigurationPatch(chart, 'kubevirt', { additionalFeatureGates: ['Sidecar', 'CPUManager'] });
    // WHEN
    const objects = parseManifest(app.synthYaml());
    // THEN (the KubeVirt CRD is not among ../shared/crds, so the other objects alone are schema-checked)
    validateAll(objects.filter((o) => o.kind !== 'KubeVirt'));
    const [kv] = objects.filter((o) => o.kind === 'KubeVirt');
    expect(kv).toStrictEqual({
      apiVersion: 'kubevirt.io/v1',
      kind: 'KubeVirt',
      metadata: {
        name: 'kubevirt',
        namespace: 'kubevirt',
        annotations: {
          'argocd.argoproj.io/sync-options': 'Prune=false,ServerSideApply=true',
          'argocd.argoproj.io/sync-wave': '-30',
          'kustomize.toolkit.fluxcd.io/prune': 'disabled',
        },
      },
      spec: { configuration: { developerConfiguration: { featureGates: ['CPUManager', 'NUMA', 'Sidecar'] } } },
    });
    expect(patch.featureGates).toStrictEqual(['CPUManager', 'NUMA', 'Sidecar']);
  });
});

describeBadInputs('cluster prerequisites', [
  {
    name: 'a KubeVirt patch with no gate to write (it would switch the cluster\'s gates off)',
    build: (chart) => new KubeVirtConfigurationPatch(chart, 'kv'),
    error: '[test/kv] featureGates: [] would be empty: nothing in the app needs a KubeVirt feature gate',
  },
  {
    name: 'a KubeVirt patch with a gate name that is not one',
    build: (chart) => new KubeVirtConfigurationPatch(chart, 'kv', { additionalFeatureGates: ['CPU Manager'] }),
    error: '[test/kv] additionalFeatureGates[0]: "CPU Manager" must be a feature gate name such as "Sidecar" (letters and digits)',
  },
  {
    name: 'a KubeVirt patch whose gates are not a list (from JavaScript or Python)',
    build: (chart) => new KubeVirtConfigurationPatch(chart, 'kv', { additionalFeatureGates: 'Sidecar' as unknown as string[] }),
    error: '[test/kv] additionalFeatureGates: "Sidecar" must be a list of feature gate names',
  },
  {
    name: 'a KubeVirt patch for a namespace that is not a DNS label',
    build: (chart) => new KubeVirtConfigurationPatch(chart, 'kv', { namespace: 'KubeVirt', additionalFeatureGates: ['Sidecar'] }),
    error: '[test/kv] namespace: "KubeVirt" must be a DNS-1123 label',
  },
  {
    name: 'a feature gate the declared cluster does not enable',
    build: (chart, app) => {
      ClusterProfile.declare(app, { kubevirtVersion: 'v1.9.0', kubevirtFeatureGates: ['Snapshot'] });
      needs(chart, 'vm', CPU_MANAGER);
    },
    error: '[test/vm] cpu.dedicatedCpuPlacement: true needs the KubeVirt feature gate "CPUManager" (dedicated CPU placement), which the declared cluster does not enable',
  },
  {
    name: 'a component older than the manifests need',
    build: (chart, app) => {
      ClusterProfile.declare(app, { cdiVersion: 'v1.65.1' });
      needs(chart, 'rbac', CDI_166);
    },
    error: '[test/rbac] prerequisite: "v1.66.0" needs CDI v1.66.0 or later (the cdi.kubevirt.io:clone-sourcer ClusterRole); the declared cluster has v1.65.1',
  },
  {
    name: 'a declared version that is not a version',
    build: (_chart, app) => ClusterProfile.declare(app, { cdiVersion: 'latest' }),
    error: '[<app>] cdiVersion: "latest" must be a version such as "v1.2.3" (the CDI version)',
  },
  {
    name: 'a declared feature gate that is not a gate name',
    build: (_chart, app) => ClusterProfile.declare(app, { kubevirtFeatureGates: ['CPU Manager'] }),
    error: '[<app>] kubevirtFeatureGates[0]: "CPU Manager" must be a feature gate name such as "CPUManager" (letters and digits)',
  },
  {
    name: 'declared feature gates that are not a list (from JavaScript or Python)',
    build: (_chart, app) => ClusterProfile.declare(app, { kubevirtFeatureGates: 'CPUManager' as unknown as string[] }),
    error: '[<app>] kubevirtFeatureGates: "CPUManager" must be a list of feature gate names',
  },
  {
    name: 'the cluster declared twice',
    build: (chart, app) => {
      ClusterProfile.declare(app, {});
      ClusterProfile.declare(chart, {});
    },
    error: '[test] cluster: "declared twice" the app\'s cluster is already declared by <app>; declare it once',
  },
  {
    name: 'a VERSION prerequisite that is not a version',
    build: (chart) => needs(chart, 'x', { ...CDI_166, requirement: 'recent' }),
    error: '[test/x] prerequisite.requirement: "recent" must be a version such as "v1.2.3" for a VERSION prerequisite',
  },
  {
    name: 'a VERSION prerequisite of a component without versions',
    build: (chart) => needs(chart, 'x', { ...CDI_166, component: ClusterComponent.NETWORK_FABRIC }),
    error: '[test/x] prerequisite.component: "network-fabric" has no version: "network fabric" is not a versioned component',
  },
  {
    name: 'a prerequisite without a reason',
    build: (chart) => needs(chart, 'x', { ...CDI_166, reason: ' ' }),
    error: '[test/x] prerequisite.reason: " " must be a non-empty string',
  },
  {
    name: 'a prerequisite without a requirement',
    build: (chart) => needs(chart, 'x', { ...CPU_MANAGER, requirement: '' }),
    error: '[test/x] prerequisite.requirement: "" must be a non-empty string',
  },
  {
    name: 'a prerequisite of an unknown kind',
    build: (chart) => needs(chart, 'x', { ...CPU_MANAGER, kind: 'gate' as PrerequisiteKind }),
    error: '[test/x] prerequisite.kind: "gate" must be a PrerequisiteKind',
  },
  {
    name: 'a prerequisite of an unknown component',
    build: (chart) => needs(chart, 'x', { ...CPU_MANAGER, component: 'kubevirt-operator' as ClusterComponent }),
    error: '[test/x] prerequisite.component: "kubevirt-operator" must be a ClusterComponent',
  },
  {
    name: 'a feature gate with a GA version that is not a version',
    build: (chart) => needs(chart, 'x', { ...CPU_MANAGER, notNeededFrom: 'soon' }),
    error: '[test/x] prerequisite.notNeededFrom: "soon" must be a version such as "v1.2.3"',
  },
]);
