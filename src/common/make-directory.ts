import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`. Node 20's `mkdirSync(dir, { recursive: true })` never returns where mkdir answers ENOENT under a parent
 * that exists (any path below /proc), which held the start forever; this throws that ENOENT instead.
 */
export function makeDirectory(dir: string): void {
  if (existsSync(dir)) {
    return;
  }
  const parent = dirname(dir);
  if (parent !== dir) {
    makeDirectory(parent);
  }
  mkdirSync(dir);
}
