export * from './registry-plan.ts';
export * from './registry-apply.ts';
