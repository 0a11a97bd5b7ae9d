import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvFile, parseEnvFile } from './env-file';
import { ConfigError } from './load-config';

describe('.env', () => {
  describe('parseEnvFile', () => {
    it('should read NAME=value lines, quoted values, export and comments', () => {
      const text = [
        '# development settings',
        '',
        'PORT=4000',
        'export JWT_ALGORITHM=ES256',
        'MAIL_FROM="Bastion <dev@localhost>" # shown in the From line',
        "APP_URL='http://localhost:5173'",
        'REDIS_URL=',
        '  DATA_DIR = data/dev  ',
      ].join('\n');

      expect(parseEnvFile(text)).toEqual({
        PORT: '4000',
        JWT_ALGORITHM: 'ES256',
        MAIL_FROM: 'Bastion <dev@localhost>',
        APP_URL: 'http://localhost:5173',
        REDIS_URL: '',
        DATA_DIR: 'data/dev',
      });
    });

    it.each([
      ['a line without =', 'PORT=4000\nJWT_ALGORITHM ES256\n', 2],
      ['a name that is not one', 'PORT=4000\n\n1PORT=4000\n', 3],
      ['a quote that does not close on its line', 'MAIL_FROM="Bastion\nPORT=4000"\n', 1],
    ])('should refuse %s, naming the line but not repeating it', (_case, text, line) => {
      expect(() => parseEnvFile(text)).toThrow(
        new ConfigError([`.env line ${line}: not NAME=value (one per line; a quoted value must close on its line)`]),
      );
    });

    it('should refuse NODE_ENV=production, which must come from the real environment', () => {
      expect(() => parseEnvFile('NODE_ENV=production\n')).toThrow(/NODE_ENV=production must be set in the real/);
    });
  });

  describe('loadEnvFile', () => {
    let dir: string;
    let path: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'bastion-env-'));
      path = join(dir, '.env');
      writeFileSync(path, 'PORT=4000\nJWT_ALGORITHM=ES256\nHOST=127.0.0.1\n');
    });

    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('should add what the environment leaves unset, and let the real environment win, even when empty', () => {
      const env: Record<string, string | undefined> = { PORT: '5000', HOST: '' };

      loadEnvFile(env, path);

      expect(env).toEqual({ PORT: '5000', HOST: '', JWT_ALGORITHM: 'ES256' });
    });

    it.each([['production'], ['test']])('should not read the file when NODE_ENV=%s', (nodeEnv) => {
      const env = { NODE_ENV: nodeEnv };

      loadEnvFile(env, path);

      expect(env).toEqual({ NODE_ENV: nodeEnv });
    });

    it('should read it when NODE_ENV=development, and do nothing without a file', () => {
      const env = { NODE_ENV: 'development' };
      loadEnvFile(env, path);
      expect(env).toMatchObject({ PORT: '4000' });

      const untouched = {};
      loadEnvFile(untouched, join(dir, 'missing.env'));
      expect(untouched).toEqual({});
    });
  });
});
