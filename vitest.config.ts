// Vitest runs the TypeScript sources directly. Interpreters import 'metajit',
// which Node resolves only to the built dist/; the alias points it at the
// sources, so tests and interpreters share one framework (and one output sink).
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: [{ find: /^metajit$/, replacement: path.join(root, 'framework/index.ts') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // property tests start from a fixed seed unless FC_SEED=random (see the file)
    setupFiles: ['test/support/fast-check-seed.ts'],
    testTimeout: 60000,
    hookTimeout: 180000,
  },
});
