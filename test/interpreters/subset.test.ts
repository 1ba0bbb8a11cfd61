// The interpreters stay inside restricted TypeScript: the checker the codewriter
// runs first finds nothing in them (or in the files they import).

import { describe, expect, it } from 'vitest';
import { checkSubsetFiles, formatViolation } from '../../framework/subset/check.js';

describe('interpreters are in the subset', () => {
  for (const entry of ['interpreters/bf/main.ts', 'interpreters/regvm/main.ts']) {
    it(entry, () => {
      expect(checkSubsetFiles([entry]).map(formatViolation)).toEqual([]);
    });
  }
});
