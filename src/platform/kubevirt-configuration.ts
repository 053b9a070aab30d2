import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterPrerequisites } from './prerequisites';
import { fail, problem } from '../core/errors';
import { requireDns1123Label, requireDns1123Subdomain } from '../core/names';
import { metadata, setSyncWave, SyncWaves } from '../core/objects';

/** Argo CD: never prune it, apply it server-side as a partial object; Flux: never prune it. */
const PATCH_ANNOTATIONS = {
  'argocd.argoproj.io/sync-options': 'Prune=false,ServerSideApply=true',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/**
 * Properties of the KubeVirt configuration patch.
 */
export interface KubeVirtConfigurationPatchProps {
  /**
   * Name of the cluster's `KubeVirt` CR.
   * @default 'kubevirt'
   */
  readonly name?: string;
  /**
   * Namespace of the cluster's `KubeVirt` CR.
   * @default 'kubevirt'
   */
  readonly namespace?: string;
  /**
   * Feature gates the cluster needs besides those the app's manifests need (the list replaces the CR's list).
   * @default - none
   */
  readonly additionalFeatureGates?: string[];
}

/**
 * An opt-in patch of the cluster's `KubeVirt` CR (`kubevirt.io/v1`) that enables the feature gates the app's
 * manifests need (`ClusterPrerequisites.kubevirtFeatureGates`, e.g. `CPUManager` for dedicated CPUs), in the
 * first sync wave. It is a partial object: only name, namespace and
 * `spec.configuration.developerConfiguration.featureGates`, annotated for server-side apply and never pruned (Argo
 * CD and Flux), so that removing it from Git never deletes the CR. The gate list is one atomic list: it replaces
 * the CR's, so list every other gate the cluster uses in `additionalFeatureGates`.
 *
 * @example
 * new KubeVirtConfigurationPatch(infraChart, 'kubevirt', { additionalFeatureGates: ['Sidecar'] });
 */
export class KubeVirtConfigurationPatch extends Construct {
  /** The `KubeVirt` object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  private readonly additional: string[];

  constructor(scope: Construct, id: string, props: KubeVirtConfigurationPatchProps = {}) {
    super(scope, id);
    const name = requireDns1123Subdomain(this, 'name', props.name ?? 'kubevirt');
    const namespace = requireDns1123Label(this, 'namespace', props.namespace ?? 'kubevirt');
    const additional = props.additionalFeatureGates ?? [];
    if (!Array.isArray(additional)) fail(this, 'additionalFeatureGates', additional, 'must be a list of feature gate names');
    additional.forEach((g, i) => {
      if (typeof g !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(g)) {
        fail(this, `additionalFeatureGates[${i}]`, g, 'must be a feature gate name such as "Sidecar" (letters and digits)');
      }
    });
    this.additional = [...additional];
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'kubevirt.io/v1',
      kind: 'KubeVirt',
      metadata: metadata({ name, namespace, annotations: { ...PATCH_ANNOTATIONS } }),
      spec: Lazy.any({ produce: () => ({ configuration: { developerConfiguration: { featureGates: this.featureGates } } }) }),
    });
    setSyncWave(this.apiObject, SyncWaves.INFRASTRUCTURE);
    this.node.addValidation({
      validate: () => (this.featureGates.length > 0 ? [] : [problem('featureGates', [],
        'would be empty: nothing in the app needs a KubeVirt feature gate, and an empty list would switch off the cluster\'s gates; remove the patch or list additionalFeatureGates')]),
    });
  }

  /** The gates the patch writes: the app's, then the additional ones, sorted and without repeats. */
  public get featureGates(): string[] {
    return [...new Set([...ClusterPrerequisites.of(this).kubevirtFeatureGates, ...this.additional])].sort();
  }
}
