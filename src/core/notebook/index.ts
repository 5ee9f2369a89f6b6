export * from './model.ts';
export * from './parse.ts';
export * from './identity.ts';
export * from './diff.ts';
export * from './follow.ts';
export * from './text.ts';
export * from './light.ts';
