export * from './client-config.ts';
export * from './errors.ts';
export * from './workspaces.ts';
