import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirectory } from './make-directory';

describe('makeDirectory', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bastion-mkdir-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('should make every missing directory of the path, and accept one that exists', () => {
    const dir = join(root, 'a', 'b', 'c');

    makeDirectory(dir);
    makeDirectory(dir);

    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('should throw where a part of the path is a file', () => {
    writeFileSync(join(root, 'file'), '');

    expect(() => makeDirectory(join(root, 'file', 'below'))).toThrow(/ENOTDIR/);
  });

  // Where Node's own recursive mkdirSync never returns.
  (existsSync('/proc/self') ? it : it.skip)('should throw, not hang, for a path below /proc', () => {
    expect(() => makeDirectory('/proc/bastion-data/db')).toThrow(/ENOENT/);
  });
});
