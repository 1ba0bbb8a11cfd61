import { quasiImmutableWritten as __metajit_qi, rethrowJitControl as __metajit_control } from 'file:///work/main/framework/index.ts';
// The exceptions the JIT runtime uses to hand control back to the portal's
// runner (RPython's ContinueRunningNormally and DoneWithThisFrame), plus
// PortalRaised: a guest exception that, in the guest's own execution, left the
// portal frame while compiled code or the blackhole ran it, and must therefore
// leave the portal again rather than be caught where `canEnterJit` was called.
//
// They all extend JitControl. The loader makes every `catch` in interpreter code
// rethrow a JitControl first (`rethrowJitControl`), so an interpreter's own
// try/catch around a back-edge never sees them.
export class JitControl {
    runtime;
    constructor(runtime) {
        this.runtime = runtime;
    }
}
/** Unwind the portal's JS frame; the runner re-enters the portal with `args`. */
export class ContinueRunningNormally extends JitControl {
    args;
    constructor(runtime, args) {
        super(runtime);
        this.args = args;
    }
}
/** Unwind the portal's JS frame; the runner returns `value` from the portal. */
export class DoneWithThisFrame extends JitControl {
    value;
    constructor(runtime, value) {
        super(runtime);
        this.value = value;
    }
}
/** Unwind the portal's JS frame; the runner throws `value` from the portal. */
export class PortalRaised extends JitControl {
    value;
    constructor(runtime, value) {
        super(runtime);
        this.value = value;
    }
}
/** Called first in every `catch` of interpreter code (inserted by the loader). */
export function rethrowJitControl(e) {
    if (e instanceof JitControl)
        throw e;
}

export const __metajit_decls = { JitControl, ContinueRunningNormally, DoneWithThisFrame, PortalRaised, rethrowJitControl };
