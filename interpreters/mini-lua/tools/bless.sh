#!/usr/bin/env bash
# Regenerates the expected outputs of the mini-lua test corpus with PUC Lua 5.4.
#   NAME.expected      stdout of `lua NAME.lua` (run inside tests/)
#   NAME.err           only when the exit code is not 0: "exit N" and the first stderr line
# Usage: interpreters/mini-lua/tools/bless.sh [NAME...]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
lua_bin="$(command -v lua5.4 || true)"
if [ -z "$lua_bin" ]; then echo "bless.sh: lua5.4 not found (apt-get install -y lua5.4)" >&2; exit 1; fi
bindir="$(mktemp -d)"
trap 'rm -rf "$bindir"' EXIT
ln -s "$lua_bin" "$bindir/lua"   # so that messages say "lua:" like mini-lua
cd "$here/tests"
if [ $# -gt 0 ]; then files=("${@/%/.lua}"); else files=(*.lua); fi
for f in "${files[@]}"; do
  name="${f%.lua}"
  case "$name" in mod_*) continue;; esac
  set +e
  stdin_file=/dev/null
  [ -f "$name.stdin" ] && stdin_file="$name.stdin"
  PATH="$bindir:$PATH" lua "$f" arg1 arg2 < "$stdin_file" > "$name.expected" 2> "$bindir/stderr"
  code=$?
  set -e
  if [ "$code" -ne 0 ]; then
    { echo "exit $code"; head -n 1 "$bindir/stderr"; } > "$name.err"
  else
    rm -f "$name.err"
  fi
done
echo "blessed ${#files[@]} file(s)"
