export * from './network';
export * from './tenancy';
