// mini-lua is written in the restricted subset: the checker must find nothing.
import { describe, it, expect } from 'vitest';
import * as path from 'node:path';
import { checkSubsetFiles, formatViolation } from '../../framework/subset/check.js';

describe('mini-lua subset', () => {
  it('passes the subset checker', () => {
    const main = path.join(__dirname, '../../interpreters/mini-lua/main.ts');
    const v = checkSubsetFiles([main]).map(formatViolation);
    expect(v.slice(0, 40).join('\n')).toBe('');
  });
});
