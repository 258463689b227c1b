import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root, independent of the directory `cdk` is run from. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Absolute path of a file given relative to the repository root. */
export function projectPath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}
