import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const e2e = (name: string, dialect: string): TestProjectInlineConfiguration => ({
  extends: true,
  test: {
    name,
    include: ['test/**/*.e2e-spec.ts'],
    env: { TEST_DIALECT: dialect },
    // Builds the web console when console/dist is missing or stale; the app serves it at `/`.
    globalSetup: ['test/support/build-console.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

/** Services against a real database, without HTTP (test/support/medium.ts). */
const medium = (name: string, dialect: string): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, include: ['test/medium/**/*.medium-spec.ts'], env: { TEST_DIALECT: dialect }, testTimeout: 30_000, hookTimeout: 60_000 },
});

// Every medium and e2e suite runs on SQLite; the same suites run on PostgreSQL when DATABASE_URL_TEST is set.
const projects: TestProjectInlineConfiguration[] = [
  { extends: true, test: { name: 'unit', include: ['src/**/*.spec.ts'] } },
  medium('medium-sqlite', 'sqlite'),
  e2e('e2e-sqlite', 'sqlite'),
  // The NestJS SDK (packages/nest) and the example resource server (examples/), against a stand-in Latchkey.
  { extends: true, test: { name: 'sdk', include: ['packages/*/test/**/*.spec.ts', 'examples/*/test/**/*.spec.ts'], testTimeout: 15_000 } },
];
if (process.env.DATABASE_URL_TEST) projects.push(medium('medium-postgresql', 'postgresql'), e2e('e2e-postgresql', 'postgresql'));

const sdkSource = (path: string) => fileURLToPath(new URL(`./packages/nest/src/${path}`, import.meta.url));

export default defineConfig({
  // Suites use the SDK's source, so they need no build of packages/nest first.
  resolve: {
    alias: [
      { find: /^@latchkey\/nest$/, replacement: sdkSource('index.ts') },
      { find: /^@latchkey\/nest\/core$/, replacement: sdkSource('core/index.ts') },
    ],
  },
  test: {
    globals: true,
    root: './',
    projects,
  },
});
