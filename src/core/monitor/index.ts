export * from './rules.ts';
export * from './monitors.ts';
export * from './monitor-status.ts';
