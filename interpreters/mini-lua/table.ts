// Lua tables: an array part and an ordered hash part.
//
// Array part: `arr[i-1]` holds t[i] for 1 <= i <= arr.length. Invariants:
//   (A1) arr.length === 0 or arr[arr.length-1] !== null   (so #t = arr.length is a border)
//   (A2) the hash part never holds a live key arr.length+1 (setting it appends and
//        migrates the following keys from the hash part).
// Hash part: insertion-ordered parallel arrays hkeys/hvals plus a Map from the
// normalized key to the slot. Removing a key stores nil in its slot (a tombstone), so
// `next` keeps working when fields are cleared during a traversal; tombstones are
// compacted only when a new key is inserted (which Lua leaves undefined during a
// traversal anyway).
//
// Key normalization: integral floats become integers; integers and integral floats that
// have no raw-number form (LInt, LFloat beyond int64) map to strings starting with a
// char >= 0x100, which no Lua string (bytes only) can contain.

import { i64FromDouble, TWO63 } from './int64.js';
import { LFloat, LInt } from './value.js';
import type { LuaValue } from './value.js';

/** The shared, never written, hash part of tables without hash keys. */
const NO_KEYS: LuaValue[] = [];
const NO_INDEX: Map<LuaValue, number> = new Map();

export class LuaTable {
  arr: LuaValue[];
  hkeys: LuaValue[];
  hvals: LuaValue[];
  hidx: Map<LuaValue, number>;
  dead: number = 0;
  metatable: LuaTable | null = null;
  /**
   * When this table is used as a metatable: bit i set = metamethod TM_NAMES[i] known to
   * be absent. Any store of a key starting with "__" clears the cache.
   */
  mmAbsent: number = 0;

  constructor() {
    // Most tables never get a hash key: share empty parts until the first one.
    this.arr = [];
    this.hkeys = NO_KEYS;
    this.hvals = NO_KEYS;
    this.hidx = NO_INDEX;
  }

  /** Border (#t without __len). */
  length(): number {
    return this.arr.length;
  }

  get(k: LuaValue): LuaValue {
    if (typeof k === 'number') {
      const arr = this.arr;
      if (k >= 1 && k <= arr.length && (k | 0) === k) return arr[k - 1];
      return this.hget(k);
    }
    if (typeof k === 'string') return this.hget(k);
    if (k === null) return null;
    if (k instanceof LFloat || k instanceof LInt) return this.get(normKey(k));
    return this.hget(k);
  }

  getInt(k: number): LuaValue {
    const arr = this.arr;
    if (k >= 1 && k <= arr.length) return arr[k - 1];
    return this.hget(k);
  }

  getStr(k: string): LuaValue {
    const i = this.hidx.get(k);
    if (typeof i === 'number') return this.hvals[i];
    return null;
  }

  hget(k: LuaValue): LuaValue {
    const i = this.hidx.get(k);
    if (typeof i === 'number') return this.hvals[i];
    return null;
  }

  /** Raw set; the key must be valid (not nil, not NaN). */
  set(k: LuaValue, v: LuaValue): void {
    if (typeof k === 'number') {
      if (Number.isInteger(k)) this.setInt(k, v);
      else this.hset(k, k, v);
      return;
    }
    if (k instanceof LFloat || k instanceof LInt) {
      const nk = normKey(k);
      if (typeof nk === 'number') this.setInt(nk, v);
      else this.hset(nk, origKey(k, nk), v);
      return;
    }
    this.hset(k, k, v);
  }

  setInt(k: number, v: LuaValue): void {
    const arr = this.arr;
    const n = arr.length;
    if (k >= 1 && k <= n) {
      arr[k - 1] = v;
      if (v === null && k === n) this.trim();
      return;
    }
    if (k === n + 1) {
      if (v === null) return; // (A2): key n+1 is not in the hash part
      arr.push(v);
      if (this.hkeys.length - this.dead > 0) this.migrate();
      return;
    }
    this.hset(k, k, v);
  }

  setStr(k: string, v: LuaValue): void {
    this.hset(k, k, v);
  }

  /** Hash-part set: `nk` is the normalized key, `orig` the key value `next` returns. */
  hset(nk: LuaValue, orig: LuaValue, v: LuaValue): void {
    const i = this.hidx.get(nk);
    if (typeof i === 'number') {
      const old = this.hvals[i];
      if (old === null) {
        if (v !== null) {
          this.dead--;
          if (typeof nk === 'string' && nk.charCodeAt(0) === 95) this.mmAbsent = 0;
        }
      } else if (v === null) this.dead++;
      this.hvals[i] = v;
      return;
    }
    if (v === null) return;
    if (typeof nk === 'string' && nk.charCodeAt(0) === 95) this.mmAbsent = 0;
    if (this.dead > 8 && this.dead * 2 > this.hkeys.length) this.compact();
    if (this.hidx === NO_INDEX) {
      this.hidx = new Map();
      this.hkeys = [];
      this.hvals = [];
    }
    this.hidx.set(nk, this.hkeys.length);
    this.hkeys.push(orig);
    this.hvals.push(v);
  }

  /** Table constructor items: t[start+1..start+vals] = vals (positional fields win). */
  setList(start: number, src: LuaValue[], from: number, n: number): void {
    const arr = this.arr;
    if (start === arr.length) {
      const hasHash = this.hkeys.length - this.dead > 0;
      for (let i = 0; i < n; i++) {
        arr.push(src[from + i]);
        if (hasHash) this.hset(start + i + 1, start + i + 1, null);
      }
      this.trim();
      if (hasHash) this.migrate();
      return;
    }
    for (let i = 0; i < n; i++) this.setInt(start + i + 1, src[from + i]);
  }

  private trim(): void {
    const arr = this.arr;
    let n = arr.length;
    while (n > 0 && arr[n - 1] === null) n--;
    arr.length = n;
  }

  private migrate(): void {
    const arr = this.arr;
    for (;;) {
      const k = arr.length + 1;
      const i = this.hidx.get(k);
      if (typeof i !== 'number') return;
      const v = this.hvals[i];
      if (v === null) return;
      this.hvals[i] = null;
      this.dead++;
      arr.push(v);
    }
  }

  private compact(): void {
    const keys: LuaValue[] = [];
    const vals: LuaValue[] = [];
    const idx = new Map<LuaValue, number>();
    for (let i = 0; i < this.hkeys.length; i++) {
      const v = this.hvals[i];
      if (v === null) continue;
      const k = this.hkeys[i];
      idx.set(normKey(k), keys.length);
      keys.push(k);
      vals.push(v);
    }
    this.hkeys = keys;
    this.hvals = vals;
    this.hidx = idx;
    this.dead = 0;
  }

  /**
   * Iteration: the slot after key `k` (nil = start). Returns a position:
   * 0..arr.length-1 for the array part, arr.length + j for hash slot j, -1 at the end,
   * -2 if the key is not in the table.
   */
  nextPos(k: LuaValue): number {
    const n = this.arr.length;
    let p: number;
    if (k === null) p = 0;
    else {
      const nk = normKey(k);
      if (typeof nk === 'number' && nk >= 1 && nk <= n && Number.isInteger(nk)) p = nk;
      else {
        const i = this.hidx.get(nk);
        if (typeof i !== 'number') return -2;
        p = n + i + 1;
      }
    }
    for (; p < n; p++) {
      if (this.arr[p] !== null) return p;
    }
    const hv = this.hvals;
    for (let j = p - n; j < hv.length; j++) {
      if (hv[j] !== null) return n + j;
    }
    return -1;
  }

  keyAt(pos: number): LuaValue {
    const n = this.arr.length;
    if (pos < n) return pos + 1;
    return this.hkeys[pos - n];
  }

  valAt(pos: number): LuaValue {
    const n = this.arr.length;
    if (pos < n) return this.arr[pos];
    return this.hvals[pos - n];
  }
}

/** The key value `next` returns for a boxed number key (the integer, if it is one). */
function origKey(k: LuaValue, nk: LuaValue): LuaValue {
  if (k instanceof LFloat && typeof nk === 'string' && nk.charCodeAt(0) === 0x100) return i64FromDouble(k.n);
  return k;
}

/** Canonical hash key of a Lua value (see header). */
export function normKey(k: LuaValue): LuaValue {
  if (k instanceof LFloat) {
    const f = k.n;
    if (f === 0) return 0;
    if (f >= -TWO63 && f < TWO63) {
      if (f >= -9007199254740991 && f <= 9007199254740991) return f;
      const p = i64FromDouble(f);
      return '\u0100' + p.hi + ',' + p.lo;
    }
    return '\u0101' + f;
  }
  if (k instanceof LInt) return '\u0100' + k.hi + ',' + k.lo;
  return k;
}
