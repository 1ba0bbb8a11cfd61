// What the codewriter knows about host library functions: which ones become trace
// ops, which are pure (elidable) calls, and which may write the heap. A library
// call that is not listed is a residual call that may do anything.

import type { CallEffect } from '../../jit/ir/descr.js';
import type { Opcode } from '../../jit/ir/ops.js';

/** `Math.f(x)` / `Math.f(x, y)` that are trace ops. */
export const MATH_OPS: Readonly<Record<string, { op: Opcode; arity: number }>> = {
  floor: { op: 'float_floor', arity: 1 },
  ceil: { op: 'float_ceil', arity: 1 },
  abs: { op: 'float_abs', arity: 1 },
  trunc: { op: 'float_trunc', arity: 1 },
  sqrt: { op: 'float_sqrt', arity: 1 },
  min: { op: 'float_min', arity: 2 },
  max: { op: 'float_max', arity: 2 },
  pow: { op: 'float_pow', arity: 2 },
};

/** Global functions (by path from the global object) and their effects. */
export const GLOBAL_CALLS: Readonly<Record<string, CallEffect>> = {
  'Math.imul': 'elidable', 'Math.round': 'elidable', 'Math.log': 'elidable', 'Math.log2': 'elidable',
  'Math.log10': 'elidable', 'Math.exp': 'elidable', 'Math.sin': 'elidable', 'Math.cos': 'elidable',
  'Math.tan': 'elidable', 'Math.asin': 'elidable', 'Math.acos': 'elidable', 'Math.atan': 'elidable',
  'Math.atan2': 'elidable', 'Math.sign': 'elidable', 'Math.fround': 'elidable', 'Math.hypot': 'elidable',
  'Math.clz32': 'elidable', 'Math.cbrt': 'elidable', 'Math.min': 'elidable', 'Math.max': 'elidable',
  'Math.random': 'write',
  'String.fromCharCode': 'elidable', 'String': 'elidable', 'Number': 'elidable',
  'Number.isInteger': 'elidable', 'Number.isNaN': 'elidable', 'Number.isFinite': 'elidable',
  'Number.isSafeInteger': 'elidable', 'Number.parseFloat': 'elidable', 'Number.parseInt': 'elidable',
  'isNaN': 'elidable', 'isFinite': 'elidable', 'parseInt': 'elidable', 'parseFloat': 'elidable',
  'Date.now': 'write', 'Array.isArray': 'elidable', 'JSON.stringify': 'readonly',
};

/** Methods of strings and numbers never write and always give the same result. */
export const PURE_METHOD_RECEIVERS = new Set(['string', 'number']);

/** Methods of arrays, Maps and Sets that only read. */
export const READONLY_METHODS = new Set([
  'get', 'has', 'indexOf', 'lastIndexOf', 'includes', 'at', 'join', 'slice', 'subarray', 'keys', 'values', 'entries', 'toString',
]);

/** Constants read from host namespaces at codewriter time. */
export function hostConstant(ns: string, name: string): number | null {
  const holder = (globalThis as unknown as Record<string, Record<string, unknown>>)[ns];
  if (ns !== 'Math' && ns !== 'Number') return null;
  const v = holder?.[name];
  return typeof v === 'number' ? v : null;
}
