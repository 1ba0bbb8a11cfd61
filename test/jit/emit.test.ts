// The loader's emitted JS for a portal (framework/emit.ts): a canEnterJit statement
// of the dispatch loop continues the loop itself with what compiled code returns.
import { describe, expect, test } from 'vitest';
import ts from 'typescript';
import type { CodeBundle } from '../../framework/codewriter/bundle.js';
import { emitModule } from '../../framework/emit.js';

function emit(body: string): string {
  const src = `import { JitDriver } from 'metajit';\nconst driver = new JitDriver({ greens: ['pc'], reds: ['n'] });\n` +
    `export function run(pc: number, n: number): number {\n  for (;;) {\n    driver.jitMergePoint(pc, n);\n${body}\n  }\n}\n`;
  const sf = ts.createSourceFile('m.ts', src, ts.ScriptTarget.ES2022, true);
  const bundle = { portals: [{ module: 'm.ts', driverLocal: 'driver', fnName: 'run' }], quasiImmutableWrites: [] } as unknown as CodeBundle;
  return emitModule(sf, 'm.ts', bundle, 'metajit-url');
}

describe('emitted portal', () => {
  test("a canEnterJit statement continues the loop with the returned arguments, also as an if's branch with an else", () => {
    const js = emit('    n = n - 1;\n    if (n > 0) driver.canEnterJit(pc, n);\n    else return n + 100;');
    expect(js).toContain('__metajit_dispatch: for (;;)');
    expect(js).toMatch(/const __metajit_next = driver\.enterOrContinue\(pc, n\);/);
    expect(js).toMatch(/pc = __metajit_next\[0\];\s*n = __metajit_next\[1\];\s*continue __metajit_dispatch;/);
    // Run it (the driver stubbed): the else stays with `if (n > 0)`, and a returned
    // pair of arguments is what the loop goes on with.
    const body = js.replace(/^import .*$/gm, '').replace(/^const driver = .*$/m, '').replace(/^export /gm, '')
      .replace(/^.*__metajit_decls.*$/m, '').replace(/^run = .*$/m, '');
    const run = new Function('driver', `${body}; return run;`) as (d: unknown) => (pc: number, n: number) => number;
    expect(run({ hooks: null })(0, 3)).toBe(100);
    let asked = 0;
    const jumpsTo = (pc: number, n: number) => ({ hooks: {}, enterOrContinue: () => (asked++ === 0 ? [pc, n] : null) });
    expect(run(jumpsTo(0, 10))(0, 3)).toBe(100); // 3 -> 2, then on at n = 10 down to 0
    expect(asked).toBe(10);
  });

  test('a loop that declares a variable named like a parameter keeps the throwing canEnterJit', () => {
    const js = emit('    { const pc = 1; if (n > pc) driver.canEnterJit(pc, n - 1); else return n; }');
    expect(js).not.toContain('enterOrContinue');
    expect(js).toContain('driver.hooks !== null && driver.canEnterJit(pc, n - 1)');
  });
});
