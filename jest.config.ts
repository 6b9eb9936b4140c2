import type { Config } from 'jest';

// ESM all the way (jose, openid-client and oidc-provider ship ESM only): jest runs with
// --experimental-vm-modules and swc strips types. Workspace packages resolve to their sources
// so tests never need a build first.
const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: {
    '^@waymark/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    // Internal subpaths (`@waymark/core/internal`): what Waymark's own packages share, no semver promise.
    '^@waymark/([a-z-]+)/internal$': '<rootDir>/packages/$1/src/internal.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: [
    '<rootDir>/packages/*/test/**/*.test.ts',
    '<rootDir>/flows/**/*.test.ts',
    '<rootDir>/examples/*/test/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
  ],
  // Every package's sources, loaded by a test or not (an untested file counts as 0%, so a package
  // nobody tests shows). Left out only what cannot run: declaration files and the CLI's bin shim
  // (it calls process.exit; the CLI tests drive main() instead). One text summary, printed by every
  // `npm test` and so by .ci/run.
  collectCoverageFrom: ['packages/*/src/**/*.ts', '!packages/*/src/**/*.d.ts', '!packages/cli/src/bin.ts'],
  coverageReporters: ['text-summary'],
  collectCoverage: true,
  testTimeout: 30000,
  // One temporary folder per run, removed at the end: test runs leave nothing in /tmp.
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  setupFilesAfterEnv: [
    // The adapter's, policies' and admin API's responses are checked against the OpenAPI document (@waymark/openapi).
    '<rootDir>/test/support/openapi-responses.ts',
    // Taps every test file's audit events, journey records and log lines for the end-of-run secret scan (global-teardown.mjs).
    '<rootDir>/test/support/secret-scan.ts',
  ],
};

export default config;
