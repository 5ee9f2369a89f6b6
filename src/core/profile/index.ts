export * from './types.ts';
export * from './diff.ts';
