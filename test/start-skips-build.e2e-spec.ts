import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', 'scripts', 'build-if-changed.mjs');
// A stand-in for `nest build`: empties dist/ as nest-cli.json's deleteOutDir does, writes dist/main.js, counts itself.
const FAKE_BUILD =
  "const fs = require('fs'); fs.rmSync('dist', { recursive: true, force: true }); fs.mkdirSync('dist');" +
  " fs.writeFileSync('dist/main.js', ''); fs.appendFileSync('builds.log', 'build\\n');";

describe("npm start's build step: node scripts/build-if-changed.mjs (e2e)", () => {
  let project: string;

  /** Runs the step in the project as `npm start` does; what it printed. */
  const start = (): string => execFileSync(process.execPath, [SCRIPT], { cwd: project, encoding: 'utf8' });
  const builds = (): number => readFileSync(join(project, 'builds.log'), 'utf8').split('\n').filter(Boolean).length;

  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'bastion-start-'));
    mkdirSync(join(project, 'src', 'users'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ scripts: { build: `node -e "${FAKE_BUILD}"` } }));
    writeFileSync(join(project, 'package-lock.json'), '{}');
    writeFileSync(join(project, 'src', 'main.ts'), 'bootstrap();\n');
    writeFileSync(join(project, 'src', 'users', 'users.service.ts'), 'export class UsersService {}\n');
    writeFileSync(join(project, 'builds.log'), '');
  });

  afterEach(() => {
    rmSync(project, { recursive: true, force: true });
  });

  it('should build on the first start and not on a second one with nothing changed', () => {
    expect(start()).toMatch(/^no dist\/main\.js yet: building/);
    expect(start()).toBe('sources unchanged since the last build: starting without building\n');
    expect(builds()).toBe(1);
  });

  it('should build again after a source file was edited', () => {
    start();
    appendFileSync(join(project, 'src', 'users', 'users.service.ts'), '// edited\n');

    expect(start()).toMatch(/^sources changed since the last build: building/);
    expect(start()).toMatch(/^sources unchanged/);
    expect(builds()).toBe(2);
  });

  it.each([['package-lock.json'], [join('src', 'health', 'health.module.ts')], ['tsconfig.json']])(
    'should build again after %s was added or changed',
    (file) => {
      start();
      mkdirSync(join(project, file, '..'), { recursive: true });
      writeFileSync(join(project, file), '{ "changed": true }\n');

      expect(start()).toMatch(/^sources changed/);
      expect(builds()).toBe(2);
    },
  );

  it('should not build for a spec or the generated metadata, which the build does not compile from', () => {
    start();
    writeFileSync(join(project, 'src', 'users', 'users.service.spec.ts'), 'it.todo("later");\n');
    writeFileSync(join(project, 'src', 'metadata.ts'), 'export default async () => ({});\n');

    expect(start()).toMatch(/^sources unchanged/);
    expect(builds()).toBe(1);
  });

  it('should build when dist/ was emptied by a build run some other way, which leaves no record', () => {
    start();
    rmSync(join(project, 'dist', '.build-stamp'));

    expect(start()).toMatch(/^no record of what dist\/ was built from: building/);
    expect(builds()).toBe(2);
  });

  it("should exit with the build's status when it fails, and build again on the next start", () => {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ scripts: { build: 'node -e "process.exit(3)"' } }));

    expect(() => start()).toThrow(expect.objectContaining({ status: 3 }));
    expect(() => start()).toThrow(expect.objectContaining({ status: 3 }));
  });
});
