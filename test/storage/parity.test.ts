import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { TALK_CLONE } from './talk';
import {
  CloneSource, CloneStrategy, ClonedDisk, GoldenImage, Grantee, ImageSource, PullMethod, SnapshotClass,
  StorageClassProfile, VolumeBindingMode, VolumeMode,
} from '../../src';
import { parseManifest, synthObjects } from '../util/synth';

/**
 * The scene test-python/test_storage.py builds through the Python API; both must synthesize the committed
 * fixture byte for byte. Regenerate it (after checking the diff) with UPDATE_PARITY=1.
 */
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'parity', 'storage.k8s.yaml');

function buildScene(): App {
  const app = new App();
  const chart = new Chart(app, 'storage');
  const ceph = new StorageClassProfile(chart, 'ceph-block', {
    storageClass: 'ceph-block',
    cloneStrategy: CloneStrategy.SNAPSHOT,
    snapshotClass: SnapshotClass.define({ name: 'ceph-block-snapshots', driver: 'rbd.csi.ceph.com', parameters: { clusterID: 'rook-ceph' } }),
    volumeBindingMode: VolumeBindingMode.IMMEDIATE,
  });
  const fedora = new GoldenImage(chart, 'fedora', {
    name: 'fedora',
    namespace: 'golden',
    size: '10Gi',
    storageClass: 'ceph-block',
    volumeMode: VolumeMode.BLOCK,
    preallocation: true,
    source: ImageSource.registry('docker://quay.io/containerdisks/fedora:40', { pullMethod: PullMethod.NODE }),
    refresh: { schedule: '0 3 * * 0', importsToKeep: 2 },
  });
  const windows = new GoldenImage(chart, 'windows', {
    name: 'windows-2022',
    namespace: 'golden',
    size: '60Gi',
    storageClass: 'ceph-block',
    source: ImageSource.upload(),
  });
  windows.grantUpload(Grantee.user('image-admin@example.com'));
  new ClonedDisk(chart, 'vm1-root', {
    name: 'vm1-root',
    namespace: 'tenant-a',
    source: CloneSource.fromGoldenImage(fedora),
    size: '20Gi',
    storageProfile: ceph,
    requireStrategy: true,
    creator: Grantee.serviceAccount('argocd', 'argocd-application-controller'),
  });
  new ClonedDisk(chart, 'my-cloned-dv', TALK_CLONE);
  return app;
}

describe('Python parity: a golden image and clones', () => {
  test('synthesize the committed fixture byte for byte', () => {
    // GIVEN the scene the Python test also builds
    const app = buildScene();

    // WHEN synthesized (and every object schema-validated)
    const yaml = app.synthYaml();
    synthObjects(buildScene());

    // THEN the YAML is the committed fixture's
    if (process.env.UPDATE_PARITY === '1') fs.writeFileSync(FIXTURE, yaml);
    expect(fs.existsSync(FIXTURE)).toBe(true);
    expect(yaml).toBe(fs.readFileSync(FIXTURE, 'utf8'));
    // Generated names end in a hash of the construct path.
    const named = (o: any) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name.replace(/-[0-9a-f]{8}$/, '-<hash>')}`;
    expect(parseManifest(yaml).map(named)).toStrictEqual([
      'VolumeSnapshotClass /ceph-block-snapshots',
      'StorageProfile /ceph-block',
      'DataImportCron golden/fedora',
      'DataVolume golden/windows-2022',
      'DataSource golden/windows-2022',
      'Role golden/storage-windows-uploadrole-<hash>',
      'RoleBinding golden/storage-windows-uploadrolebinding-<hash>',
      'DataVolume tenant-a/vm1-root',
      // The clone permission CDI checks, as a ClusterRole of the app's own (CDI's exists only from v1.66.0).
      'ClusterRole /kubevirt.cdk8s.io:clone-sourcer',
      'RoleBinding golden/clonegr-golden-sa-argocd-argocd-application-controller-<hash>',
      'DataVolume my-ns/my-cloned-dv',
    ]);
  });
});
