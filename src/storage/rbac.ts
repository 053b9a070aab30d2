/**
 * The RBAC CDI checks for clones and uploads. Internal: not re-exported by index.ts.
 */
import { ApiObject, Chart, Names } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { Grantee } from './grantee';
import { fail } from '../core/errors';
import { chartOf, metadata, setSyncWave, SyncWaves } from '../core/objects';
import { ClusterComponent, ClusterPrerequisites, PrerequisiteKind } from '../platform/prerequisites';

/**
 * CDI's ClusterRole with exactly one rule: `create` on `datavolumes/source` in `cdi.kubevirt.io`, the
 * permission its webhook (and KubeVirt, for VM templates) checks in a clone's source namespace
 * (CDI doc/RBAC.md; pkg/apis/core/v1beta1/authorize_utils.go).
 */
export const CLONE_SOURCER_CLUSTER_ROLE = 'cdi.kubevirt.io:clone-sourcer';

const GRANTS_ID = 'CloneGrants';

function requireChart(scope: IConstruct, field: string): Chart {
  return chartOf(scope) ?? fail(scope, field, scope.node.path,
    'must be inside a cdk8s Chart: objects outside a chart are not synthesized, and the clone would be refused without its RoleBinding');
}

/**
 * The RoleBinding in `sourceNamespace` that lets `grantee` clone from it: one per chart, source namespace and
 * subject, however many clones need it. It binds CDI's clone-sourcer ClusterRole through a RoleBinding, so
 * the permission holds in the source namespace only, for that one subject.
 */
export function ensureCloneGrant(scope: IConstruct, sourceNamespace: string, grantee: Grantee, field: string): ApiObject {
  const chart = requireChart(scope, field);
  let grants = chart.node.tryFindChild(GRANTS_ID) as Construct | undefined;
  if (!grants) {
    grants = new Construct(chart, GRANTS_ID);
    // The ClusterRole ships with CDI from v1.66.0 (pkg/operator/resources/cluster/rbac.go); older CDI refuses the clone.
    ClusterPrerequisites.of(grants).require(grants, {
      kind: PrerequisiteKind.VERSION,
      component: ClusterComponent.CDI,
      requirement: 'v1.66.0',
      reason: `the ${CLONE_SOURCER_CLUSTER_ROLE} ClusterRole that clone RoleBindings name`,
      field: 'roleRef.name',
      value: CLONE_SOURCER_CLUSTER_ROLE,
    });
  }
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
