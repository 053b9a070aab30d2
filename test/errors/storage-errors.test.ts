import { Construct } from 'constructs';
import {
  AccessMode, CloneSource, ClonedDisk, GoldenImage, ImageSource, StorageClassProfile, VolumeMode,
} from '../../src';
import { checkDataVolumeSpec } from '../../src/storage/spec';
import { describeBadInputs } from '../util/expect-error';

const registry = ImageSource.registry('docker://quay.io/containerdisks/fedora:40');
const image = (c: Construct, extra: object = {}) => new GoldenImage(c, 'i', { name: 'fedora', namespace: 'golden', size: '10Gi', source: registry, ...extra });
const upload = (c: Construct) => image(c, { source: ImageSource.upload() });
const clone = (c: Construct, extra: object = {}) => new ClonedDisk(c, 'd', {
  name: 'vm1-root', namespace: 'golden', source: CloneSource.fromPvc('golden', 'fedora', { size: '10Gi' }), ...extra,
});
/** What JavaScript and Python callers can pass where a class instance is expected. */
const forged = <T extends object>(cls: { prototype: T }, fields: object): T => Object.assign(Object.create(cls.prototype), fields);
const size = { resources: { requests: { storage: '1Gi' } } };

// Rows for the storage error sites that test/storage/bad-inputs.test.ts does not trigger (see docs/errors.md).
describeBadInputs('storage: further bad inputs fail synthesis with their message', [
  {
    name: 'clone source that is a plain object, not a CloneSource',
    build: (c) => clone(c, { source: { kind: 'PersistentVolumeClaim', namespace: 'golden', name: 'fedora' } }),
    error: '[test/d] source: {"kind":"PersistentVolumeClaim","namespace":"golden","name":"fedora"} must be a CloneSource',
  },
  {
    name: 'clone preallocation that is not a boolean',
    build: (c) => clone(c, { preallocation: 'yes' }),
    error: '[test/d] preallocation: "yes" must be true or false',
  },
  {
    name: 'clone source of an unknown kind',
    build: (c) => clone(c, { source: forged(CloneSource, { kind: 'Bucket', namespace: 'golden', name: 'fedora' }) }),
    error: '[test/d] source.kind: "Bucket" must be a CloneSourceKind',
  },
  {
    name: 'image source that is a plain object, not an ImageSource',
    build: (c) => image(c, { source: { kind: 'http', url: 'https://x.example.com/f.qcow2' } }),
    error: '[test/i] source: {"kind":"http","url":"https://x.example.com/f.qcow2"} must be an ImageSource',
  },
  {
    name: 'image source of an unknown kind',
    build: (c) => image(c, { source: forged(ImageSource, { kind: 'ftp', _settings: {} }) }),
    error: '[test/i] source: "ftp" cannot be rendered as an import source',
  },
  {
    name: 'image preallocation that is not a boolean',
    build: (c) => image(c, { preallocation: 1 }),
    error: '[test/i] preallocation: 1 must be true or false',
  },
  {
    name: 'DataSource name without a DataSource',
    build: (c) => image(c, { dataSource: false, dataSourceName: 'fedora-latest' }),
    error: '[test/i] dataSourceName: "fedora-latest" cannot be set with dataSource: false',
  },
  {
    name: 'clone grant to a plain object, not a Grantee',
    build: (c) => image(c).grantClone({ kind: 'User', name: 'jane' } as any),
    error: '[test/i] grantee: {"kind":"User","name":"jane"} must be a Grantee',
  },
  {
    name: 'upload grant to a plain object, not a Grantee',
    build: (c) => upload(c).grantUpload({ kind: 'Group', name: 'uploaders' } as any),
    error: '[test/i] grantee: {"kind":"Group","name":"uploaders"} must be a Grantee',
  },
  {
    name: 'upload command without an image path',
    build: (c) => upload(c).uploadCommand(''),
    error: '[test/i] imagePath: "" must be the path of the image file',
  },
  {
    name: 'upload proxy that is not a URL',
    build: (c) => upload(c).uploadCommand('/images/f.qcow2', { uploadProxyUrl: 'cdi-uploadproxy.cdi' }),
    error: '[test/i] uploadProxyUrl: "cdi-uploadproxy.cdi" must be an http:// or https:// URL',
  },
  {
    name: 'access modes that are not a list',
    build: (c) => image(c, { accessModes: AccessMode.READ_WRITE_ONCE }),
    error: '[test/i] accessModes: "ReadWriteOnce" must be a list of access modes',
  },
  {
    name: 'an access mode listed twice',
    build: (c) => image(c, { accessModes: [AccessMode.READ_WRITE_MANY, AccessMode.READ_WRITE_MANY] }),
    error: '[test/i] accessModes: ["ReadWriteMany","ReadWriteMany"] must not repeat an access mode',
  },
  {
    name: 'storage profile without a storage class',
    build: (c) => new StorageClassProfile(c, 'p', { storageClass: undefined as any }),
    error: '[test/p] storageClass: undefined is required',
  },
  {
    name: 'storage profile volume mode without access modes',
    build: (c) => new StorageClassProfile(c, 'p', { storageClass: 'a', volumeMode: VolumeMode.BLOCK }),
    error: '[test/p] accessModes: undefined is required together with volumeMode: a StorageProfile claim property set needs both',
  },
  {
    name: 'storage profile with an empty list of access modes',
    build: (c) => new StorageClassProfile(c, 'p', { storageClass: 'a', accessModes: [], volumeMode: VolumeMode.BLOCK }),
    error: '[test/p] accessModes: [] must hold at least one access mode',
  },
]);

// The last line of defence: CDI's DataVolume admission rules, applied to every rendered spec. The renderers
// never produce these specs, so the rules are exercised on the checker itself.
describeBadInputs('storage: the DataVolume admission check refuses specs CDI would refuse', [
  {
    name: 'both pvc and storage',
    build: (c) => checkDataVolumeSpec(c, 'spec', { pvc: size, storage: size, source: { blank: {} } }),
    error: '[test] spec: ["pvc","storage"] must have exactly one of pvc and storage',
  },
  {
    name: 'neither source nor sourceRef',
    build: (c) => checkDataVolumeSpec(c, 'spec', { storage: size }),
    error: '[test] spec: [] must have exactly one of source and sourceRef',
  },
  {
    name: 'an unknown source kind',
    build: (c) => checkDataVolumeSpec(c, 'spec', { storage: size, source: { ftp: {} } }),
    error: '[test] spec.source: ["ftp"] must have exactly one source kind',
  },
  {
    name: 'a PVC source without a namespace',
    build: (c) => checkDataVolumeSpec(c, 'spec', { storage: size, source: { pvc: { name: 'fedora' } } }),
    error: '[test] spec.source.pvc: {"name":"fedora"} needs a name and a namespace',
  },
  {
    name: 'a sourceRef that is not a DataSource',
    build: (c) => checkDataVolumeSpec(c, 'spec', { storage: size, sourceRef: { kind: 'PersistentVolumeClaim', name: 'fedora' } }),
    error: '[test] spec.sourceRef: {"kind":"PersistentVolumeClaim","name":"fedora"} must name a DataSource',
  },
  {
    name: 'an import without a size',
    build: (c) => checkDataVolumeSpec(c, 'spec', { storage: {}, source: { blank: {} } }),
    error: '[test] spec.storage.resources.requests.storage: undefined is required: only a clone with the storage API may leave its size to CDI',
  },
  {
    name: 'a pvc without an access mode',
    build: (c) => checkDataVolumeSpec(c, 'spec', { pvc: size, source: { blank: {} } }),
    error: '[test] spec.pvc.accessModes: undefined must hold exactly one access mode',
  },
]);
