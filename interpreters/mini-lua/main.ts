// mini-lua entry point: `main([script, ...args])` runs a Lua 5.4 script like `lua`.

import { hostReadFileBytes, HostError } from 'metajit';
import { LuaState, ExitSignal } from './state.js';
import { LuaError, LuaClosure } from './value.js';
import type { LuaValue } from './value.js';
import { openLibs, compileLua, tostr } from './lib_base.js';
import { callValue, toLuaError } from './frames.js';
import { getMetatable } from './interp.js';
import { LuaSyntaxError, skipFileHeader } from './lexer.js';
import { writeErr, writeOut, textToBytes, flushStdout } from './host_extra.host.js';
import { typeName } from './value.js';
import { LuaFile, flushFile } from './lib_os.js';
import { LuaTable } from './table.js';
import { tracebackLines } from './lib_debug.js';

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

/** The interactive prompt (`lua` with no script): statements or expressions, line by line. */
function repl(): number {
  const L = new LuaState(Date.now());
  openLibs(L, [], '');
  writeOut('Lua 5.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio (mini-lua)\n');
  for (;;) {
    writeOut('> ');
    flushStdout();
    let line = L.stdin.readLine(false);
    if (line === null) {
      writeOut('\n');
      return 0;
    }
    let cl: LuaClosure | null = null;
    for (;;) {
      try {
        cl = compileLua(L, 'return ' + line, '=stdin', L.globals);
        break;
      } catch (e) {
        if (!(e instanceof LuaSyntaxError)) throw e;
      }
      try {
        cl = compileLua(L, line, '=stdin', L.globals);
        break;
      } catch (e) {
        if (!(e instanceof LuaSyntaxError)) throw e;
        if (e.msg.endsWith('<eof>')) {
          writeOut('>> ');
          flushStdout();
          const more = L.stdin.readLine(false);
          if (more !== null) {
            line = line + '\n' + more;
            continue;
          }
        }
        writeErr(e.msg + '\n');
        break;
      }
    }
    if (cl === null) continue;
    try {
      const res = callValue(L, cl, []);
      if (res.length > 0) {
        const parts: string[] = [];
        for (let i = 0; i < res.length; i++) parts.push(tostr(L, res[i]));
        writeOut(parts.join('\t') + '\n');
      }
    } catch (e) {
      if (e instanceof ExitSignal) return e.code;
      const err = toLuaError(L, e);
      writeErr(errorText(L, err.value) + '\nstack traceback:' + tracebackLines(L, err.frame) + '\n');
    }
  }
}

export function main(argv: readonly string[]): number {
  if (argv.length === 0) return repl();
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
    cl = compileLua(L, skipFileHeader(src), '@' + script, L.globals);
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
    writeErr('lua: ' + errorText(L, err.value) + '\nstack traceback:' + tracebackLines(L, err.frame) + '\n');
    return 1;
  }
  flushFiles(L);
  writeOut('');
  return 0;
}
