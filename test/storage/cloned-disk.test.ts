import { App, Chart } from 'cdk8s';
import { TALK_CLONE } from './talk';
import {
  AccessMode, CloneSource, CloneSourceKind, CloneStrategy, ClonedDisk, ClusterPrerequisites, GoldenImage, Grantee, ImageSource, SnapshotClass,
  StorageApi, StorageClassProfile, VolumeBindingMode, VolumeMode,
} from '../../src';
import { SYNC_WAVES_CONTEXT } from '../../src/core/objects';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

const FALLBACK = 'cdk8s-kubevirt.io/clone-strategy-fallback';
const ARGOCD = Grantee.serviceAccount('argocd', 'argocd-application-controller');

// The talk's cloned DataVolume, as shown on the slide.
const TALK_DATA_VOLUME = {
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataVolume',
  metadata: { name: 'my-cloned-dv' },
  spec: {
    source: { pvc: { namespace: 'my-ns', name: 'my-source-dv' } },
    pvc: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'storage-provisioner' },
  },
};

function setup(context: Record<string, unknown> = {}) {
  const app = new App();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const chart = new Chart(app, 'test');
  return { app, chart };
}

const ofKind = (objects: ManifestObject[], kind: string) => objects.filter((o) => o.kind === kind);
const dataVolumes = (objects: ManifestObject[]) => ofKind(objects, 'DataVolume');

function talkClone(chart: Chart, extra: object = {}) {
  return new ClonedDisk(chart, 'my-cloned-dv', { ...TALK_CLONE, ...extra });
}

describe('ClonedDisk: the talk', () => {
  test('reproduces the talk\'s cloned DataVolume exactly (namespace aside) with sync waves turned off', () => {
    // GIVEN the talk's clone, with sync waves switched off
    const { app, chart } = setup({ [SYNC_WAVES_CONTEXT]: false });
    talkClone(chart);

    // WHEN synthesized
    const objects = synthObjects(app);

    // THEN there is exactly the talk's DataVolume (this library always writes the namespace) and nothing else
    expect(objects).toHaveLength(1);
    const { namespace, ...meta } = objects[0].metadata;
    expect(namespace).toBe('my-ns');
    expect({ ...objects[0], metadata: meta }).toStrictEqual(TALK_DATA_VOLUME);
  });

  test('with the defaults: the same spec, plus the sync wave; no dead CDI annotations, no preallocation', () => {
    const { app, chart } = setup();
    talkClone(chart);
    const objects = synthObjects(app);
    expect(objects).toMatchSnapshot();
    expect(objects[0].spec).toStrictEqual(TALK_DATA_VOLUME.spec);
    // storage.deleteAfterCompletion is gone from CDI v1.66 (garbage collection of DataVolumes was removed in v1.62).
    expect(objects[0].metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/sync-wave': '0' });
    // A clone is thin unless asked: preallocation would write the whole size and end copy-on-write on Ceph RBD.
    expect(objects[0].spec.preallocation).toBeUndefined();
    // Source and target share my-ns: CDI checks nothing, so no RoleBinding is written.
    expect(ofKind(objects, 'RoleBinding')).toStrictEqual([]);
  });
});

describe('ClonedDisk: one per source kind', () => {
  function fedora(chart: Chart, extra: object = {}) {
    return new GoldenImage(chart, 'fedora', {
      name: 'fedora',
      namespace: 'golden',
      size: '10Gi',
      storageClass: 'ceph-block',
      volumeMode: VolumeMode.BLOCK,
      source: ImageSource.registry('docker://quay.io/containerdisks/fedora:40'),
      ...extra,
    });
  }

  test('from a golden image: through its DataSource, with its storage class and volume mode, size left to CDI', () => {
    const { app, chart } = setup();
    const image = fedora(chart);
    const disk = new ClonedDisk(chart, 'root', { name: 'vm1-root', namespace: 'golden', source: CloneSource.fromGoldenImage(image) });
    const objects = synthObjects(app);
    expect(objects).toMatchSnapshot();
    const clone = dataVolumes(objects).find((d) => d.metadata.name === 'vm1-root')!;
    // A DataSource is the stable name (it follows DataImportCron updates); smart clones need class and mode equal.
    expect(clone.spec).toStrictEqual({
      sourceRef: { kind: 'DataSource', name: 'fedora', namespace: 'golden' },
      storage: { storageClassName: 'ceph-block', volumeMode: 'Block' },
    });
    expect(disk.source.kind).toBe(CloneSourceKind.DATA_SOURCE);
  });

  test('from a golden image without a DataSource: through its PVC', () => {
    const { app, chart } = setup();
    const image = fedora(chart, { dataSource: false });
    new ClonedDisk(chart, 'root', { name: 'vm1-root', namespace: 'golden', source: CloneSource.fromGoldenImage(image), size: '20Gi' });
    const clone = dataVolumes(synthObjects(app))[1];
    expect(clone.spec.source).toStrictEqual({ pvc: { namespace: 'golden', name: 'fedora' } });
    // Growing is allowed.
    expect(clone.spec.storage.resources).toStrictEqual({ requests: { storage: '20Gi' } });
  });

  test('from a DataSource elsewhere', () => {
    const { app, chart } = setup();
    new ClonedDisk(chart, 'root', {
      name: 'vm1-root',
      namespace: 'tenant-a',
      creator: ARGOCD,
      source: CloneSource.fromDataSource('openshift-virtualization-os-images', 'rhel9', { size: '30Gi' }),
    });
    const objects = synthObjects(app);
    expect(objects).toMatchSnapshot();
    expect(dataVolumes(objects)[0].spec.sourceRef).toStrictEqual({ kind: 'DataSource', name: 'rhel9', namespace: 'openshift-virtualization-os-images' });
  });

  test('from a VolumeSnapshot, with the pvc API: size and access mode from the source', () => {
    const { app, chart } = setup();
    new ClonedDisk(chart, 'root', {
      name: 'vm1-root',
      namespace: 'backups',
      source: CloneSource.fromSnapshot('backups', 'vm1-root-2024-05-01', { size: '12Gi', accessModes: [AccessMode.READ_WRITE_MANY] }),
      storageApi: StorageApi.PVC,
    });
    const objects = synthObjects(app);
    expect(objects).toMatchSnapshot();
    expect(dataVolumes(objects)[0].spec).toStrictEqual({
      source: { snapshot: { namespace: 'backups', name: 'vm1-root-2024-05-01' } },
      pvc: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '12Gi' } } },
    });
  });

  test('preallocation is passed through', () => {
    const { app, chart } = setup();
    new ClonedDisk(chart, 'root', { name: 'vm1-root', namespace: 'ns', source: CloneSource.fromPvc('ns', 'base'), preallocation: true });
    expect(dataVolumes(synthObjects(app))[0].spec.preallocation).toBe(true);
  });
});

describe('ClonedDisk: clone strategies, realized through the StorageProfile', () => {
  function cephProfile(chart: Chart, extra: object = {}) {
    return new StorageClassProfile(chart, 'ceph-block', {
      storageClass: 'ceph-block',
      cloneStrategy: CloneStrategy.SNAPSHOT,
      snapshotClass: SnapshotClass.define({ name: 'ceph-block-snapshots', driver: 'rbd.csi.ceph.com', parameters: { clusterID: 'rook-ceph' } }),
      volumeBindingMode: VolumeBindingMode.IMMEDIATE,
      ...extra,
    });
  }
  const cephSource = CloneSource.fromPvc('golden', 'fedora', { size: '10Gi', storageClass: 'ceph-block', volumeMode: VolumeMode.BLOCK });

  test('snapshot (smart clone): StorageProfile and VolumeSnapshotClass are written, the demand is met', () => {
    const { app, chart } = setup();
    const profile = cephProfile(chart);
    new ClonedDisk(chart, 'root', { name: 'vm1-root', namespace: 'tenant-a', creator: ARGOCD, source: cephSource, storageProfile: profile, requireStrategy: true });
    const objects = synthObjects(app);
    expect(objects).toMatchSnapshot();
    const [sp] = ofKind(objects, 'StorageProfile');
    // The StorageProfile is named after the class and carries the choice; smart clones snapshot with the class below.
    expect(sp.metadata.name).toBe('ceph-block');
    expect(sp.spec).toStrictEqual({ cloneStrategy: 'snapshot', snapshotClass: 'ceph-block-snapshots' });
    const [vsc] = ofKind(objects, 'VolumeSnapshotClass');
    expect(vsc).toMatchObject({ driver: 'rbd.csi.ceph.com', deletionPolicy: 'Delete', parameters: { clusterID: 'rook-ceph' } });
    expect(vsc.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('-30');
    const [dv] = dataVolumes(objects);
    expect(dv.spec.storage).toStrictEqual({ storageClassName: 'ceph-block', volumeMode: 'Block' });
    expect(dv.metadata.annotations?.[FALLBACK]).toBeUndefined();
    // The cluster must provide what a smart clone needs, and the snapshot API for the class the app writes.
    const storage = ClusterPrerequisites.of(app).all.filter((p) => p.kind === 'storage').map((p) => [p.requirement, p.neededBy]);
    expect(storage).toStrictEqual([
      ['VolumeSnapshotClass ceph-block-snapshots for the CSI driver of storage class ceph-block', ['test/ceph-block', 'test/root']],
      ['the snapshot.storage.k8s.io/v1 CRDs and the CSI snapshot controller', ['test/ceph-block']],
    ]);
  });

  test('csi-clone: the profile selects it; no snapshot class is needed', () => {
    const { app, chart } = setup();
    const profile = new StorageClassProfile(chart, 'csi', { storageClass: 'ceph-block', cloneStrategy: CloneStrategy.CSI_CLONE, volumeBindingMode: VolumeBindingMode.IMMEDIATE });
    new ClonedDisk(chart, 'root', { name: 'vm1-root', namespace: 'golden', source: cephSource, storageProfile: profile, strategy: CloneStrategy.CSI_CLONE, requireStrategy: true });
    const objects = synthObjects(app);
    expect(objects).toMatchSnapshot();
    expect(ofKind(objects, 'StorageProfile')[0].spec).toStrictEqual({ cloneStrategy: 'csi-clone' });
    expect(ofKind(objects, 'VolumeSnapshotClass')).toStrictEqual([]);
  });

  test('copy (host-assisted): the profile selects it, e.g. for storage without snapshots', () => {
    const { app, chart } = setup();
    const profile = new StorageClassProfile(chart, 'local', {
      storageClass: 'local-path',
      cloneStrategy: CloneStrategy.COPY,
      snapshotClass: SnapshotClass.unavailable(),
      accessModes: [AccessMode.READ_WRITE_ONCE],
      volumeMode: VolumeMode.FILESYSTEM,
    });
    new ClonedDisk(chart, 'root', { name: 'vm1-root', namespace: 'tenant-a', creator: ARGOCD, source: CloneSource.fromPvc('golden', 'fedora'), storageProfile: profile, requireStrategy: true });
    const objects = synthObjects(app);
    expect(objects).toMatchSnapshot();
    expect(ofKind(objects, 'StorageProfile')[0].spec).toStrictEqual({
      claimPropertySets: [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }], cloneStrategy: 'copy',
    });
    expect(dataVolumes(objects)[0].spec.storage).toStrictEqual({ storageClassName: 'local-path' });
  });

  test('a profile that only states facts writes no StorageProfile', () => {
    const { app, chart } = setup();
    new StorageClassProfile(chart, 'facts', { storageClass: 'ceph-block', volumeBindingMode: VolumeBindingMode.IMMEDIATE });
    expect(synthObjects(app)).toStrictEqual([]);
  });

  test('one defined snapshot class shared by two profiles is written once', () => {
    const { app, chart } = setup();
    const snapshots = SnapshotClass.define({ name: 'rbd', driver: 'rbd.csi.ceph.com', deletionPolicy: undefined });
    new StorageClassProfile(chart, 'a', { storageClass: 'ceph-block', snapshotClass: snapshots });
    new StorageClassProfile(chart, 'b', { storageClass: 'ceph-block-ec', snapshotClass: snapshots });
    const objects = synthObjects(app);
    expect(ofKind(objects, 'VolumeSnapshotClass')).toHaveLength(1);
    expect(ofKind(objects, 'StorageProfile').map((p) => p.spec.snapshotClass)).toStrictEqual(['rbd', 'rbd']);
  });

  describe('when the expected strategy cannot happen and is not demanded, the DataVolume says why', () => {
    test.each([
      {
        why: 'different storage class',
        options: { storageClass: 'ceph-fs' },
        profile: { storageClass: 'ceph-fs' },
        reason: 'snapshot will not be used: the source\'s storage class "ceph-block" differs from the target\'s "ceph-fs"',
      },
      {
        why: 'different volume mode',
        options: { volumeMode: VolumeMode.FILESYSTEM },
        profile: {},
        reason: 'snapshot will not be used: the source\'s volume mode Block differs from the target\'s Filesystem',
      },
      {
        why: 'no snapshot class',
        options: {},
        profile: { snapshotClass: SnapshotClass.unavailable() },
        reason: 'snapshot will not be used: storage class "ceph-block" has no VolumeSnapshotClass',
      },
      {
        why: 'WaitForFirstConsumer across namespaces',
        options: {},
        profile: { volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER },
        reason: 'snapshot will not be used: a clone across namespaces onto WaitForFirstConsumer storage falls back to copy (kubevirt #8715)',
      },
      {
        why: 'the profile selects another strategy',
        options: { strategy: CloneStrategy.SNAPSHOT },
        profile: { cloneStrategy: CloneStrategy.COPY },
        reason: 'snapshot will not be used: the StorageProfile of "ceph-block" selects copy (test/ceph-block)',
      },
    ])('$why', ({ options, profile, reason }) => {
      const { app, chart } = setup();
      const p = cephProfile(chart, { ...profile });
      new ClonedDisk(chart, 'root', { name: 'vm1-root', namespace: 'tenant-a', creator: ARGOCD, source: cephSource, storageProfile: p, ...options });
      const [dv] = dataVolumes(synthObjects(app));
      expect(dv.metadata.annotations?.[FALLBACK]).toBe(reason);
    });
  });

  test('a strategy that merely cannot be confirmed adds no annotation', () => {
    const { app, chart } = setup();
    new ClonedDisk(chart, 'root', { name: 'vm1-root', namespace: 'ns', source: CloneSource.fromPvc('ns', 'base'), strategy: CloneStrategy.SNAPSHOT });
    expect(dataVolumes(synthObjects(app))[0].metadata.annotations?.[FALLBACK]).toBeUndefined();
  });

  test('a VolumeSnapshot source is restored: csi-clone cannot apply', () => {
    const { app, chart } = setup();
    new ClonedDisk(chart, 'root', {
      name: 'vm1-root', namespace: 'ns', source: CloneSource.fromSnapshot('ns', 'snap', { storageClass: 'ceph-block' }), strategy: CloneStrategy.CSI_CLONE,
    });
    expect(dataVolumes(synthObjects(app))[0].metadata.annotations?.[FALLBACK])
      .toBe('csi-clone will not be used: a VolumeSnapshot source is restored from the snapshot, never cloned with csi-clone');
  });
});
