import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { TALK_CLONE } from './talk';
import {
  CloneSource, ClonedDisk, GoldenImage, Grantee, ImageSource,
} from '../../src';
import { renderClone } from '../../src/storage/clone';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

const ARGOCD = Grantee.serviceAccount('argocd', 'argocd-application-controller');
const CLONE_SOURCER = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cdi.kubevirt.io:clone-sourcer' };

function setup() {
  const app = new App();
  const chart = new Chart(app, 'test');
  return { app, chart };
}

const bindings = (objects: ManifestObject[]) => objects.filter((o) => o.kind === 'RoleBinding');

function fedora(chart: Construct) {
  return new GoldenImage(chart, 'fedora', {
    name: 'fedora', namespace: 'golden', size: '10Gi', source: ImageSource.registry('docker://quay.io/containerdisks/fedora:40'),
  });
}

/** A stand-in for KubeVirtVm: renders a dataVolumeTemplates entry the way the VM construct does. */
class FakeVm extends Construct {
  public readonly template: Record<string, any>;
  constructor(scope: Construct, id: string, props: { namespace: string; serviceAccount?: string; source: CloneSource }) {
    super(scope, id);
    const rendered = renderClone(this, {
      name: `${id}-root`,
      namespace: props.namespace,
      source: props.source,
      options: {},
      serviceAccount: { namespace: props.namespace, name: props.serviceAccount ?? 'default' },
      field: 'disks[0]',
    });
    this.template = { metadata: { name: `${id}-root`, annotations: rendered.annotations }, spec: rendered.spec };
  }
}

describe('cross-namespace clones come with the RBAC CDI checks, in the source namespace', () => {
  test('a standalone clone: the creator gets clone-sourcer in the source namespace, nothing else', () => {
    // GIVEN a golden image in "golden" and a disk in "tenant-a" created by Argo CD
    const { app, chart } = setup();
    const image = fedora(chart);
    const disk = new ClonedDisk(chart, 'root', { name: 'vm1-root', namespace: 'tenant-a', source: CloneSource.fromGoldenImage(image), creator: ARGOCD });

    // WHEN synthesized
    const objects = synthObjects(app);

    // THEN one RoleBinding, in the source namespace, binds CDI's clone-sourcer ClusterRole to exactly the creator
    expect(bindings(objects)).toHaveLength(1);
    const [binding] = bindings(objects);
    expect(binding.metadata.namespace).toBe('golden');
    expect(binding.roleRef).toStrictEqual(CLONE_SOURCER);
    expect(binding.subjects).toStrictEqual([{ kind: 'ServiceAccount', name: 'argocd-application-controller', namespace: 'argocd' }]);
    // Before the golden images (-10), which may themselves be clones needing it.
    expect(binding.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('-15');
    expect(disk.roleBinding).toBeDefined();
    // Not a ClusterRoleBinding, and no Role of our own: nothing broader than the one permission in one namespace.
    expect(objects.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'Role' || o.kind === 'ClusterRole')).toStrictEqual([]);
  });

  test('a VM template: the VM\'s ServiceAccount is the subject (KubeVirt authorizes it, not the creator)', () => {
    const { app, chart } = setup();
    const image = fedora(chart);
    const vm = new FakeVm(chart, 'vm1', { namespace: 'tenant-a', serviceAccount: 'vm-runner', source: CloneSource.fromGoldenImage(image) });
    const [binding] = bindings(synthObjects(app));
    expect(binding.metadata.namespace).toBe('golden');
    expect(binding.subjects).toStrictEqual([{ kind: 'ServiceAccount', name: 'vm-runner', namespace: 'tenant-a' }]);
    expect(vm.template.spec.sourceRef).toStrictEqual({ kind: 'DataSource', name: 'fedora', namespace: 'golden' });
  });

  test('a VM without a ServiceAccount: its namespace\'s default ServiceAccount', () => {
    const { app, chart } = setup();
    new FakeVm(chart, 'vm1', { namespace: 'tenant-b', source: CloneSource.fromPvc('golden', 'fedora') });
    expect(bindings(synthObjects(app))[0].subjects).toStrictEqual([{ kind: 'ServiceAccount', name: 'default', namespace: 'tenant-b' }]);
  });

  test('a user or a group can be the creator', () => {
    const { app, chart } = setup();
    new ClonedDisk(chart, 'a', { name: 'a', namespace: 'tenant-a', source: CloneSource.fromPvc('golden', 'fedora'), creator: Grantee.user('jane@example.com') });
    new ClonedDisk(chart, 'b', { name: 'b', namespace: 'tenant-a', source: CloneSource.fromPvc('golden', 'fedora'), creator: Grantee.group('vm-operators') });
    expect(bindings(synthObjects(app)).map((b) => b.subjects)).toStrictEqual([
      [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane@example.com' }],
      [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'vm-operators' }],
    ]);
  });

  test('one RoleBinding per chart, source namespace and subject, however many clones', () => {
    const { app, chart } = setup();
    const image = fedora(chart);
    for (const ns of ['tenant-a', 'tenant-b']) {
      for (const i of [1, 2]) new ClonedDisk(chart, `${ns}-${i}`, { name: `vm${i}`, namespace: ns, source: CloneSource.fromGoldenImage(image), creator: ARGOCD });
    }
    new FakeVm(chart, 'vm1', { namespace: 'tenant-a', source: CloneSource.fromGoldenImage(image) });
    new FakeVm(chart, 'vm2', { namespace: 'tenant-a', source: CloneSource.fromPvc('golden', 'other') });
    new ClonedDisk(chart, 'other-source', { name: 'x', namespace: 'tenant-a', source: CloneSource.fromPvc('images', 'x'), creator: ARGOCD });
    const found = bindings(synthObjects(app)).map((b) => `${b.metadata.namespace} ${b.subjects[0].namespace}/${b.subjects[0].name}`);
    expect(found).toStrictEqual([
      'golden argocd/argocd-application-controller',
      'golden tenant-a/default',
      'images argocd/argocd-application-controller',
    ]);
  });

  test('two charts each carry their own binding, under different names', () => {
    const app = new App();
    const images = new Chart(app, 'images');
    const image = fedora(images);
    for (const id of ['tenant-a', 'tenant-b']) {
      new ClonedDisk(new Chart(app, id), 'root', { name: 'root', namespace: id, source: CloneSource.fromGoldenImage(image), creator: ARGOCD });
    }
    const found = bindings(synthObjects(app));
    expect(found).toHaveLength(2);
    expect(new Set(found.map((b) => b.metadata.name)).size).toBe(2);
    expect(found.every((b) => b.metadata.namespace === 'golden')).toBe(true);
  });

  test('goldenImage.grantClone() binds the grantee in the image\'s namespace and shares the binding with clones', () => {
    const { app, chart } = setup();
    const image = fedora(chart);
    const grant = image.grantClone(Grantee.serviceAccount('tenant-a', 'default'));
    new FakeVm(chart, 'vm1', { namespace: 'tenant-a', source: CloneSource.fromGoldenImage(image) });
    const found = bindings(synthObjects(app));
    expect(found).toHaveLength(1);
    expect(found[0].metadata.name).toBe((grant as ApiObject).name);
    expect(found[0].metadata.namespace).toBe('golden');
  });
});

describe('same-namespace clones get no RBAC', () => {
  test('a standalone clone of a source in its own namespace', () => {
    const { app, chart } = setup();
    const image = fedora(chart);
    const disk = new ClonedDisk(chart, 'root', { name: 'vm1-root', namespace: 'golden', source: CloneSource.fromGoldenImage(image), creator: ARGOCD });
    expect(bindings(synthObjects(app))).toStrictEqual([]);
    expect(disk.roleBinding).toBeUndefined();
  });

  test('a VM template cloning from its own namespace', () => {
    const { app, chart } = setup();
    new FakeVm(chart, 'vm1', { namespace: 'golden', source: CloneSource.fromSnapshot('golden', 'snap') });
    expect(bindings(synthObjects(app))).toStrictEqual([]);
  });

  test('grantClone to a ServiceAccount of the image\'s own namespace is a no-op', () => {
    const { app, chart } = setup();
    const image = fedora(chart);
    expect(image.grantClone(Grantee.serviceAccount('golden', 'default'))).toBeUndefined();
    expect(bindings(synthObjects(app))).toStrictEqual([]);
  });

  test('the talk\'s clone (source and target in my-ns), even with a creator given', () => {
    const { app, chart } = setup();
    new ClonedDisk(chart, 'dv', { ...TALK_CLONE, creator: ARGOCD });
    expect(synthObjects(app).map((o) => o.kind)).toStrictEqual(['DataVolume']);
  });
});

describe('renderClone: the contract with KubeVirtVm', () => {
  test('returns the spec and annotations for a dataVolumeTemplates entry', () => {
    const { app, chart } = setup();
    const image = fedora(chart);
    const vm = new FakeVm(chart, 'vm1', { namespace: 'tenant-a', source: CloneSource.fromGoldenImage(image) });
    expect(vm.template).toStrictEqual({
      metadata: { name: 'vm1-root', annotations: {} },
      spec: { sourceRef: { kind: 'DataSource', name: 'fedora', namespace: 'golden' }, storage: {} },
    });
    synthObjects(app);
  });

  test('errors name the VM\'s field', () => {
    const { chart } = setup();
    expect(() => renderClone(chart, {
      name: 'x',
      namespace: 'tenant-a',
      source: CloneSource.fromPvc('golden', 'f', { size: '10Gi' }),
      options: { size: '5Gi' },
      field: 'disks[1]',
      serviceAccount: { namespace: 'tenant-a', name: 'default' },
    })).toThrow('[test] disks[1].size: "5Gi" must be at least the source\'s size "10Gi"');
  });

  test('the RoleBinding must end up in a chart: outside one it is refused', () => {
    const app = new App();
    const loose = new Construct(app, 'loose');
    expect(() => renderClone(loose, {
      name: 'x', namespace: 'tenant-a', source: CloneSource.fromPvc('golden', 'f'), options: {}, serviceAccount: { namespace: 'tenant-a', name: 'default' },
    })).toThrow('[loose] serviceAccount: "loose" must be inside a cdk8s Chart');
  });
});
