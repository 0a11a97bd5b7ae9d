// A fresh database for each server setup: a temporary SQLite file, or a PostgreSQL database created on
// BENCH_POSTGRES_URL (the local server by default) and dropped afterwards.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { parentPid } from './measurements.mjs';

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const DATABASE_KINDS = ['sqlite', 'postgres'];

// PostgreSQL databases not dropped yet, so that an interrupted run can still drop them
const undropped = new Map();

async function withAdmin(work) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const adminQuery = (sql) => withAdmin(async (client) => (await client.query(sql)).rows);

// its version, and its postmaster (our backend's parent) when it runs on this machine, so that its CPU can be measured
const describeServer = () =>
  withAdmin(async (client) => {
    const sql = "SELECT current_setting('server_version') AS version, pg_backend_pid() AS pid";
    const [{ version, pid }] = (await client.query(sql)).rows;
    return { serverVersion: version, serverPid: localPostmaster(pid) };
  });

function localPostmaster(backendPid) {
  try {
    const parent = parentPid(backendPid);
    return readFileSync(`/proc/${parent}/comm`, 'utf8').trim() === 'postgres' ? parent : null;
  } catch {
    return null;
  }
}

/** `dir` holds the SQLite file; `tag` tells apart the databases of one run. */
export async function createDatabase(kind, dir, tag) {
  if (kind === 'sqlite') {
    const url = `sqlite:${join(dir, `${tag}.sqlite`)}`;
    return { kind, description: 'sqlite (temporary file)', url, serverPid: null, drop: noop };
  }
  if (kind !== 'postgres') {
    throw new Error(`unknown database ${kind}: ${DATABASE_KINDS.join(' or ')}`);
  }
  const name = `bastion_bench_${tag}_${process.pid}`;
  const drop = async () => {
    undropped.delete(name);
    // FORCE: a server killed by a signal may still hold connections
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  // registered before it exists: a signal may arrive while CREATE DATABASE runs
  undropped.set(name, drop);
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { kind, description: 'postgres (temporary database)', url: url.toString(), ...(await describeServer()), drop };
}

export const dropAllDatabases = () => Promise.allSettled([...undropped.values()].map((drop) => drop()));

async function noop() {}
