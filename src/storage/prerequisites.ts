/**
 * What storage constructs need from the cluster, registered with the app-wide ClusterPrerequisites.
 * Internal: not re-exported by index.ts.
 */
import { IConstruct } from 'constructs';
import type { SnapshotClass } from './storage-class-profile';
import { CloneStrategy } from './types';
import { ClusterComponent, ClusterPrerequisites, PrerequisiteKind } from '../platform/prerequisites';

/** The storage capability a clone strategy relies on (CDI doc/smart-clone.md, doc/csi-cloning.md). */
export function requireCloneStrategy(scope: IConstruct, strategy: CloneStrategy, storageClass: string | undefined,
  snapshotClass: SnapshotClass | undefined, field: string): void {
  const sc = storageClass === undefined ? 'the default storage class' : `storage class ${storageClass}`;
  if (strategy === CloneStrategy.SNAPSHOT) {
    ClusterPrerequisites.of(scope).require(scope, {
      kind: PrerequisiteKind.STORAGE,
      component: ClusterComponent.KUBERNETES,
      requirement: snapshotClass?.name !== undefined
        ? `VolumeSnapshotClass ${snapshotClass.name} for the CSI driver of ${sc}`
        : `a VolumeSnapshotClass for the CSI driver of ${sc}`,
      reason: 'smart clones (snapshot strategy); without it CDI falls back to a host-assisted copy',
      field,
      value: strategy,
    });
  } else if (strategy === CloneStrategy.CSI_CLONE) {
    ClusterPrerequisites.of(scope).require(scope, {
      kind: PrerequisiteKind.STORAGE,
      component: ClusterComponent.KUBERNETES,
      requirement: `the CSI driver of ${sc} clones volumes (CLONE_VOLUME capability)`,
      reason: 'CSI clones (csi-clone strategy)',
      field,
      value: strategy,
    });
  }
}

/** A VolumeSnapshotClass written by the app needs the snapshot API and controller. */
export function requireSnapshotApi(scope: IConstruct): void {
  ClusterPrerequisites.of(scope).require(scope, {
    kind: PrerequisiteKind.STORAGE,
    component: ClusterComponent.KUBERNETES,
    requirement: 'the snapshot.storage.k8s.io/v1 CRDs and the CSI snapshot controller',
    reason: 'VolumeSnapshotClass objects written by the app',
  });
}
