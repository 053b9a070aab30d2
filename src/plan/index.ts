export * from './estate-plan';
