export * from './gto-tags.ts';
export * from './gto-plan.ts';
export * from './gto-apply.ts';
