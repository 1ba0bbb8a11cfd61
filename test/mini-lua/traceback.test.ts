// An uncaught error prints "lua: msg" and a stack traceback exactly like PUC Lua 5.4
// (function names from the calling instruction, "[C]" levels, deep stacks cut to
// the first 10 and last 11 levels). Skipped when lua5.4 is not installed.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFile } from '../interpreters/run-guest.js';
import { main } from '../../interpreters/mini-lua/main.js';

const hasLua = spawnSync('lua5.4', ['-v'], { stdio: 'ignore' }).status === 0;

const PROGRAMS: Record<string, string> = {
  'local, global, field and upvalue callers': `
    local function f(x) error("boom") end
    function g() f(1) end
    local t = {m = function() g() end}
    t.m()`,
  'an error raised by a library function': `
    local function h(s) return string.rep(s) end
    h()`,
  'a runtime error in a method': `
    local obj = {}
    function obj:run() local v = nil; return v.field end
    obj:run()`,
  'a deep stack is cut': `
    local function r(n) if n == 0 then error("deep") end return 1 + r(n - 1) end
    r(40)`,
};

describe.skipIf(!hasLua)('mini-lua uncaught-error tracebacks vs lua5.4', () => {
  for (const [name, source] of Object.entries(PROGRAMS)) {
    it(name, () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mini-lua-tb-')), 'prog.lua');
      fs.writeFileSync(file, source);
      const ours = runFile(main, file);
      const puc = spawnSync('lua5.4', [file], { encoding: 'utf8' });
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
      expect(ours.rc).toBe(1);
      expect(ours.err).toBe(puc.stderr.replace(/^lua5\.4:/, 'lua:'));
    });
  }
});
