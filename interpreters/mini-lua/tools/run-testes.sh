#!/usr/bin/env bash
# Runs files of the official Lua 5.4 test suite (lua/lua, folder testes/) under mini-lua
# and prints one line per file: PASS, or FAIL with the last line of its output.
# The suite is not part of this repository; get it from a Lua 5.4 source release
# (lua-5.4.x-tests.tar.gz) or `git archive v5.4.4 testes` of github.com/lua/lua.
#
# Usage: interpreters/mini-lua/tools/run-testes.sh TESTES_DIR [--jit=on|off] [NAME...]
#   NAME defaults to the files the README reports on.
set -uo pipefail
here="$(cd "$(dirname "$0")/../../.." && pwd)"
dir="${1:?usage: run-testes.sh TESTES_DIR [--jit=on|off] [NAME...]}"
shift
jit="--jit=off"
if [ $# -gt 0 ] && [[ "$1" == --jit=* ]]; then jit="$1"; shift; fi
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(constructs strings math nextvar closure calls events vararg sort goto literals pm bitwise tpack utf8 coroutine errors locals)
fi
cd "$dir" || exit 2
pass=0
for n in "${names[@]}"; do
  out="$(timeout 300 node "$here/bin/metajit.js" run "$jit" mini-lua "$n.lua" 2>&1)"
  rc=$?
  if [ $rc -eq 0 ] && grep -qi "^ok$" <<<"$out"; then
    echo "PASS $n"
    pass=$((pass + 1))
  else
    echo "FAIL $n (exit $rc): $(grep -v '^\s' <<<"$out" | grep -v '^stack traceback' | tail -1 | cut -c1-160)"
  fi
done
echo "$pass of ${#names[@]} pass"
