export * from './prerequisites';
export * from './kubevirt-configuration';
export * from './secrets';
