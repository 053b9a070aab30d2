export * from './yaml';
