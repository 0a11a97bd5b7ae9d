// Runs the Swagger CLI plugin over src/ and writes src/metadata.ts, which the app loads at start-up.
// The plugin cannot run inside SWC (which Jest uses), so the metadata is generated once and committed;
// CI regenerates it and fails when it differs.
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const output = join(src, 'metadata.ts');

// The app imports the file it is about to generate, so the type check needs one that compiles: an empty one,
// since the previous output may name files that have moved or gone since.
writeFileSync(output, "export default async () => ({ '@nestjs/swagger': { models: [], controllers: [] } });\n");

new PluginMetadataGenerator().generate({
  visitors: [
    new ReadonlyVisitor({
      introspectComments: true,
      classValidatorShim: true,
      dtoFileNameSuffix: ['.dto.ts', '.entity.ts', '.query.ts'],
      pathToSource: src,
    }),
  ],
  outputDir: src,
  filename: 'metadata.ts',
  watch: false,
  tsconfigPath: 'tsconfig.build.json',
});
