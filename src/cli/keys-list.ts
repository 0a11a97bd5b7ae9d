import { KeyListing } from '../auth/keys/key-listing';
import { KeyRotationService } from '../auth/keys/key-rotation.service';
import { CommandError } from './command-error';
import { runCommand } from './command';

const COLUMNS = ['KID', 'ALGORITHM', 'STATE', 'CREATED', 'RETIRES AT'];

/** `keys:list [--json]`: every stored signing key and its state, newest first; `--json` for scripts. */
const args = process.argv.slice(2);
runCommand('keys:list', async (boot) => {
  if (args.some((arg) => arg !== '--json')) {
    throw new CommandError('usage: npm run keys:list [-- --json]');
  }
  const keys = await (await boot()).get(KeyRotationService).list();
  return args.includes('--json') ? JSON.stringify(keys, null, 2) : table(keys);
});

function table(keys: KeyListing[]): string {
  const rows = keys.map((key) => [key.kid, key.algorithm, key.state, instant(key.createdAt), instant(key.retiresAt)]);
  const widths = COLUMNS.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  return [COLUMNS, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** To the second, in UTC: the form people compare with logs. */
function instant(date: Date | null): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}
