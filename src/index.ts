export * from './network';
export * from './tenancy';
export * from './stacks';
export * from './compute';
export * from './storage';
export * from './platform';
export * from './plan';
export * from './output';
