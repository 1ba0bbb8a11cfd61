// The mini-lua virtual machine: the dispatch loop (the JIT portal). Around it: the
// call, return, coroutine and error machinery (frames.ts) and the slow paths of its
// instructions (slow-paths.ts).
//
// Guest calls do not recurse on the JS stack. A Lua->Lua call pushes a Frame (linked
// by `parent`) and the loop continues with the callee; RETURN pops back and stores the
// results where the frame's `kind` says (a register window, pcall's `true, ...`, a
// comparison's jump, a coroutine's resumer, or back to TypeScript). Metamethods that
// are Lua functions (__index, __add, __lt, ...) are called the same way, with a
// continuation encoded in the callee frame. Therefore:
//   - deep Lua recursion is bounded by MAX_FRAMES ("stack overflow"), not by the host;
//   - coroutines are just separate frame chains: resume/yield switch the current frame
//     (and thread) inside the same loop, so yield works across pcall and metamethods;
//   - the tracer sees a guest call as data movement inside one portal invocation, so a
//     trace can follow a call into the callee and back.
// Builtins (TypeScript functions) that call Lua (sort comparators, gsub callbacks,
// __tostring, ...) re-enter through callValue(), which runs a nested loop on the JS
// stack; yielding across such a host boundary is an error, exactly as in PUC Lua.

import { JitDriver } from 'metajit';
import {
  OP_LT, OP_LE, OP_LTK, OP_LEK, OP_GTK, OP_GEK, OP_RETURN0, OP_RETURN1, OP_ARITH, OP_ARITHK, OP_ARITHKL,
  OP_ARITHKF, OP_ARITHKFL, OP_NAMES, Proto,
} from './proto.js';
import {
  Box, LuaClosure, LuaBuiltin, LuaFunction, LFloat, LInt, Coroutine, LuaUserdata, ForState, mkFloat,
  MAX_SAFE, type LuaValue,
} from './value.js';
import { LuaTable } from './table.js';
import { Frame, LuaState, K_NORMAL, K_HOST, rtError } from './state.js';
import { fmod, intArith, floatArith, pow } from './arith.js';
import { B_ADD, B_SUB, B_MUL, B_MOD, B_POW, B_DIV, B_IDIV, B_BAND } from './ast.js';
import { callBuiltin, FIRST_PLAIN } from './builtins.js';
import { hookStep } from './lhook.js';
import { gcStep } from './lgc.js';
import { callAt, closeStep, makeClosure, markTbc, newLuaFrame, postReturn, syncFrame } from './frames.js';
import {
  arithKfSlow, arithSlow, cmpSlow, concatSlow, eqSlow, forLoopSlow, forPrepSlow, indexSlow, indexViaClass,
  lenSlow, setSlow, shrinkRegs,
} from './slow-paths.js';


// Metamethod-absence cache bits (LuaTable.mmAbsent).
export const TM_INDEX = 1;
export const TM_NEWINDEX = 2;
export const TM_EQ = 4;
export const TM_LEN = 8;
export const TM_CALL = 16;

export const ARITH_EVENTS: string[] = [
  '__add', '__sub', '__mul', '__mod', '__pow', '__div', '__idiv', '__band', '__bor', '__bxor', '__shl', '__shr',
];

export const driver = new JitDriver({
  greens: ['pc', 'proto'],
  reds: ['frame', 'L'],
  virtualizables: ['frame'],
  getPrintableLocation: (pc: number, proto: Proto): string =>
    proto.source + ':' + proto.lines[pc] + ' ' + OP_NAMES[proto.code[pc] & 0xff],
});

/** A metamethod of a metatable, with the absence cache. */
export function fastTM(mt: LuaTable, bit: number, name: string): LuaValue {
  if ((mt.mmAbsent & bit) !== 0) return null;
  const v = mt.getStr(name);
  if (v === null) mt.mmAbsent |= bit;
  return v;
}

export function getMetatable(L: LuaState, v: LuaValue): LuaTable | null {
  if (v instanceof LuaTable) return v.metatable;
  if (typeof v === 'string') return L.stringMeta;
  if (v instanceof LuaUserdata) return v.metatable;
  // per-type metatables set by debug.setmetatable (rare: checked last)
  if (typeof v === 'number' || v instanceof LFloat || v instanceof LInt) return L.numberMeta;
  if (typeof v === 'boolean') return L.booleanMeta;
  if (v === null) return L.nilMeta;
  if (v instanceof LuaFunction) return L.functionMeta;
  if (v instanceof Coroutine) return L.threadMeta;
  return null;
}

export function getMM(L: LuaState, v: LuaValue, name: string): LuaValue {
  const mt = getMetatable(L, v);
  if (mt === null) return null;
  return mt.getStr(name);
}

export function truthy(v: LuaValue): boolean {
  return v !== null && v !== false;
}

// ---------------------------------------------------------------------------
// The dispatch loop: the JIT portal. Greens: pc, proto. Reds: frame, L.

// Case labels are numeric literals (with the opcode name in a comment): V8 compiles a
// switch over Smi literals to a jump table, but over imported constants to a chain of
// comparisons (measured: 3x slower dispatch).
// L.frame is not kept up to date by calls and returns: see syncFrame.
export function execute(pc: number, proto: Proto, frame: Frame, L: LuaState): void {
  for (;;) {
    driver.jitMergePoint(pc, proto, frame, L);
    // Derived from the greens and reds each time: nothing else may live across
    // the merge point (the JIT re-enters the portal with just those).
    const R = frame.regs;
    const code = proto.code;
    const K = proto.k;
    if (proto.gate.hooks !== 0) hookStep(L, frame, pc);
    frame.pc = pc;
    const ins = code[pc];
    const op = ins & 0xff;
    const a = (ins >>> 8) & 0xff;
    let nf: Frame | null = null;
    switch (op) {
      case 0 /* OP_MOVE */:
        R[a] = R[(ins >>> 16) & 0xff];
        pc++;
        continue;
      case 1 /* OP_LOADK */:
        R[a] = K[ins >>> 16];
        pc++;
        continue;
      case 2 /* OP_LOADNIL */: {
        const b = (ins >>> 16) & 0xff;
        for (let i = 0; i <= b; i++) R[a + i] = null;
        pc++;
        continue;
      }
      case 3 /* OP_LOADBOOL */:
        R[a] = ((ins >>> 16) & 0xff) !== 0;
        pc += ins >>> 24 !== 0 ? 2 : 1;
        continue;
      case 4 /* OP_GETUPVAL */:
        R[a] = frame.closure.upvals[(ins >>> 16) & 0xff].v;
        pc++;
        continue;
      case 5 /* OP_SETUPVAL */:
        frame.closure.upvals[(ins >>> 16) & 0xff].v = R[a];
        pc++;
        continue;
      case 6 /* OP_GETBOX */:
        R[a] = (R[(ins >>> 16) & 0xff] as Box).v;
        pc++;
        continue;
      case 7 /* OP_SETBOX */:
        (R[a] as Box).v = R[(ins >>> 16) & 0xff];
        pc++;
        continue;
      case 8 /* OP_NEWBOX */:
        R[a] = new Box(R[a]);
        pc++;
        continue;
      case 9 /* OP_GETTABUP */: {
        const t = frame.closure.upvals[(ins >>> 16) & 0xff].v;
        const key = K[ins >>> 24] as string;
        if (t instanceof LuaTable) {
          const v = t.getStr(key);
          if (v !== null || t.metatable === null) {
            R[a] = v;
            pc++;
            continue;
          }
        }
        nf = indexSlow(L, frame, t, key, a);
        break;
      }
      case 11 /* OP_GETTABLE */: {
        const t = R[(ins >>> 16) & 0xff];
        const k = R[ins >>> 24];
        if (t instanceof LuaTable) {
          const v = t.get(k);
          if (v !== null || t.metatable === null) {
            R[a] = v;
            pc++;
            continue;
          }
        }
        nf = indexSlow(L, frame, t, k, a);
        break;
      }
      case 12 /* OP_GETFIELD */: {
        const t = R[(ins >>> 16) & 0xff];
        const key = K[ins >>> 24] as string;
        if (t instanceof LuaTable) {
          const v = t.getStr(key);
          if (v !== null || t.metatable === null) {
            R[a] = v;
            pc++;
            continue;
          }
          if (indexViaClass(R, a, t, key)) {
            pc++;
            continue;
          }
        }
        nf = indexSlow(L, frame, t, key, a);
        break;
      }
      case 98 /* OP_GETI */: {
        const t = R[(ins >>> 16) & 0xff];
        const k = ins >>> 24;
        if (t instanceof LuaTable) {
          const v = t.getInt(k);
          if (v !== null || t.metatable === null) {
            R[a] = v;
            pc++;
            continue;
          }
        }
        nf = indexSlow(L, frame, t, k, a);
        break;
      }
      case 16 /* OP_SELF */: {
        const t = R[(ins >>> 16) & 0xff];
        const key = K[ins >>> 24] as string;
        R[a + 1] = t;
        if (t instanceof LuaTable) {
          const v = t.getStr(key);
          if (v !== null || t.metatable === null) {
            R[a] = v;
            pc++;
            continue;
          }
          if (indexViaClass(R, a, t, key)) {
            pc++;
            continue;
          }
        }
        nf = indexSlow(L, frame, t, key, a);
        break;
      }
      case 13 /* OP_SETTABLE */: {
        const t = R[a];
        const k = R[(ins >>> 16) & 0xff];
        const v = R[ins >>> 24];
        if (t instanceof LuaTable) {
          const mt = t.metatable;
          if (mt === null || fastTM(mt, TM_NEWINDEX, '__newindex') === null) {
            if (typeof k === 'number') {
              if (Number.isInteger(k)) {
                t.setInt(k, v);
                pc++;
                continue;
              }
            } else if (typeof k === 'string') {
              t.setStr(k, v);
              pc++;
              continue;
            }
          }
        }
        nf = setSlow(L, frame, t, k, v);
        break;
      }
      case 99 /* OP_SETI */: {
        const t = R[a];
        const k = (ins >>> 16) & 0xff;
        const v = R[ins >>> 24];
        if (t instanceof LuaTable) {
          const mt = t.metatable;
          if (mt === null || fastTM(mt, TM_NEWINDEX, '__newindex') === null) {
            t.setInt(k, v);
            pc++;
            continue;
          }
        }
        nf = setSlow(L, frame, t, k, v);
        break;
      }
      case 14 /* OP_SETFIELD */: {
        const t = R[a];
        const key = K[(ins >>> 16) & 0xff] as string;
        const v = R[ins >>> 24];
        if (t instanceof LuaTable) {
          const mt = t.metatable;
          if (mt === null || fastTM(mt, TM_NEWINDEX, '__newindex') === null) {
            t.setStr(key, v);
            pc++;
            continue;
          }
        }
        nf = setSlow(L, frame, t, key, v);
        break;
      }
      case 10 /* OP_SETTABUP */: {
        const t = frame.closure.upvals[a].v;
        const key = K[(ins >>> 16) & 0xff] as string;
        const v = R[ins >>> 24];
        if (t instanceof LuaTable) {
          const mt = t.metatable;
          if (mt === null || fastTM(mt, TM_NEWINDEX, '__newindex') === null) {
            t.setStr(key, v);
            pc++;
            continue;
          }
        }
        nf = setSlow(L, frame, t, key, v);
        break;
      }
      case 15 /* OP_NEWTABLE */:
        R[a] = new LuaTable();
        if (proto.gate.gc !== 0) gcStep(L, frame);
        pc++;
        continue;
      // Arithmetic. ARITH: R op R; ARITHK: R op K; ARITHKL: K op R (register in B, constant
      // in C for all three). Addition and multiplication commute, so their fast paths
      // ignore the order; metamethods get the operands as written.
      case 48 /* OP_ARITH + B_ADD */:
      case 60 /* OP_ARITHK + B_ADD */:
      case 72 /* OP_ARITHKL + B_ADD */: {
        const x = R[(ins >>> 16) & 0xff];
        const y = op === OP_ARITH + B_ADD ? R[ins >>> 24] : K[ins >>> 24];
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x + y;
          if (!Number.isInteger(r)) R[a] = r;
          else if (Number.isInteger(x) && Number.isInteger(y)) {
            R[a] = r <= MAX_SAFE && r >= -MAX_SAFE ? r : intArith(B_ADD, x, y);
          } else R[a] = new LFloat(r);
          pc++;
          continue;
        }
        nf = op === OP_ARITHKL + B_ADD ? arithSlow(L, frame, B_ADD, y, x, a, false) : arithSlow(L, frame, B_ADD, x, y, a, false);
        break;
      }
      case 49 /* OP_ARITH + B_SUB */:
      case 61 /* OP_ARITHK + B_SUB */:
      case 73 /* OP_ARITHKL + B_SUB */: {
        const rb = R[(ins >>> 16) & 0xff];
        const c = op === OP_ARITH + B_SUB ? R[ins >>> 24] : K[ins >>> 24];
        const x = op === OP_ARITHKL + B_SUB ? c : rb;
        const y = op === OP_ARITHKL + B_SUB ? rb : c;
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x - y;
          if (!Number.isInteger(r)) R[a] = r;
          else if (Number.isInteger(x) && Number.isInteger(y)) {
            R[a] = r <= MAX_SAFE && r >= -MAX_SAFE ? r : intArith(B_SUB, x, y);
          } else R[a] = new LFloat(r);
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, B_SUB, x, y, a, false);
        break;
      }
      case 50 /* OP_ARITH + B_MUL */:
      case 62 /* OP_ARITHK + B_MUL */:
      case 74 /* OP_ARITHKL + B_MUL */: {
        const x = R[(ins >>> 16) & 0xff];
        const y = op === OP_ARITH + B_MUL ? R[ins >>> 24] : K[ins >>> 24];
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x * y;
          if (!Number.isInteger(r)) R[a] = r;
          else if (Number.isInteger(x) && Number.isInteger(y)) {
            R[a] = r <= MAX_SAFE && r >= -MAX_SAFE ? r + 0 : intArith(B_MUL, x, y);
          } else R[a] = new LFloat(r);
          pc++;
          continue;
        }
        nf = op === OP_ARITHKL + B_MUL ? arithSlow(L, frame, B_MUL, y, x, a, false) : arithSlow(L, frame, B_MUL, x, y, a, false);
        break;
      }
      case 53 /* OP_ARITH + B_DIV */:
      case 65 /* OP_ARITHK + B_DIV */:
      case 77 /* OP_ARITHKL + B_DIV */: {
        const rb = R[(ins >>> 16) & 0xff];
        const c = op === OP_ARITH + B_DIV ? R[ins >>> 24] : K[ins >>> 24];
        const x = op === OP_ARITHKL + B_DIV ? c : rb;
        const y = op === OP_ARITHKL + B_DIV ? rb : c;
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x / y;
          R[a] = mkFloat(r);
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, B_DIV, x, y, a, false);
        break;
      }
      case 51 /* OP_ARITH + B_MOD */:
      case 63 /* OP_ARITHK + B_MOD */:
      case 75 /* OP_ARITHKL + B_MOD */: {
        const rb = R[(ins >>> 16) & 0xff];
        const c = op === OP_ARITH + B_MOD ? R[ins >>> 24] : K[ins >>> 24];
        const x = op === OP_ARITHKL + B_MOD ? c : rb;
        const y = op === OP_ARITHKL + B_MOD ? rb : c;
        if (typeof x === 'number' && typeof y === 'number') {
          if (Number.isInteger(x) && Number.isInteger(y)) {
            if (y !== 0) {
              let r = x % y;
              if (r !== 0 && r < 0 !== y < 0) r += y;
              R[a] = r + 0;
              pc++;
              continue;
            }
          } else {
            const r = fmod(x, y);
            R[a] = mkFloat(r);
            pc++;
            continue;
          }
        }
        nf = arithSlow(L, frame, B_MOD, x, y, a, false);
        break;
      }
      case 54 /* OP_ARITH + B_IDIV */:
      case 66 /* OP_ARITHK + B_IDIV */:
      case 78 /* OP_ARITHKL + B_IDIV */: {
        const rb = R[(ins >>> 16) & 0xff];
        const c = op === OP_ARITH + B_IDIV ? R[ins >>> 24] : K[ins >>> 24];
        const x = op === OP_ARITHKL + B_IDIV ? c : rb;
        const y = op === OP_ARITHKL + B_IDIV ? rb : c;
        if (typeof x === 'number' && typeof y === 'number') {
          if (Number.isInteger(x) && Number.isInteger(y)) {
            if (y !== 0) {
              R[a] = Math.floor(x / y) + 0;
              pc++;
              continue;
            }
          } else {
            R[a] = mkFloat(Math.floor(x / y));
            pc++;
            continue;
          }
        }
        nf = arithSlow(L, frame, B_IDIV, x, y, a, false);
        break;
      }
      case 52 /* OP_ARITH + B_POW */:
      case 64 /* OP_ARITHK + B_POW */:
      case 76 /* OP_ARITHKL + B_POW */: {
        const rb = R[(ins >>> 16) & 0xff];
        const c = op === OP_ARITH + B_POW ? R[ins >>> 24] : K[ins >>> 24];
        const x = op === OP_ARITHKL + B_POW ? c : rb;
        const y = op === OP_ARITHKL + B_POW ? rb : c;
        if (typeof x === 'number' && typeof y === 'number') {
          const r = pow(x, y);
          R[a] = mkFloat(r);
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, B_POW, x, y, a, false);
        break;
      }
      case 55 /* OP_ARITH + B_BAND */:
      case 56 /* OP_ARITH + B_BAND + 1 */:
      case 57 /* OP_ARITH + B_BAND + 2 */:
      case 58 /* OP_ARITH + B_BAND + 3 */:
      case 59 /* OP_ARITH + B_SHR */:
      case 67 /* OP_ARITHK + B_BAND */:
      case 68 /* OP_ARITHK + B_BAND + 1 */:
      case 69 /* OP_ARITHK + B_BAND + 2 */:
      case 70 /* OP_ARITHK + B_BAND + 3 */:
      case 71 /* OP_ARITHK + B_SHR */:
      case 79 /* OP_ARITHKL + B_BAND */:
      case 80 /* OP_ARITHKL + B_BAND + 1 */:
      case 81 /* OP_ARITHKL + B_BAND + 2 */:
      case 82 /* OP_ARITHKL + B_BAND + 3 */:
      case 83 /* OP_ARITHKL + B_SHR */: {
        const left = op >= OP_ARITHKL;
        const bop = op - (left ? OP_ARITHKL : op >= OP_ARITHK ? OP_ARITHK : OP_ARITH);
        const rb = R[(ins >>> 16) & 0xff];
        const c = op >= OP_ARITHK ? K[ins >>> 24] : R[ins >>> 24];
        const x = left ? c : rb;
        const y = left ? rb : c;
        if (typeof x === 'number' && typeof y === 'number' && (x | 0) === x && (y | 0) === y && bop <= B_BAND + 2) {
          R[a] = bop === B_BAND ? x & y : bop === B_BAND + 1 ? x | y : x ^ y;
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, bop, x, y, a, false);
        break;
      }
      // Arithmetic with a float numeral (KF = proto.kf, raw doubles): a float result.
      case 84 /* OP_ARITHKF + B_ADD */:
      case 91 /* OP_ARITHKFL + B_ADD */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          const r = x + proto.kf[ins >>> 24];
          R[a] = mkFloat(r);
          pc++;
          continue;
        }
        nf = arithKfSlow(L, frame, op, x, K[ins >>> 24], a);
        break;
      }
      case 85 /* OP_ARITHKF + B_SUB */:
      case 92 /* OP_ARITHKFL + B_SUB */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          const k = proto.kf[ins >>> 24];
          const r = op === OP_ARITHKF + B_SUB ? x - k : k - x;
          R[a] = mkFloat(r);
          pc++;
          continue;
        }
        nf = arithKfSlow(L, frame, op, x, K[ins >>> 24], a);
        break;
      }
      case 86 /* OP_ARITHKF + B_MUL */:
      case 93 /* OP_ARITHKFL + B_MUL */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          const r = x * proto.kf[ins >>> 24];
          R[a] = mkFloat(r);
          pc++;
          continue;
        }
        nf = arithKfSlow(L, frame, op, x, K[ins >>> 24], a);
        break;
      }
      case 89 /* OP_ARITHKF + B_DIV */:
      case 96 /* OP_ARITHKFL + B_DIV */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          const k = proto.kf[ins >>> 24];
          const r = op === OP_ARITHKF + B_DIV ? x / k : k / x;
          R[a] = mkFloat(r);
          pc++;
          continue;
        }
        nf = arithKfSlow(L, frame, op, x, K[ins >>> 24], a);
        break;
      }
      case 87 /* OP_ARITHKF + B_MOD */:
      case 88 /* OP_ARITHKF + B_POW */:
      case 90 /* OP_ARITHKF + B_IDIV */:
      case 94 /* OP_ARITHKFL + B_MOD */:
      case 95 /* OP_ARITHKFL + B_POW */:
      case 97 /* OP_ARITHKFL + B_IDIV */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          const k = proto.kf[ins >>> 24];
          R[a] = op >= OP_ARITHKFL ? floatArith(op - OP_ARITHKFL, k, x) : floatArith(op - OP_ARITHKF, x, k);
          pc++;
          continue;
        }
        nf = arithKfSlow(L, frame, op, x, K[ins >>> 24], a);
        break;
      }
      case 17 /* OP_UNM */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number') {
          R[a] = -x + 0;
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, B_ADD, x, x, a, true);
        break;
      }
      case 18 /* OP_NOT */: {
        const x = R[(ins >>> 16) & 0xff];
        R[a] = x === null || x === false;
        pc++;
        continue;
      }
      case 19 /* OP_LEN */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'string') {
          R[a] = x.length;
          pc++;
          continue;
        }
        if (x instanceof LuaTable) {
          const mt = x.metatable;
          if (mt === null || fastTM(mt, TM_LEN, '__len') === null) {
            R[a] = x.length();
            pc++;
            continue;
          }
        }
        nf = lenSlow(L, frame, x, a);
        break;
      }
      case 20 /* OP_BNOT */: {
        const x = R[(ins >>> 16) & 0xff];
        if (typeof x === 'number' && (x | 0) === x) {
          R[a] = ~x;
          pc++;
          continue;
        }
        nf = arithSlow(L, frame, B_BAND, x, x, a, true);
        break;
      }
      case 21 /* OP_CONCAT */: {
        if (proto.gate.gc !== 0) gcStep(L, frame);
        const x = R[(ins >>> 16) & 0xff];
        const y = R[ins >>> 24];
        if (typeof x === 'string') {
          if (typeof y === 'string') {
            R[a] = x + y;
            pc++;
            continue;
          }
          if (typeof y === 'number' && Number.isInteger(y)) {
            R[a] = x + y;
            pc++;
            continue;
          }
        } else if (typeof y === 'string' && typeof x === 'number' && Number.isInteger(x)) {
          R[a] = x + y;
          pc++;
          continue;
        }
        nf = concatSlow(L, frame, x, y, a);
        break;
      }
      case 22 /* OP_JMP */: {
        const off = ins >> 8;
        pc += 1 + off;
        if (off < 0) driver.canEnterJit(pc, proto, frame, L);
        continue;
      }
      case 23 /* OP_EQ */: {
        const x = R[a];
        const y = R[(ins >>> 16) & 0xff];
        let res: boolean;
        if (x === y) res = true;
        else if ((typeof x === 'number' && typeof y === 'number') || typeof x === 'string' || typeof y === 'string' ||
          x === null || y === null || typeof x === 'boolean' || typeof y === 'boolean') res = false;
        else {
          nf = eqSlow(L, frame, x, y);
          break;
        }
        if (res === (((ins >>> 24) & 1) !== 0)) {
          const off = code[pc + 1] >> 8;
          pc += 2 + off;
          if (off < 0) driver.canEnterJit(pc, proto, frame, L);
        } else pc += 2;
        continue;
      }
      case 26 /* OP_EQK */: {
        const x = R[a];
        const y = K[(ins >>> 16) & 0xff];
        let res: boolean;
        if (x === y) res = true;
        else if (typeof y === 'string' || typeof x === 'string' || x === null || typeof x === 'boolean' ||
          (typeof x === 'number' && typeof y === 'number')) res = false;
        else {
          nf = eqSlow(L, frame, x, y);
          break;
        }
        if (res === (((ins >>> 24) & 1) !== 0)) {
          const off = code[pc + 1] >> 8;
          pc += 2 + off;
          if (off < 0) driver.canEnterJit(pc, proto, frame, L);
        } else pc += 2;
        continue;
      }
      case 24 /* OP_LT */:
      case 25 /* OP_LE */:
      case 27 /* OP_LTK */:
      case 28 /* OP_LEK */:
      case 29 /* OP_GTK */:
      case 30 /* OP_GEK */: {
        let x: LuaValue;
        let y: LuaValue;
        if (op === OP_LT || op === OP_LE) {
          x = R[a];
          y = R[(ins >>> 16) & 0xff];
        } else if (op === OP_LTK || op === OP_LEK) {
          x = R[a];
          y = K[(ins >>> 16) & 0xff];
        } else {
          x = K[(ins >>> 16) & 0xff];
          y = R[a];
        }
        const isLe = op === OP_LE || op === OP_LEK || op === OP_GEK;
        if (typeof x === 'number' && typeof y === 'number') {
          const res = isLe ? x <= y : x < y;
          if (res === (((ins >>> 24) & 1) !== 0)) {
            const off = code[pc + 1] >> 8;
            pc += 2 + off;
            if (off < 0) driver.canEnterJit(pc, proto, frame, L);
          } else pc += 2;
          continue;
        }
        if (ins >>> 24 > 1) {
          // the constant is an integral float the compiler stored as an integer (see compare())
          if (op === OP_GTK || op === OP_GEK) x = mkFloat(x as number);
          else y = mkFloat(y as number);
        }
        nf = cmpSlow(L, frame, x, y, isLe);
        break;
      }
      case 31 /* OP_TEST */: {
        const x = R[a];
        const res = x !== null && x !== false;
        if (res === (((ins >>> 24) & 1) !== 0)) {
          const off = code[pc + 1] >> 8;
          pc += 2 + off;
          if (off < 0) driver.canEnterJit(pc, proto, frame, L);
        } else pc += 2;
        continue;
      }
      case 32 /* OP_CALL */: {
        const b = (ins >>> 16) & 0xff;
        const nargs = b === 0 ? frame.top - a - 1 : b - 1;
        const nwant = (ins >>> 24) - 1;
        const fn = R[a];
        if (fn instanceof LuaClosure) {
          nf = newLuaFrame(L, fn, frame, R, a + 1, nargs, a, nwant, K_NORMAL);
          frame = nf;
          proto = fn.proto;
          pc = 0;
          continue;
        }
        if (fn instanceof LuaBuiltin && fn.id >= FIRST_PLAIN) {
          syncFrame(L, frame);
          const n = callBuiltin(L, fn, R, a + 1, nargs);
          if (nwant < 0) frame.top = a + n;
          else for (let i = n; i < nwant; i++) R[a + i] = null;
          pc++;
          continue;
        }
        nf = callAt(L, frame, a, nargs, nwant);
        break;
      }
      case 33 /* OP_TAILCALL */: {
        const b = (ins >>> 16) & 0xff;
        const nargs = b === 0 ? frame.top - a - 1 : b - 1;
        const fn = R[a];
        if (fn instanceof LuaClosure && frame.tbc === null) {
          const parent = frame.parent;
          const t = newLuaFrame(L, fn, parent, R, a + 1, nargs, frame.retBase, frame.nwant, frame.kind);
          t.handler = frame.handler;
          frame = t;
          proto = fn.proto;
          pc = 0;
          continue;
        }
        if (fn instanceof LuaBuiltin && fn.id >= FIRST_PLAIN) {
          // `return builtin(...)`: its results go where the RETURN that follows takes them
          syncFrame(L, frame);
          frame.top = a + callBuiltin(L, fn, R, a + 1, nargs);
          pc++;
          continue;
        }
        // not a Lua function: an ordinary call, then the RETURN that follows
        nf = callAt(L, frame, a, nargs, -1);
        break;
      }
      case 34 /* OP_RETURN */:
      case 45 /* OP_RETURN0 */:
      case 46 /* OP_RETURN1 */: {
        const b = (ins >>> 16) & 0xff;
        const n = op === OP_RETURN0 ? 0 : op === OP_RETURN1 ? 1 : b === 0 ? frame.top - a : b - 1;
        if (frame.kind === K_NORMAL && frame.tbc === null) {
          const parent = frame.parent as Frame;
          const P = parent.regs;
          const rb = frame.retBase;
          const want = frame.nwant;
          if (want === 1) P[rb] = n >= 1 ? R[a] : null;
          else if (want < 0) {
            for (let i = 0; i < n; i++) P[rb + i] = R[a + i];
            parent.top = rb + n;
          } else {
            for (let i = 0; i < want; i++) P[rb + i] = i < n ? R[a + i] : null;
          }
          frame = parent;
          proto = parent.closure.proto;
          pc = parent.pc + 1;
          continue;
        }
        nf = postReturn(L, frame, a, n);
        if (nf === null) return;
        break;
      }
      case 35 /* OP_FORPREP */: {
        const init = R[a];
        const limit = R[a + 1];
        const step = R[a + 2];
        if (typeof init === 'number' && typeof limit === 'number' && typeof step === 'number' &&
          Number.isInteger(init) && Number.isInteger(limit) && Number.isInteger(step) && step !== 0) {
          if (step > 0 ? init > limit : init < limit) pc += 1 + (ins >>> 16);
          else {
            R[a + 3] = init;
            pc++;
          }
          continue;
        }
        syncFrame(L, frame);
        if (forPrepSlow(L, R, a)) pc += 1 + (ins >>> 16);
        else pc++;
        continue;
      }
      case 36 /* OP_FORLOOP */: {
        const step = R[a + 2];
        if (typeof step === 'number') {
          const i = (R[a] as number) + step;
          if (step > 0 ? i <= (R[a + 1] as number) : i >= (R[a + 1] as number)) {
            R[a] = i;
            R[a + 3] = i;
            pc = pc + 1 - (ins >>> 16);
            driver.canEnterJit(pc, proto, frame, L);
          } else pc++;
          continue;
        }
        if (forLoopSlow(R, a, step as ForState)) {
          pc = pc + 1 - (ins >>> 16);
          driver.canEnterJit(pc, proto, frame, L);
        } else pc++;
        continue;
      }
      case 37 /* OP_TFORPREP */:
        pc += 1 + (ins >>> 16);
        continue;
      case 38 /* OP_TFORCALL */: {
        const c = ins >>> 24;
        R[a + 4] = R[a];
        R[a + 5] = R[a + 1];
        R[a + 6] = R[a + 2];
        const fn = R[a];
        if (fn instanceof LuaBuiltin && fn.id >= FIRST_PLAIN) {
          syncFrame(L, frame);
          const n = callBuiltin(L, fn, R, a + 5, 2);
          for (let i = n; i < c; i++) R[a + 4 + i] = null;
          pc++;
          continue;
        }
        nf = callAt(L, frame, a + 4, 2, c);
        break;
      }
      case 39 /* OP_TFORLOOP */: {
        const v = R[a + 4];
        if (v !== null) {
          R[a + 2] = v;
          pc = pc + 1 - (ins >>> 16);
          driver.canEnterJit(pc, proto, frame, L);
        } else pc++;
        continue;
      }
      case 40 /* OP_SETLIST */: {
        const b = (ins >>> 16) & 0xff;
        const n = b === 0 ? frame.top - a - 1 : b;
        const t = R[a] as LuaTable;
        t.setList(code[pc + 1], R, a + 1, n);
        // `{f()}` of many values grew the register array past the proto's registers:
        // drop the consumed rest, or every later trace of this frame carries each slot
        // of the virtualizable array (a 2000-slot array made a loop's trace 340 KB).
        if (b === 0 && R.length > proto.maxStack) shrinkRegs(R, proto.maxStack);
        pc += 2;
        continue;
      }
      case 41 /* OP_CLOSURE */: {
        R[a] = makeClosure(proto.protos[ins >>> 16], frame.closure, R);
        if (proto.gate.gc !== 0) gcStep(L, frame);
        pc++;
        continue;
      }
      case 42 /* OP_VARARG */: {
        const c = ins >>> 24;
        const va = frame.varargs;
        if (c === 0) {
          for (let i = 0; i < va.length; i++) R[a + i] = va[i];
          frame.top = a + va.length;
        } else {
          for (let i = 0; i < c - 1; i++) R[a + i] = i < va.length ? va[i] : null;
        }
        pc++;
        continue;
      }
      case 43 /* OP_TBC */: {
        markTbc(L, frame, a, ins >>> 16);
        pc++;
        continue;
      }
      case 44 /* OP_CLOSE */: {
        if (frame.tbc !== null) {
          syncFrame(L, frame);
          nf = closeStep(L, frame, a);
          if (nf !== null) break;
        }
        pc++;
        continue;
      }
      default:
        syncFrame(L, frame);
        throw rtError(L, 'bad opcode ' + op);
    }
    // a slow path returned the frame to continue in
    const f = nf as Frame;
    frame = f;
    proto = f.closure.proto;
    pc = f.pc + 1;
  }
}

export { K_HOST };
export { B_SUB, B_MUL, B_MOD, B_POW, B_DIV, B_IDIV };
