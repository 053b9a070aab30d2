export * from './network';
export * from './tenancy';
export * from './compute';
