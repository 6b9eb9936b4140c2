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
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/flows/**/*.test.ts', '<rootDir>/examples/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  collectCoverageFrom: ['packages/nodes/src/**/*.ts'],
  coverageReporters: ['text-summary'],
  collectCoverage: true,
  testTimeout: 30000,
};

export default config;
