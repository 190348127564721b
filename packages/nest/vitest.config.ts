import { defineConfig } from 'vitest/config';

// `npm test` inside packages/nest; the root `npm test` runs the same files as its `sdk` project.
export default defineConfig({
  test: {
    name: 'sdk',
    include: ['test/**/*.spec.ts'],
    testTimeout: 15_000,
  },
});
