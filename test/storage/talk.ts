import { AccessMode, CloneSource, ClonedDiskProps, StorageApi } from '../../src';

/** The talk's cloned DataVolume: my-cloned-dv from PVC my-source-dv in my-ns, RWO, 10Gi, storage-provisioner. */
export const TALK_CLONE: ClonedDiskProps = {
  name: 'my-cloned-dv',
  namespace: 'my-ns',
  source: CloneSource.fromPvc('my-ns', 'my-source-dv'),
  storageApi: StorageApi.PVC,
  accessModes: [AccessMode.READ_WRITE_ONCE],
  size: '10Gi',
  storageClass: 'storage-provisioner',
};
