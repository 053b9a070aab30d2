import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { NUM_RUNS } from './runs';
import {
  AccessMode, CloneSource, CloneStrategy, ClonedDisk, GoldenImage, Grantee, ImageSource, ImportGarbageCollection, PullMethod, StorageApi,
  StorageClassProfile, VolumeMode,
} from '../../src';
import { KubeVirtConfigError } from '../../src/core/errors';
import { cronProblem } from '../../src/storage/cron';
import { CLONE_SOURCER_CLUSTER_ROLE } from '../../src/storage/rbac';
import { expectLibraryError, synthError } from '../util/expect-error';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

// GIVEN random golden images and clones, WHEN they are synthesized, THEN valid ones always give schema-valid
// DataVolumes (and DataSources, DataImportCrons, RoleBindings) and invalid ones always fail with the library's error.

const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$/);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** A size of at least 1Mi, as [quantity, bytes]. */
const size = fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom(['Mi', 2 ** 20], ['Gi', 2 ** 30]))
  .map(([n, [unit, bytes]]) => ({ text: `${n}${unit}`, bytes: BigInt(n) * BigInt(bytes as number) }));
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const accessModes = fc.subarray([AccessMode.READ_WRITE_ONCE, AccessMode.READ_ONLY_MANY, AccessMode.READ_WRITE_MANY], { minLength: 1 });

/** Every kind of ImageSource (the PVC source in the image's own namespace or another one). */
const imageSource = fc.oneof(
  fc.record({ host: label, checksum: maybe(hex(64).map((h) => `sha256:${h}`)), cert: maybe(label), secret: maybe(label), header: fc.boolean() })
    .map((o) => ImageSource.http(`https://${o.host}.example.com/images/disk.qcow2`, {
      checksum: o.checksum, certConfigMap: o.cert, secretRef: o.secret, extraHeaders: o.header ? ['Accept: application/octet-stream'] : undefined,
    })),
  fc.record({ repo: label, tag: label, pull: maybe(fc.constantFrom(PullMethod.POD, PullMethod.NODE)), secret: maybe(label) })
    .map((o) => ImageSource.registry(`docker://quay.io/${o.repo}:${o.tag}`, { pullMethod: o.pull, secretRef: o.secret })),
  fc.tuple(label, maybe(label)).map(([bucket, secret]) => ImageSource.s3(`https://s3.example.com/${bucket}/disk.qcow2`, { secretRef: secret })),
  fc.tuple(label, fc.boolean()).map(([bucket, gs]) => ImageSource.gcs(gs ? `gs://${bucket}/disk.qcow2` : `https://storage.googleapis.com/${bucket}/disk.qcow2`)),
  fc.tuple(fc.boolean(), label).map(([same, name]) => ImageSource.pvc(same ? 'golden' : 'imports', name)),
  fc.constant(ImageSource.blank()),
  fc.constant(ImageSource.upload()),
);

/** A cron schedule CDI accepts: a descriptor or five fields within range. */
const cron = fc.oneof(
  fc.constantFrom('@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'),
  fc.tuple(
    fc.oneof(fc.constant('*'), fc.integer({ min: 0, max: 59 }).map(String), fc.integer({ min: 1, max: 30 }).map((s) => `*/${s}`)),
    fc.oneof(fc.constant('*'), fc.integer({ min: 0, max: 23 }).map(String), fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 12, max: 23 })).map(([a, b]) => `${a}-${b}`)),
    fc.oneof(fc.constant('*'), fc.integer({ min: 1, max: 31 }).map(String)),
    fc.oneof(fc.constant('*'), fc.integer({ min: 1, max: 12 }).map(String), fc.constantFrom('JAN', 'jun', 'DEC')),
    fc.oneof(fc.constant('*'), fc.integer({ min: 0, max: 6 }).map(String), fc.constantFrom('MON-FRI', 'SUN,SAT')),
  ).map((f) => f.join(' ')),
);

const goldenImage = fc.record({
  name: label,
  source: imageSource,
  size,
  storageClass: maybe(label),
  api: fc.constantFrom(StorageApi.STORAGE, StorageApi.PVC),
  accessModes: maybe(accessModes),
  volumeMode: maybe(fc.constantFrom(VolumeMode.FILESYSTEM, VolumeMode.BLOCK)),
  preallocation: maybe(fc.boolean()),
  immediateBinding: maybe(fc.boolean()),
  dataSource: maybe(fc.boolean()),
  refresh: maybe(fc.record({
    schedule: cron,
    importsToKeep: maybe(fc.integer({ min: 0, max: 10 })),
    garbageCollect: maybe(fc.constantFrom(ImportGarbageCollection.OUTDATED, ImportGarbageCollection.NEVER)),
  })),
});
type GoldenImageCase = typeof goldenImage extends fc.Arbitrary<infer T> ? T : never;

const ARGOCD = Grantee.serviceAccount('argocd', 'argocd-application-controller');

/** Builds a golden image of a case, made valid: refresh only for registry images, one access mode with the pvc API. */
function buildImage(chart: Chart, id: string, p: GoldenImageCase): GoldenImage {
  const refresh = p.source.kind === 'registry' ? p.refresh : undefined;
  const modes = p.api === StorageApi.PVC ? [(p.accessModes ?? [AccessMode.READ_WRITE_ONCE])[0]] : p.accessModes;
  return new GoldenImage(chart, id, {
    name: p.name,
    namespace: 'golden',
    source: p.source,
    size: p.size.text,
    storageClass: p.storageClass,
    storageApi: p.api,
    accessModes: modes,
    volumeMode: p.volumeMode,
    preallocation: p.preallocation,
    // CDI binds a cron's imports immediately whatever it says, so false is refused with refresh.
    immediateBinding: refresh && p.immediateBinding === false ? undefined : p.immediateBinding,
    dataSource: refresh ? undefined : p.dataSource,
    refresh,
    creator: ARGOCD,
  });
}

const kinds = (objects: ManifestObject[]) => objects.map((o) => o.kind).sort();

describe('property: valid golden images always synthesize schema-valid objects', () => {
  test('every image source, storage API and refresh schedule', () => {
    fc.assert(fc.property(goldenImage, (p) => {
      const app = new App();
      const chart = new Chart(app, 'p');
      const image = buildImage(chart, 'img', p);
      const objects = synthObjects(app);
      const refreshed = image.dataImportCron !== undefined;
      const crossNamespaceClone = p.source.kind === 'pvc' && p.source._settings.pvc!.namespace !== 'golden';
      const expected = [
        ...(refreshed ? ['DataImportCron'] : ['DataVolume']),
        ...(!refreshed && p.dataSource !== false ? ['DataSource'] : []),
        ...(crossNamespaceClone ? ['RoleBinding'] : []),
      ].sort();
      expect(kinds(objects)).toStrictEqual(expected);
      // The DataVolume (or the cron's template) takes exactly the storage API asked for, with the size asked for.
      const spec = refreshed ? objects.find((o) => o.kind === 'DataImportCron')!.spec.template.spec : objects.find((o) => o.kind === 'DataVolume')!.spec;
      expect(Object.keys(spec).filter((k) => k === 'pvc' || k === 'storage')).toStrictEqual([p.api]);
      expect(spec[p.api].resources.requests.storage).toBe(p.size.text);
      if (refreshed) expect(objects.find((o) => o.kind === 'DataImportCron')!.spec.managedDataSource).toBe(image.dataSourceName);
    }), { numRuns: NUM_RUNS });
  });
});

/** A clone source of every kind, with what is known of it. */
const cloneSource = fc.record({
  kind: fc.constantFrom('golden', 'dataSource', 'pvc', 'snapshot'),
  namespace: fc.constantFrom('golden', 'tenant-a'),
  name: label,
  size: maybe(size),
  storageClass: maybe(fc.constantFrom('ceph-block', 'ceph-fs')),
  volumeMode: maybe(fc.constantFrom(VolumeMode.FILESYSTEM, VolumeMode.BLOCK)),
});

const clone = fc.record({
  source: cloneSource,
  image: goldenImage,
  targetNamespace: fc.constantFrom('golden', 'tenant-a', 'tenant-b'),
  api: fc.constantFrom(StorageApi.STORAGE, StorageApi.PVC),
  extra: fc.integer({ min: 0, max: 3 }),
  strategy: maybe(fc.constantFrom(CloneStrategy.COPY, CloneStrategy.SNAPSHOT, CloneStrategy.CSI_CLONE)),
  profileStrategy: maybe(fc.constantFrom(CloneStrategy.COPY, CloneStrategy.SNAPSHOT, CloneStrategy.CSI_CLONE)),
  creator: fc.constantFrom(ARGOCD, Grantee.user('jane@example.com'), Grantee.group('vm-operators')),
  preallocation: maybe(fc.boolean()),
});

describe('property: valid clones always synthesize; a cross-namespace clone always has exactly its RoleBinding', () => {
  test('every clone source kind and strategy, within and across namespaces', () => {
    fc.assert(fc.property(clone, (p) => {
      const app = new App();
      const chart = new Chart(app, 'p');
      let source: CloneSource;
      let sourceBytes: bigint | undefined;
      if (p.source.kind === 'golden') {
        const image = buildImage(chart, 'img', { ...p.image, source: ImageSource.blank() });
        source = CloneSource.fromGoldenImage(image);
        sourceBytes = p.image.size.bytes;
      } else {
        const options = { size: p.source.size?.text, storageClass: p.source.storageClass, volumeMode: p.source.volumeMode };
        const factory = { dataSource: CloneSource.fromDataSource, pvc: CloneSource.fromPvc, snapshot: CloneSource.fromSnapshot }[p.source.kind]!;
        source = factory(p.source.namespace, p.source.name, options);
        sourceBytes = p.source.size?.bytes;
      }
      // The size may only grow; the pvc API needs a size and exactly one access mode.
      const grow = sourceBytes === undefined ? undefined : `${sourceBytes / 2n ** 20n + BigInt(p.extra)}Mi`;
      const targetSize = p.api === StorageApi.PVC && grow === undefined ? '20Gi' : p.extra > 0 ? grow : undefined;
      const profile = p.profileStrategy === undefined ? undefined
        : new StorageClassProfile(chart, 'profile', { storageClass: source.storageClass ?? 'ceph-block', cloneStrategy: p.profileStrategy });
      const disk = new ClonedDisk(chart, 'disk', {
        name: 'vm-root',
        namespace: p.targetNamespace,
        source,
        size: targetSize,
        storageApi: p.api,
        accessModes: p.api === StorageApi.PVC ? [AccessMode.READ_WRITE_MANY] : undefined,
        strategy: p.strategy,
        storageProfile: profile,
        creator: p.creator,
        preallocation: p.preallocation,
      });
      const objects = synthObjects(app);
      const bindings = objects.filter((o) => o.kind === 'RoleBinding');
      if (source.namespace === p.targetNamespace) {
        expect(bindings).toHaveLength(0);
        expect(disk.roleBinding).toBeUndefined();
      } else {
        expect(bindings).toHaveLength(1);
        expect(bindings[0].metadata.namespace).toBe(source.namespace);
        expect(bindings[0].roleRef).toStrictEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CLONE_SOURCER_CLUSTER_ROLE });
        expect(bindings[0].subjects).toStrictEqual([p.creator._subject()]);
      }
      const dv = objects.find((o) => o.kind === 'DataVolume' && o.metadata.name === 'vm-root')!;
      expect(dv.metadata.namespace).toBe(p.targetNamespace);
      // Exactly one of source and sourceRef, naming the source.
      const ref = dv.spec.sourceRef ?? Object.values(dv.spec.source)[0];
      expect({ namespace: ref.namespace, name: ref.name }).toStrictEqual({ namespace: source.namespace, name: source.name });
      expect(Object.keys(dv.spec).filter((k) => k === 'pvc' || k === 'storage')).toStrictEqual([p.api]);
    }), { numRuns: NUM_RUNS });
  });
});

/** Inputs that break exactly one rule of a golden image or a clone. */
const invalidStorage: fc.Arbitrary<(chart: Chart) => void> = fc.oneof(
  // Sizes that are not whole byte quantities of at least 1Mi.
  // Random strings exclude everything shaped like a quantity (e.g. "1E" is a valid exabyte); the quantity-shaped
  // bad sizes are the listed ones and the byte counts below 1Mi.
  fc.oneof(
    fc.string().filter((s) => !/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$/.test(s)),
    fc.integer({ min: 1, max: 1048575 }).map(String),
    fc.constantFrom('1.5', '0', '-1Gi', '10 GB', '1Mi ', ''),
  )
    .map((s) => (c: Chart) => { new GoldenImage(c, 'i', { size: s, source: ImageSource.blank() }); }),
  // Names that are not DNS-1123.
  fc.string({ minLength: 1 }).filter((s) => !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(s))
    .map((name) => (c: Chart) => { new GoldenImage(c, 'i', { name, size: '1Gi', source: ImageSource.blank() }); }),
  // URLs with a scheme the source does not take.
  fc.tuple(fc.constantFrom('ftp', 'file', 's3', 'oci', 'docker'), label)
    .map(([scheme, host]) => (c: Chart) => { new GoldenImage(c, 'i', { size: '1Gi', source: ImageSource.http(`${scheme}://${host}/disk.img`) }); }),
  fc.string().filter((s) => !/^(docker|oci-archive):\/\/\S+$/i.test(s))
    .map((url) => (c: Chart) => { new GoldenImage(c, 'i', { size: '1Gi', source: ImageSource.registry(url) }); }),
  // Schedules that are not cron.
  fc.string().filter((s) => cronProblem(s) !== undefined)
    .map((schedule) => (c: Chart) => { new GoldenImage(c, 'i', { size: '1Gi', source: ImageSource.registry('docker://quay.io/f:1'), refresh: { schedule } }); }),
  // Refresh of a source a DataImportCron cannot poll.
  fc.constantFrom(ImageSource.blank(), ImageSource.upload(), ImageSource.http('https://x.example.com/f.img'))
    .map((source) => (c: Chart) => { new GoldenImage(c, 'i', { size: '1Gi', source, refresh: { schedule: '@daily' } }); }),
  // The pvc API without exactly one access mode.
  fc.constantFrom<AccessMode[] | undefined>(undefined, [], [AccessMode.READ_WRITE_ONCE, AccessMode.READ_WRITE_MANY])
    .map((modes) => (c: Chart) => { new GoldenImage(c, 'i', { size: '1Gi', source: ImageSource.blank(), storageApi: StorageApi.PVC, accessModes: modes }); }),
  // A clone smaller than its source.
  fc.tuple(fc.integer({ min: 2, max: 100 }), fc.integer({ min: 1, max: 99 })).filter(([s, t]) => t < s)
    .map(([s, t]) => (c: Chart) => { new ClonedDisk(c, 'd', { source: CloneSource.fromPvc('test', 'src', { size: `${s}Gi` }), size: `${t}Gi` }); }),
  // A clone across namespaces without a creator.
  fc.tuple(fc.constantFrom('dataSource', 'pvc', 'snapshot'), label).filter(([, ns]) => ns !== 'default')
    .map(([kind, ns]) => (c: Chart) => {
      const factory = { dataSource: CloneSource.fromDataSource, pvc: CloneSource.fromPvc, snapshot: CloneSource.fromSnapshot }[kind]!;
      new ClonedDisk(c, 'd', { namespace: 'default', source: factory(ns, 'src') });
    }),
  // A strategy that is not one of CloneStrategy, or one demanded without anything selecting it.
  fc.string().filter((s) => !['copy', 'snapshot', 'csi-clone'].includes(s))
    .map((strategy) => (c: Chart) => { new ClonedDisk(c, 'd', { source: CloneSource.fromPvc('default', 'src'), strategy: strategy as CloneStrategy }); }),
  fc.constantFrom(CloneStrategy.COPY, CloneStrategy.SNAPSHOT, CloneStrategy.CSI_CLONE, undefined)
    .map((strategy) => (c: Chart) => { new ClonedDisk(c, 'd', { source: CloneSource.fromPvc('default', 'src'), strategy, requireStrategy: true }); }),
);

describe('property: invalid golden images and clones always fail with the library\'s own error', () => {
  test('random invalid inputs never crash and never produce YAML', () => {
    fc.assert(fc.property(invalidStorage, (build) => {
      const error = synthError(build);
      expect(error).toBeInstanceOf(KubeVirtConfigError);
      expectLibraryError(error, /^\[test\/[id]\] [\w.[\]]+: /);
    }), { numRuns: NUM_RUNS });
  });
});
