export * from './options';
export * from './instancetype';
export * from './networking';
export * from './performance';
export * from './disks';
export * from './cloud-init';
export * from './kubevirt-vm';
export * from './mac-address';
