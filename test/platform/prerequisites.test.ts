import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ClusterComponent, ClusterPrerequisites, ClusterProfile, PrerequisiteKind, PrerequisiteProps,
} from '../../src';
import { describeBadInputs, expectLibraryError, synthError } from '../util/expect-error';

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

describeBadInputs('cluster prerequisites', [
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
