import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configVariableNames, renderEnvExample, VARIABLES } from './env-example';
import { parseEnvFile } from './env-file';
import { loadConfig } from './load-config';

const ENV_EXAMPLE = join(__dirname, '..', '..', '.env.example');

describe('.env.example', () => {
  it('should describe exactly the variables loadConfig reads', () => {
    expect(Object.keys(VARIABLES).sort()).toEqual(configVariableNames().sort());
  });

  it.each(Object.entries(VARIABLES).filter(([, [value]]) => value !== ''))(
    'should give the real default of %s',
    (name, [value]) => {
      expect(loadConfig({ [name]: value })).toEqual(loadConfig({}));
    },
  );

  it('should be the committed file (run `npm run env:example` after changing the variables)', () => {
    expect(readFileSync(ENV_EXAMPLE, 'utf8')).toBe(renderEnvExample());
  });

  it('should start the defaults when copied to .env with every line uncommented', () => {
    const uncommented = readFileSync(ENV_EXAMPLE, 'utf8').replace(/^# ([A-Z_]+=)/gm, '$1');

    expect(loadConfig(parseEnvFile(uncommented))).toEqual(loadConfig({}));
  });
});
