export * from './rules.ts';
export * from './monitors.ts';
