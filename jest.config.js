// Nest 12 ships ESM only; jest runs it once @swc/jest transforms node_modules too.
const fs = require('node:fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e.ts', '**/*.contract.spec.ts'],
  transform: { '^.+\\.(t|j|mj|cj)s$': ['@swc/jest', { ...swc, swcrc: false }] },
  // google-protobuf (under @eventstore/db-client) finds its global through top-level `this`, which swc's module transform erases.
  transformIgnorePatterns: ['/node_modules/google-protobuf/'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 30000,
};
