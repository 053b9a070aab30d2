export * from './types';
export * from './grantee';
export * from './image-source';
export * from './clone-source';
export * from './clone-options';
export * from './storage-class-profile';
export * from './golden-image';
export * from './cloned-disk';
