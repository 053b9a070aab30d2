import { App, Chart } from 'cdk8s';
import {
  AccessMode, GoldenImage, Grantee, ImageSource, ImageSourceKind, ImportGarbageCollection, PullMethod, StorageApi, VolumeMode,
} from '../../src';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

const SHA256 = 'sha256:' + 'ab'.repeat(32);

function setup() {
  const app = new App();
  const chart = new Chart(app, 'test');
  return { app, chart };
}

const ofKind = (objects: ManifestObject[], kind: string) => objects.filter((o) => o.kind === kind);

/** GIVEN one golden image built by `build`, WHEN synthesized (and schema-validated), THEN its objects. */
function synthImage(build: (chart: Chart) => GoldenImage): { objects: ManifestObject[]; image: GoldenImage } {
  const { app, chart } = setup();
  const image = build(chart);
  return { objects: synthObjects(app), image };
}

const base = { name: 'fedora', namespace: 'golden', size: '10Gi', storageClass: 'ceph-block' };

describe('GoldenImage: one import per source kind', () => {
  test('HTTPS with CA, credentials, checksum and headers', () => {
    const { objects, image } = synthImage((c) => new GoldenImage(c, 'img', {
      ...base,
      source: ImageSource.http('https://images.example.com/fedora-40.qcow2', {
        certConfigMap: 'images-ca',
        secretRef: 'images-auth',
        checksum: SHA256,
        extraHeaders: ['X-Mirror: eu'],
        secretExtraHeaders: ['images-token'],
      }),
    }));
    expect(objects).toMatchSnapshot();
    const [dv] = ofKind(objects, 'DataVolume');
    // Every reference CDI's http source supports is passed through, the checksum verified by the importer.
    expect(dv.spec.source.http).toStrictEqual({
      url: 'https://images.example.com/fedora-40.qcow2',
      certConfigMap: 'images-ca',
      secretRef: 'images-auth',
      checksum: SHA256,
      extraHeaders: ['X-Mirror: eu'],
      secretExtraHeaders: ['images-token'],
    });
    expect(image.sourceKind).toBe(ImageSourceKind.HTTP);
  });

  test('the storage API is the default and carries only what was given', () => {
    const { objects } = synthImage((c) => new GoldenImage(c, 'img', { ...base, source: ImageSource.http('http://mirror/fedora.raw.xz') }));
    const [dv] = ofKind(objects, 'DataVolume');
    // With `storage`, CDI fills access and volume mode from the StorageProfile; nothing is guessed here.
    expect(dv.spec.storage).toStrictEqual({ resources: { requests: { storage: '10Gi' } }, storageClassName: 'ceph-block' });
    expect(dv.spec.pvc).toBeUndefined();
  });

  test('a registry image pulled by the node, with CA and credentials', () => {
    const { objects } = synthImage((c) => new GoldenImage(c, 'img', {
      ...base,
      source: ImageSource.registry('docker://quay.io/containerdisks/fedora:40', { pullMethod: PullMethod.NODE, certConfigMap: 'reg-ca', secretRef: 'reg-auth' }),
    }));
    expect(objects).toMatchSnapshot();
    expect(ofKind(objects, 'DataVolume')[0].spec.source.registry).toStrictEqual({
      url: 'docker://quay.io/containerdisks/fedora:40', pullMethod: 'node', certConfigMap: 'reg-ca', secretRef: 'reg-auth',
    });
  });

  test('an oci-archive registry URL is accepted as CDI reads it', () => {
    const { objects } = synthImage((c) => new GoldenImage(c, 'img', { ...base, source: ImageSource.registry('oci-archive://registry.local/fedora.tar', { pullMethod: PullMethod.POD }) }));
    expect(ofKind(objects, 'DataVolume')[0].spec.source.registry).toStrictEqual({ url: 'oci-archive://registry.local/fedora.tar', pullMethod: 'pod' });
  });

  test('S3 endpoint URL with CA and credentials', () => {
    const { objects } = synthImage((c) => new GoldenImage(c, 'img', {
      ...base, source: ImageSource.s3('https://s3.example.com/images/fedora.qcow2', { certConfigMap: 's3-ca', secretRef: 's3-keys' }),
    }));
    expect(objects).toMatchSnapshot();
    expect(ofKind(objects, 'DataVolume')[0].spec.source.s3).toStrictEqual({ url: 'https://s3.example.com/images/fedora.qcow2', certConfigMap: 's3-ca', secretRef: 's3-keys' });
  });

  test('Google Cloud Storage with a service-account key', () => {
    const { objects } = synthImage((c) => new GoldenImage(c, 'img', { ...base, source: ImageSource.gcs('gs://images/fedora.qcow2', { secretRef: 'gcs-key' }) }));
    expect(objects).toMatchSnapshot();
    expect(ofKind(objects, 'DataVolume')[0].spec.source.gcs).toStrictEqual({ url: 'gs://images/fedora.qcow2', secretRef: 'gcs-key' });
  });

  test('a blank disk, preallocated, with the pvc API', () => {
    const { objects } = synthImage((c) => new GoldenImage(c, 'img', {
      ...base,
      source: ImageSource.blank(),
      storageApi: StorageApi.PVC,
      accessModes: [AccessMode.READ_WRITE_MANY],
      volumeMode: VolumeMode.BLOCK,
      preallocation: true,
    }));
    expect(objects).toMatchSnapshot();
    const [dv] = ofKind(objects, 'DataVolume');
    expect(dv.spec.source).toStrictEqual({ blank: {} });
    expect(dv.spec.preallocation).toBe(true);
    // The pvc API takes exactly what a PVC would: one access mode, the size, class and mode.
    expect(dv.spec.pvc).toStrictEqual({
      accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'ceph-block', volumeMode: 'Block',
    });
  });

  test('an existing PVC of the same namespace: a clone, and no RBAC', () => {
    const { objects, image } = synthImage((c) => new GoldenImage(c, 'img', { ...base, source: ImageSource.pvc('golden', 'fedora-base', { size: '8Gi' }) }));
    expect(objects).toMatchSnapshot();
    expect(ofKind(objects, 'DataVolume')[0].spec.source).toStrictEqual({ pvc: { namespace: 'golden', name: 'fedora-base' } });
    expect(ofKind(objects, 'RoleBinding')).toStrictEqual([]);
    expect(image.sourceRoleBinding).toBeUndefined();
  });

  test('an existing PVC of another namespace: the creator may clone from there', () => {
    const { objects, image } = synthImage((c) => new GoldenImage(c, 'img', {
      ...base, source: ImageSource.pvc('imports', 'fedora-base'), creator: Grantee.serviceAccount('argocd', 'argocd-application-controller'),
    }));
    expect(objects).toMatchSnapshot();
    const [binding] = ofKind(objects, 'RoleBinding');
    expect(binding.metadata.namespace).toBe('imports');
    expect(binding.subjects).toStrictEqual([{ kind: 'ServiceAccount', name: 'argocd-application-controller', namespace: 'argocd' }]);
    expect(image.sourceRoleBinding).toBeDefined();
  });
});

describe('GoldenImage: defaults for GitOps and consumers', () => {
  test('immediate binding is annotated (and nothing CDI v1.66 no longer reads), a DataSource names the image', () => {
    const { objects, image } = synthImage((c) => new GoldenImage(c, 'img', { ...base, source: ImageSource.registry('docker://quay.io/containerdisks/fedora:40') }));
    const [dv] = ofKind(objects, 'DataVolume');
    // An import on WaitForFirstConsumer storage would otherwise wait forever: a golden image has no consumer.
    expect(dv.metadata.annotations?.['cdi.kubevirt.io/storage.bind.immediate.requested']).toBe('true');
    // storage.deleteAfterCompletion is gone from CDI v1.66: not written.
    expect(Object.keys(dv.metadata.annotations ?? {}).sort()).toStrictEqual(['argocd.argoproj.io/sync-wave', 'cdi.kubevirt.io/storage.bind.immediate.requested']);
    // Imported once, ahead of time; not thick-provisioned unless asked.
    expect(dv.spec.preallocation).toBeUndefined();
    expect(dv.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('-10');
    const [ds] = ofKind(objects, 'DataSource');
    expect(ds.metadata).toMatchObject({ name: 'fedora', namespace: 'golden' });
    expect(ds.spec).toStrictEqual({ source: { pvc: { name: 'fedora', namespace: 'golden' } } });
    expect(image.dataSourceName).toBe('fedora');
  });

  test('immediate binding can be turned off, and the DataSource left out', () => {
    const { objects, image } = synthImage((c) => new GoldenImage(c, 'img', {
      ...base, source: ImageSource.blank(), immediateBinding: false, dataSource: false,
    }));
    const [dv] = ofKind(objects, 'DataVolume');
    expect(Object.keys(dv.metadata.annotations ?? {})).toStrictEqual(['argocd.argoproj.io/sync-wave']);
    expect(ofKind(objects, 'DataSource')).toStrictEqual([]);
    expect(image.dataSourceName).toBeUndefined();
  });

  test('name and namespace default to a generated name and the chart\'s namespace', () => {
    const app = new App();
    const chart = new Chart(app, 'images', { namespace: 'golden' });
    const image = new GoldenImage(chart, 'fedora', { size: '5Gi', source: ImageSource.blank() });
    const [dv] = ofKind(synthObjects(app), 'DataVolume');
    expect(dv.metadata.namespace).toBe('golden');
    expect(dv.metadata.name).toBe(image.name);
    expect(image.name).toMatch(/^images-fedora-[0-9a-f]{8}$/);
  });

  test('labels land on every object', () => {
    const { objects } = synthImage((c) => new GoldenImage(c, 'img', { ...base, source: ImageSource.blank(), labels: { os: 'fedora' } }));
    for (const o of objects) expect(o.metadata.labels).toStrictEqual({ os: 'fedora' });
  });
});

describe('GoldenImage: kept fresh by a DataImportCron', () => {
  test('the cron imports the registry image and manages the DataSource; no DataVolume of its own', () => {
    const { objects, image } = synthImage((c) => new GoldenImage(c, 'img', {
      ...base,
      source: ImageSource.registry('docker://quay.io/containerdisks/fedora:40', { pullMethod: PullMethod.NODE }),
      refresh: { schedule: '30 1 * * 1', importsToKeep: 2, garbageCollect: ImportGarbageCollection.OUTDATED },
    }));
    expect(objects).toMatchSnapshot();
    expect(objects.map((o) => o.kind)).toStrictEqual(['DataImportCron']);
    const [cron] = objects;
    expect(cron.spec).toStrictEqual({
      garbageCollect: 'Outdated',
      importsToKeep: 2,
      managedDataSource: 'fedora',
      schedule: '30 1 * * 1',
      template: {
        spec: {
          source: { registry: { url: 'docker://quay.io/containerdisks/fedora:40', pullMethod: 'node' } },
          storage: { resources: { requests: { storage: '10Gi' } }, storageClassName: 'ceph-block' },
        },
      },
    });
    // CDI binds the cron's imports immediately itself (v1.66.0 newSourceDataVolume): no annotation on the cron.
    expect(Object.keys(cron.metadata.annotations ?? {})).toStrictEqual(['argocd.argoproj.io/sync-wave']);
    expect(image.dataImportCron).toBeDefined();
    expect(image.dataVolume).toBeUndefined();
    expect(image.dataSourceName).toBe('fedora');
  });

  test('a descriptor schedule and CDI\'s defaults for the rest', () => {
    const { objects } = synthImage((c) => new GoldenImage(c, 'img', {
      ...base, dataSourceName: 'fedora-latest', source: ImageSource.registry('docker://quay.io/containerdisks/fedora:40'), refresh: { schedule: '@daily' },
    }));
    expect(objects[0].spec).toMatchObject({ managedDataSource: 'fedora-latest', schedule: '@daily' });
    expect(objects[0].spec.importsToKeep).toBeUndefined();
    expect(objects[0].spec.garbageCollect).toBeUndefined();
  });
});

describe('GoldenImage: upload into isolated clusters', () => {
  test('an upload image waits for bytes; the command and the uploader\'s Role come with it', () => {
    const { app, chart } = setup();
    const image = new GoldenImage(chart, 'img', { ...base, name: 'windows-2022', source: ImageSource.upload() });
    const role = image.grantUpload(Grantee.user('jane@example.com'));
    image.grantUpload(Grantee.serviceAccount('ci', 'image-pusher'));
    image.grantUpload(Grantee.user('jane@example.com')); // twice: one subject
    const objects = synthObjects(app);
    expect(objects).toMatchSnapshot();

    expect(ofKind(objects, 'DataVolume')[0].spec.source).toStrictEqual({ upload: {} });
    // Every value single-quoted: safe to paste into a shell whatever the path holds.
    expect(image.uploadCommand('/images/windows-2022.qcow2'))
      .toBe('virtctl image-upload dv \'windows-2022\' --namespace=\'golden\' --no-create --image-path=\'/images/windows-2022.qcow2\'');
    expect(image.uploadCommand('/images/it\'s $HOME; rm -rf `x`.qcow2', { uploadProxyUrl: 'https://cdi-uploadproxy.example.com', insecure: true }))
      .toBe('virtctl image-upload dv \'windows-2022\' --namespace=\'golden\' --no-create --image-path=\'/images/it\'\\\'\'s $HOME; rm -rf `x`.qcow2\' '
        + '--uploadproxy-url=\'https://cdi-uploadproxy.example.com\' --insecure');

    const [r] = ofKind(objects, 'Role');
    expect(r.metadata.name).toBe(role.name);
    expect(r.metadata.namespace).toBe('golden');
    // What `virtctl image-upload dv --no-create` calls (KubeVirt v1.9.0 pkg/virtctl/imageupload): an upload token,
    // this one DataVolume, the target PVC and, with CDI v1.66 populators, its prime-<uid> PVC (name unknown until
    // the target exists, so PVC get is not name-scoped), and the namespace's events while it waits.
    expect(r.rules).toStrictEqual([
      { apiGroups: ['upload.cdi.kubevirt.io'], resources: ['uploadtokenrequests'], verbs: ['create'] },
      { apiGroups: ['cdi.kubevirt.io'], resources: ['datavolumes'], resourceNames: ['windows-2022'], verbs: ['get'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get'] },
      { apiGroups: [''], resources: ['events'], verbs: ['list'] },
    ]);
    // Nothing beyond reading: no list/watch of PVCs, no write of any object but the token request.
    const verbs = r.rules.flatMap((rule: any) => rule.verbs.map((v: string) => `${rule.resources[0]}:${v}`));
    expect(verbs).toStrictEqual(['uploadtokenrequests:create', 'datavolumes:get', 'persistentvolumeclaims:get', 'events:list']);
    // Ordered before the DataVolume, whose health waits for the upload.
    const dvWave = Number(ofKind(objects, 'DataVolume')[0].metadata.annotations!['argocd.argoproj.io/sync-wave']);
    for (const kind of ['Role', 'RoleBinding']) {
      expect(Number(ofKind(objects, kind)[0].metadata.annotations!['argocd.argoproj.io/sync-wave'])).toBeLessThan(dvWave);
    }
    const [b] = ofKind(objects, 'RoleBinding');
    expect(b.metadata.namespace).toBe('golden');
    expect(b.roleRef).toStrictEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name });
    expect(b.subjects).toStrictEqual([
      { kind: 'ServiceAccount', name: 'image-pusher', namespace: 'ci' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane@example.com' },
    ]);
  });
});
