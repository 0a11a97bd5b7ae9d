// Nest 12 ships ESM only, which Jest cannot require on Node 20: SWC turns everything, node_modules included, into CommonJS.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  },
];

const shared = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // The generated OpenAPI metadata imports './x.js' the ESM way; map it back to the TypeScript source.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', rootDir: 'src', testRegex: '\\.spec\\.ts$' },
    { ...shared, displayName: 'e2e', rootDir: '.', roots: ['<rootDir>/test'], testRegex: '\\.e2e-spec\\.ts$' },
  ],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  collectCoverageFrom: ['src/**/*.ts', '!src/metadata.ts', '!src/main.ts', '!src/database/migrations/**'],
};
