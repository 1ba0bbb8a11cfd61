// The os and io libraries. Files are LuaFile userdata: reads work on the whole content
// loaded at open time, writes are buffered and flushed on flush/close/exit.

import { LuaTable } from './table.js';
import { LuaBuiltin, LuaUserdata, LFloat, LInt, mkFloat, numberToString, fmtG } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError, ExitSignal } from './state.js';
import { argError, typeError, arg, checkInt, checkStr, optStr, checkNumF } from './libutil.js';
import { strToNumber } from './numconv.js';
import { indexValue } from './slow-paths.js';
import {
  writeOut, writeErr, readFileBytes, writeFileBytes, removeFile, renameFile, tmpName, getEnv, cpuClock,
  nowMillis, localDate, makeTime,
} from './host_extra.host.js';
import { addressOf } from './lib_base.js';
import { toDouble } from './value.js';

export const STD_NONE = 0;
export const STD_IN = 1;
export const STD_OUT = 2;
export const STD_ERR = 3;

export class LuaFile extends LuaUserdata {
  readonly path: string;
  readonly std: number;
  readonly writable: boolean;
  readonly append: boolean;
  content: string;
  pos: number = 0;
  out: string[] = [];
  closed: boolean = false;
  constructor(path: string, std: number, writable: boolean, append: boolean, content: string) {
    super();
    this.path = path;
    this.std = std;
    this.writable = writable;
    this.append = append;
    this.content = content;
  }
}

function fileMeta(L: LuaState): LuaTable {
  return L.registry.getStr('FILE*') as LuaTable;
}

export function setupIo(L: LuaState): void {
  const io = L.globals.getStr('io') as LuaTable;
  const mt = new LuaTable();
  const methods = new LuaTable();
  const names: string[] = ['read', 'write', 'lines', 'close', 'flush', 'seek', 'setvbuf'];
  for (let i = 0; i < names.length; i++) {
    methods.setStr(names[i], L.builtins.get('(file_' + names[i] + ')') as LuaBuiltin);
  }
  mt.setStr('__index', methods);
  mt.setStr('__name', 'FILE*');
  mt.setStr('__tostring', L.builtins.get('(file_tostring)') as LuaBuiltin);
  mt.setStr('__gc', L.builtins.get('(file_gc)') as LuaBuiltin);
  mt.setStr('__close', L.builtins.get('(file_gc)') as LuaBuiltin);
  L.registry.setStr('FILE*', mt);
  const stdin = new LuaFile('stdin', STD_IN, false, false, '');
  const stdout = new LuaFile('stdout', STD_OUT, true, false, '');
  const stderr = new LuaFile('stderr', STD_ERR, true, false, '');
  stdin.metatable = mt;
  stdout.metatable = mt;
  stderr.metatable = mt;
  io.setStr('stdin', stdin);
  io.setStr('stdout', stdout);
  io.setStr('stderr', stderr);
  L.ioInput = stdin;
  L.ioOutput = stdout;
}

function toFile(L: LuaState, R: LuaValue[], b: number, n: number, fname: string): LuaFile {
  const v = arg(R, b, n, 0);
  if (!(v instanceof LuaFile)) throw typeError(L, R, b, n, 0, fname, 'FILE*');
  if (v.closed) throw libError(L, 'attempt to use a closed file');
  return v;
}

function fileWrite(L: LuaState, f: LuaFile, R: LuaValue[], b: number, n: number, first: number): void {
  let s = '';
  for (let i = first; i < n; i++) {
    const v = R[b + i];
    if (typeof v === 'string') s += v;
    else if (typeof v === 'number' && !Number.isInteger(v)) s += fmtG(v, 14, false);
    else if (v instanceof LFloat) s += fmtG(v.n, 14, false);
    else {
      const ns = numberToString(v);
      if (ns === null) throw typeError(L, R, b, n, i, 'write', 'string');
      s += ns;
    }
  }
  if (f.std === STD_OUT) writeOut(s);
  else if (f.std === STD_ERR) writeErr(s);
  else f.out.push(s);
}

export function flushFile(f: LuaFile): string | null {
  if (f.std !== STD_NONE || !f.writable) return null;
  const data = f.out.join('');
  f.out = [];
  const err = writeFileBytes(f.path, data, true);
  return err;
}

export function io_write(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const f = L.ioOutput as LuaFile;
  fileWrite(L, f, R, b, n, 0);
  R[b - 1] = f;
  return 1;
}

export function file_write(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const f = toFile(L, R, b, n, 'write');
  fileWrite(L, f, R, b, n, 1);
  R[b - 1] = f;
  return 1;
}

/** Reads one item of format `fmt` from a file; null at EOF / failure. */
function readItem(L: LuaState, f: LuaFile, fmt: LuaValue, argi: number): LuaValue {
  if (typeof fmt === 'number' || fmt instanceof LInt || fmt instanceof LFloat) {
    const cnt = toDouble(fmt);
    return readChars(L, f, cnt);
  }
  let s = typeof fmt === 'string' ? fmt : '';
  if (s.charCodeAt(0) === 42) s = s.substring(1);
  switch (s.charAt(0)) {
    case 'l':
      return readLine(L, f, false);
    case 'L':
      return readLine(L, f, true);
    case 'a':
      return readAll(L, f);
    case 'n':
      return readNumber(L, f);
    default:
      throw argError(L, argi, 'read', 'invalid format');
  }
}

function readLine(L: LuaState, f: LuaFile, keep: boolean): LuaValue {
  if (f.std === STD_IN) return L.stdin.readLine(keep);
  if (f.pos >= f.content.length) return null;
  const i = f.content.indexOf('\n', f.pos);
  let line: string;
  if (i < 0) {
    line = f.content.substring(f.pos);
    f.pos = f.content.length;
  } else {
    line = f.content.substring(f.pos, keep ? i + 1 : i);
    f.pos = i + 1;
  }
  return line;
}

function readAll(L: LuaState, f: LuaFile): LuaValue {
  if (f.std === STD_IN) return L.stdin.readAll();
  const s = f.content.substring(f.pos);
  f.pos = f.content.length;
  return s;
}

function readChars(L: LuaState, f: LuaFile, n: number): LuaValue {
  if (f.std === STD_IN) {
    if (n === 0) return L.stdin.peek() === '' ? null : '';
    return L.stdin.readChars(n);
  }
  if (n === 0) return f.pos < f.content.length ? '' : null;
  if (f.pos >= f.content.length) return null;
  const s = f.content.substr(f.pos, n);
  f.pos += s.length;
  return s;
}

function readNumber(L: LuaState, f: LuaFile): LuaValue {
  // skip whitespace, then take the longest numeral-looking prefix
  let buf = '';
  if (f.std === STD_IN) {
    for (;;) {
      const c = L.stdin.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') L.stdin.take(1);
      else break;
    }
    for (;;) {
      const c = L.stdin.peek();
      if (c !== '' && '0123456789+-.xXaAbBcCdDeEfFpP'.indexOf(c) >= 0 && buf.length < 200) {
        buf += c;
        L.stdin.take(1);
      } else break;
    }
  } else {
    const s = f.content;
    while (f.pos < s.length && ' \t\n\r'.indexOf(s.charAt(f.pos)) >= 0) f.pos++;
    while (f.pos < s.length && '0123456789+-.xXaAbBcCdDeEfFpP'.indexOf(s.charAt(f.pos)) >= 0 && buf.length < 200) {
      buf += s.charAt(f.pos);
      f.pos++;
    }
  }
  return strToNumber(buf);
}

function doRead(L: LuaState, f: LuaFile, R: LuaValue[], b: number, n: number, first: number): number {
  if (n <= first) {
    R[b - 1] = readLine(L, f, false);
    return 1;
  }
  const res: LuaValue[] = [];
  for (let i = first; i < n; i++) {
    const v = readItem(L, f, R[b + i], i);
    res.push(v);
    if (v === null) break;
  }
  for (let i = 0; i < res.length; i++) R[b - 1 + i] = res[i];
  return res.length;
}

export function io_read(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return doRead(L, L.ioInput as LuaFile, R, b, n, 0);
}

export function file_read(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const f = toFile(L, R, b, n, 'read');
  return doRead(L, f, R, b, n, 1);
}

function makeLinesIter(L: LuaState, f: LuaFile, fmt: LuaValue, closeAtEof: boolean): LuaBuiltin {
  const data: LuaValue[] = [f, fmt, closeAtEof];
  return new LuaBuiltin((L.builtins.get('(lines_iter)') as LuaBuiltin).id, 'lines_iter', null, data);
}

export function lines_iter(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const d = fn.data as LuaValue[];
  const f = d[0] as LuaFile;
  if (f.closed) throw libError(L, 'file is already closed');
  const fmt = d[1];
  const v = fmt === null ? readLine(L, f, false) : readItem(L, f, fmt, 1);
  if (v === null && d[2] === true) f.closed = true;
  R[b - 1] = v;
  return 1;
}

function openFile(L: LuaState, path: string, mode: string): LuaFile | string {
  const m = mode.charAt(0);
  const plus = mode.indexOf('+') >= 0;
  let content = '';
  if (m === 'r') {
    const c = readFileBytes(path);
    if (c === null) return path + ': No such file or directory';
    content = c;
  } else if (m === 'w') {
    const err = writeFileBytes(path, '', false);
    if (err !== null) return err;
  } else if (m === 'a') {
    const err = writeFileBytes(path, '', true);
    if (err !== null) return err;
  }
  const f = new LuaFile(path, STD_NONE, m !== 'r' || plus, m === 'a', content);
  f.metatable = fileMeta(L);
  return f;
}

export function io_open(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const path = checkStr(L, R, b, n, 0, 'open');
  const mode = optStr(L, R, b, n, 1, 'open', 'r');
  let ok = mode.length > 0 && 'rwa'.indexOf(mode.charAt(0)) >= 0;
  let i = 1;
  if (ok && mode.charAt(i) === '+') i++;
  if (ok && mode.charAt(i) === 'b') i++;
  if (i !== mode.length) ok = false;
  if (!ok) throw argError(L, 1, 'open', 'invalid mode');
  const r = openFile(L, path, mode);
  if (typeof r === 'string') {
    R[b - 1] = null;
    R[b] = r;
    R[b + 1] = 2;
    return 3;
  }
  R[b - 1] = r;
  return 1;
}

export function io_lines(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  if (n === 0 || R[b] === null) {
    R[b - 1] = makeLinesIter(L, L.ioInput as LuaFile, null, false);
    return 1;
  }
  const path = checkStr(L, R, b, n, 0, 'lines');
  const r = openFile(L, path, 'r');
  if (typeof r === 'string') throw libError(L, r);
  R[b - 1] = makeLinesIter(L, r, n > 1 ? R[b + 1] : null, true);
  R[b] = null;
  R[b + 1] = null;
  R[b + 2] = r;
  return 4;
}

export function file_lines(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const f = toFile(L, R, b, n, 'lines');
  R[b - 1] = makeLinesIter(L, f, n > 1 ? R[b + 1] : null, false);
  return 1;
}

function closeFile(L: LuaState, f: LuaFile, R: LuaValue[], b: number): number {
  if (f.std !== STD_NONE) {
    R[b - 1] = null;
    R[b] = 'cannot close standard file';
    return 2;
  }
  flushFile(f);
  f.closed = true;
  R[b - 1] = true;
  return 1;
}

export function io_close(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  if (n === 0) return closeFile(L, L.ioOutput as LuaFile, R, b);
  return closeFile(L, toFile(L, R, b, n, 'close'), R, b);
}

export function file_close(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  return closeFile(L, toFile(L, R, b, n, 'close'), R, b);
}

/** __gc and __close of files: close the file unless it is closed or standard. */
export function file_gc(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = arg(R, b, n, 0);
  if (!(v instanceof LuaFile)) throw typeError(L, R, b, n, 0, '__gc', 'FILE*');
  if (!v.closed && v.std === STD_NONE) {
    flushFile(v);
    v.closed = true;
  }
  return 0;
}

export function file_flush(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const f = toFile(L, R, b, n, 'flush');
  flushFile(f);
  R[b - 1] = f;
  return 1;
}

export function file_seek(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const f = toFile(L, R, b, n, 'seek');
  const whence = optStr(L, R, b, n, 1, 'seek', 'cur');
  const off = n > 2 && R[b + 2] !== null ? checkInt(L, R, b, n, 2, 'seek') : 0;
  const size = f.content.length;
  let base = f.pos;
  if (whence === 'set') base = 0;
  else if (whence === 'end') base = size;
  else if (whence !== 'cur') throw argError(L, 1, 'seek', "invalid option '" + whence + "'");
  f.pos = base + off;
  R[b - 1] = f.pos;
  return 1;
}

export function file_setvbuf(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  toFile(L, R, b, n, 'setvbuf');
  R[b - 1] = true;
  return 1;
}

export function file_tostring(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const f = R[b];
  if (f instanceof LuaFile) R[b - 1] = f.closed ? 'file (closed)' : 'file (' + addressOf(L, f) + ')';
  else R[b - 1] = 'file';
  return 1;
}

export function io_output(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  if (n > 0 && R[b] !== null) {
    const v = R[b];
    if (typeof v === 'string') {
      const r = openFile(L, v, 'w');
      if (typeof r === 'string') throw libError(L, r);
      L.ioOutput = r;
    } else L.ioOutput = toFile(L, R, b, n, 'output');
  }
  R[b - 1] = L.ioOutput;
  return 1;
}

export function io_input(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  if (n > 0 && R[b] !== null) {
    const v = R[b];
    if (typeof v === 'string') {
      const r = openFile(L, v, 'r');
      if (typeof r === 'string') throw libError(L, r);
      L.ioInput = r;
    } else L.ioInput = toFile(L, R, b, n, 'input');
  }
  R[b - 1] = L.ioInput;
  return 1;
}

export function io_type(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = arg(R, b, n, 0);
  if (v instanceof LuaFile) R[b - 1] = v.closed ? 'closed file' : 'file';
  else R[b - 1] = null;
  return 1;
}

// ---------------------------------------------------------------- os

export function os_clock(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  R[b - 1] = mkFloat(cpuClock());
  return 1;
}

function getField(L: LuaState, t: LuaTable, k: string, def: number, required: boolean): number {
  const v = indexValue(L, t, k);
  if (v === null) {
    if (required) throw libError(L, "field '" + k + "' missing in date table");
    return def;
  }
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const nv = strToNumber(v);
    if (typeof nv === 'number' && Number.isInteger(nv)) return nv;
  }
  throw libError(L, "field '" + k + "' is not an integer");
}

export function os_time(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  if (n === 0 || R[b] === null) {
    R[b - 1] = Math.floor(nowMillis() / 1000);
    return 1;
  }
  const t = R[b];
  if (!(t instanceof LuaTable)) throw typeError(L, R, b, n, 0, 'time', 'table');
  const year = getField(L, t, 'year', -1, true);
  const month = getField(L, t, 'month', -1, true);
  const day = getField(L, t, 'day', -1, true);
  const hour = getField(L, t, 'hour', 12, false);
  const min = getField(L, t, 'min', 0, false);
  const sec = getField(L, t, 'sec', 0, false);
  R[b - 1] = makeTime(year, month, day, hour, min, sec);
  return 1;
}

const DAYS: string[] = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS: string[] = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November',
  'December',
];

function two(n: number): string {
  return n < 10 ? '0' + n : '' + n;
}

function strftime(fmt: string, d: number[]): string {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt.charAt(i);
    if (c !== '%') {
      out += c;
      continue;
    }
    i++;
    const k = fmt.charAt(i);
    switch (k) {
      case 'Y': out += d[5]; break;
      case 'y': out += two(d[5] % 100); break;
      case 'm': out += two(d[4]); break;
      case 'd': out += two(d[3]); break;
      case 'e': out += d[3] < 10 ? ' ' + d[3] : '' + d[3]; break;
      case 'H': out += two(d[2]); break;
      case 'I': out += two(d[2] % 12 === 0 ? 12 : d[2] % 12); break;
      case 'M': out += two(d[1]); break;
      case 'S': out += two(d[0]); break;
      case 'p': out += d[2] < 12 ? 'AM' : 'PM'; break;
      case 'A': out += DAYS[d[6] - 1]; break;
      case 'a': out += DAYS[d[6] - 1].substring(0, 3); break;
      case 'B': out += MONTHS[d[4] - 1]; break;
      case 'b':
      case 'h': out += MONTHS[d[4] - 1].substring(0, 3); break;
      case 'j': {
        let s = '' + d[7];
        while (s.length < 3) s = '0' + s;
        out += s;
        break;
      }
      case 'c':
        out += DAYS[d[6] - 1].substring(0, 3) + ' ' + MONTHS[d[4] - 1].substring(0, 3) + ' ' +
          (d[3] < 10 ? ' ' + d[3] : '' + d[3]) + ' ' + two(d[2]) + ':' + two(d[1]) + ':' + two(d[0]) + ' ' + d[5];
        break;
      case 'x': out += two(d[4]) + '/' + two(d[3]) + '/' + two(d[5] % 100); break;
      case 'X':
      case 'T': out += two(d[2]) + ':' + two(d[1]) + ':' + two(d[0]); break;
      case 'D': out += two(d[4]) + '/' + two(d[3]) + '/' + two(d[5] % 100); break;
      case 'F': out += d[5] + '-' + two(d[4]) + '-' + two(d[3]); break;
      case 'R': out += two(d[2]) + ':' + two(d[1]); break;
      case 'w': out += '' + (d[6] - 1); break;
      case 'Z': out += 'UTC'; break;
      case 'z': out += '+0000'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case '%': out += '%'; break;
      default: out += '%' + k;
    }
  }
  return out;
}

export function os_date(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  let fmt = optStr(L, R, b, n, 0, 'date', '%c');
  const t = n > 1 && R[b + 1] !== null ? checkInt(L, R, b, n, 1, 'date') : Math.floor(nowMillis() / 1000);
  let utc = false;
  if (fmt.charAt(0) === '!') {
    utc = true;
    fmt = fmt.substring(1);
  }
  const d = localDate(t, utc);
  if (fmt.substring(0, 2) === '*t') {
    const r = new LuaTable();
    r.setStr('year', d[5]);
    r.setStr('month', d[4]);
    r.setStr('day', d[3]);
    r.setStr('hour', d[2]);
    r.setStr('min', d[1]);
    r.setStr('sec', d[0]);
    r.setStr('wday', d[6]);
    r.setStr('yday', d[7]);
    r.setStr('isdst', false);
    R[b - 1] = r;
    return 1;
  }
  R[b - 1] = strftime(fmt, d);
  return 1;
}

export function os_getenv(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  R[b - 1] = getEnv(checkStr(L, R, b, n, 0, 'getenv'));
  return 1;
}

const LOCALE_CATEGORIES = ['all', 'collate', 'ctype', 'monetary', 'numeric', 'time'];

// Only the "C" locale exists here (string functions work on bytes, numbers use '.'):
// querying or asking for C/POSIX/the native default gives "C", anything else fails.
export function os_setlocale(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const name = n > 0 && R[b] !== null ? checkStr(L, R, b, n, 0, 'setlocale') : null;
  const cat = optStr(L, R, b, n, 1, 'setlocale', 'all');
  if (LOCALE_CATEGORIES.indexOf(cat) < 0) throw argError(L, 1, 'setlocale', "invalid option '" + cat + "'");
  R[b - 1] = name === null || name === '' || name === 'C' || name === 'POSIX' ? 'C' : null;
  return 1;
}

export function os_exit(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const v = arg(R, b, n, 0);
  let code = 0;
  if (v === false) code = 1;
  else if (v !== null && v !== true) code = checkInt(L, R, b, n, 0, 'exit');
  throw new ExitSignal(code);
}

export function os_remove(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const err = removeFile(checkStr(L, R, b, n, 0, 'remove'));
  if (err === null) {
    R[b - 1] = true;
    return 1;
  }
  R[b - 1] = null;
  R[b] = err;
  R[b + 1] = 2;
  return 3;
}

export function os_rename(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const err = renameFile(checkStr(L, R, b, n, 0, 'rename'), checkStr(L, R, b, n, 1, 'rename'));
  if (err === null) {
    R[b - 1] = true;
    return 1;
  }
  R[b - 1] = null;
  R[b] = err;
  R[b + 1] = 2;
  return 3;
}

export function os_tmpname(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  R[b - 1] = tmpName();
  return 1;
}

export function os_difftime(L: LuaState, fn: LuaBuiltin, R: LuaValue[], b: number, n: number): number {
  const t1 = checkNumF(L, R, b, n, 0, 'difftime');
  const t2 = n > 1 ? checkNumF(L, R, b, n, 1, 'difftime') : 0;
  R[b - 1] = mkFloat(t1 - t2);
  return 1;
}
