import { Construct } from 'constructs';
import {
  AccessMode, CloneSource, CloneStrategy, ClonedDisk, GoldenImage, Grantee, ImageSource, PullMethod, SnapshotClass, StorageApi,
  StorageClassProfile, VolumeMode,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';

const registry = ImageSource.registry('docker://quay.io/containerdisks/fedora:40');
const image = (c: Construct, extra: object = {}) => new GoldenImage(c, 'i', { name: 'fedora', namespace: 'golden', size: '10Gi', source: registry, ...extra });
const clone = (c: Construct, extra: object = {}) => new ClonedDisk(c, 'd', {
  name: 'vm1-root', namespace: 'golden', source: CloneSource.fromPvc('golden', 'fedora', { size: '10Gi', storageClass: 'ceph-block' }), ...extra,
});
const cron = (schedule: string) => (c: Construct) => image(c, { refresh: { schedule } });
const DNS1123_SUBDOMAIN = 'must be a DNS-1123 subdomain (dot-separated DNS-1123 labels, at most 253 characters)';

// Each row: the input, and the error the library must raise (construct path, field, bad value, rule).
describeBadInputs('storage: bad inputs fail synthesis with their message', [
  // Sizes are Kubernetes quantities of whole bytes, at least CDI's 1Mi.
  {
    name: 'size that is not a quantity',
    build: (c) => image(c, { size: '10 GB' }),
    error: '[test/i] size: "10 GB" must be a Kubernetes quantity such as "10Gi" or "512Mi"',
  },
  {
    name: 'size below 1Mi',
    build: (c) => image(c, { size: '512Ki' }),
    error: '[test/i] size: "512Ki" must be at least 1Mi (CDI\'s smallest DataVolume)',
  },
  {
    name: 'size in fractions of a byte',
    build: (c) => image(c, { size: '1.5' }),
    error: '[test/i] size: "1.5" must be a positive whole number of bytes',
  },
  {
    name: 'clone smaller than its golden image',
    build: (c) => new ClonedDisk(c, 'd', { namespace: 'golden', source: CloneSource.fromGoldenImage(image(c)), size: '5Gi' }),
    error: '[test/d] size: "5Gi" must be at least the source\'s size "10Gi": CDI refuses a clone smaller than its source',
  },
  {
    name: 'clone smaller than its source across units (9Gi < 10G)',
    build: (c) => new ClonedDisk(c, 'd', { namespace: 'ns', source: CloneSource.fromPvc('ns', 'base', { size: '10G' }), size: '9Gi' }),
    error: '[test/d] size: "9Gi" must be at least the source\'s size "10G"',
  },
  {
    name: 'source size that is not a quantity',
    build: (c) => new ClonedDisk(c, 'd', { namespace: 'ns', source: CloneSource.fromPvc('ns', 'base', { size: 'ten gigs' }) }),
    error: '[test/d] source.size: "ten gigs" must be a Kubernetes quantity',
  },
  // Exactly one of pvc and storage.
  {
    name: 'both storage APIs',
    build: (c) => image(c, { storageApi: 'both' }),
    error: '[test/i] storageApi: "both" must be one of StorageApi.STORAGE ("storage"), StorageApi.PVC ("pvc"): a DataVolume takes exactly one of spec.storage and spec.pvc',
  },
  {
    name: 'neither storage API',
    build: (c) => clone(c, { storageApi: '' }),
    error: '[test/d] storageApi: "" must be one of StorageApi.STORAGE ("storage"), StorageApi.PVC ("pvc"): a DataVolume takes exactly one of',
  },
  {
    name: 'pvc API without an access mode',
    build: (c) => clone(c, { storageApi: StorageApi.PVC }),
    error: '[test/d] accessModes: undefined is required with StorageApi.PVC (CDI needs exactly one access mode in a pvc)',
  },
  {
    name: 'pvc API with two access modes',
    build: (c) => image(c, { storageApi: StorageApi.PVC, accessModes: [AccessMode.READ_WRITE_ONCE, AccessMode.READ_WRITE_MANY] }),
    error: '[test/i] accessModes: ["ReadWriteOnce","ReadWriteMany"] must hold exactly one access mode with StorageApi.PVC',
  },
  {
    name: 'pvc API clone of a source of unknown size',
    build: (c) => new ClonedDisk(c, 'd', { namespace: 'ns', source: CloneSource.fromPvc('ns', 'base'), storageApi: StorageApi.PVC, accessModes: [AccessMode.READ_WRITE_ONCE] }),
    error: '[test/d] size: undefined is required with StorageApi.PVC when the source\'s size is unknown',
  },
  {
    name: 'unknown access mode',
    build: (c) => image(c, { accessModes: ['ReadWriteOncePod'] }),
    error: '[test/i] accessModes[0]: "ReadWriteOncePod" must be one of AccessMode.READ_WRITE_ONCE ("ReadWriteOnce")',
  },
  {
    name: 'unknown volume mode',
    build: (c) => clone(c, { volumeMode: 'block' }),
    error: '[test/d] volumeMode: "block" must be one of VolumeMode.FILESYSTEM ("Filesystem"), VolumeMode.BLOCK ("Block")',
  },
  // URLs: the schemes CDI reads, per source.
  {
    name: 'http source with an ftp URL',
    build: (c) => image(c, { source: ImageSource.http('ftp://mirror.example.com/fedora.qcow2') }),
    error: '[test/i] source.url: "ftp://mirror.example.com/fedora.qcow2" has the unknown scheme "ftp": CDI\'s http source takes https:// or http://',
  },
  {
    name: 'http source with an S3 URL',
    build: (c) => image(c, { source: ImageSource.http('s3://bucket/fedora.qcow2') }),
    error: 'has the unknown scheme "s3": CDI\'s http source takes https:// or http://; give S3 objects to ImageSource.s3() as the endpoint URL',
  },
  {
    name: 'registry with oci:// (CDI reads oci-archive://)',
    build: (c) => image(c, { source: ImageSource.registry('oci://quay.io/containerdisks/fedora:40') }),
    error: '[test/i] source.url: "oci://quay.io/containerdisks/fedora:40" has the unknown scheme "oci": CDI\'s registry source takes docker:// or oci-archive://',
  },
  {
    name: 'registry image without a scheme',
    build: (c) => image(c, { source: ImageSource.registry('quay.io/containerdisks/fedora:40') }),
    error: 'must be an absolute URL such as "docker://host/path" for CDI\'s registry source; did you mean "docker://quay.io/containerdisks/fedora:40"?',
  },
  {
    name: 's3 source with s3:// instead of the endpoint URL',
    build: (c) => image(c, { source: ImageSource.s3('s3://bucket/fedora.qcow2') }),
    error: '[test/i] source.url: "s3://bucket/fedora.qcow2" has the unknown scheme "s3": CDI\'s s3 source',
  },
  {
    name: 'gcs source with a plain http URL',
    build: (c) => image(c, { source: ImageSource.gcs('http://storage.googleapis.com/images/fedora.qcow2') }),
    error: 'has the unknown scheme "http": CDI\'s gcs source takes gs:// or https://',
  },
  {
    name: 'checksum of the wrong length',
    build: (c) => image(c, { source: ImageSource.http('https://x.example.com/f.qcow2', { checksum: 'sha256:abcd' }) }),
    error: '[test/i] source.checksum: "sha256:abcd" must be "algorithm:hex digest" with md5 (32 hex digits), sha1 (40), sha256 (64) or sha512 (128)',
  },
  {
    name: 'checksum with an unsupported algorithm',
    build: (c) => image(c, { source: ImageSource.http('https://x.example.com/f.qcow2', { checksum: 'crc32:deadbeef' }) }),
    error: '[test/i] source.checksum: "crc32:deadbeef" must be "algorithm:hex digest"',
  },
  {
    name: 'malformed extra header',
    build: (c) => image(c, { source: ImageSource.http('https://x.example.com/f.qcow2', { extraHeaders: ['no colon here'] }) }),
    error: '[test/i] source.extraHeaders[0]: "no colon here" must be an HTTP header "Name: value"',
  },
  {
    name: 'secret reference that is not a name',
    build: (c) => image(c, { source: ImageSource.registry('docker://quay.io/x:1', { secretRef: 'Registry Creds' }) }),
    error: `[test/i] source.secretRef: "Registry Creds" ${DNS1123_SUBDOMAIN}`,
  },
  {
    name: 'unknown pull method',
    build: (c) => image(c, { source: ImageSource.registry('docker://quay.io/x:1', { pullMethod: 'kubelet' as PullMethod }) }),
    error: '[test/i] source.pullMethod: "kubelet" must be one of PullMethod.POD ("pod"), PullMethod.NODE ("node")',
  },
  // Names.
  {
    name: 'DataVolume name with upper case',
    build: (c) => image(c, { name: 'Fedora' }),
    error: `[test/i] name: "Fedora" ${DNS1123_SUBDOMAIN}`,
  },
  {
    name: 'DataVolume name longer than 253 characters',
    build: (c) => clone(c, { name: 'a'.repeat(254) }),
    error: `[test/d] name: "${'a'.repeat(254)}" ${DNS1123_SUBDOMAIN}`,
  },
  {
    name: 'namespace that is not a DNS-1123 label',
    build: (c) => image(c, { namespace: 'golden_images' }),
    error: '[test/i] namespace: "golden_images" must be a DNS-1123 label',
  },
  {
    name: 'source namespace that is not a DNS-1123 label',
    build: (c) => clone(c, { source: CloneSource.fromPvc('Golden', 'fedora') }),
    error: '[test/d] source.namespace: "Golden" must be a DNS-1123 label',
  },
  {
    name: 'storage class that is not a name',
    build: (c) => image(c, { storageClass: 'Fast_SSD' }),
    error: `[test/i] storageClass: "Fast_SSD" ${DNS1123_SUBDOMAIN}`,
  },
  {
    name: 'managed DataSource starting with a digit (DNS-1035)',
    build: (c) => image(c, { dataSourceName: '9fedora', refresh: { schedule: '@daily' } }),
    error: '[test/i] dataSourceName: "9fedora" must be a DNS-1035 label',
  },
  {
    name: 'managed DataSource longer than 63 characters',
    build: (c) => image(c, { dataSourceName: 'f'.repeat(64), refresh: { schedule: '@daily' } }),
    error: `[test/i] dataSourceName: "${'f'.repeat(64)}" must be a DNS-1035 label`,
  },
  {
    name: 'DataImportCron name longer than 63 characters (CDI labels imports with it)',
    build: (c) => image(c, { name: 'f'.repeat(64), dataSourceName: 'fedora', refresh: { schedule: '@daily' } }),
    error: `[test/i] name: "${'f'.repeat(64)}" must be a DNS-1123 label`,
  },
  // DataImportCron.
  {
    name: 'cron minute out of range',
    build: cron('61 * * * *'),
    error: '[test/i] refresh.schedule: "61 * * * *" must be a cron schedule: minute 61 is outside 0-59',
  },
  {
    name: 'cron with four fields',
    build: cron('0 3 * *'),
    error: '[test/i] refresh.schedule: "0 3 * *" must be a cron schedule: 4 field(s) instead of 5 (minute hour day-of-month month day-of-week)',
  },
  {
    name: 'cron interval descriptor',
    build: cron('@every 1h'),
    error: '[test/i] refresh.schedule: "@every 1h" must be a cron schedule: "@every 1h" is not one of the descriptors',
  },
  {
    name: 'cron with an unknown month name',
    build: cron('0 0 1 FOO *'),
    error: '[test/i] refresh.schedule: "0 0 1 FOO *" must be a cron schedule: month "FOO" is not a number or a name',
  },
  {
    name: 'refresh of an HTTP image',
    build: (c) => image(c, { source: ImageSource.http('https://x.example.com/f.qcow2'), refresh: { schedule: '@daily' } }),
    error: '[test/i] refresh: "http" needs ImageSource.registry(): a DataImportCron polls container registries only',
  },
  {
    name: 'negative importsToKeep',
    build: (c) => image(c, { refresh: { schedule: '@daily', importsToKeep: -1 } }),
    error: '[test/i] refresh.importsToKeep: -1 must be a whole number from 0 up',
  },
  {
    name: 'refresh without the DataSource it manages',
    build: (c) => image(c, { dataSource: false, refresh: { schedule: '@daily' } }),
    error: '[test/i] dataSource: false cannot be false with refresh',
  },
  // Cross-namespace clones.
  {
    name: 'cross-namespace clone without a creator',
    build: (c) => clone(c, { namespace: 'tenant-a' }),
    error: '[test/d] creator: undefined is required to clone from namespace "golden" into "tenant-a": CDI checks that whoever creates the DataVolume may create datavolumes/source',
  },
  {
    name: 'cross-namespace golden image from a PVC without a creator',
    build: (c) => image(c, { source: ImageSource.pvc('imports', 'base') }),
    error: '[test/i] creator: undefined is required to clone from namespace "imports" into "golden"',
  },
  {
    name: 'creator ServiceAccount in an invalid namespace',
    build: (c) => clone(c, { namespace: 'tenant-a', creator: Grantee.serviceAccount('Argo CD', 'argocd-application-controller') }),
    error: '[test/d] creator.namespace: "Argo CD" must be a DNS-1123 label',
  },
  {
    name: 'clone outside any chart',
    build: (_c, app) => clone(new Construct(app, 'loose'), { namespace: 'tenant-a', creator: Grantee.user('jane') }),
    error: '[loose/d] creator: "loose/d" must be inside a cdk8s Chart',
  },
  // Strategies.
  {
    name: 'demanded snapshot clone across storage classes',
    build: (c) => clone(c, {
      strategy: CloneStrategy.SNAPSHOT,
      requireStrategy: true,
      storageProfile: new StorageClassProfile(c, 'p', { storageClass: 'ceph-fs', cloneStrategy: CloneStrategy.SNAPSHOT, snapshotClass: SnapshotClass.existing('fs') }),
    }),
    error: '[test/d] strategy: "snapshot" is demanded but cannot happen: the source\'s storage class "ceph-block" differs from the target\'s "ceph-fs"',
  },
  {
    name: 'demanded smart clone onto WaitForFirstConsumer storage across namespaces',
    build: (c) => clone(c, {
      namespace: 'tenant-a',
      creator: Grantee.user('jane'),
      requireStrategy: true,
      storageProfile: new StorageClassProfile(c, 'p', { storageClass: 'ceph-block', cloneStrategy: CloneStrategy.CSI_CLONE, volumeBindingMode: 'WaitForFirstConsumer' as any }),
    }),
    error: '[test/d] strategy: "csi-clone" is demanded but cannot happen: a clone across namespaces onto WaitForFirstConsumer storage falls back to copy',
  },
  {
    name: 'demanded smart clone with no snapshot class',
    build: (c) => clone(c, {
      requireStrategy: true,
      storageProfile: new StorageClassProfile(c, 'p', { storageClass: 'ceph-block', cloneStrategy: CloneStrategy.SNAPSHOT, snapshotClass: SnapshotClass.unavailable() }),
    }),
    error: '[test/d] strategy: "snapshot" is demanded but cannot happen: storage class "ceph-block" has no VolumeSnapshotClass',
  },
  {
    name: 'demanded strategy that nothing selects',
    build: (c) => clone(c, { strategy: CloneStrategy.CSI_CLONE, requireStrategy: true }),
    error: '[test/d] strategy: "csi-clone" is demanded but cannot be confirmed at synth time: nothing selects it: pass storageProfile',
  },
  {
    name: 'demanded strategy with volume modes that differ',
    build: (c) => clone(c, {
      volumeMode: VolumeMode.FILESYSTEM,
      source: CloneSource.fromPvc('golden', 'f', { storageClass: 'ceph-block', volumeMode: VolumeMode.BLOCK }),
      requireStrategy: true,
      storageProfile: new StorageClassProfile(c, 'p', { storageClass: 'ceph-block', cloneStrategy: CloneStrategy.CSI_CLONE }),
    }),
    error: '[test/d] strategy: "csi-clone" is demanded but cannot happen: the source\'s volume mode Block differs from the target\'s Filesystem',
  },
  {
    name: 'requireStrategy without a strategy',
    build: (c) => clone(c, { requireStrategy: true }),
    error: '[test/d] requireStrategy: true needs a strategy (or a storageProfile with a cloneStrategy) to demand',
  },
  {
    name: 'unknown clone strategy',
    build: (c) => clone(c, { strategy: 'smart' }),
    error: '[test/d] strategy: "smart" must be one of CloneStrategy.COPY ("copy"), CloneStrategy.SNAPSHOT ("snapshot"), CloneStrategy.CSI_CLONE ("csi-clone")',
  },
  {
    name: 'storage class that contradicts the storage profile',
    build: (c) => clone(c, { storageClass: 'ceph-fs', storageProfile: new StorageClassProfile(c, 'p', { storageClass: 'ceph-block' }) }),
    error: '[test/d] storageClass: "ceph-fs" differs from the class of storageProfile ("ceph-block")',
  },
  // Storage profiles.
  {
    name: 'two profiles for one storage class (app-wide)',
    build: (c) => {
      new StorageClassProfile(c, 'p1', { storageClass: 'ceph-block', cloneStrategy: CloneStrategy.SNAPSHOT });
      new StorageClassProfile(c, 'p2', { storageClass: 'ceph-block', cloneStrategy: CloneStrategy.COPY });
    },
    error: '[test/p2] storageClass: "ceph-block" already has a StorageClassProfile written by test/p1',
  },
  {
    name: 'two different VolumeSnapshotClasses of one name (app-wide)',
    build: (c) => {
      new StorageClassProfile(c, 'p1', { storageClass: 'a', snapshotClass: SnapshotClass.define({ name: 'snaps', driver: 'rbd.csi.ceph.com' }) });
      new StorageClassProfile(c, 'p2', { storageClass: 'b', snapshotClass: SnapshotClass.define({ name: 'snaps', driver: 'cephfs.csi.ceph.com' }) });
    },
    error: '[test/p2] snapshotClass.name: "snaps" already has a VolumeSnapshotClass written by test/p1',
  },
  {
    name: 'profile access modes without a volume mode',
    build: (c) => new StorageClassProfile(c, 'p', { storageClass: 'a', accessModes: [AccessMode.READ_WRITE_MANY] }),
    error: '[test/p] volumeMode: undefined is required together with accessModes: a StorageProfile claim property set needs both',
  },
  {
    name: 'snapshot class driver that is not a CSI driver name',
    build: (c) => new StorageClassProfile(c, 'p', { storageClass: 'a', snapshotClass: SnapshotClass.define({ name: 'snaps', driver: 'rbd csi' }) }),
    error: '[test/p] snapshotClass.driver: "rbd csi" must be a CSI driver name',
  },
  // Upload.
  {
    name: 'upload command for an image that is downloaded',
    build: (c) => image(c).uploadCommand('/tmp/fedora.qcow2'),
    error: '[test/i] uploadCommand: "registry" only applies to a golden image from ImageSource.upload()',
  },
  {
    name: 'upload grant for an image that is downloaded',
    build: (c) => image(c).grantUpload(Grantee.user('jane')),
    error: '[test/i] grantUpload: "registry" only applies to a golden image from ImageSource.upload()',
  },
  {
    name: 'upload command for a path with a newline (would end the command)',
    build: (c) => image(c, { source: ImageSource.upload() }).uploadCommand('/tmp/a\nrm -rf /'),
    error: '[test/i] imagePath: "/tmp/a\\nrm -rf /" must not contain control characters (a newline would end the command)',
  },
  {
    name: 'upload proxy URL with a quote in it',
    build: (c) => image(c, { source: ImageSource.upload() }).uploadCommand('/tmp/a.img', { uploadProxyUrl: "https://proxy.example.com/'x" }),
    error: '[test/i] uploadProxyUrl: "https://proxy.example.com/\'x" must be an http:// or https:// URL',
  },
  {
    name: 'immediate binding turned off on an image that refreshes (CDI binds cron imports immediately anyway)',
    build: (c) => image(c, { immediateBinding: false, refresh: { schedule: '@daily' } }),
    error: '[test/i] immediateBinding: false cannot be false with refresh: CDI binds every import of a DataImportCron immediately',
  },
  // Credentials never go into Git through an image source.
  {
    name: 'user and password in an HTTP image URL',
    build: (c) => image(c, { source: ImageSource.http('https://jane:s3cret@mirror.example.com/fedora.qcow2') }),
    error: '[test/i] source.url: "https://<redacted>@mirror.example.com/fedora.qcow2" carries credentials before the host, which would be written to Git in the DataVolume; put them in a Secret and name it in secretRef',
  },
  {
    name: 'user and password in a registry URL',
    build: (c) => image(c, { source: ImageSource.registry('docker://robot:token@quay.io/org/fedora:40') }),
    error: '[test/i] source.url: "docker://<redacted>@quay.io/org/fedora:40" carries credentials before the host',
  },
  {
    name: 'a pre-signed S3 URL',
    build: (c) => image(c, { source: ImageSource.http('https://bucket.s3.amazonaws.com/f.qcow2?X-Amz-Credential=AKIA&X-Amz-Signature=abc') }),
    error: '[test/i] source.url: "https://bucket.s3.amazonaws.com/f.qcow2?X-Amz-Credential=<redacted>" carries a credential in the query parameter "X-Amz-Credential"',
  },
  {
    name: 'a token in the query of an S3 endpoint URL',
    build: (c) => image(c, { source: ImageSource.s3('https://s3.example.com/bucket/f.qcow2?token=abc') }),
    error: '[test/i] source.url: "https://s3.example.com/bucket/f.qcow2?token=<redacted>" carries a credential in the query parameter "token", which would be written to Git in the DataVolume; give the credential through secretRef or secretExtraHeaders instead of a signed URL',
  },
  {
    name: 'an Authorization header in extraHeaders',
    build: (c) => image(c, { source: ImageSource.http('https://x.example.com/f.qcow2', { extraHeaders: ['Authorization: Bearer abc'] }) }),
    error: '[test/i] source.extraHeaders[0]: "Authorization: <redacted>" carries credentials, which would be written to Git in the DataVolume; put the header in a Secret and name it in secretExtraHeaders',
  },
  {
    name: 'an API key header in extraHeaders',
    build: (c) => image(c, { source: ImageSource.http('https://x.example.com/f.qcow2', { extraHeaders: ['Accept: */*', 'X-Api-Key: abc'] }) }),
    error: '[test/i] source.extraHeaders[1]: "X-Api-Key: <redacted>" carries credentials',
  },
  {
    name: 'upload grant to an empty user name',
    build: (c) => image(c, { source: ImageSource.upload() }).grantUpload(Grantee.user('')),
    error: '[test/i] grantee.name: "" must be a non-empty name without surrounding whitespace',
  },
]);
