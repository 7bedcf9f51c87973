import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('.', import.meta.url)),
      // `server-only` throws outside React Server bundles; tests run server code directly.
      'server-only': fileURLToPath(new URL('./lib/testing/server-only.ts', import.meta.url)),
    },
  },
  test: {
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    // the slow files wait on real libvirtd and QEMU, not the CPU: four at once fit a 2-core machine
    maxWorkers: 4,
    projects: [
      { extends: true, test: { name: 'unit', include: ['lib/**/*.test.ts'], exclude: ['lib/**/*.alone.test.ts'], sequence: { groupOrder: 0 } } },
      // files that disturb a shared engine for everyone (a message-bus outage on the real OpenStack): one at a time, after all the others
      { extends: true, test: { name: 'alone', include: ['lib/**/*.alone.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
