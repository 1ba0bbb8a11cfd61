// Runs a Lua script with the tsc-built mini-lua (build first: npx tsc -p interpreters/mini-lua/tools/tsconfig.build.json).
// usage: node interpreters/mini-lua/tools/run.mjs prog.lua [args...]
import { main } from '/tmp/mlua-build/interpreters/mini-lua/main.js';
import { flushOutput } from '/work/main/dist/framework/host.js';
const code = main(process.argv.slice(2));
flushOutput();
process.exitCode = code;
