// mini-lua entry point: `main([script, ...args])` runs a Lua 5.4 script like `lua`.

import { hostReadFileBytes, HostError } from 'metajit';
import { LuaState, ExitSignal } from './state.js';
import { LuaError, LuaClosure } from './value.js';
import type { LuaValue } from './value.js';
import { openLibs, compileLua, tostr } from './lib_base.js';
import { callValue, toLuaError, getMetatable } from './interp.js';
import { LuaSyntaxError } from './lexer.js';
import { writeErr, writeOut, textToBytes } from './host_extra.js';
import { typeName } from './value.js';
import { LuaFile, flushFile } from './lib_os.js';
import { LuaTable } from './table.js';

/** The message lua.c prints for an uncaught error object. */
function errorText(L: LuaState, v: LuaValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return tostr(L, v);
  const mt = getMetatable(L, v);
  if (mt !== null && mt.getStr('__tostring') !== null) {
    try {
      return tostr(L, v);
    } catch (e) {
      return '(error object is a ' + typeName(v) + ' value)';
    }
  }
  const s = tostr(L, v);
  if (v !== null && typeof v === 'object' && !(v instanceof LuaTable) && s.indexOf(':') < 0) return s;
  return '(error object is a ' + typeName(v) + ' value)';
}

function flushFiles(L: LuaState): void {
  const out = L.ioOutput;
  if (out instanceof LuaFile) flushFile(out);
}

export function main(argv: readonly string[]): number {
  if (argv.length === 0) {
    writeErr('usage: lua script [args]\n');
    return 1;
  }
  const script = argv[0];
  const args: string[] = [];
  for (let i = 1; i < argv.length; i++) args.push(textToBytes(argv[i]));
  const L = new LuaState(Date.now());
  openLibs(L, args, script);
  let src: string;
  try {
    src = hostReadFileBytes(script);
  } catch (e) {
    if (e instanceof HostError) {
      writeErr('lua: cannot open ' + script + '\n');
      return 1;
    }
    throw e;
  }
  let cl: LuaClosure;
  try {
    cl = compileLua(L, src, '@' + script, L.globals);
  } catch (e) {
    if (e instanceof LuaSyntaxError) {
      writeErr('lua: ' + e.msg + '\n');
      return 1;
    }
    throw e;
  }
  const vargs: LuaValue[] = [];
  for (let i = 0; i < args.length; i++) vargs.push(args[i]);
  try {
    callValue(L, cl, vargs);
  } catch (e) {
    flushFiles(L);
    if (e instanceof ExitSignal) return e.code;
    const err: LuaError = toLuaError(L, e);
    writeErr('lua: ' + errorText(L, err.value) + '\nstack traceback:\n\t[C]: in ?\n');
    return 1;
  }
  flushFiles(L);
  writeOut('');
  return 0;
}
