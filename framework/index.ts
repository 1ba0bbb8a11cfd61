// The public API of metajit for interpreter authors: `import { JitDriver, promote } from 'metajit'`.
export { JitDriver, promote, weAreJitted, immutableArray } from './driver.js';
export type { JitDriverSpec, ImmutableArray } from './driver.js';
export { hostWrite, hostWriteError, hostReadFile, hostReadFileBytes, flushOutput, HostError } from './host.js';
/** Internal: called by loader-instrumented writes of quasi-immutable fields. */
export { quasiImmutableWritten } from './quasi-immutable.js';
/** Internal: loader-rewritten `new Uint8Array(n)` & co. (the typed heap). */
export { typedArray } from './typed-heap.js';
/** Internal: inserted by the loader at the start of every catch block of interpreter code. */
export { rethrowJitControl } from '../jit/control.js';
