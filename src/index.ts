export * from './network';
export * from './tenancy';
export * from './stacks';
export * from './compute';
export * from './storage';
export * from './output';
