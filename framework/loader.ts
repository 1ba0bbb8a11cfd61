// Loading an interpreter: TS source -> (checked, codewritten, transpiled, cached)
// -> imported JS modules -> linked jitcodes -> a JIT runtime per portal.
//
// The cache (.metajit-cache/ at the package root) holds, per interpreter entry
// file, the emitted JS of every interpreter file, the code bundle and a manifest
// of source hashes. A hit loads neither the TypeScript compiler nor the checker.
//
// Emitted modules are changed in three ways: `from 'metajit'` points at this
// framework; each module exports `__metajit_decls` (its top-level declarations,
// for linking); the portal function is replaced by its runner
// (`portal = driver.wrapPortal(portal)`), so the JIT can re-enter it.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Backend } from '../jit/backend.js';
import type { JitRuntime, TraceOptimizer } from '../jit/jit-runtime.js';
import type { JitLog } from '../jit/log.js';
import { defaultParams, type JitParams } from '../jit/params.js';
import { JitStats } from '../jit/stats.js';
import { BUNDLE_VERSION, type CodeBundle } from './codewriter/bundle.js';
import { packageRoot } from './package-root.js';
import type { DriverHooks, JitDriver } from './driver.js';
import type { FieldDescr } from '../jit/ir/descr.js';
import type { LinkedInterpreter } from './link.js';
import { onQuasiImmutableWrite } from './quasi-immutable.js';

export interface JitConfig {
  readonly backend: Backend;
  readonly params?: JitParams;
  readonly log?: JitLog | null;
  readonly stats?: JitStats;
  /** Replaces the optimizer pipeline (tests). */
  readonly optimize?: TraceOptimizer;
  /** Optimizer passes switched off (`--jit-opt=-name`). */
  readonly disabledPasses?: ReadonlySet<string>;
  /** Run the trace verifier after every optimizer pass (tests). */
  readonly verifyPasses?: boolean;
  /** Keep every compiled trace in the runtimes' `compiledTraces` (tests). */
  readonly keepTraces?: boolean;
}

export interface LoadedInterpreter {
  /** The interpreter's `main(argv)`; returns the exit code. */
  readonly main: (argv: readonly string[]) => number;
  readonly runtimes: readonly JitRuntime[];
  readonly linked: LinkedInterpreter | null;
  readonly stats: JitStats;
}

interface Manifest {
  readonly version: string;
  readonly framework: string;
  readonly files: Record<string, string>; // module path -> content hash
}

const FRAMEWORK_URL = new URL(import.meta.url.endsWith('.ts') ? './index.ts' : './index.js', import.meta.url).href;

function hash(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 24);
}

/** Identifies the toolchain that wrote a cache entry: any change to it rewrites the cache. */
function toolchainVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const parts = [String(BUNDLE_VERSION)];
  for (const dir of ['codewriter', 'subset', '.']) {
    const d = path.join(here, dir);
    for (const f of fs.readdirSync(d).sort()) {
      if (/\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && (dir !== '.' || /^(emit|link|loader)\./.test(f))) parts.push(fs.readFileSync(path.join(d, f), 'utf8'));
    }
  }
  return hash(parts.join('\0'));
}

function cacheDirFor(entry: string): string {
  return path.join(packageRoot(), '.metajit-cache', hash(`${entry}\0${FRAMEWORK_URL}`));
}

/**
 * The current build of an entry's cache directory, if it is still valid. Layout:
 * `<dir>/current` names a build directory `<dir>/<build id>/` holding `js/`,
 * `bundle.json` and `manifest.json`. Builds are written to a temporary directory
 * and renamed into place, so concurrent processes never see half a build.
 */
function readBuild(dir: string, rootDir: string): { manifest: Manifest; buildDir: string } | null {
  try {
    const buildDir = path.join(dir, fs.readFileSync(path.join(dir, 'current'), 'utf8').trim());
    const m = JSON.parse(fs.readFileSync(path.join(buildDir, 'manifest.json'), 'utf8')) as Manifest;
    if (m.version !== toolchainVersion() || m.framework !== FRAMEWORK_URL) return null;
    for (const [mod, h] of Object.entries(m.files)) {
      if (hash(fs.readFileSync(path.join(rootDir, mod), 'utf8')) !== h) return null;
    }
    return { manifest: m, buildDir };
  } catch {
    return null;
  }
}

/**
 * Where module `mod` (a path relative to the interpreter's entry, perhaps `../x.ts`)
 * is emitted: inside the build's js/ directory, as many levels down as any module
 * climbs up, so that relative imports between modules still resolve and no build
 * writes outside its own directory (builds of one interpreter share a cache dir).
 */
function emittedPath(buildDir: string, mod: string, mods: readonly string[]): string {
  const climbs = (m: string) => /^(\.\.\/)*/.exec(m)![0].length / 3;
  const depth = Math.max(0, ...mods.map(climbs));
  return path.join(buildDir, 'js', ...Array<string>(depth).fill('_'), mod.replace(/\.ts$/, '.js'));
}

/** Writes a build for `entry` (checker + codewriter + transpiling); throws InterpreterRejected on bad source. */
async function build(entry: string, dir: string): Promise<{ manifest: Manifest; buildDir: string }> {
  // Only a cache miss pays for loading the TypeScript compiler.
  const { writeInterpreter } = await import('./codewriter/codewriter.js');
  const { emitModule } = await import('./emit.js');
  const { bundle, program } = writeInterpreter(entry);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(dir, 'tmp-'));
  const files: Record<string, string> = {};
  const mods = program.files.map((sf) => path.relative(program.rootDir, sf.fileName).replace(/\\/g, '/'));
  for (const [k, sf] of program.files.entries()) {
    const mod = mods[k];
    const text = sf.getFullText();
    files[mod] = hash(text);
    const out = emittedPath(tmp, mod, mods);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, emitModule(sf, mod, bundle, FRAMEWORK_URL));
  }
  fs.writeFileSync(path.join(tmp, 'bundle.json'), JSON.stringify(bundle));
  // Plain execution needs only the portals, not the (large) jitcodes.
  fs.writeFileSync(path.join(tmp, 'portals.json'), JSON.stringify(bundle.portals));
  const manifest: Manifest = { version: toolchainVersion(), framework: FRAMEWORK_URL, files };
  fs.writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(manifest));
  const id = hash(JSON.stringify(manifest));
  const buildDir = path.join(dir, id);
  try {
    fs.renameSync(tmp, buildDir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another process made the same build
  }
  const current = path.join(dir, `current.${process.pid}`);
  fs.writeFileSync(current, id);
  fs.renameSync(current, path.join(dir, 'current'));
  return { manifest, buildDir };
}

/**
 * Each driver's quasi-immutable write listener, from the latest load. A new load
 * replaces the runtimes of an earlier one, whose listener would otherwise keep
 * them (and all their compiled code) alive: modules, and so drivers, are loaded
 * once per process.
 */
const quasiImmutableListeners = new WeakMap<object, () => void>();

function stopListening(driver: object): void {
  quasiImmutableListeners.get(driver)?.();
  quasiImmutableListeners.delete(driver);
}

/**
 * Loads the interpreter whose entry file is `entry`. With `jit` it links the
 * jitcodes and attaches a JIT runtime to each driver; without, drivers run plain.
 */
export async function loadInterpreter(entry: string, jit: JitConfig | null): Promise<LoadedInterpreter> {
  const abs = path.resolve(entry);
  if (!fs.existsSync(abs)) throw new Error(`interpreter not found: ${entry}`);
  const rootDir = path.dirname(abs);
  const dir = cacheDirFor(abs);
  const { manifest, buildDir } = readBuild(dir, rootDir) ?? (await build(abs, dir));
  const modules = new Map<string, Readonly<Record<string, unknown>>>();
  let entryModule: Record<string, unknown> | null = null;
  const entryMod = path.basename(abs);
  for (const mod of Object.keys(manifest.files)) {
    const url = pathToFileURL(emittedPath(buildDir, mod, Object.keys(manifest.files))).href;
    const ns = (await import(url)) as Record<string, unknown>;
    modules.set(mod, ns.__metajit_decls as Record<string, unknown>);
    if (mod === entryMod) entryModule = ns;
  }
  const main = entryModule?.main;
  if (typeof main !== 'function') throw new Error(`${entry}: an interpreter must export function main(argv: readonly string[]): number`);
  const stats = jit?.stats ?? new JitStats();
  if (jit === null) {
    const portals = JSON.parse(fs.readFileSync(path.join(buildDir, 'portals.json'), 'utf8')) as CodeBundle['portals'];
    for (const p of portals) {
      const ref = p.driver;
      const driver = 'mod' in ref ? (modules.get(ref.mod)?.[ref.name] as { hooks: unknown } | undefined) : undefined;
      if (driver) {
        driver.hooks = null;
        stopListening(driver);
      }
    }
    return { main: main as (argv: readonly string[]) => number, runtimes: [], linked: null, stats };
  }
  const bundle = JSON.parse(fs.readFileSync(path.join(buildDir, 'bundle.json'), 'utf8')) as CodeBundle;
  // The JIT machinery is loaded only when the JIT is on: plain runs start faster.
  const [{ JitRuntime }, { optimizeTrace }, { link }] = await Promise.all([
    import('../jit/jit-runtime.js'), import('../jit/opt/pipeline.js'), import('./link.js'),
  ]);
  const linked = link(bundle, modules);
  const params = jit.params ?? defaultParams();
  const optimize: TraceOptimizer = jit.optimize ??
    ((t, kind, env) => optimizeTrace(t, kind, { disabled: jit.disabledPasses, verify: jit.verifyPasses, stats: stats.passes }, env));
  const runtimes = linked.portals.map((p) => {
    const printable = p.driver.getPrintableLocation as ((...g: unknown[]) => string) | null;
    const rt = new JitRuntime(
      {
        code: p.code,
        numGreens: p.json.greens.length,
        numReds: p.json.reds.length,
        paramOrder: p.json.paramOrder,
        printLocation: (greens) => (printable ? printable(...greens) : `${p.json.fnName} ${greens.map(String).join(' ')}`),
        virtualizable: virtualizableOf(p.driver, p.json.reds, linked),
      },
      { params, backend: jit.backend, optimize, log: jit.log ?? null, stats, keepTraces: jit.keepTraces },
    );
    const hooks: DriverHooks = {
      canEnterJit: (args) => rt.canEnterJit(args),
      enterOrContinue: (args) => rt.enterOrContinue(args),
      runPortal: (inner, args) => rt.runPortal(inner, args),
    };
    p.driver.hooks = hooks;
    stopListening(p.driver);
    if (bundle.quasiImmutableFields.length > 0) {
      quasiImmutableListeners.set(p.driver, onQuasiImmutableWrite((key) => {
        const d = linked.fields.get(key);
        if (d) rt.quasiImmutableWritten(d);
      }));
    }
    return rt;
  });
  return { main: main as (argv: readonly string[]) => number, runtimes, linked, stats };
}

/** The driver's virtualizable red (RPython allows one) and how to find its tagged fields. */
function virtualizableOf(driver: JitDriver, reds: readonly string[], linked: LinkedInterpreter) {
  if (driver.virtualizables.length === 0) return null;
  if (driver.virtualizables.length > 1) throw new Error('JitDriver: at most one virtualizable is supported');
  const redIndex = reds.indexOf(driver.virtualizables[0]);
  const byClass = new Map<Function, FieldDescr[]>();
  for (const c of linked.classes.values()) {
    const fields: FieldDescr[] = [];
    for (const f of linked.fields.values()) {
      if (f.virtualizable && isSubclass(c.cls, linked.classes.get(f.owner)?.cls)) fields.push(f);
    }
    byClass.set(c.cls, fields);
  }
  return { redIndex, fieldsOf: (obj: unknown) => byClass.get((obj as object).constructor) ?? [] };
}

function isSubclass(cls: Function, base: Function | undefined): boolean {
  return base !== undefined && (cls === base || cls.prototype instanceof base);
}
