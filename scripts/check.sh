#!/bin/bash
# Builds s2nbuild from scratch and runs every test: the normal build with
# -Werror, then again under AddressSanitizer + UndefinedBehaviorSanitizer,
# then a short run of each fuzz target.  Ends with "N passed, N failed".
#   scripts/check.sh            everything
#   S2N_CHECK_QUICK=1 scripts/check.sh   the normal build only
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

bash scripts/deps.sh || { echo "0 passed, 1 failed"; exit 1; }
[ -f tests/github-release/setup.sh ] && bash tests/github-release/setup.sh

total_pass=0 total_fail=0
# Adds up one `make check`: a test that ends with its own "N passed, N
# failed" line counts its checks; any other counts as one by its result.
count() {
  local dir=$1 trs log res line
  while IFS= read -r trs; do
    log=${trs%.trs}.log
    res=$(sed -n 's/^:test-result: //p' "$trs" | head -1)
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" 2>/dev/null | tail -1)
    if [ -n "$line" ] && [ "$res" != ERROR ]; then
      total_pass=$((total_pass + $(echo "$line" | cut -d' ' -f1)))
      total_fail=$((total_fail + $(echo "$line" | cut -d' ' -f3)))
      [ "$res" = FAIL ] && [ "$(echo "$line" | cut -d' ' -f3)" = 0 ] && total_fail=$((total_fail + 1))
    else
      case $res in PASS|XFAIL) total_pass=$((total_pass + 1)) ;; SKIP) ;; *) total_fail=$((total_fail + 1)) ;; esac
    fi
  done < <(find "$dir" -name '*.trs' | sort)
}

build_and_check() { # name configure-args...
  local dir=$top/_build/$1; shift
  echo "=== $(basename "$dir"): configure $*"
  rm -rf "$dir"; mkdir -p "$dir"
  if ! (cd "$dir" && "$top/configure" -q "$@" && make -j"$jobs" >make.log 2>&1); then
    tail -50 "$dir/make.log" 2>/dev/null
    echo "build failed: $dir"; total_fail=$((total_fail + 1)); return 1
  fi
  (cd "$dir" && make -j"$jobs" check >check.log 2>&1)
  local rc=$?
  grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' "$dir/check.log"
  count "$dir"
  if [ $rc -ne 0 ]; then
    echo "--- failures in $dir:"; sed -n '/^FAIL\|^ERROR/,$p' "$dir/test-suite.log" | head -150
    [ -f "$dir/test-suite.log" ] || total_fail=$((total_fail + 1))
  fi
  return $rc
}

autoreconf -fi >/dev/null 2>&1 || { echo "autoreconf failed"; echo "0 passed, 1 failed"; exit 1; }
build_and_check werror --enable-werror
if [ -z "${S2N_CHECK_QUICK:-}" ]; then
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    build_and_check sanitizers --enable-werror --enable-sanitizers
  # every fuzz target briefly: the core's (pipeline file, JUnit,
  # requirement lines, TOML) and the twine stage's (core metadata,
  # .pypirc, archives)
  for fz in tests/fuzz/run.sh tests/twine/fuzz/run.sh; do
    [ -f "$fz" ] || continue
    if S2N_FUZZ_SECONDS=${S2N_FUZZ_SECONDS:-15} bash "$fz" "$top/_build/fuzz-$(basename "$(dirname "$(dirname "$fz")")")"; then
      total_pass=$((total_pass + 1)); else total_fail=$((total_fail + 1)); fi
  done
fi
echo "${total_pass} passed, ${total_fail} failed"
[ "$total_fail" -eq 0 ]
