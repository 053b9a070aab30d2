import { ApiObject, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { renderClone } from './clone';
import { CloneOptions } from './clone-options';
import { CloneSource } from './clone-source';
import { Grantee } from './grantee';
import { requireLabels } from '../core/names';
import { metadata, resolveNamespace, setSyncWave, SyncWaves } from '../core/objects';
import { DataVolume } from '../imports/cdi.kubevirt.io';

/**
 * Properties of a cloned disk.
 */
export interface ClonedDiskProps extends CloneOptions {
  /** What to clone. */
  readonly source: CloneSource;
  /**
   * Name of the DataVolume (and its PVC).
   * @default - a name generated from the construct path
   */
  readonly name?: string;
  /**
   * Namespace of the DataVolume.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * The identity that creates this DataVolume: the user or ServiceAccount that applies the manifest (under
   * GitOps, the controller, e.g. `Grantee.serviceAccount('argocd', 'argocd-application-controller')`). CDI
   * checks that this identity may clone from the source namespace; required when the source is in another
   * namespace, and then granted exactly that.
   * @default - none; a cross-namespace source is an error
   */
  readonly creator?: Grantee;
  /**
   * Labels on the DataVolume.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * A standalone DataVolume cloned from a golden image, DataSource, PVC or VolumeSnapshot. Its size defaults to
 * the source's and may only grow; a cross-namespace source comes with the RoleBinding CDI checks, in the
 * source namespace, for `creator`. (A VM's disks use the same rendering for its dataVolumeTemplates.)
 *
 * @example
 * // The talk's clone: PVC my-source-dv of my-ns into a 10Gi ReadWriteOnce volume.
 * new ClonedDisk(chart, 'my-cloned-dv', {
 *   name: 'my-cloned-dv', namespace: 'my-ns',
 *   source: CloneSource.fromPvc('my-ns', 'my-source-dv'),
 *   storageApi: StorageApi.PVC, accessModes: [AccessMode.READ_WRITE_ONCE], size: '10Gi',
 *   storageClass: 'storage-provisioner',
 * });
 */
export class ClonedDisk extends Construct {
  /** Name of the DataVolume. */
  public readonly name: string;
  /** Namespace of the DataVolume. */
  public readonly namespace: string;
  /** What it was cloned from. */
  public readonly source: CloneSource;
  /** The DataVolume. */
  public readonly apiObject: ApiObject;
  /** The RoleBinding in the source namespace, for a cross-namespace clone. */
  public readonly roleBinding?: ApiObject;

  constructor(scope: Construct, id: string, props: ClonedDiskProps) {
    super(scope, id);
    this.namespace = resolveNamespace(this, props.namespace);
    requireLabels(this, 'labels', props.labels);
    this.name = props.name ?? Names.toDnsLabel(this);
    this.source = props.source;
    // The creator is who CDI's webhook authorizes for a standalone DataVolume (the requesting user,
    // datavolume-mutate.go). The target namespace's `default` ServiceAccount plays no part here: that is
    // KubeVirt's subject for a VM's dataVolumeTemplates only.
    const rendered = renderClone(this, { name: this.name, namespace: this.namespace, source: props.source, options: props, creator: props.creator });
    const annotations: Record<string, string> = { ...rendered.annotations };
    const keys = Object.keys(annotations).sort();
    this.apiObject = new ApiObject(this, 'Resource', {
      ...DataVolume.GVK,
      metadata: metadata({
        name: this.name,
        namespace: this.namespace,
        labels: props.labels,
        annotations: keys.length ? Object.fromEntries(keys.map((k) => [k, annotations[k]])) : undefined,
      }),
      spec: rendered.spec,
    });
    setSyncWave(this.apiObject, SyncWaves.WORKLOAD);
    this.roleBinding = rendered.roleBinding;
  }
}
