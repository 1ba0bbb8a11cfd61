// mini-lua: the slow paths of the dispatch loop (interp.ts): metamethods, coercions
// and the errors of indexing, arithmetic, comparison, concatenation and length, and
// the numeric for. Each returns the frame to continue in; the loop resumes at
// frame.pc + 1.

import { OP_ARITHKF, OP_ARITHKFL } from './proto.js';
import {
  LuaFunction, LuaError, LFloat, LInt, LuaUserdata, ForState, mkFloat, typeName, numberToString,
  type LuaValue,
} from './value.js';
import { LuaTable } from './table.js';
import { Frame, LuaState, K_NORMAL, K_COND, rtError, builtinRtError, typeErrorMsg, objTypeName } from './state.js';
import {
  ArithError, arithNum, toNumberCoerce, toIntegerStrict, numLt, numLe, numEq, isNumVal, unm, bnot, fval,
} from './arith.js';
import { B_ADD, B_SUB, B_MUL, B_MOD, B_POW, B_DIV, B_BAND } from './ast.js';
import { i64Of, i64Norm, i64Add, i64Sub, i64IsZero, i64UDivMod, i64Neg, i64IsNeg, TWO63 } from './int64.js';
import { floatToInt } from './numconv.js';
import { ARITH_EVENTS, TM_INDEX, TM_NEWINDEX, fastTM, getMM, truthy } from './interp.js';
import { callMeta, callValue, syncFrame } from './frames.js';

// ---------------------------------------------------------------------------
// Slow paths of the dispatch loop. Each returns the frame to continue in; the loop
// resumes at frame.pc + 1.

export function opName(frame: Frame, which: number): string | null {
  return frame.closure.proto.names[frame.pc * 2 + which];
}

/** Drops the registers above `size` (values past the top, already consumed). */
export function shrinkRegs(R: LuaValue[], size: number): void {
  while (R.length > size) R.pop();
}

/**
 * R[a] = t[key] when t lacks the key and its `__index` is a table that has it
 * (a method on a class table, the common object lookup). Traced inline: unlike
 * indexSlow it takes no frame, so compiled code need not write the registers
 * back for it. false: not that case, take indexSlow.
 */
export function indexViaClass(R: LuaValue[], a: number, t: LuaTable, key: string): boolean {
  const mt = t.metatable;
  if (mt === null) return false;
  const idx = fastTM(mt, TM_INDEX, '__index');
  if (!(idx instanceof LuaTable)) return false;
  const v = idx.getStr(key);
  if (v === null && idx.metatable !== null) return false;
  R[a] = v;
  return true;
}

export function indexSlow(L: LuaState, frame: Frame, t0: LuaValue, k: LuaValue, dest: number): Frame {
  let t = t0;
  for (let loop = 0; loop < 2000; loop++) {
    let tm: LuaValue;
    if (t instanceof LuaTable) {
      const v = t.get(k);
      if (v !== null) {
        frame.regs[dest] = v;
        return frame;
      }
      const mt = t.metatable;
      if (mt === null) {
        frame.regs[dest] = null;
        return frame;
      }
      tm = fastTM(mt, TM_INDEX, '__index');
      if (tm === null) {
        frame.regs[dest] = null;
        return frame;
      }
    } else {
      tm = getMM(L, t, '__index');
      if (tm === null) {
        syncFrame(L, frame);
        throw rtError(L, indexErrorMsg(t, k, loop === 0 ? opName(frame, 0) : null));
      }
    }
    if (tm instanceof LuaFunction) return callMeta(L, frame, tm, [t, k], dest, 1, K_NORMAL, '__index');
    t = tm;
  }
  syncFrame(L, frame);
  throw rtError(L, "'__index' chain too long; possible loop");
}

export function indexErrorMsg(t: LuaValue, k: LuaValue, desc: string | null): string {
  return typeErrorMsg(t, 'index', desc);
}

/** t[k] with metamethods, for builtins (host recursion for __index functions). */
export function indexValue(L: LuaState, t0: LuaValue, k: LuaValue): LuaValue {
  let t = t0;
  for (let loop = 0; loop < 2000; loop++) {
    let tm: LuaValue;
    if (t instanceof LuaTable) {
      const v = t.get(k);
      if (v !== null) return v;
      const mt = t.metatable;
      if (mt === null) return null;
      tm = fastTM(mt, TM_INDEX, '__index');
      if (tm === null) return null;
    } else {
      tm = getMM(L, t, '__index');
      if (tm === null) throw builtinRtError(typeErrorMsg(t, 'index', null));
    }
    if (tm instanceof LuaFunction) {
      const r = callValue(L, tm, [t, k]);
      return r.length > 0 ? r[0] : null;
    }
    t = tm;
  }
  throw builtinRtError("'__index' chain too long; possible loop");
}

/** t[k] = v with metamethods, for builtins. */
export function setIndexValue(L: LuaState, t0: LuaValue, k: LuaValue, v: LuaValue): void {
  let t = t0;
  for (let loop = 0; loop < 2000; loop++) {
    let tm: LuaValue;
    if (t instanceof LuaTable) {
      const mt = t.metatable;
      if (mt === null || t.get(k) !== null) {
        rawSetChecked(L, t, k, v, true);
        return;
      }
      tm = fastTM(mt, TM_NEWINDEX, '__newindex');
      if (tm === null) {
        rawSetChecked(L, t, k, v, true);
        return;
      }
    } else {
      tm = getMM(L, t, '__newindex');
      if (tm === null) throw builtinRtError(typeErrorMsg(t, 'index', null));
    }
    if (tm instanceof LuaFunction) {
      callValue(L, tm, [t, k, v]);
      return;
    }
    t = tm;
  }
  throw builtinRtError("'__newindex' chain too long; possible loop");
}

export function rawSetChecked(L: LuaState, t: LuaTable, k: LuaValue, v: LuaValue, inBuiltin = false): void {
  if (k === null) throw inBuiltin ? builtinRtError('table index is nil') : rtError(L, 'table index is nil');
  if (typeof k === 'number' && k !== k) throw inBuiltin ? builtinRtError('table index is NaN') : rtError(L, 'table index is NaN');
  t.set(k, v);
}

export function setSlow(L: LuaState, frame: Frame, t0: LuaValue, k: LuaValue, v: LuaValue): Frame {
  syncFrame(L, frame);
  let t = t0;
  for (let loop = 0; loop < 2000; loop++) {
    let tm: LuaValue;
    if (t instanceof LuaTable) {
      const mt = t.metatable;
      if (mt === null || t.get(k) !== null) {
        rawSetChecked(L, t, k, v);
        return frame;
      }
      tm = fastTM(mt, TM_NEWINDEX, '__newindex');
      if (tm === null) {
        rawSetChecked(L, t, k, v);
        return frame;
      }
    } else {
      tm = getMM(L, t, '__newindex');
      if (tm === null) throw rtError(L, indexErrorMsg(t, k, loop === 0 ? opName(frame, 0) : null));
    }
    if (tm instanceof LuaFunction) return callMeta(L, frame, tm, [t, k, v], 0, 0, K_NORMAL, '__newindex');
    t = tm;
  }
  throw rtError(L, "'__newindex' chain too long; possible loop");
}

export const EVENT_SHORT: string[] = ['add', 'sub', 'mul', 'mod', 'pow', 'div', 'idiv'];

export function arithSlow(L: LuaState, frame: Frame, op: number, x: LuaValue, y: LuaValue, dest: number, unary: boolean): Frame {
  // Float arithmetic with an integral-valued (boxed) float operand: common in
  // float code (0.0, 2.0), so it skips the generic path below.
  if (!unary && op <= B_DIV && op !== B_MOD && op !== B_POW && (x instanceof LFloat || y instanceof LFloat)) {
    const fx = typeof x === 'number' ? x : x instanceof LFloat ? x.n : null;
    const fy = typeof y === 'number' ? y : y instanceof LFloat ? y.n : null;
    if (fx !== null && fy !== null) {
      frame.regs[dest] = mkFloat(op === B_ADD ? fx + fy : op === B_SUB ? fx - fy : op === B_MUL ? fx * fy : fx / fy);
      return frame;
    }
  }
  syncFrame(L, frame);
  if (op < B_BAND) {
    const nx = toNumberCoerce(x);
    const ny = toNumberCoerce(y);
    if (nx !== null && ny !== null) {
      try {
        frame.regs[dest] = unary ? unm(nx) : arithNum(op, nx, ny);
      } catch (e) {
        if (e instanceof ArithError) {
          // with a string operand the string library's metamethod (a builtin) raised it
          if (typeof x === 'string' || typeof y === 'string') throw new LuaError(e.msg);
          throw rtError(L, e.msg);
        }
        throw e;
      }
      return frame;
    }
  } else if (isNumVal(x) && isNumVal(y)) {
    // (5.4 does not coerce strings for bitwise operators)
    try {
      frame.regs[dest] = unary ? bnot(x) : arithNum(op, x, y);
    } catch (e) {
      if (e instanceof ArithError) {
        if (!isNumVal(x) || !isNumVal(y)) {
          const w = 'perform bitwise operation on';
          if (!isNumVal(x)) throw rtError(L, typeErrorMsg(x, w, opName(frame, 0)));
          throw rtError(L, typeErrorMsg(y, w, opName(frame, 1)));
        }
        const bad = toIntegerStrict(x) === null ? 0 : 1;
        const d = opName(frame, unary ? 0 : bad);
        throw rtError(L, 'number' + (d !== null ? ' (' + d + ')' : '') + ' has no integer representation');
      }
      throw e;
    }
    return frame;
  }
  const ev = unary ? (op < B_BAND ? '__unm' : '__bnot') : ARITH_EVENTS[op];
  const mx = getMM(L, x, ev);
  if (op < B_BAND && (typeof x === 'string' || (mx === null && typeof y === 'string'))) {
    // the string library's arithmetic metamethod would run and fail
    const my = typeof y === 'string' ? null : getMM(L, y, ev);
    if (my === null) {
      const name = unary ? 'unm' : EVENT_SHORT[op];
      throw rtError(L, 'attempt to ' + name + " a '" + typeName(x) + "' with a '" + typeName(y) + "'");
    }
    return callMeta(L, frame, my, [x, y], dest, 1, K_NORMAL, ev);
  }
  let tm = mx;
  if (tm === null) tm = getMM(L, y, ev);
  if (tm !== null) return callMeta(L, frame, tm, [x, y], dest, 1, K_NORMAL, ev);
  const what = op < B_BAND ? 'perform arithmetic on' : 'perform bitwise operation on';
  if (!isNumVal(x) || unary) throw rtError(L, typeErrorMsg(x, what, opName(frame, 0)));
  throw rtError(L, typeErrorMsg(y, what, opName(frame, 1)));
}

/** Slow path of the float-numeral arithmetic opcodes (k is the constant as a Lua value). */
export function arithKfSlow(L: LuaState, frame: Frame, op: number, x: LuaValue, k: LuaValue, dest: number): Frame {
  if (op >= OP_ARITHKFL) return arithSlow(L, frame, op - OP_ARITHKFL, k, x, dest, false);
  return arithSlow(L, frame, op - OP_ARITHKF, x, k, dest, false);
}

export function isNumOrStrNum(v: LuaValue): boolean {
  if (isNumVal(v)) return true;
  return typeof v === 'string' && toNumberCoerce(v) !== null;
}

export function tostringBasic(v: LuaValue): string | null {
  if (typeof v === 'string') return v;
  return numberToString(v);
}

export function concatSlow(L: LuaState, frame: Frame, x: LuaValue, y: LuaValue, dest: number): Frame {
  syncFrame(L, frame);
  const sx = tostringBasic(x);
  const sy = tostringBasic(y);
  if (sx !== null && sy !== null) {
    frame.regs[dest] = sx + sy;
    return frame;
  }
  let tm = getMM(L, x, '__concat');
  if (tm === null) tm = getMM(L, y, '__concat');
  if (tm !== null) return callMeta(L, frame, tm, [x, y], dest, 1, K_NORMAL, '__concat');
  if (sx === null) throw rtError(L, typeErrorMsg(x, 'concatenate', opName(frame, 0)));
  throw rtError(L, typeErrorMsg(y, 'concatenate', opName(frame, 1)));
}

export function lenSlow(L: LuaState, frame: Frame, x: LuaValue, dest: number): Frame {
  syncFrame(L, frame);
  if (typeof x === 'string') {
    frame.regs[dest] = x.length;
    return frame;
  }
  const tm = getMM(L, x, '__len');
  if (tm !== null) return callMeta(L, frame, tm, [x, x], dest, 1, K_NORMAL, '__len');
  if (x instanceof LuaTable) {
    frame.regs[dest] = x.length();
    return frame;
  }
  throw rtError(L, typeErrorMsg(x, 'get length of', opName(frame, 0)));
}

/** Length with metamethods, for builtins. */
export function lenValue(L: LuaState, x: LuaValue): LuaValue {
  if (typeof x === 'string') return x.length;
  const tm = getMM(L, x, '__len');
  if (tm !== null) {
    const r = callValue(L, tm, [x]);
    return r.length > 0 ? r[0] : null;
  }
  if (x instanceof LuaTable) return x.length();
  throw builtinRtError(typeErrorMsg(x, 'get length of', null));
}

export function orderError(L: LuaState, x: LuaValue, y: LuaValue): LuaError {
  const t1 = objTypeName(x);
  const t2 = objTypeName(y);
  if (t1 === t2) return rtError(L, 'attempt to compare two ' + t1 + ' values');
  return rtError(L, 'attempt to compare ' + t1 + ' with ' + t2);
}

/** Comparison slow path; k is the instruction's expected result. */
export function cmpSlow(L: LuaState, frame: Frame, x: LuaValue, y: LuaValue, isLe: boolean): Frame {
  syncFrame(L, frame);
  let res: boolean;
  if (isNumVal(x) && isNumVal(y)) res = isLe ? numLe(x, y) : numLt(x, y);
  else if (typeof x === 'string' && typeof y === 'string') res = isLe ? x <= y : x < y;
  else {
    const ev = isLe ? '__le' : '__lt';
    let tm = getMM(L, x, ev);
    if (tm === null) tm = getMM(L, y, ev);
    if (tm === null) throw orderError(L, x, y);
    return callMeta(L, frame, tm, [x, y], 0, 1, K_COND, ev);
  }
  const ins = frame.closure.proto.code[frame.pc];
  if (res !== (((ins >>> 24) & 1) !== 0)) frame.pc++;
  return frame;
}

/** x < y with metamethods, for builtins (sort). */
export function lessThan(L: LuaState, x: LuaValue, y: LuaValue): boolean {
  if (typeof x === 'number' && typeof y === 'number') return x < y;
  if (isNumVal(x) && isNumVal(y)) return numLt(x, y);
  if (typeof x === 'string' && typeof y === 'string') return x < y;
  let tm = getMM(L, x, '__lt');
  if (tm === null) tm = getMM(L, y, '__lt');
  if (tm === null) throw libOrderError(L, x, y);
  const r = callValue(L, tm, [x, y]);
  return r.length > 0 && truthy(r[0]);
}

export function libOrderError(L: LuaState, x: LuaValue, y: LuaValue): LuaError {
  const t1 = objTypeName(x);
  const t2 = objTypeName(y);
  if (t1 === t2) return builtinRtError('attempt to compare two ' + t1 + ' values');
  return builtinRtError('attempt to compare ' + t1 + ' with ' + t2);
}

export function eqSlow(L: LuaState, frame: Frame, x: LuaValue, y: LuaValue): Frame {
  syncFrame(L, frame);
  let res = false;
  if (isNumVal(x) && isNumVal(y)) res = numEq(x, y);
  else if ((x instanceof LuaTable && y instanceof LuaTable) || (x instanceof LuaUserdata && y instanceof LuaUserdata)) {
    let tm = getMM(L, x, '__eq');
    if (tm === null) tm = getMM(L, y, '__eq');
    if (tm !== null) return callMeta(L, frame, tm, [x, y], 0, 1, K_COND, '__eq');
  }
  const ins = frame.closure.proto.code[frame.pc];
  if (res !== (((ins >>> 24) & 1) !== 0)) frame.pc++;
  return frame;
}

/** x == y with metamethods, for builtins. */
export function equalsValue(L: LuaState, x: LuaValue, y: LuaValue): boolean {
  if (x === y) return true;
  if (isNumVal(x) && isNumVal(y)) return numEq(x, y);
  if ((x instanceof LuaTable && y instanceof LuaTable) || (x instanceof LuaUserdata && y instanceof LuaUserdata)) {
    let tm = getMM(L, x, '__eq');
    if (tm === null) tm = getMM(L, y, '__eq');
    if (tm !== null) {
      const r = callValue(L, tm, [x, y]);
      return r.length > 0 && truthy(r[0]);
    }
  }
  return false;
}

// ---- numeric for

export function forError(L: LuaState, v: LuaValue, what: string): LuaError {
  return rtError(L, "bad 'for' " + what + ' (number expected, got ' + objTypeName(v) + ')');
}

/** FORPREP for everything but all-safe-integer loops. Returns true to skip the loop. */
export function forPrepSlow(L: LuaState, R: LuaValue[], a: number): boolean {
  const init = R[a];
  const limit = R[a + 1];
  const step = R[a + 2];
  if (isIntValNum(init) && isIntValNum(step)) {
    if (isZero(step)) throw rtError(L, "'for' step is zero");
    // integer loop; convert the limit
    let lim: LuaValue;
    const stepNeg = isNegInt(step);
    if (isIntValNum(limit)) lim = limit;
    else {
      const ln = toNumberCoerce(limit);
      if (ln === null) throw forError(L, limit, 'limit');
      const f = fval(ln);
      if (f !== f) return true;
      if (isIntValNum(ln)) lim = ln;
      else {
        const fl = stepNeg ? Math.ceil(f) : Math.floor(f);
        if (fl >= TWO63) {
          if (stepNeg) return true;
          lim = i64Norm(i64Of(MAXINT));
        } else if (fl < -TWO63) {
          if (!stepNeg) return true;
          lim = MININT;
        } else lim = floatToInt(fl);
      }
    }
    const li = lim as LuaValue;
    if (stepNeg ? numLt(init, li) : numLt(li, init)) return true;
    if (typeof init === 'number' && typeof li === 'number' && typeof step === 'number') {
      R[a + 1] = li;
      R[a + 3] = init;
      return false;
    }
    // big-integer loop: precompute the iteration count (unsigned)
    const i0 = i64Of(init);
    const l0 = i64Of(li);
    const s0 = i64Of(step);
    let count: LInt;
    if (!stepNeg) {
      const diff = i64Sub(l0, i0);
      count = s0.hi === 0 && s0.lo === 1 ? diff : i64UDivMod(diff, s0)[0];
    } else {
      const diff = i64Sub(i0, l0);
      const ns = i64Neg(s0);
      count = i64UDivMod(diff, ns)[0];
    }
    R[a + 2] = new ForState(false, count, step);
    R[a + 3] = init;
    return false;
  }
  // float loop
  const fi = toNumberCoerce(init);
  const fl = toNumberCoerce(limit);
  const fs = toNumberCoerce(step);
  if (fl === null) throw forError(L, limit, 'limit');
  if (fs === null) throw forError(L, step, 'step');
  if (fi === null) throw forError(L, init, 'initial value');
  const a0 = fval(fi);
  const l1 = fval(fl);
  const s1 = fval(fs);
  if (s1 === 0) throw rtError(L, "'for' step is zero");
  if (s1 > 0 ? !(a0 <= l1) : !(a0 >= l1)) return true;
  R[a] = a0;
  R[a + 2] = new ForState(true, l1, s1);
  R[a + 3] = mkFloat(a0);
  return false;
}

export const MAXINT = new LInt(0x7fffffff, -1);
export const MININT = new LInt(-0x80000000, 0);

export function isIntValNum(v: LuaValue): boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || v instanceof LInt;
}
export function isZero(v: LuaValue): boolean {
  return v === 0;
}
export function isNegInt(v: LuaValue): boolean {
  if (typeof v === 'number') return v < 0;
  return i64IsNeg(v as LInt);
}

/** FORLOOP for ForState loops. Returns true to continue looping. */
export function forLoopSlow(R: LuaValue[], a: number, st: ForState): boolean {
  if (st.isFloat) {
    const s = st.step as number;
    const i = (R[a] as number) + s;
    const lim = st.count as number;
    if (s > 0 ? i <= lim : i >= lim) {
      R[a] = i;
      R[a + 3] = mkFloat(i);
      return true;
    }
    return false;
  }
  const c = st.count as LInt;
  if (i64IsZero(c)) return false;
  st.count = i64Sub(c, new LInt(0, 1));
  const ni = i64Norm(i64Add(i64Of(R[a + 3]), i64Of(st.step)));
  R[a + 3] = ni;
  return true;
}
