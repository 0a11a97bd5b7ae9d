import Database from 'better-sqlite3';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { StartupError } from '../common/startup-error';
import type { DatabaseConfig } from '../config/app-config';
import { makeDirectory } from '../common/make-directory';

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 1000;
/** A host that drops packets would otherwise hold the start for the kernel's two minutes. */
const CONNECT_TIMEOUT_MS = 5000;
/** Worth another try: the server may be starting, as it often is when a whole stack starts together. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', '57P03']);

/**
 * Connects to PostgreSQL once before Nest starts, retrying a refused connection a few times (about 2 s in all), and
 * fails with one line naming DATABASE_URL and its host:port, never its password. Without it TypeORM retries for
 * 30 s, logging a stack trace each time, without saying which variable is wrong.
 */
export async function assertDatabaseReachable(database: DatabaseConfig): Promise<void> {
  if (database.type !== 'postgres') {
    assertSqliteWritable(database.path);
    return;
  }
  // Loaded only here, so a start on SQLite does not pay for the PostgreSQL driver.
  const { Client } = await import('pg');
  for (let attempt = 1; ; attempt++) {
    const client = new Client({ connectionString: database.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      const { code, message } = error as { code?: string; message?: string };
      if (attempt >= ATTEMPTS || !code || !TRANSIENT.has(code)) {
        throw new StartupError(unreachable(database.url, code, message));
      }
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
  }
}

function unreachable(url: string, code: string | undefined, message: string | undefined): string {
  const { hostname, port, password } = new URL(url);
  let reason = (message ?? code ?? 'unknown error').split('\n')[0];
  if (password) {
    reason = reason.split(decodeURIComponent(password)).join('***');
  }
  return `DATABASE_URL: cannot connect to PostgreSQL at ${hostname}:${port || 5432} (${reason}); start it there or correct DATABASE_URL`;
}

/**
 * Makes the SQLite file's directory and checks that it and the file can be written (SQLite writes its WAL beside the
 * file) and that the file is a database, so that a path that cannot hold one (a read-only directory, /proc, a text
 * file) is one line naming DATABASE_URL, not a TypeORM retry loop of stack traces. It takes no lock: another
 * instance's write in progress does not stop a start.
 */
function assertSqliteWritable(path: string): void {
  if (path === ':memory:') {
    return;
  }
  try {
    makeDirectory(dirname(path));
    accessSync(dirname(path), constants.W_OK);
    if (existsSync(path)) {
      accessSync(path, constants.W_OK);
    }
    const database = new Database(path, { timeout: 5000 });
    try {
      database.pragma('schema_version');
    } finally {
      database.close();
    }
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new StartupError(
      `DATABASE_URL: cannot use ${path} as the SQLite database (${reason}); point it at a file in a writable directory`,
    );
  }
}
