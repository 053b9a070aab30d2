export * from './isolated-tenant';
export * from './kubevirt-shoot';
