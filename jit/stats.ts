// Counters for `--jit-stats`: what the JIT did and where the time went.

export class JitStats {
  loops = 0;
  bridges = 0;
  aborts = 0;
  guardFailures = 0;
  blackholes = 0;
  invalidations = 0;
  tracingMs = 0;
  compiledMs = 0;
  backendMs = 0;
  optimizerMs = 0;
  readonly abortReasons = new Map<string, number>();
  /** Per optimizer pass: how often it ran and how many ops it removed in all. */
  readonly passes = new Map<string, { runs: number; removed: number }>();

  format(): string {
    const reasons = [...this.abortReasons].map(([r, n]) => `${r}=${n}`).join(' ');
    return [
      'jit stats:',
      `  loops compiled      ${this.loops}`,
      `  bridges compiled    ${this.bridges}`,
      `  traces aborted      ${this.aborts}${reasons ? ` (${reasons})` : ''}`,
      `  guard failures      ${this.guardFailures}`,
      `  blackhole runs      ${this.blackholes}`,
      `  invalidations       ${this.invalidations}`,
      `  time tracing        ${this.tracingMs.toFixed(1)} ms`,
      `  time optimizing     ${this.optimizerMs.toFixed(1)} ms`,
      `  time in backend     ${this.backendMs.toFixed(1)} ms`,
      `  time in compiled    ${this.compiledMs.toFixed(1)} ms`,
      ...[...this.passes].map(([name, p]) => `  pass ${name.padEnd(14)} removed ${p.removed} ops in ${p.runs} runs`),
    ].join('\n') + '\n';
  }
}
