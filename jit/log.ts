// `--jit-log`: every compiled trace and bridge in the trace text format, as
// recorded and as optimized (guest locations appear as debug_merge_point ops),
// and every abort with its reason.

import { ABORTS, type AbortReason } from './aborts.js';
import type { Trace } from './ir/trace.js';
import { printTrace } from './ir/print.js';

export interface JitLogSink {
  write(text: string): void;
}

export class JitLog {
  constructor(private readonly sink: JitLogSink) {}

  compiled(what: 'loop' | 'bridge', recorded: Trace, optimized: Trace): void {
    this.sink.write(`# ${what} recorded: ${recorded.name}\n${printTrace(recorded)}\n`);
    if (optimized !== recorded) this.sink.write(`# ${what} optimized: ${optimized.name}\n${printTrace(optimized)}\n`);
  }

  aborted(reason: AbortReason, location: string): void {
    this.sink.write(`# trace aborted at ${location || '?'}: ${reason} (${ABORTS[reason]})\n`);
  }

  note(text: string): void {
    this.sink.write(`# ${text}\n`);
  }
}
