/**
 * The RBAC CDI checks for clones and uploads. Internal: not re-exported by index.ts.
 */
import { ApiObject, Chart, Names } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { Grantee } from './grantee';
import { fail } from '../core/errors';
import { chartOf, clusterScoped, metadata, setSyncWave, SyncWaves } from '../core/objects';

/**
 * The library's own ClusterRole with exactly one rule: `create` on `datavolumes/source` in `cdi.kubevirt.io`,
 * the permission CDI's webhook (and KubeVirt, for VM templates) checks in a clone's source namespace
 * (CDI doc/RBAC.md; pkg/apis/core/v1beta1/authorize_utils.go). CDI ships the same rule as
 * `cdi.kubevirt.io:clone-sourcer` only from v1.66.0, and its operator owns that object; a role of the
 * library's own name works with every CDI version and fights no operator.
 */
export const CLONE_SOURCER_CLUSTER_ROLE = 'kubevirt.cdk8s.io:clone-sourcer';

const GRANTS_ID = 'CloneGrants';
const ROLE_MARKER_ID = 'cdk8s-kubevirt.CloneSourcerRole';

/** Writes the clone-sourcer ClusterRole once per app, in the chart of the first clone grant. */
function ensureCloneSourcerRole(chart: Chart): void {
  const root = chart.node.root as Construct;
  if (root.node.tryFindChild(ROLE_MARKER_ID)) return;
  new Construct(root, ROLE_MARKER_ID);
  const role = new k8s.KubeClusterRole(chart, 'CloneSourcerRole', {
    metadata: { name: CLONE_SOURCER_CLUSTER_ROLE },
    rules: [{ apiGroups: ['cdi.kubevirt.io'], resources: ['datavolumes/source'], verbs: ['create'] }],
  });
  clusterScoped(role);
  setSyncWave(role, SyncWaves.NAMESPACE);
}

function requireChart(scope: IConstruct, field: string): Chart {
  return chartOf(scope) ?? fail(scope, field, scope.node.path,
    'must be inside a cdk8s Chart: objects outside a chart are not synthesized, and the clone would be refused without its RoleBinding');
}

/**
 * The RoleBinding in `sourceNamespace` that lets `grantee` clone from it: one per chart, source namespace and
 * subject, however many clones need it. It binds the clone-sourcer ClusterRole through a RoleBinding, so
 * the permission holds in the source namespace only, for that one subject.
 */
export function ensureCloneGrant(scope: IConstruct, sourceNamespace: string, grantee: Grantee, field: string): ApiObject {
  const chart = requireChart(scope, field);
  // The ClusterRole the bindings name is the app's own: no CDI version needs to ship it.
  ensureCloneSourcerRole(chart);
  const grants = (chart.node.tryFindChild(GRANTS_ID) as Construct | undefined) ?? new Construct(chart, GRANTS_ID);
  // Construct ids may not contain '/'; user names may.
  const id = `${sourceNamespace} ${grantee._key}`.replace(/%/g, '%25').replace(/\//g, '%2F');
  const existing = grants.node.tryFindChild(id) as ApiObject | undefined;
  if (existing) return existing;
  const binding = new k8s.KubeRoleBinding(grants, id, {
    // Readable and unique in the app: chart, source namespace and subject, plus a hash of all of them.
    metadata: metadata({
      name: Names.toDnsLabel(grants, {
        extra: grantee.namespace !== undefined
          ? [sourceNamespace, 'sa', grantee.namespace, grantee.name]
          : [sourceNamespace, grantee.kind.toLowerCase(), grantee.name],
      }),
      namespace: sourceNamespace,
    }),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CLONE_SOURCER_CLUSTER_ROLE },
    subjects: [grantee._subject()],
  });
  // Before the golden images too: an image cloned from another namespace's PVC needs it to be created at all.
  setSyncWave(binding, SyncWaves.IMAGE_ACCESS);
  return binding;
}
