/** CDI annotations this library writes. Internal: not re-exported by index.ts. */

/** Bind the PVC at once even on WaitForFirstConsumer storage, so an import does not wait for a consumer (CDI #2915). */
export const IMMEDIATE_BINDING_ANNOTATION = 'cdi.kubevirt.io/storage.bind.immediate.requested';

