// What every backend provides: compile a loop trace, attach a bridge to a guard,
// and run compiled code until it leaves through a guard or a `finish`.
//
// Contract (all backends, checked by the same tests):
// - A loop trace starts with `label(..., descr=T)` whose args are the trace
//   inputs, and ends with `jump(..., descr=T')` to the label of a compiled loop
//   (usually its own T).
// - A bridge trace's inputs correspond one to one to its guard's failArgs; it
//   ends with a `jump` to a compiled loop's label or with `finish`.
// - When a guard fails and has a bridge, the bridge runs; otherwise `run`
//   returns a guard exit with the guard's failArgs evaluated (constants included).
// - A call op that throws sets a pending exception; the `guard_no_exception`
//   that follows it fails and the exit carries the exception.
// - `guard_not_invalidated` fails once `invalidate()` was called on the loop
//   that the guard belongs to (directly or through a bridge).
// - `guard_value` compares with Object.is (so -0 and 0 differ, NaN equals NaN):
//   a promoted value is replaced by the constant, which must be the same value.
// - A call that raises leaves 0 / 0 / null in its result box (i / f / r), and
//   its guard_no_exception exits even when it has a bridge.
// - `forceGuardFailure` (testing) makes every guard it selects fail even when its
//   condition holds: resume data must make that invisible to the program.

import type { ExitDescr, GuardDescr, TargetDescr } from './ir/descr.js';
import type { Trace } from './ir/trace.js';

export type TraceExit =
  | { readonly kind: 'guard'; readonly descr: GuardDescr; readonly values: unknown[]; readonly exception: { value: unknown } | null }
  | { readonly kind: 'finish'; readonly descr: ExitDescr; readonly values: unknown[] };

export interface CompiledLoop {
  readonly target: TargetDescr;
  /** Runs the loop from its label with these input values until it exits. */
  run(inputs: unknown[]): TraceExit;
  /** A quasi-immutable value this loop relies on changed. */
  invalidate(): void;
  readonly invalidated: boolean;
}

export interface BackendOptions {
  /** Testing: guards for which this returns true fail even when their condition holds. */
  readonly forceGuardFailure?: (guard: GuardDescr) => boolean;
  /** Receives the backend's own form of each compiled trace (e.g. WebAssembly text), for --jit-log. */
  readonly log?: (text: string) => void;
}

export interface Backend {
  readonly name: string;
  /** Backend-specific lines for --jit-stats (compile times, modules, ...). */
  statsText?(): string;
  compileLoop(trace: Trace): CompiledLoop;
  /** Compiles `trace` as the bridge of `guard` (a guard of an already compiled loop or bridge). */
  attachBridge(guard: GuardDescr, trace: Trace): void;
}
