export * from './isolated-tenant';
export * from './kubevirt-shoot';
export * from './capk-cluster';
