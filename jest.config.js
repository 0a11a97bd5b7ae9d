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

const e2e = {
  ...shared,
  rootDir: '.',
  roots: ['<rootDir>/test'],
  testRegex: '\\.e2e-spec\\.ts$',
  // Jest reads testTimeout only from the root config, which would loosen the unit specs too.
  setupFilesAfterEnv: ['<rootDir>/test/utils/e2e-timeout.js'],
};
// The same e2e suite again on PostgreSQL and Redis, when the servers are given (.ci/run gives them).
const withPostgres = Boolean(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL);

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', rootDir: 'src', testRegex: '\\.spec\\.ts$' },
    { ...e2e, displayName: 'e2e' },
    ...(withPostgres
      ? [{ ...e2e, displayName: 'e2e-postgres', setupFiles: ['<rootDir>/test/utils/target-postgres.js'] }]
      : []),
  ],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  collectCoverageFrom: ['src/**/*.ts', '!src/metadata.ts', '!src/main.ts', '!src/database/migrations/**'],
};
