#!/bin/bash
# Installs the dependencies, builds s2nbuild and runs the example monorepo
# pipeline end to end on embedded defaults: no server, no account.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
bash scripts/deps.sh
autoreconf -fi >/dev/null 2>&1
mkdir -p _build/example
cd _build/example
[ -f Makefile ] || "$top/configure" -q
make -j"$(nproc)" >make.log 2>&1 || { tail -40 make.log; exit 1; }
cd "$top"
exec _build/example/s2nbuild -C examples/monorepo run "$@"
