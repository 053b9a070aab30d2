import { ApiObject, Lazy, Names } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IMMEDIATE_BINDING_ANNOTATION } from './annotations';
import { renderClone } from './clone';
import { CloneSource } from './clone-source';
import { cronProblem } from './cron';
import { Grantee } from './grantee';
import { ImageSource, ImageSourceKind } from './image-source';
import { ensureCloneGrant } from './rbac';
import {
  checkAccessModes, checkDataVolumeSpec, checkEnum, checkSize, checkStorageApi, checkStorageClass, checkVolumeMode, renderStorage,
} from './spec';
import { AccessMode, ImportGarbageCollection, StorageApi, VolumeMode } from './types';
import { check, fail } from '../core/errors';
import { requireDns1035Label, requireDns1123Label, requireDns1123Subdomain, requireLabels } from '../core/names';
import { metadata, resolveNamespace, setSyncWave, SyncWaves } from '../core/objects';
import { DataImportCron, DataSource, DataVolume } from '../imports/cdi.kubevirt.io';

/**
 * Keeping a golden image fresh with a DataImportCron.
 */
export interface ImageRefreshOptions {
  /** When to look for a new image, in cron format (five fields, or a descriptor such as `@daily`). */
  readonly schedule: string;
  /**
   * How many imports to keep when garbage-collecting.
   * @default - CDI's default (3)
   */
  readonly importsToKeep?: number;
  /**
   * Whether outdated imports are deleted.
   * @default - CDI's default (ImportGarbageCollection.OUTDATED)
   */
  readonly garbageCollect?: ImportGarbageCollection;
}

/**
 * Properties of a golden image.
 */
export interface GoldenImageProps {
  /** Where the image comes from. */
  readonly source: ImageSource;
  /** Size of the image's volume (a Kubernetes quantity, at least 1Mi); clones are at least this big. */
  readonly size: string;
  /**
   * Name of the DataVolume (with `refresh`: of the DataImportCron).
   * @default - a name generated from the construct path
   */
  readonly name?: string;
  /**
   * Namespace of the image.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * Storage class of the image's volume; clones that want a smart clone use the same one.
   * @default - the cluster's default (virtualization) storage class
   */
  readonly storageClass?: string;
  /**
   * Access modes of the image's volume.
   * @default - from the StorageProfile (storage API); required with the pvc API
   */
  readonly accessModes?: AccessMode[];
  /**
   * Volume mode of the image's volume.
   * @default - from the StorageProfile (storage API); Filesystem (pvc API)
   */
  readonly volumeMode?: VolumeMode;
  /**
   * Which DataVolume storage API to write.
   * @default StorageApi.STORAGE
   */
  readonly storageApi?: StorageApi;
  /**
   * Allocate the whole volume up front when importing (CDI `preallocation`). "Pre-allocated" in the talk means
   * imported once, ahead of time, which every golden image is; this option is thick provisioning on top: CDI
   * writes the whole size, which costs the full size on thin storage and time at import.
   * @default - not preallocated (CDI's cluster-wide `preallocation` setting, off unless the admin turns it on)
   */
  readonly preallocation?: boolean;
  /**
   * Annotate `cdi.kubevirt.io/storage.bind.immediate.requested`, so the import does not wait for a consumer on
   * WaitForFirstConsumer storage (a golden image never gets one). With `refresh` CDI does this itself, and false
   * is refused.
   * @default true
   */
  readonly immediateBinding?: boolean;
  /**
   * Write a DataSource, the stable name consumers clone from. Always there with `refresh` (the
   * DataImportCron manages it).
   * @default true
   */
  readonly dataSource?: boolean;
  /**
   * Name of the DataSource.
   * @default - the image's name
   */
  readonly dataSourceName?: string;
  /**
   * Keep the image fresh: a DataImportCron polls the registry and re-imports when the image changes,
   * pointing the DataSource at the newest import. Registry sources only.
   * @default - imported once
   */
  readonly refresh?: ImageRefreshOptions;
  /**
   * The identity that creates the image's DataVolume (under GitOps, the controller's ServiceAccount). Needed
   * only for `ImageSource.pvc()` from another namespace, where CDI checks its clone permission.
   * @default - none
   */
  readonly creator?: Grantee;
  /**
   * Labels on every object of the image.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * Options of the upload command.
 */
export interface UploadCommandOptions {
  /**
   * URL of the CDI upload proxy, when virtctl cannot find it in the CDIConfig (e.g. behind an ingress).
   * @default - virtctl reads it from the CDIConfig
   */
  readonly uploadProxyUrl?: string;
  /**
   * Skip TLS verification of the upload proxy (self-signed proxy certificates in isolated clusters).
   * @default false
   */
  readonly insecure?: boolean;
}

/**
 * A golden image: downloaded (or uploaded) once, ahead of time, into a DataVolume (the talk's "pre-allocated
 * DataVolume"), then cloned per VM instead of downloading the image into every VM's disk. A DataSource gives
 * consumers a stable name; with `refresh`, a DataImportCron keeps the image up to date.
 *
 * Written objects: a DataVolume (annotated for immediate binding), a DataSource, or, with `refresh`, a
 * DataImportCron that manages the DataSource.
 *
 * @example
 * const fedora = new GoldenImage(chart, 'fedora', {
 *   name: 'fedora', namespace: 'golden-images', size: '10Gi', storageClass: 'ceph-block',
 *   source: ImageSource.registry('docker://quay.io/containerdisks/fedora:40'),
 * });
 * new ClonedDisk(chart, 'root', { namespace: 'tenant-a', source: CloneSource.fromGoldenImage(fedora),
 *   creator: Grantee.serviceAccount('argocd', 'argocd-application-controller') });
 */
export class GoldenImage extends Construct {
  /** Name of the DataVolume (with `refresh`: of the DataImportCron). */
  public readonly name: string;
  /** Namespace of the image. */
  public readonly namespace: string;
  /** Size of the image's volume. */
  public readonly size: string;
  /** Storage class of the image's volume, if set. */
  public readonly storageClass?: string;
  /** Volume mode of the image's volume, if set. */
  public readonly volumeMode?: VolumeMode;
  /** Access modes of the image's volume, if set. */
  public readonly accessModes?: AccessMode[];
  /** The storage API of the image's DataVolume. */
  public readonly storageApi: StorageApi;
  /** Name of the DataSource consumers clone from, if there is one. */
  public readonly dataSourceName?: string;
  /** Where the image comes from. */
  public readonly sourceKind: ImageSourceKind;
  /** The DataVolume (undefined with `refresh`: the DataImportCron creates the DataVolumes). */
  public readonly dataVolume?: ApiObject;
  /** The DataSource this image writes (undefined with `refresh`, which manages it, or with `dataSource: false`). */
  public readonly dataSource?: ApiObject;
  /** The DataImportCron, with `refresh`. */
  public readonly dataImportCron?: ApiObject;
  /** The RoleBinding that lets `creator` clone an `ImageSource.pvc()` from another namespace. */
  public readonly sourceRoleBinding?: ApiObject;

  private readonly labels?: { [key: string]: string };
  private uploadRole?: ApiObject;
  private readonly uploaders = new Map<string, Grantee>();

  constructor(scope: Construct, id: string, props: GoldenImageProps) {
    super(scope, id);
    check(props.source instanceof ImageSource, this, 'source', props.source, 'must be an ImageSource (ImageSource.http(), registry(), s3(), gcs(), pvc(), blank() or upload())');
    const source = props.source;
    this.namespace = resolveNamespace(this, props.namespace);
    requireLabels(this, 'labels', props.labels);
    this.name = requireDns1123Subdomain(this, 'name', props.name ?? Names.toDnsLabel(this));
    this.storageApi = checkStorageApi(this, 'storageApi', props.storageApi);
    checkSize(this, 'size', props.size);
    this.size = props.size;
    this.storageClass = checkStorageClass(this, 'storageClass', props.storageClass);
    this.volumeMode = checkVolumeMode(this, 'volumeMode', props.volumeMode);
    this.accessModes = checkAccessModes(this, 'accessModes', props.accessModes, this.storageApi);
    if (this.storageApi === StorageApi.PVC && this.accessModes === undefined) {
      fail(this, 'accessModes', undefined, 'is required with StorageApi.PVC (CDI needs exactly one access mode in a pvc); give accessModes or use StorageApi.STORAGE');
    }
    if (props.preallocation !== undefined) {
      check(typeof props.preallocation === 'boolean', this, 'preallocation', props.preallocation, 'must be true or false');
    }
    this.sourceKind = source.kind;
    this.labels = props.labels;

    const refresh = props.refresh;
    if (refresh) {
      check(props.dataSource !== false, this, 'dataSource', false, 'cannot be false with refresh: the DataImportCron manages the DataSource consumers clone from');
      check(source.kind === ImageSourceKind.REGISTRY, this, 'refresh', source.kind, 'needs ImageSource.registry(): a DataImportCron polls container registries only');
    }
    if (props.dataSource !== false) {
      const dsName = props.dataSourceName ?? this.name;
      // A DataImportCron's managedDataSource must be a DNS-1035 label (CDI's webhook); a plain DataSource a subdomain.
      this.dataSourceName = refresh ? requireDns1035Label(this, 'dataSourceName', dsName) : requireDns1123Subdomain(this, 'dataSourceName', dsName);
    } else {
      check(props.dataSourceName === undefined, this, 'dataSourceName', props.dataSourceName, 'cannot be set with dataSource: false');
    }

    // The DataVolume spec: a clone for a PVC source, an import otherwise.
    let spec: Record<string, any>;
    let cloneAnnotations: Record<string, string> = {};
    if (source.kind === ImageSourceKind.PVC) {
      const pvc = source._settings.pvc!;
      const rendered = renderClone(this, {
        name: this.name,
        namespace: this.namespace,
        source: CloneSource.fromPvc(pvc.namespace, pvc.name, pvc.options),
        options: {
          size: this.size,
          storageClass: this.storageClass,
          accessModes: this.accessModes,
          volumeMode: this.volumeMode,
          preallocation: props.preallocation,
          storageApi: this.storageApi,
        },
        creator: props.creator,
      });
      spec = rendered.spec;
      cloneAnnotations = rendered.annotations;
      this.sourceRoleBinding = rendered.roleBinding;
    } else {
      spec = {
        source: source._render(this, 'source'),
        ...renderStorage({
          api: this.storageApi,
          size: this.size,
          storageClass: this.storageClass,
          accessModes: this.accessModes,
          volumeMode: this.volumeMode,
        }),
      };
      if (props.preallocation !== undefined) spec.preallocation = props.preallocation;
      checkDataVolumeSpec(this, 'spec', spec);
    }

    const immediate = props.immediateBinding ?? true;
    if (refresh) {
      check(props.immediateBinding !== false, this, 'immediateBinding', false,
        'cannot be false with refresh: CDI binds every import of a DataImportCron immediately, whatever the cron says');
      this.dataImportCron = this.writeImportCron(refresh, spec);
      return;
    }
    const annotations: Record<string, string> = { ...cloneAnnotations };
    if (immediate) annotations[IMMEDIATE_BINDING_ANNOTATION] = 'true';
    // Plain JSON spec (shared with renderClone); the typed binding gives apiVersion and kind.
    this.dataVolume = new ApiObject(this, 'DataVolume', {
      ...DataVolume.GVK,
      metadata: metadata({ name: this.name, namespace: this.namespace, labels: this.labels, annotations: sorted(annotations) }),
      spec,
    });
    setSyncWave(this.dataVolume, SyncWaves.IMAGE);

    if (this.dataSourceName !== undefined) {
      this.dataSource = new DataSource(this, 'DataSource', {
        metadata: metadata({ name: this.dataSourceName, namespace: this.namespace, labels: this.labels }),
        spec: { source: { pvc: { name: this.name, namespace: this.namespace } } },
      });
      setSyncWave(this.dataSource, SyncWaves.IMAGE);
    }
  }

  /**
   * Lets `grantee` clone this image into other namespaces: a RoleBinding of CDI's
   * `cdi.kubevirt.io:clone-sourcer` ClusterRole in the image's namespace (once per chart and grantee).
   * Returns undefined for a ServiceAccount of the image's own namespace, which CDI never checks.
   * For a VM, the grantee is the VM's ServiceAccount; for a standalone DataVolume, whoever creates it.
   */
  public grantClone(grantee: Grantee): ApiObject | undefined {
    check(grantee instanceof Grantee, this, 'grantee', grantee, 'must be a Grantee');
    grantee._validate(this, 'grantee');
    if (grantee.kind === 'ServiceAccount' && grantee.namespace === this.namespace) return undefined;
    return ensureCloneGrant(this, this.namespace, grantee, 'grantee');
  }

  /**
   * Lets `grantee` upload the image with `virtctl image-upload dv NAME --no-create` (see `uploadCommand`): a Role
   * in the image's namespace and a RoleBinding to every uploader, written before the image (sync wave
   * `IMAGE_ACCESS`), since the image's DataVolume stays unhealthy until the upload. The Role allows exactly what
   * virtctl (KubeVirt v1.9.0 pkg/virtctl/imageupload) asks for with `--no-create`: `create` on
   * `uploadtokenrequests` (`upload.cdi.kubevirt.io`); `get` on this one DataVolume; `get` on
   * persistentvolumeclaims, without a name, because with CDI's volume populators (v1.66 on CSI storage) the
   * bytes land on a `prime-<uid>` PVC whose name is known only once the target PVC exists; and `list` on
   * events, which virtctl reads while it waits. Reading the upload proxy URL from the CDIConfig is granted to
   * every authenticated user by CDI itself (ClusterRole `cdi.kubevirt.io:config-reader`). Only for
   * `ImageSource.upload()`.
   */
  public grantUpload(grantee: Grantee): ApiObject {
    check(this.sourceKind === ImageSourceKind.UPLOAD, this, 'grantUpload', this.sourceKind, 'only applies to a golden image from ImageSource.upload()');
    check(grantee instanceof Grantee, this, 'grantee', grantee, 'must be a Grantee');
    grantee._validate(this, 'grantee');
    this.uploaders.set(grantee._key, grantee);
    if (!this.uploadRole) {
      this.uploadRole = new k8s.KubeRole(this, 'UploadRole', {
        metadata: metadata({ namespace: this.namespace, labels: this.labels }),
        rules: [
          { apiGroups: ['upload.cdi.kubevirt.io'], resources: ['uploadtokenrequests'], verbs: ['create'] },
          { apiGroups: ['cdi.kubevirt.io'], resources: ['datavolumes'], resourceNames: [this.name], verbs: ['get'] },
          // The target PVC by name and, with populators, its prime-<uid> PVC: RBAC cannot name a prefix.
          { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get'] },
          { apiGroups: [''], resources: ['events'], verbs: ['list'] },
        ],
      });
      setSyncWave(this.uploadRole, SyncWaves.IMAGE_ACCESS);
      const binding = new k8s.KubeRoleBinding(this, 'UploadRoleBinding', {
        metadata: metadata({ namespace: this.namespace, labels: this.labels }),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.uploadRole.name },
        subjects: Lazy.any({
          produce: () => [...this.uploaders.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g._subject()),
        }),
      });
      setSyncWave(binding, SyncWaves.IMAGE_ACCESS);
    }
    return this.uploadRole;
  }

  /**
   * The command that pushes the image file at `imagePath` into this golden image (for clusters that cannot
   * download): `virtctl image-upload dv 'NAME' --namespace='NS' --no-create --image-path='PATH'`, every value in
   * single quotes so that the command is safe to paste into a POSIX shell whatever the path holds. virtctl asks
   * for an upload token and POSTs the file to the CDI upload proxy; the uploader needs `grantUpload()`.
   */
  public uploadCommand(imagePath: string, options: UploadCommandOptions = {}): string {
    check(this.sourceKind === ImageSourceKind.UPLOAD, this, 'uploadCommand', this.sourceKind, 'only applies to a golden image from ImageSource.upload()');
    check(typeof imagePath === 'string' && imagePath !== '', this, 'imagePath', imagePath, 'must be the path of the image file');
    // eslint-disable-next-line no-control-regex
    check(!/[\u0000-\u001f\u007f]/.test(imagePath), this, 'imagePath', imagePath, 'must not contain control characters (a newline would end the command)');
    const words = ['virtctl', 'image-upload', 'dv', shellQuote(this.name), `--namespace=${shellQuote(this.namespace)}`, '--no-create',
      `--image-path=${shellQuote(imagePath)}`];
    if (options.uploadProxyUrl !== undefined) {
      check(/^https?:\/\/[^\s'"`$\\]+$/.test(options.uploadProxyUrl), this, 'uploadProxyUrl', options.uploadProxyUrl, 'must be an http:// or https:// URL');
      words.push(`--uploadproxy-url=${shellQuote(options.uploadProxyUrl)}`);
    }
    if (options.insecure) words.push('--insecure');
    return words.join(' ');
  }

  private writeImportCron(refresh: ImageRefreshOptions, template: Record<string, any>): ApiObject {
    requireDns1123Label(this, 'name', this.name); // CDI labels the imports with the cron's name
    const problem = cronProblem(refresh.schedule);
    if (problem) fail(this, 'refresh.schedule', refresh.schedule, `must be a cron schedule: ${problem}`);
    const spec: Record<string, any> = {};
    if (refresh.garbageCollect !== undefined) {
      spec.garbageCollect = checkEnum(this, 'refresh.garbageCollect', refresh.garbageCollect,
        ImportGarbageCollection as Record<string, ImportGarbageCollection>, 'ImportGarbageCollection');
    }
    if (refresh.importsToKeep !== undefined) {
      check(Number.isInteger(refresh.importsToKeep) && refresh.importsToKeep >= 0 && refresh.importsToKeep <= 2 ** 31 - 1,
        this, 'refresh.importsToKeep', refresh.importsToKeep, 'must be a whole number from 0 up');
      spec.importsToKeep = refresh.importsToKeep;
    }
    spec.managedDataSource = this.dataSourceName;
    spec.schedule = refresh.schedule;
    spec.template = { spec: template };
    const cron = new ApiObject(this, 'DataImportCron', {
      ...DataImportCron.GVK,
      // No immediate-binding annotation: CDI puts it on every DataVolume a cron creates itself, and passes no
      // annotation of the cron's on but the pod-retain one (v1.66.0 dataimportcron-controller.go newSourceDataVolume).
      metadata: metadata({ name: this.name, namespace: this.namespace, labels: this.labels }),
      spec,
    });
    setSyncWave(cron, SyncWaves.IMAGE);
    return cron;
  }
}

function sorted(m: Record<string, string>): Record<string, string> | undefined {
  const keys = Object.keys(m).sort();
  return keys.length === 0 ? undefined : Object.fromEntries(keys.map((k) => [k, m[k]]));
}

/** One shell word in single quotes; a single quote inside becomes '\'' (close, escaped quote, reopen). */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, '\'\\\'\'')}'`;
}
