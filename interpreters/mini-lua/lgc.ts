// The part of Lua's garbage collector that programs can observe: weak tables.
//
// mini-lua's values are JS objects, and Node frees them; but a JS collection cannot be
// observed while a program runs (a WeakRef's target stays alive until the current job
// ends, and the whole program is one job), so weak tables cannot rest on it. Instead a
// cycle here marks, from the roots of the Lua state, every object a Lua program can
// still reach, as PUC's atomic phase does, and removes from weak tables the entries
// whose weak key or value was not reached. Nothing is freed: Node does that once the
// entries are gone.
//
// Roots: the globals, registry, loaded modules, the basic types' metatables, the
// current frames (with every thread that is resuming another) and what those frames
// are running. A frame stopped at a call keeps the registers up to the call's
// arguments (the rest are dead temporaries, as above PUC's stack top).
//
// Cycles run on collectgarbage("collect"/"step") and, once a weak table exists,
// automatically: the dispatch loop counts table constructors, closures and
// concatenations (VmGate.gc, folded away by traces until then).
//
// Weak tables follow PUC: weak values ("v") are cleared of unreached values; weak keys
// ("k") are ephemerons, whose value is reached only through a reached key; "kv" holds
// neither. Only objects are removed: strings, numbers, booleans and the library's
// builtins (PUC's light C functions) are values that stay.

import { LuaTable } from './table.js';
import { Box, Coroutine, LuaBuiltin, LuaClosure, LuaUserdata, CO_SUSPENDED, CO_DEAD } from './value.js';
import type { LuaValue } from './value.js';
import { LuaState, Frame, Unwind } from './state.js';
import { OP_CALL } from './proto.js';
import { LightUserdata } from './lib_debug.js';

class GcState {
  readonly L: LuaState;
  readonly marked: Set<object> = new Set();
  /** Reached objects whose references are still to be followed. */
  readonly gray: LuaValue[] = [];
  readonly grayFrames: Frame[] = [];
  /** Tables with weak values, ephemerons (weak keys only), and all tables with weak keys. */
  readonly weakValues: LuaTable[] = [];
  readonly ephemerons: LuaTable[] = [];
  readonly weakKeys: LuaTable[] = [];
  constructor(L: LuaState) {
    this.L = L;
  }
}

/** Whether a value is an object that weak tables lose when it is not reached. */
function collectable(v: LuaValue): boolean {
  if (v instanceof LuaTable || v instanceof LuaClosure || v instanceof Coroutine) return true;
  if (v instanceof LuaBuiltin) return v.co !== null || v.data !== null;
  return v instanceof LuaUserdata && !(v instanceof LightUserdata);
}

function isMarked(g: GcState, v: LuaValue): boolean {
  return !collectable(v) || g.marked.has(v as object);
}

function mark(g: GcState, v: LuaValue): void {
  if (!collectable(v) && !(v instanceof Box) && !(v instanceof LuaBuiltin)) return;
  if (g.marked.has(v as object)) return;
  g.marked.add(v as object);
  g.gray.push(v);
}

function markFrame(g: GcState, f: Frame | null): void {
  if (f === null || g.marked.has(f)) return;
  g.marked.add(f);
  g.grayFrames.push(f);
}

/** The __mode of a table's metatable: 0 strong, 1 weak keys, 2 weak values, 3 both. */
function weakMode(t: LuaTable): number {
  const mt = t.metatable;
  if (mt === null) return 0;
  const m = mt.getStr('__mode');
  if (typeof m !== 'string') return 0;
  return (m.indexOf('k') >= 0 ? 1 : 0) | (m.indexOf('v') >= 0 ? 2 : 0);
}

function traverseTable(g: GcState, t: LuaTable): void {
  mark(g, t.metatable);
  const mode = weakMode(t);
  const weakK = (mode & 1) !== 0;
  const weakV = (mode & 2) !== 0;
  if (weakV) g.weakValues.push(t);
  if (weakK) g.weakKeys.push(t);
  if (weakK && !weakV) g.ephemerons.push(t);
  if (weakK && weakV) return;
  // array keys are numbers: their values are reached unless values are weak
  if (!weakV) for (let i = 0; i < t.arr.length; i++) mark(g, t.arr[i]);
  for (let i = 0; i < t.hkeys.length; i++) {
    const v = t.hvals[i];
    if (v === null) continue;
    const k = t.hkeys[i];
    if (!weakK) mark(g, k);
    if (!weakV && (!weakK || isMarked(g, k))) mark(g, v);
  }
}

function traverseFrame(g: GcState, f: Frame): void {
  const L = g.L;
  mark(g, f.closure);
  mark(g, f.handler);
  for (let i = 0; i < f.varargs.length; i++) mark(g, f.varargs[i]);
  let live = f.regs.length;
  const p = f.closure.proto;
  if (f.pc >= 0 && f.pc < p.code.length && (p.code[f.pc] & 0xff) === OP_CALL) {
    const ins = p.code[f.pc];
    const b = (ins >>> 16) & 0xff;
    const top = b === 0 ? f.top : ((ins >>> 8) & 0xff) + b;
    if (top < live) live = top;
  }
  for (let i = 0; i < live; i++) mark(g, f.regs[i]);
  if (L.unwinds.has(f)) {
    // an error being unwound: its value and the frames still to be closed
    for (let u: Unwind | null = L.unwinds.get(f) as Unwind; u !== null; u = u.outer) {
      mark(g, u.v);
      markFrame(g, u.top);
      markFrame(g, u.stop);
    }
  }
  markFrame(g, f.parent);
}

function traverse(g: GcState, v: LuaValue): void {
  const L = g.L;
  if (v instanceof LuaTable) traverseTable(g, v);
  else if (v instanceof LuaClosure) {
    for (let i = 0; i < v.upvals.length; i++) mark(g, v.upvals[i]);
  } else if (v instanceof Box) mark(g, v.v);
  else if (v instanceof LuaBuiltin) {
    mark(g, v.co);
    const d = v.data;
    if (d !== null) for (let i = 0; i < d.length; i++) mark(g, d[i]);
  } else if (v instanceof Coroutine) {
    mark(g, v.fn);
    mark(g, v.hook);
    if (v.status === CO_SUSPENDED || v.status === CO_DEAD) markFrame(g, v.frame);
    markFrame(g, v.resumerFrame);
    mark(g, v.prevThread);
    if (L.coErrors.has(v)) mark(g, L.coErrors.get(v) as LuaValue);
  } else if (v instanceof LuaUserdata) mark(g, v.metatable);
}

function propagate(g: GcState): void {
  for (;;) {
    if (g.gray.length > 0) traverse(g, g.gray.pop() as LuaValue);
    else if (g.grayFrames.length > 0) traverseFrame(g, g.grayFrames.pop() as Frame);
    else return;
  }
}

/** Ephemerons: a value is reached when its key is; repeat until nothing more is. */
function convergeEphemerons(g: GcState): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (let e = 0; e < g.ephemerons.length; e++) {
      const t = g.ephemerons[e];
      for (let i = 0; i < t.hkeys.length; i++) {
        const v = t.hvals[i];
        if (v !== null && isMarked(g, t.hkeys[i]) && !isMarked(g, v)) {
          mark(g, v);
          changed = true;
        }
      }
    }
    propagate(g);
  }
}

function clearWeak(g: GcState): void {
  for (let w = 0; w < g.weakValues.length; w++) {
    const t = g.weakValues[w];
    for (let i = 0; i < t.arr.length; i++) if (!isMarked(g, t.arr[i])) t.clearArrayItem(i);
    for (let i = 0; i < t.hkeys.length; i++) if (!isMarked(g, t.hvals[i])) t.clearSlot(i);
  }
  for (let w = 0; w < g.weakKeys.length; w++) {
    const t = g.weakKeys[w];
    for (let i = 0; i < t.hkeys.length; i++) if (!isMarked(g, t.hkeys[i])) t.clearSlot(i);
  }
}

/** Allocations between two automatic cycles, at least. */
const GC_MIN_DEBT = 2000;

/**
 * A table whose metatable has __mode is weak: from now on allocations are counted and
 * start automatic cycles (without weak tables a cycle could not change anything).
 */
export function noteMetatable(L: LuaState, mt: LuaTable | null): void {
  if (mt === null || L.gate.gc !== 0 || mt.getStr('__mode') === null) return;
  L.gate.gc = 1;
  L.gcDebt = 0;
  L.gcThreshold = GC_MIN_DEBT;
}

/**
 * Counts an allocation of the running frame; a cycle runs when the debt reaches the
 * number of objects the last cycle reached (PUC's default pause waits for the heap to
 * double). Passing `frame` makes traces write its registers back before the call.
 */
export function gcStep(L: LuaState, frame: Frame): void {
  L.gcDebt++;
  if (L.gcDebt >= L.gcThreshold && frame === L.frame) fullGC(L);
}

/** A full collection cycle: marks from the roots and clears the weak tables. */
export function fullGC(L: LuaState): void {
  const g = new GcState(L);
  mark(g, L.globals);
  mark(g, L.registry);
  mark(g, L.loaded);
  mark(g, L.stringMeta);
  mark(g, L.numberMeta);
  mark(g, L.booleanMeta);
  mark(g, L.nilMeta);
  mark(g, L.functionMeta);
  mark(g, L.threadMeta);
  mark(g, L.mainThread);
  mark(g, L.trampoline);
  mark(g, L.ioInput);
  mark(g, L.ioOutput);
  for (let i = 0; i < L.hostResults.length; i++) mark(g, L.hostResults[i]);
  for (let t: Coroutine | null = L.thread; t !== null; t = t.prevThread) {
    mark(g, t);
    markFrame(g, t.resumerFrame);
  }
  markFrame(g, L.frame);
  propagate(g);
  convergeEphemerons(g);
  clearWeak(g);
  L.gcDebt = 0;
  L.gcThreshold = g.marked.size > GC_MIN_DEBT ? g.marked.size : GC_MIN_DEBT;
}
