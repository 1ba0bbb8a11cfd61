// Lua patterns (a port of the matcher in lstrlib.c). Positions are 0-based string
// indices; -1 means "no match".

import { LuaError } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, libError } from './state.js';

export const CAP_UNFINISHED = -1;
export const CAP_POSITION = -2;
const MAXCAPTURES = 32;
const MAXCCALLS = 200;
export const SPECIALS = '^$*+?.([%-';

export class MatchState {
  readonly L: LuaState;
  readonly src: string;
  readonly pat: string;
  level: number = 0;
  matchdepth: number = MAXCCALLS;
  /** Captures 0..level-1 (grown on demand: most patterns have few). */
  readonly capStart: number[] = [];
  readonly capLen: number[] = [];
  constructor(L: LuaState, src: string, pat: string) {
    this.L = L;
    this.src = src;
    this.pat = pat;
  }
  reset(): void {
    this.level = 0;
    this.matchdepth = MAXCCALLS;
  }
}

function err(ms: MatchState, msg: string): LuaError {
  return libError(ms.L, msg);
}

function classEnd(ms: MatchState, p0: number): number {
  const pat = ms.pat;
  let p = p0;
  const c = pat.charCodeAt(p++);
  if (c === 37) {
    if (p >= pat.length) throw err(ms, "malformed pattern (ends with '%')");
    return p + 1;
  }
  if (c === 91) {
    if (pat.charCodeAt(p) === 94) p++;
    do {
      if (p >= pat.length) throw err(ms, "malformed pattern (missing ']')");
      const cc = pat.charCodeAt(p++);
      if (cc === 37 && p < pat.length) p++;
    } while (pat.charCodeAt(p) !== 93);
    return p + 1;
  }
  return p;
}

function isalpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isdigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isspace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function iscntrl(c: number): boolean {
  return c < 32 || c === 127;
}
function ispunct(c: number): boolean {
  return c > 32 && c < 127 && !isalpha(c) && !isdigit(c);
}

function matchClass(c: number, cl: number): boolean {
  let res: boolean;
  switch (cl | 32) {
    case 97: res = isalpha(c); break;
    case 99: res = iscntrl(c); break;
    case 100: res = isdigit(c); break;
    case 103: res = c > 32 && c < 127; break;
    case 108: res = c >= 97 && c <= 122; break;
    case 112: res = ispunct(c); break;
    case 115: res = isspace(c); break;
    case 117: res = c >= 65 && c <= 90; break;
    case 119: res = isalpha(c) || isdigit(c); break;
    case 120: res = isdigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70); break;
    case 122: res = c === 0; break; // %z, deprecated but still accepted by PUC
    default: return cl === c;
  }
  if (cl >= 65 && cl <= 90) return !res;
  return res;
}

function matchBracketClass(ms: MatchState, c: number, p0: number, ec: number): boolean {
  const pat = ms.pat;
  let p = p0;
  let sig = true;
  if (pat.charCodeAt(p + 1) === 94) {
    sig = false;
    p++;
  }
  while (++p < ec) {
    const pc = pat.charCodeAt(p);
    if (pc === 37) {
      p++;
      if (matchClass(c, pat.charCodeAt(p))) return sig;
    } else if (pat.charCodeAt(p + 1) === 45 && p + 2 < ec) {
      p += 2;
      if (pat.charCodeAt(p - 2) <= c && c <= pat.charCodeAt(p)) return sig;
    } else if (pc === c) return sig;
  }
  return !sig;
}

function singleMatch(ms: MatchState, s: number, p: number, ep: number): boolean {
  if (s >= ms.src.length) return false;
  const c = ms.src.charCodeAt(s);
  const pc = ms.pat.charCodeAt(p);
  switch (pc) {
    case 46: return true;
    case 37: return matchClass(c, ms.pat.charCodeAt(p + 1));
    case 91: return matchBracketClass(ms, c, p, ep - 1);
    default: return pc === c;
  }
}

function matchBalance(ms: MatchState, s0: number, p: number): number {
  if (p + 1 >= ms.pat.length) throw err(ms, "malformed pattern (missing arguments to '%b')");
  const src = ms.src;
  let s = s0;
  if (s >= src.length || src.charCodeAt(s) !== ms.pat.charCodeAt(p)) return -1;
  const b = ms.pat.charCodeAt(p);
  const e = ms.pat.charCodeAt(p + 1);
  let cont = 1;
  while (++s < src.length) {
    const c = src.charCodeAt(s);
    if (c === e) {
      if (--cont === 0) return s + 1;
    } else if (c === b) cont++;
  }
  return -1;
}

function maxExpand(ms: MatchState, s: number, p: number, ep: number): number {
  let i = 0;
  while (singleMatch(ms, s + i, p, ep)) i++;
  while (i >= 0) {
    const res = doMatch(ms, s + i, ep + 1);
    if (res !== -1) return res;
    i--;
  }
  return -1;
}

function minExpand(ms: MatchState, s0: number, p: number, ep: number): number {
  let s = s0;
  for (;;) {
    const res = doMatch(ms, s, ep + 1);
    if (res !== -1) return res;
    if (singleMatch(ms, s, p, ep)) s++;
    else return -1;
  }
}

function startCapture(ms: MatchState, s: number, p: number, what: number): number {
  const level = ms.level;
  if (level >= MAXCAPTURES) throw err(ms, 'too many captures');
  if (level === ms.capStart.length) {
    ms.capStart.push(s);
    ms.capLen.push(what);
  } else {
    ms.capStart[level] = s;
    ms.capLen[level] = what;
  }
  ms.level = level + 1;
  const res = doMatch(ms, s, p);
  if (res === -1) ms.level--;
  return res;
}

function captureToClose(ms: MatchState): number {
  let level = ms.level - 1;
  for (; level >= 0; level--) if (ms.capLen[level] === CAP_UNFINISHED) return level;
  throw err(ms, 'invalid pattern capture');
}

function endCapture(ms: MatchState, s: number, p: number): number {
  const l = captureToClose(ms);
  ms.capLen[l] = s - ms.capStart[l];
  const res = doMatch(ms, s, p);
  if (res === -1) ms.capLen[l] = CAP_UNFINISHED;
  return res;
}

function checkCapture(ms: MatchState, c: number): number {
  const l = c - 49;
  if (l < 0 || l >= ms.level || ms.capLen[l] === CAP_UNFINISHED) {
    throw err(ms, 'invalid capture index %' + (l + 1));
  }
  return l;
}

function matchCapture(ms: MatchState, s: number, c: number): number {
  const l = checkCapture(ms, c);
  const len = ms.capLen[l];
  const src = ms.src;
  if (src.length - s >= len && src.substr(ms.capStart[l], len) === src.substr(s, len)) return s + len;
  return -1;
}

export function doMatch(ms: MatchState, s0: number, p0: number): number {
  if (ms.matchdepth-- === 0) throw err(ms, 'pattern too complex');
  const r = doMatchInner(ms, s0, p0);
  ms.matchdepth++;
  return r;
}

function doMatchInner(ms: MatchState, s0: number, p0: number): number {
  let s = s0;
  let p = p0;
  const pat = ms.pat;
  const plen = pat.length;
  for (;;) {
    if (p === plen) return s;
    const pc = pat.charCodeAt(p);
    if (pc === 40) {
      if (pat.charCodeAt(p + 1) === 41) return startCapture(ms, s, p + 2, CAP_POSITION);
      return startCapture(ms, s, p + 1, CAP_UNFINISHED);
    }
    if (pc === 41) return endCapture(ms, s, p + 1);
    if (pc === 36 && p + 1 === plen) return s === ms.src.length ? s : -1;
    if (pc === 37) {
      const nc = pat.charCodeAt(p + 1);
      if (nc === 98) {
        s = matchBalance(ms, s, p + 2);
        if (s !== -1) {
          p += 4;
          continue;
        }
        return -1;
      }
      if (nc === 102) {
        p += 2;
        if (pat.charCodeAt(p) !== 91) throw err(ms, "missing '[' after '%f' in pattern");
        const ep = classEnd(ms, p);
        const prev = s === 0 ? 0 : ms.src.charCodeAt(s - 1);
        const cur = s < ms.src.length ? ms.src.charCodeAt(s) : 0;
        if (!matchBracketClass(ms, prev, p, ep - 1) && matchBracketClass(ms, cur, p, ep - 1)) {
          p = ep;
          continue;
        }
        return -1;
      }
      if (nc >= 48 && nc <= 57) {
        s = matchCapture(ms, s, nc);
        if (s !== -1) {
          p += 2;
          continue;
        }
        return -1;
      }
    }
    // default
    const ep = classEnd(ms, p);
    const epc = pat.charCodeAt(ep);
    if (!singleMatch(ms, s, p, ep)) {
      if (epc === 42 || epc === 63 || epc === 45) {
        p = ep + 1;
        continue;
      }
      return -1;
    }
    if (epc === 63) {
      const res = doMatch(ms, s + 1, ep + 1);
      if (res !== -1) return res;
      p = ep + 1;
      continue;
    }
    if (epc === 43) return maxExpand(ms, s + 1, p, ep);
    if (epc === 42) return maxExpand(ms, s, p, ep);
    if (epc === 45) return minExpand(ms, s, p, ep);
    s++;
    p = ep;
  }
}

/** Capture i of a match [s, e) (whole match when there are no captures and i == 0). */
export function getCapture(ms: MatchState, i: number, s: number, e: number): LuaValue {
  if (i >= ms.level) {
    if (i !== 0) throw err(ms, 'invalid capture index %' + (i + 1));
    return ms.src.substring(s, e);
  }
  const l = ms.capLen[i];
  if (l === CAP_UNFINISHED) throw err(ms, 'unfinished capture');
  if (l === CAP_POSITION) return ms.capStart[i] + 1;
  return ms.src.substr(ms.capStart[i], l);
}

export function captureCount(ms: MatchState, s: number): number {
  return ms.level === 0 && s !== -1 ? 1 : ms.level;
}

export function hasSpecials(p: string): boolean {
  for (let i = 0; i < p.length; i++) if (SPECIALS.indexOf(p.charAt(i)) >= 0) return true;
  return false;
}

/**
 * The character every match of the pattern from p0 starts with, or -1 when there is
 * none (a class, a capture, an optional first item). Callers skip to its next
 * occurrence instead of trying a match at every position.
 */
export function firstLiteral(pat: string, p0: number): number {
  if (p0 >= pat.length || SPECIALS.indexOf(pat.charAt(p0)) >= 0) return -1;
  const q = pat.charCodeAt(p0 + 1);
  if (q === 42 || q === 63 || q === 45) return -1; // '*', '?', '-': may match nothing
  return pat.charCodeAt(p0);
}
