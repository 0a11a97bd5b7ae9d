import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOpenApiFile } from '../src/openapi-file';

describe('openapi.json (e2e)', () => {
  it('should be the document the code generates (run npm run openapi when this fails)', async () => {
    const committed = readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8');
    const generated = await renderOpenApiFile();

    if (committed !== generated) {
      throw new Error('openapi.json is stale: run `npm run openapi` and commit the result.');
    }
  });
});
