export * from './checklist.ts';
export * from './state-machine.ts';
