/** CDI annotations this library writes. Internal: not re-exported by index.ts. */

/** Bind the PVC at once even on WaitForFirstConsumer storage, so an import does not wait for a consumer (CDI #2915). */
export const IMMEDIATE_BINDING_ANNOTATION = 'cdi.kubevirt.io/storage.bind.immediate.requested';

/**
 * Keep the DataVolume after it completes. CDI v1.50-v1.57 garbage-collected completed DataVolumes and GitOps
 * tools re-created them (CDI PR #2754); GC is off from v1.58 and gone in v1.62, so this is a safety net.
 */
export const DELETE_AFTER_COMPLETION_ANNOTATION = 'cdi.kubevirt.io/storage.deleteAfterCompletion';
