export * from './schema.ts';
export * from './command-context.ts';
export * from './commands.ts';
export * from './queries.ts';
export * from './datasets.ts';
export * from './restore.ts';
export * from './mentions.ts';
