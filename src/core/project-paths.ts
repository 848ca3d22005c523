import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder (where `recipes/` and `models/` live); this file runs as dist/src/core/*.js. */
export const projectRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function projectPath(...parts: string[]): string {
  return join(projectRoot, ...parts);
}
