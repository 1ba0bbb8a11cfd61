// Host services mini-lua needs beyond framework/host.ts: byte-string <-> UTF-8 at the
// output edge, stdin, files, environment, clocks. Like framework/host.ts this file is
// host code (Node APIs), not interpreter code: the codewriter treats every function
// here as an opaque residual call.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostWrite, hostWriteError, flushOutput } from 'metajit';

function hasHigh(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** Lua byte string -> host text (bytes decoded as UTF-8). */
export function bytesToText(s: string): string {
  if (!hasHigh(s)) return s;
  return Buffer.from(s, 'latin1').toString('utf8');
}

/** Host text -> Lua byte string (UTF-8 encoded). */
export function textToBytes(s: string): string {
  let high = false;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      high = true;
      break;
    }
  }
  if (!high) return s;
  return Buffer.from(s, 'utf8').toString('latin1');
}

export function writeOut(s: string): void {
  hostWrite(bytesToText(s));
}

/** Pushes buffered stdout to the process (before blocking on stdin). */
export function flushStdout(): void {
  flushOutput();
}

export function writeErr(s: string): void {
  hostWriteError(bytesToText(s));
}

/** Reads a file as a byte string, or null. */
export function readFileBytes(p: string): string | null {
  try {
    return fs.readFileSync(p).toString('latin1');
  } catch (e) {
    return null;
  }
}

/** Why a file cannot be read ("No such file or directory"), for "cannot open" messages. */
export function readError(p: string): string {
  try {
    fs.readFileSync(p);
    return 'unknown error';
  } catch (e) {
    return errText(e);
  }
}

export function fileExists(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch (e) {
    return false;
  }
}

/** Writes (or appends) a byte string; returns an error message or null. */
export function writeFileBytes(p: string, data: string, append: boolean): string | null {
  try {
    if (append) fs.appendFileSync(p, Buffer.from(data, 'latin1'));
    else fs.writeFileSync(p, Buffer.from(data, 'latin1'));
    return null;
  } catch (e) {
    return p + ': ' + errText(e);
  }
}

function errText(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return String((e as Error).message);
}

export function removeFile(p: string): string | null {
  try {
    const st = fs.statSync(p);
    if (st.isDirectory()) fs.rmdirSync(p);
    else fs.unlinkSync(p);
    return null;
  } catch (e) {
    return p + ': ' + errText(e);
  }
}

export function renameFile(a: string, b: string): string | null {
  try {
    fs.renameSync(a, b);
    return null;
  } catch (e) {
    return a + ': ' + errText(e);
  }
}

export function tmpName(): string {
  return path.join(os.tmpdir(), 'lua_' + process.pid.toString(36) + '_' + Math.floor(Math.random() * 1e9).toString(36));
}

export function getEnv(name: string): string | null {
  const v = process.env[name];
  return typeof v === 'string' ? textToBytes(v) : null;
}

/** CPU time in seconds (os.clock). */
export function cpuClock(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function nowMillis(): number {
  return Date.now();
}

export function dirName(p: string): string {
  return path.dirname(p);
}

export function joinPath(a: string, b: string): string {
  return path.join(a, b);
}

/** Local-time broken-down date fields: [sec,min,hour,day,month(1-12),year,wday(1-7),yday(1-366),isdst]. */
export function localDate(t: number, utc: boolean): number[] {
  const d = new Date(t * 1000);
  const year = utc ? d.getUTCFullYear() : d.getFullYear();
  const month = utc ? d.getUTCMonth() : d.getMonth();
  const day = utc ? d.getUTCDate() : d.getDate();
  const start = utc ? Date.UTC(year, 0, 1) : new Date(year, 0, 1).getTime();
  const cur = utc ? Date.UTC(year, month, day) : new Date(year, month, day).getTime();
  const yday = Math.round((cur - start) / 86400000) + 1;
  const res: number[] = [
    utc ? d.getUTCSeconds() : d.getSeconds(),
    utc ? d.getUTCMinutes() : d.getMinutes(),
    utc ? d.getUTCHours() : d.getHours(),
    day,
    month + 1,
    year,
    (utc ? d.getUTCDay() : d.getDay()) + 1,
    yday,
    0,
  ];
  return res;
}

/** Seconds since the epoch of a local time (os.time with a table). */
export function makeTime(year: number, month: number, day: number, hour: number, min: number, sec: number): number {
  return Math.floor(new Date(year, month - 1, day, hour, min, sec).getTime() / 1000);
}

/** Buffered reader over stdin (fd 0), bytes as a Latin-1 string. */
export class StdinReader {
  buf: string = '';
  eof: boolean = false;

  fill(): boolean {
    if (this.eof) return false;
    const chunk = Buffer.alloc(65536);
    let n = 0;
    try {
      n = fs.readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EAGAIN') return true;
      n = 0;
    }
    if (n <= 0) {
      this.eof = true;
      return false;
    }
    this.buf += chunk.toString('latin1', 0, n);
    return true;
  }

  /** A line without its newline (keepNl: with), or null at EOF. */
  readLine(keepNl: boolean): string | null {
    for (;;) {
      const i = this.buf.indexOf('\n');
      if (i >= 0) {
        const line = this.buf.substring(0, keepNl ? i + 1 : i);
        this.buf = this.buf.substring(i + 1);
        return line;
      }
      if (!this.fill()) {
        if (this.buf.length === 0) return null;
        const line = this.buf;
        this.buf = '';
        return line;
      }
    }
  }

  readAll(): string {
    while (this.fill()) {
      // keep reading
    }
    const s = this.buf;
    this.buf = '';
    return s;
  }

  readChars(n: number): string | null {
    while (this.buf.length < n && this.fill()) {
      // keep reading
    }
    if (this.buf.length === 0 && n > 0) return null;
    const s = this.buf.substring(0, n);
    this.buf = this.buf.substring(s.length);
    return s;
  }

  /** Peeks one char ('' at EOF). */
  peek(): string {
    if (this.buf.length === 0) this.fill();
    return this.buf.length > 0 ? this.buf.charAt(0) : '';
  }

  take(n: number): void {
    this.buf = this.buf.substring(n);
  }
}
