import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { requireDns1123Label } from './names';

/** The namespace an object of `scope` lands in: explicit, else the chart's, else `default` (always written). */
export function resolveNamespace(scope: IConstruct, explicit: string | undefined, field = 'namespace'): string {
  const ns = explicit ?? chartOf(scope)?.namespace ?? 'default';
  return requireDns1123Label(scope, field, ns);
}

/** The chart `scope` belongs to, if any. */
export function chartOf(scope: IConstruct): Chart | undefined {
  try {
    return Chart.of(scope);
  } catch {
    return undefined;
  }
}

/**
 * ArgoCD sync waves: what must exist before what. Lower waves are applied (and healthy) first.
 */
export const SyncWaves = {
  /** Node-side networking (nmstate policies), storage profiles and snapshot classes. */
  INFRASTRUCTURE: -30,
  /** Namespaces, quotas, tenant RBAC. */
  NAMESPACE: -25,
  /** NetworkAttachmentDefinitions and network policies. */
  NETWORK: -20,
  /**
   * Permissions that golden images already need while they are created or filled (clone and upload grants):
   * the sync waits for a golden image's health, which waits for the clone or the upload.
   */
  IMAGE_ACCESS: -15,
  /** Golden images (DataVolumes, DataSources, import crons) and the Ceph cluster. */
  IMAGE: -10,
  /** Secrets, ExternalSecrets, service accounts: what the VMs need. */
  ACCESS: -5,
  /** Virtual machines and their disks. */
  WORKLOAD: 0,
  /** Services in front of VMs. */
  EXPOSURE: 5,
} as const;

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Context key: set to false to leave sync-wave annotations out. */
export const SYNC_WAVES_CONTEXT = 'cdk8s-kubevirt:syncWaves';

/** Annotates an object with its sync wave, unless the app turned ordering hints off. */
export function setSyncWave(obj: ApiObject, wave: number): void {
  if (obj.node.tryGetContext(SYNC_WAVES_CONTEXT) === false) return;
  obj.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
}

/**
 * Object metadata without undefined keys: cdk8s spreads `metadata` over the generated name, so an explicit
 * `name: undefined` would erase it.
 */
export interface MetadataFields {
  name?: string;
  namespace?: string;
  labels?: { [k: string]: string };
  annotations?: { [k: string]: string };
}

export function metadata(m: MetadataFields): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(m)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Keeps a cluster-scoped object free of `metadata.namespace`: cdk8s gives every object the namespace of its
 * chart, which on a cluster-scoped kind is at best ignored and at worst a perpetual GitOps diff.
 */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  const chart = chartOf(obj);
  if (chart?.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}
