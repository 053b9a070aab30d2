/**
 * The DataVolume storage section (`spec.storage` / `spec.pvc`) and the admission rules of CDI's DataVolume
 * webhook (pkg/apiserver/webhooks/datavolume-validate.go), shared by golden images, clones and import crons.
 * Internal: not re-exported by index.ts.
 */
import { IConstruct } from 'constructs';
import { check, checkEnum } from '../../core/errors';
import { requireDns1123Subdomain } from '../../core/names';
import { MEBIBYTE, parseBytes } from '../../core/quantity';
import { AccessMode, StorageApi, VolumeMode } from '../types';

/** CDI's smallest DataVolume. */
export const MIN_DATA_VOLUME_SIZE = '1Mi';

export { checkEnum };

export function checkStorageApi(scope: IConstruct, field: string, value: StorageApi | undefined): StorageApi {
  if (value === undefined) return StorageApi.STORAGE;
  return checkEnum(scope, field, value, StorageApi as Record<string, StorageApi>, 'StorageApi',
    ': a DataVolume takes exactly one of spec.storage and spec.pvc');
}

/** A DataVolume size: a Kubernetes quantity of whole bytes, at least 1Mi. Returns the bytes. */
export function checkSize(scope: IConstruct, field: string, value: string): bigint {
  const bytes = parseBytes(scope, field, value);
  check(bytes >= MEBIBYTE, scope, field, value, `must be at least ${MIN_DATA_VOLUME_SIZE} (CDI's smallest DataVolume)`);
  return bytes;
}

export function checkVolumeMode(scope: IConstruct, field: string, value: VolumeMode | undefined): VolumeMode | undefined {
  return value === undefined ? undefined : checkEnum(scope, field, value, VolumeMode as Record<string, VolumeMode>, 'VolumeMode');
}

/** Access modes: known values, no duplicates; the `pvc` API needs exactly one. */
export function checkAccessModes(scope: IConstruct, field: string, modes: AccessMode[] | undefined, api: StorageApi): AccessMode[] | undefined {
  if (modes === undefined) return undefined;
  check(Array.isArray(modes), scope, field, modes, 'must be a list of access modes');
  modes.forEach((m, i) => checkEnum(scope, `${field}[${i}]`, m, AccessMode as Record<string, AccessMode>, 'AccessMode'));
  check(new Set(modes).size === modes.length, scope, field, modes, 'must not repeat an access mode');
  if (api === StorageApi.PVC) {
    check(modes.length === 1, scope, field, modes, 'must hold exactly one access mode with StorageApi.PVC (CDI rejects a pvc with none or several)');
  }
  return modes;
}

export function checkStorageClass(scope: IConstruct, field: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : requireDns1123Subdomain(scope, field, value);
}

/** What a DataVolume asks of its volume. */
export interface TargetStorage {
  readonly api: StorageApi;
  /** Quantity as the user wrote it; undefined only for `storage` clones (CDI takes the source's size). */
  readonly size?: string;
  readonly storageClass?: string;
  readonly accessModes?: AccessMode[];
  readonly volumeMode?: VolumeMode;
}

/** `{ pvc: {...} }` or `{ storage: {...} }`, keys in the order `kubectl get -o yaml` prints them. */
export function renderStorage(target: TargetStorage): Record<string, any> {
  const body: Record<string, any> = {};
  if (target.accessModes !== undefined && target.accessModes.length > 0) body.accessModes = [...target.accessModes];
  if (target.size !== undefined) body.resources = { requests: { storage: target.size } };
  if (target.storageClass !== undefined) body.storageClassName = target.storageClass;
  if (target.volumeMode !== undefined) body.volumeMode = target.volumeMode;
  return { [target.api]: body };
}

const SOURCE_KINDS = ['blank', 'gcs', 'http', 'imageio', 'pvc', 'registry', 's3', 'snapshot', 'upload', 'vddk'];

/**
 * The admission rules of CDI's DataVolume webhook, applied to a rendered spec before it is written.
 * The renderers above cannot produce a spec that breaks them; this is the last line of defence that
 * keeps a refused manifest from ever being emitted.
 */
export function checkDataVolumeSpec(scope: IConstruct, field: string, spec: Record<string, any>): void {
  const targets = ['pvc', 'storage'].filter((k) => spec[k] !== undefined);
  check(targets.length === 1, scope, field, targets, 'must have exactly one of pvc and storage');
  const target = spec[targets[0]];
  const size = target.resources?.requests?.storage;

  const sources = ['source', 'sourceRef'].filter((k) => spec[k] !== undefined);
  check(sources.length === 1, scope, field, sources, 'must have exactly one of source and sourceRef');
  let isClone = spec.sourceRef !== undefined;
  if (spec.source !== undefined) {
    const kinds = Object.keys(spec.source);
    check(kinds.length === 1 && SOURCE_KINDS.includes(kinds[0]), scope, `${field}.source`, kinds, 'must have exactly one source kind');
    const kind = kinds[0];
    if (kind === 'pvc' || kind === 'snapshot') {
      isClone = true;
      check(!!spec.source[kind].name && !!spec.source[kind].namespace, scope, `${field}.source.${kind}`, spec.source[kind], 'needs a name and a namespace');
    }
  } else {
    check(spec.sourceRef.kind === 'DataSource' && !!spec.sourceRef.name, scope, `${field}.sourceRef`, spec.sourceRef, 'must name a DataSource');
  }

  if (size === undefined) {
    check(targets[0] === 'storage' && isClone, scope, `${field}.${targets[0]}.resources.requests.storage`, size,
      'is required: only a clone with the storage API may leave its size to CDI');
  } else {
    checkSize(scope, `${field}.${targets[0]}.resources.requests.storage`, size);
  }
  if (targets[0] === 'pvc') {
    check(Array.isArray(target.accessModes) && target.accessModes.length === 1, scope, `${field}.pvc.accessModes`, target.accessModes,
      'must hold exactly one access mode');
  }
}
