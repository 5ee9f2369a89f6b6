import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'server/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/oracle/**/*.test.ts', 'test/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: keep forks few so cross-process tests (servers, sockets) are not starved.
    maxWorkers: 2,
  },
});
