// Lua tables: an array part and an ordered hash part.
//
// Array part: `arr[i-1]` holds t[i] for 1 <= i <= arr.length. Invariants:
//   (A1) arr.length === 0 or arr[arr.length-1] !== null   (so #t = arr.length is a border)
//   (A2) the hash part never holds a live key arr.length+1 (setting it appends and
//        migrates the following keys from the hash part).
// Hash part: insertion-ordered parallel arrays hkeys/hvals, and once it has more than
// LINEAR_MAX slots (or a boxed-number key) a Map `hidx` from the normalized key to the
// slot; a small hash part is searched linearly (objects and classes have a few string
// keys, which the compiler interns: the search compares pointers, and no Map is built
// per table). Removing a key stores nil in its slot (a tombstone), so
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

/** Hash parts up to this many slots have no index Map. */
const LINEAR_MAX = 8;

export class LuaTable {
  arr: LuaValue[];
  hkeys: LuaValue[];
  hvals: LuaValue[];
  /** null while the hash part is searched linearly (then every key is its own normal form). */
  hidx: Map<LuaValue, number> | null;
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
    this.hidx = null;
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
    const i = this.hfind(k);
    return i >= 0 ? this.hvals[i] : null;
  }

  hget(k: LuaValue): LuaValue {
    const i = this.hfind(k);
    return i >= 0 ? this.hvals[i] : null;
  }

  /** Slot of the normalized key nk in the hash part (live or tombstone), or -1. */
  hfind(nk: LuaValue): number {
    const idx = this.hidx;
    if (idx !== null) {
      const i = idx.get(nk);
      return typeof i === 'number' ? i : -1;
    }
    const keys = this.hkeys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === nk) return i;
    return -1;
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
    const i = this.hfind(nk);
    if (i >= 0) {
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
    if (this.dead > 0 && (this.hidx === null ? this.hkeys.length >= LINEAR_MAX : this.dead > 8 && this.dead * 2 > this.hkeys.length)) {
      this.compact();
    }
    if (this.hkeys === NO_KEYS) {
      this.hkeys = [];
      this.hvals = [];
    }
    const slot = this.hkeys.length;
    this.hkeys.push(orig);
    this.hvals.push(v);
    const idx = this.hidx;
    if (idx !== null) idx.set(nk, slot);
    else if (slot >= LINEAR_MAX || nk !== orig) this.buildIndex();
  }

  /** Leaves linear search: indexes every slot (tombstones too, as hfind finds them). */
  private buildIndex(): void {
    const idx = new Map<LuaValue, number>();
    const keys = this.hkeys;
    for (let i = 0; i < keys.length; i++) idx.set(normKey(keys[i]), i);
    this.hidx = idx;
  }

  /** Table constructor items: t[start+1..start+vals] = vals (positional fields win). */
  setList(start: number, src: LuaValue[], from: number, n: number): void {
    const arr = this.arr;
    if (start === 0 && arr.length === 0 && this.hkeys.length === 0) {
      // a fresh constructor: an array of exactly n items (push would reserve 16 more)
      this.arr = src.slice(from, from + n);
      this.trim();
      return;
    }
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

  /** Removes t[i+1] from the array part (a weak entry the collector cleared). */
  clearArrayItem(i: number): void {
    this.arr[i] = null;
    if (i === this.arr.length - 1) this.trim();
  }

  /** Empties hash slot i, leaving a tombstone so that a traversal can go on. */
  clearSlot(i: number): void {
    if (this.hvals[i] === null) return;
    this.hvals[i] = null;
    this.dead++;
  }

  private trim(): void {
    const arr = this.arr;
    let n = arr.length;
    while (n > 0 && arr[n - 1] === null) n--;
    if (n < arr.length) arr.length = n;
  }

  private migrate(): void {
    const arr = this.arr;
    for (;;) {
      const k = arr.length + 1;
      const i = this.hfind(k);
      if (i < 0) return;
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
    for (let i = 0; i < this.hkeys.length; i++) {
      const v = this.hvals[i];
      if (v === null) continue;
      keys.push(this.hkeys[i]);
      vals.push(v);
    }
    this.hkeys = keys;
    this.hvals = vals;
    this.dead = 0;
    if (this.hidx !== null) this.buildIndex();
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
        const i = this.hfind(nk);
        if (i < 0) return -2;
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
