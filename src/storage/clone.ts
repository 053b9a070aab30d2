/**
 * One way to render a clone: the DataVolume spec, its annotations and the RBAC CDI needs, shared by
 * ClonedDisk, golden images imported from a PVC, and the dataVolumeTemplates of KubeVirtVm.
 * Internal: not re-exported by index.ts.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CloneOptions } from './clone-options';
import { CloneSource, CloneSourceKind } from './clone-source';
import { Grantee } from './grantee';
import { requireCloneStrategy } from './prerequisites';
import { ensureCloneGrant } from './rbac';
import {
  checkAccessModes, checkDataVolumeSpec, checkEnum, checkSize, checkStorageApi, checkStorageClass, checkVolumeMode, renderStorage,
} from './spec';
import { CloneStrategy, StorageApi, VolumeBindingMode, VolumeMode } from './types';
import { check, fail } from '../core/errors';
import { requireDns1123Label, requireDns1123Subdomain } from '../core/names';

/** Why a clone's expected strategy will not happen (CDI marks the PVC with `cdi.kubevirt.io/cloneFallbackReason`). */
export const CLONE_STRATEGY_FALLBACK_ANNOTATION = 'cdk8s-kubevirt.io/clone-strategy-fallback';

/** What to clone, where, and who CDI will check. */
export interface CloneRequest {
  /** Name of the target DataVolume. */
  readonly name: string;
  /** Namespace of the target DataVolume. */
  readonly namespace: string;
  readonly source: CloneSource;
  readonly options: CloneOptions;
  /**
   * For a VM's dataVolumeTemplates: the ServiceAccount KubeVirt authorizes the clone for (the VM's
   * `serviceAccountName`, else its serviceAccount volume, else `default`; kubevirt vm.go authorizeDataVolume).
   */
  readonly serviceAccount?: { readonly namespace: string; readonly name: string };
  /**
   * For a standalone DataVolume: the identity that creates it. CDI's DataVolume webhook authorizes the
   * requesting user (datavolume-mutate.go, `AuthorizeUser(..., ar.Request.UserInfo)`), i.e. whoever applies
   * the manifest: under GitOps the controller's ServiceAccount, not a ServiceAccount of the target namespace.
   * Takes precedence over `serviceAccount`.
   */
  readonly creator?: Grantee;
  /** Prefix of field names in error messages, e.g. `disks[0]`. */
  readonly field?: string;
}

/** The rendered clone. */
export interface RenderedClone {
  /** The DataVolume `spec`: `source` or `sourceRef`, and `storage` or `pvc`. */
  readonly spec: Record<string, any>;
  /** Annotations for the DataVolume (empty, or the reason the expected strategy will not happen). */
  readonly annotations: Record<string, string>;
  /** The RoleBinding in the source namespace, when the clone crosses namespaces. */
  readonly roleBinding?: ApiObject;
}

interface Verdict {
  /** Known to prevent the strategy. */
  readonly impossible: string[];
  /** Prerequisites that synth time cannot confirm. */
  readonly unproven: string[];
}

/**
 * Validates a clone request and renders it. When the source lives in another namespace than the one CDI
 * compares it with, makes sure the RoleBinding that grants clone rights exists in the source namespace
 * (once per chart, source namespace and subject). Throws the library's error for `scope` on bad input.
 */
export function renderClone(scope: IConstruct, request: CloneRequest): RenderedClone {
  const f = (name: string) => (request.field ? `${request.field}.${name}` : name);
  const { source, options } = request;
  requireDns1123Subdomain(scope, f('name'), request.name);
  requireDns1123Label(scope, f('namespace'), request.namespace);

  // The source.
  check(source instanceof CloneSource, scope, f('source'), source, 'must be a CloneSource (CloneSource.fromGoldenImage(), fromDataSource(), fromPvc() or fromSnapshot())');
  requireDns1123Label(scope, f('source.namespace'), source.namespace);
  requireDns1123Subdomain(scope, f('source.name'), source.name);
  const sourceBytes = source.size === undefined ? undefined : checkSize(scope, f('source.size'), source.size);
  checkStorageClass(scope, f('source.storageClass'), source.storageClass);
  checkVolumeMode(scope, f('source.volumeMode'), source.volumeMode);

  // The target.
  const api = checkStorageApi(scope, f('storageApi'), options.storageApi);
  const profile = options.storageProfile;
  checkStorageClass(scope, f('storageClass'), options.storageClass);
  if (profile && options.storageClass !== undefined) {
    check(options.storageClass === profile.storageClass, scope, f('storageClass'), options.storageClass,
      `differs from the class of storageProfile (${JSON.stringify(profile.storageClass)})`);
  }
  const storageClass = options.storageClass ?? profile?.storageClass ?? source.storageClass;
  const volumeMode = checkVolumeMode(scope, f('volumeMode'), options.volumeMode) ?? source.volumeMode;
  const inheritedModes = api === StorageApi.PVC && source.accessModes?.length === 1 ? source.accessModes : undefined;
  const accessModes = checkAccessModes(scope, f('accessModes'), options.accessModes ?? inheritedModes, api);
  if (api === StorageApi.PVC && accessModes === undefined) {
    fail(scope, f('accessModes'), undefined, 'is required with StorageApi.PVC (CDI needs exactly one access mode in a pvc); give accessModes or use StorageApi.STORAGE');
  }

  let size: string | undefined;
  if (options.size !== undefined) {
    const bytes = checkSize(scope, f('size'), options.size);
    if (sourceBytes !== undefined && bytes < sourceBytes) {
      fail(scope, f('size'), options.size, `must be at least the source's size ${JSON.stringify(source.size)}: CDI refuses a clone smaller than its source`);
    }
    size = options.size;
  } else if (api === StorageApi.PVC) {
    if (source.size === undefined) {
      fail(scope, f('size'), undefined, 'is required with StorageApi.PVC when the source\'s size is unknown; give size, the source\'s size, or use StorageApi.STORAGE');
    }
    size = source.size;
  }
  if (options.preallocation !== undefined) {
    check(typeof options.preallocation === 'boolean', scope, f('preallocation'), options.preallocation, 'must be true or false');
  }

  const spec: Record<string, any> = {};
  switch (source.kind) {
    case CloneSourceKind.DATA_SOURCE:
      spec.sourceRef = { kind: 'DataSource', name: source.name, namespace: source.namespace };
      break;
    case CloneSourceKind.PVC:
      spec.source = { pvc: { namespace: source.namespace, name: source.name } };
      break;
    case CloneSourceKind.SNAPSHOT:
      spec.source = { snapshot: { namespace: source.namespace, name: source.name } };
      break;
    default:
      fail(scope, f('source.kind'), source.kind, 'must be a CloneSourceKind');
  }
  Object.assign(spec, renderStorage({ api, size, storageClass, accessModes, volumeMode }));
  if (options.preallocation !== undefined) spec.preallocation = options.preallocation;
  checkDataVolumeSpec(scope, f('spec'), spec);

  // Who CDI checks, and whether the source namespace is another one for that check.
  const sa = request.serviceAccount;
  const subject = request.creator ?? (sa ? Grantee.serviceAccount(sa.namespace, sa.name) : undefined);
  const subjectField = request.creator ? f('creator') : f('serviceAccount');
  // CDI skips the check when the source is in the target namespace (user) or the ServiceAccount's (VM).
  const comparedNamespace = !request.creator && sa ? sa.namespace : request.namespace;
  const crossNamespace = source.namespace !== comparedNamespace;

  // The strategy.
  const strategy = options.strategy ?? profile?.cloneStrategy;
  if (options.strategy !== undefined) checkEnum(scope, f('strategy'), options.strategy, CloneStrategy as Record<string, CloneStrategy>, 'CloneStrategy');
  if (options.requireStrategy) {
    check(strategy !== undefined, scope, f('requireStrategy'), true, 'needs a strategy (or a storageProfile with a cloneStrategy) to demand');
  }
  const annotations: Record<string, string> = {};
  if (strategy !== undefined) {
    const verdict = judgeStrategy(strategy, {
      source,
      api,
      profile,
      storageClass,
      volumeMode,
      crossNamespace: source.namespace !== request.namespace,
    });
    if (options.requireStrategy) {
      if (verdict.impossible.length > 0) {
        fail(scope, f('strategy'), strategy, `is demanded but cannot happen: ${verdict.impossible.join('; ')}`);
      }
      if (verdict.unproven.length > 0) {
        fail(scope, f('strategy'), strategy, `is demanded but cannot be confirmed at synth time: ${verdict.unproven.join('; ')}`);
      }
    } else if (verdict.impossible.length > 0) {
      annotations[CLONE_STRATEGY_FALLBACK_ANNOTATION] = `${strategy} will not be used: ${verdict.impossible.join('; ')}`;
    }
    // What the expected strategy needs from the storage, unless it is known not to happen (a snapshot source is restored).
    if (verdict.impossible.length === 0 && source.kind !== CloneSourceKind.SNAPSHOT) {
      requireCloneStrategy(scope, strategy, storageClass, profile?.snapshotClass, f('strategy'));
    }
  }

  let roleBinding: ApiObject | undefined;
  if (crossNamespace) {
    if (!subject) {
      fail(scope, f('creator'), undefined, `is required to clone from namespace ${JSON.stringify(source.namespace)} into ${JSON.stringify(request.namespace)}: `
        + 'CDI checks that whoever creates the DataVolume may create datavolumes/source in the source namespace; '
        + 'under GitOps that is the controller, e.g. Grantee.serviceAccount("argocd", "argocd-application-controller")');
    }
    subject._validate(scope, subjectField);
    roleBinding = ensureCloneGrant(scope, source.namespace, subject, subjectField);
  }
  return { spec, annotations, roleBinding };
}

interface StrategyContext {
  readonly source: CloneSource;
  readonly api: StorageApi;
  readonly profile?: CloneOptions['storageProfile'];
  readonly storageClass?: string;
  readonly volumeMode?: VolumeMode;
  readonly crossNamespace: boolean;
}

/** What synth time can say about a clone strategy (CDI doc/efficient-cloning.md, smart-clone.md, csi-cloning.md). */
function judgeStrategy(strategy: CloneStrategy, c: StrategyContext): Verdict {
  const impossible: string[] = [];
  const unproven: string[] = [];
  const q = JSON.stringify;
  const fromSnapshot = c.source.kind === CloneSourceKind.SNAPSHOT;

  if (fromSnapshot) {
    // A VolumeSnapshot source is restored when the storage allows, else copied; no StorageProfile choice applies.
    if (strategy !== CloneStrategy.SNAPSHOT) impossible.push(`a VolumeSnapshot source is restored from the snapshot, never cloned with ${strategy}`);
  } else if (c.profile?.cloneStrategy !== undefined && c.profile.cloneStrategy !== strategy) {
    impossible.push(`the StorageProfile of ${q(c.profile.storageClass)} selects ${c.profile.cloneStrategy} (${c.profile.node.path})`);
  } else if (c.profile?.cloneStrategy === undefined) {
    unproven.push(`nothing selects it: pass storageProfile, a StorageClassProfile of the target class with cloneStrategy ${strategy}`);
  }
  if (strategy === CloneStrategy.COPY) return { impossible, unproven };

  // Smart and CSI clones need the same storage class and volume mode on both sides.
  if (c.source.storageClass === undefined) {
    unproven.push('the source\'s storage class is unknown (give it in the CloneSource options or on the golden image)');
  } else if (c.storageClass !== c.source.storageClass) {
    impossible.push(`the source's storage class ${q(c.source.storageClass)} differs from the target's ${q(c.storageClass)}`);
  }
  const defaultMode = (api: StorageApi) => (api === StorageApi.PVC ? VolumeMode.FILESYSTEM : c.profile?.volumeMode);
  const targetMode = c.volumeMode ?? defaultMode(c.api);
  const sourceMode = c.source.volumeMode;
  if (sourceMode !== undefined && targetMode !== undefined && sourceMode !== targetMode) {
    impossible.push(`the source's volume mode ${sourceMode} differs from the target's ${targetMode}`);
  } else if ((sourceMode === undefined) !== (targetMode === undefined)) {
    unproven.push('the source\'s or the target\'s volume mode is unknown');
  }
  if (strategy === CloneStrategy.SNAPSHOT && !fromSnapshot) {
    const snapshotClass = c.profile?.snapshotClass;
    if (snapshotClass === undefined) {
      unproven.push('no VolumeSnapshotClass is known for the target class (give the StorageClassProfile a snapshotClass)');
    } else if (!snapshotClass.available) {
      impossible.push(`storage class ${q(c.storageClass)} has no VolumeSnapshotClass`);
    }
  }
  if (c.crossNamespace) {
    const binding = c.profile?.volumeBindingMode;
    if (binding === VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER) {
      impossible.push('a clone across namespaces onto WaitForFirstConsumer storage falls back to copy (kubevirt #8715)');
    } else if (binding === undefined) {
      unproven.push('the clone crosses namespaces and the target class\'s volume binding mode is unknown');
    }
  }
  return { impossible, unproven };
}
