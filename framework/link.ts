// Linking: a CodeBundle (plain data from the codewriter or the cache) plus the
// loaded interpreter modules -> runtime JitCodes whose constants and descriptors
// point at the real classes and functions.

import { arrayDescr, type CallDescr, type ClassDescr, type Descr, type FieldDescr } from '../jit/ir/descr.js';
import { JitCode, type DispatchTable, type Insn } from '../jit/jitcode.js';
import type { CallJSON, CallTarget, CodeBundle, ConstJSON, DescrJSON, InsnJSON, PortalJSON, SymRef } from './codewriter/bundle.js';
import type { JitDriver } from './driver.js';
import * as framework from './index.js';

/** The top-level declarations of each interpreter module, by module path. */
export type ModuleDecls = ReadonlyMap<string, Readonly<Record<string, unknown>>>;

export interface LinkedPortal {
  readonly code: JitCode;
  readonly driver: JitDriver;
  readonly json: PortalJSON;
}

export interface LinkedInterpreter {
  readonly jitcodes: Map<string, JitCode>;
  readonly portals: LinkedPortal[];
  readonly classes: Map<string, ClassDescr>;
  /** Field descriptors by "Owner.name". */
  readonly fields: Map<string, FieldDescr>;
}

/** Helpers the codewriter may call that are not part of the public API. */
const INTERNAL_BUILTINS: Record<string, unknown> = {
  isInstanceOf: (x: unknown, cls: Function) => x instanceof cls,
};

type AnyFn = (...args: unknown[]) => unknown;

export function link(bundle: CodeBundle, modules: ModuleDecls): LinkedInterpreter {
  const resolve = (ref: SymRef): unknown => {
    if ('builtin' in ref) return resolveBuiltin(ref.builtin);
    const decls = modules.get(ref.mod);
    if (!decls || !(ref.name in decls)) throw new Error(`link: ${ref.mod} has no top-level '${ref.name}'`);
    return decls[ref.name];
  };

  const classes = new Map<string, ClassDescr>();
  const fieldDescrs = new Map<string, FieldDescr>();
  for (const d of bundle.descrs) if ('field' in d) fieldDescrs.set(`${d.field.owner}.${d.field.name}`, { kind: 'field', ...d.field });
  const classJson = new Map(bundle.classes.map((c) => [c.name, c]));
  const fieldOfClass = (cls: string, name: string): FieldDescr => {
    for (let c = classJson.get(cls); c; c = c.superName ? classJson.get(c.superName) : undefined) {
      const f = fieldDescrs.get(`${c.name}.${name}`);
      if (f) return f;
    }
    return { kind: 'field', owner: cls, name, valueKind: 'r', immutable: false, quasiImmutable: false };
  };
  for (const c of bundle.classes) {
    const cls = resolve(c.ref) as new (...a: unknown[]) => unknown;
    classes.set(c.name, {
      kind: 'class',
      name: c.name,
      cls,
      ctorFields: (c.ctorFields ?? []).map((f) => fieldOfClass(c.name, f)),
      construct: (args: unknown[]) => new cls(...args),
    });
  }

  const jitcodes = new Map<string, JitCode>();
  for (const j of bundle.jitcodes) jitcodes.set(j.name, new JitCode(j.name, j.params, j.kinds, j.resultKind, j.flags, j.location));

  const callFn = (target: CallTarget): AnyFn => {
    if ('ref' in target) return resolve(target.ref) as AnyFn;
    if ('method' in target) return methodCaller(target.method);
    if ('construct' in target) {
      const C = resolve(target.construct) as new (...a: unknown[]) => unknown;
      return (...a: unknown[]) => new C(...a);
    }
    const code = jitcodes.get(target.jitcode);
    if (!code?.residual) throw new Error(`link: no function for ${target.jitcode}`);
    return code.residual.fn as AnyFn;
  };
  // Call descriptors of interpreter functions, to mark those that reach the virtualizable.
  const jitcodeCalls: [CallDescr, string][] = [];
  const callDescr = (c: CallJSON): CallDescr => {
    const d: CallDescr = { kind: 'call', name: c.name, fn: callFn(c.target), effect: c.effect, canRaise: c.canRaise, resultKind: c.resultKind };
    if ('jitcode' in c.target) jitcodeCalls.push([d, c.target.jitcode]);
    return d;
  };

  // Residual forms first: call descriptors may name a jitcode's real function.
  for (const j of bundle.jitcodes) {
    let fn: AnyFn;
    if ('ref' in j.real) fn = resolve(j.real.ref) as AnyFn;
    else if ('method' in j.real) fn = methodCaller(j.real.method);
    else {
      const holder = resolve(j.real.staticMethod) as Record<string, AnyFn>;
      fn = holder[j.real.name].bind(holder);
    }
    jitcodes.get(j.name)!.residual = {
      kind: 'call', name: j.name, fn, effect: j.flags.elidable ? 'elidable' : 'write', canRaise: true, resultKind: j.resultKind,
    };
  }

  const descrs: Descr[] = bundle.descrs.map((d: DescrJSON): Descr => {
    if ('field' in d) return fieldDescrs.get(`${d.field.owner}.${d.field.name}`)!;
    if ('cls' in d) return classes.get(d.cls)!;
    if ('array' in d) return arrayDescr(d.array)!;
    return callDescr(d.call);
  });
  const tables: DispatchTable[] = bundle.dispatch.map((t) => ({
    byClass: new Map(t.entries.map((e) => [classes.get(e.cls)!.cls, jitcodes.get(e.jitcode)!])),
    residual: jitcodes.get(t.entries[0].jitcode)!.residual!,
    classes: t.entries.map((e) => classes.get(e.cls)!),
  }));

  const constValue = (c: ConstJSON): unknown => {
    if ('n' in c) return c.n;
    if ('nf' in c) return c.nf === '-0' ? -0 : Number(c.nf);
    if ('s' in c) return c.s;
    if ('b' in c) return c.b;
    if ('nil' in c) return null;
    return resolve(c.ref);
  };

  for (const j of bundle.jitcodes) {
    const code = jitcodes.get(j.name)!;
    code.consts = j.consts.map(constValue);
    code.constKinds = j.constKinds;
    code.handlers = j.handlers;
    code.live = j.live;
    code.insns = j.insns.map((insn) => linkInsn(insn, descrs, tables, jitcodes));
  }

  const forces = virtualizableAccessors(jitcodes);
  for (const code of jitcodes.values()) code.residual!.forcesVirtualizable = forces.has(code);
  for (const [d, name] of jitcodeCalls) d.forcesVirtualizable = forces.has(jitcodes.get(name)!);

  const portals = bundle.portals.map((p) => ({ code: jitcodes.get(p.jitcode)!, driver: resolve(p.driver) as JitDriver, json: p }));
  return { jitcodes, portals, classes, fields: fieldDescrs };
}

/**
 * The interpreter functions that read or write a field tagged @virtualizable,
 * directly or through interpreter functions they call (RPython's
 * forces-virtualizable effect). Called residually, such a function may reach the
 * virtualizable through the heap, for example as the parent of a frame it was
 * given. Host functions never look at interpreter fields.
 */
function virtualizableAccessors(jitcodes: ReadonlyMap<string, JitCode>): Set<JitCode> {
  const callees = new Map<JitCode, JitCode[]>();
  const byFn = new Map<unknown, JitCode>();
  for (const code of jitcodes.values()) byFn.set(code.residual!.fn, code);
  const out = new Set<JitCode>();
  for (const code of jitcodes.values()) {
    const cs: JitCode[] = [];
    for (const insn of code.insns) {
      if (insn.k === 'op' && insn.descr?.kind === 'field' && insn.descr.virtualizable === true) out.add(code);
      else if (insn.k === 'inline') cs.push(insn.callee);
      else if (insn.k === 'invoke') cs.push(...insn.targets.byClass.values());
      else if (insn.k === 'call') {
        const c = byFn.get(insn.descr.fn);
        if (c !== undefined) cs.push(c);
      }
    }
    callees.set(code, cs);
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const [code, cs] of callees) {
      if (!out.has(code) && cs.some((c) => out.has(c))) {
        out.add(code);
        changed = true;
      }
    }
  }
  return out;
}

function linkInsn(insn: InsnJSON, descrs: Descr[], tables: DispatchTable[], jitcodes: Map<string, JitCode>): Insn {
  switch (insn.k) {
    case 'op': return { k: 'op', op: insn.op, args: insn.args, dst: insn.dst, descr: insn.descr >= 0 ? descrs[insn.descr] : null, immutableItems: insn.immutableItems === true };
    case 'call': return { k: 'call', descr: descrs[insn.descr] as CallDescr, args: insn.args, dst: insn.dst };
    case 'inline': {
      const callee = jitcodes.get(insn.callee);
      if (!callee) throw new Error(`link: no jitcode ${insn.callee}`);
      return { k: 'inline', callee, args: insn.args, dst: insn.dst };
    }
    case 'invoke': return { k: 'invoke', method: insn.method, targets: tables[insn.table], args: insn.args, dst: insn.dst };
    case 'qiread': return { k: 'qiread', obj: insn.obj, descr: descrs[insn.descr] as FieldDescr, dst: insn.dst };
    case 'qiwrite': return { k: 'qiwrite', descr: descrs[insn.descr] as FieldDescr };
    default: return insn;
  }
}

const methodCallers = new Map<string, AnyFn>();
function methodCaller(name: string): AnyFn {
  let f = methodCallers.get(name);
  if (!f) {
    f = (recv: unknown, ...a: unknown[]) => (recv as Record<string, AnyFn>)[name](...a);
    methodCallers.set(name, f);
  }
  return f;
}

function resolveBuiltin(path: string): unknown {
  const parts = path.split('.');
  if (parts[0] === 'metajit') {
    const name = parts[1];
    if (name in INTERNAL_BUILTINS) return INTERNAL_BUILTINS[name];
    const v = (framework as Record<string, unknown>)[name];
    if (v === undefined) throw new Error(`link: metajit has no export '${name}'`);
    return v;
  }
  let holder: unknown = globalThis;
  let value: unknown = globalThis;
  for (const p of parts) {
    holder = value;
    value = (value as Record<string, unknown>)[p];
    if (value === undefined) throw new Error(`link: unknown builtin ${path}`);
  }
  return typeof value === 'function' && holder !== globalThis && !/^[A-Z]/.test(parts[parts.length - 1]) ? (value as AnyFn).bind(holder) : value;
}
