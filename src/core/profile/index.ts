export * from './types.ts';
export * from './diff.ts';
export * from './drift-report.ts';
export * from './profile-drift.ts';
