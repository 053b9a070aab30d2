export * from './prerequisites';
