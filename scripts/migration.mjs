// Generates or checks the migrations of both dialects against fresh, empty databases.
//   node scripts/migration.mjs generate <Name>   writes src/database/migrations/{sqlite,postgres}/<timestamp>-<Name>.ts
//                                                and lists it in that folder's index.ts
//   node scripts/migration.mjs check             exits 1 when the entities and the migrations have drifted apart
// Expects a build in dist/ (the npm scripts build first). PostgreSQL comes from MIGRATION_POSTGRES_URL,
// by default the local server; a database is created for the run and dropped afterwards.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const [command, name] = process.argv.slice(2);
if (!['generate', 'check'].includes(command) || (command === 'generate' && !name)) {
  console.error('usage: node scripts/migration.mjs generate <Name> | check');
  process.exit(2);
}

const dataSource = 'dist/database/data-source.js';
const adminUrl = process.env.MIGRATION_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// TypeORM's CLI logs every query; its output is shown only when a step fails.
function typeorm(databaseUrl, ...args) {
  try {
    execFileSync(process.execPath, ['node_modules/typeorm/cli.js', ...args, '-d', dataSource], {
      stdio: 'pipe',
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'development', KEY_ENCRYPTION_SECRET: '' },
    });
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
    throw error;
  }
}

function generateOrCheck(dialect, databaseUrl) {
  typeorm(databaseUrl, 'migration:run');
  const target = `src/database/migrations/${dialect}/${name ?? 'Drift'}`;
  typeorm(databaseUrl, 'migration:generate', target, ...(command === 'check' ? ['--check'] : ['--pretty']));
  if (command === 'generate') {
    writeIndex(dialect);
  }
  console.log(`${dialect}: ${command === 'check' ? 'no drift' : `written under src/database/migrations/${dialect}/`}`);
}

// The app runs the migrations listed in index.ts (bundled, no folder scan at start-up); it lists every file here.
function writeIndex(dialect) {
  const folder = `src/database/migrations/${dialect}`;
  const migrations = readdirSync(folder)
    .filter((file) => /^\d+-\w+\.ts$/.test(file))
    .sort()
    .map((file) => ({
      module: `./${file.replace(/\.ts$/, '')}`,
      className: /^export class (\w+)/m.exec(readFileSync(join(folder, file), 'utf8'))[1],
    }));
  const lines = [
    '// Written by `npm run migration:generate` (scripts/migration.mjs): every migration of this folder, oldest first.',
    ...migrations.map(({ module, className }) => `import { ${className} } from '${module}';`),
    '',
    `export const ${dialect.toUpperCase()}_MIGRATIONS = [`,
    ...migrations.map(({ className }) => `  ${className},`),
    '];',
    '',
  ];
  writeFileSync(join(folder, 'index.ts'), lines.join('\n'));
}

async function withPostgresDatabase(use) {
  const database = `bastion_migrations_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    use(url.toString());
  } finally {
    await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
    await admin.end();
  }
}

const sqliteDir = mkdtempSync(join(tmpdir(), 'bastion-migrations-'));
try {
  generateOrCheck('sqlite', `sqlite:${join(sqliteDir, 'schema.sqlite')}`);
  await withPostgresDatabase((url) => generateOrCheck('postgres', url));
  console.log(command === 'check' ? 'Migrations match the entities on SQLite and PostgreSQL.' : 'Migrations written.');
} catch {
  process.exitCode = 1;
} finally {
  rmSync(sqliteDir, { recursive: true, force: true });
}
