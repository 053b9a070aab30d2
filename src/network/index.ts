export * from './attachment';
export * from './cni';
export * from './ipam';
export * from './bridge-network';
