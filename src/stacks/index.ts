export * from './gitops-app';
