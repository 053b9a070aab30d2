export * from './attachment';
export * from './cni';
export * from './ipam';
export * from './bridge-network';
export * from './macvlan-network';
export * from './node-bridge-policy';
export * from './shared-ceph-network';
export * from './capacity';
