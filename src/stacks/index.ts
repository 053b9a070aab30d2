export * from './gitops-app';
export * from './high-performance-vms';
export * from './multi-tenant-vms';
export * from './golden-image-catalog';
export * from './shoot-clusters';
export * from './kubernetes-clusters';
