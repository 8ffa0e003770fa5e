#!/bin/bash
# Builds the fuzz targets with clang (libFuzzer + ASan + UBSan) and runs
# each for a short while on its checked-in seed corpus.  The random seed is
# fixed (S2N_FUZZ_SEED, default 1) so CI repeats the same exploration; set
# another seed and more seconds to hunt for new crashes.  Every crash found
# is kept under tests/fuzz/regressions/<target>/ and replayed by this script.
#   tests/fuzz/run.sh OUTDIR [SECONDS]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/_build/fuzz}
secs=${2:-${S2N_FUZZ_SECONDS:-20}}
mkdir -p "$out"
cat > "$out/config.h" <<H
#define _GNU_SOURCE 1
#define PACKAGE_VERSION "fuzz"
H
CC=${CC:-clang}
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$out" -I"$top" -I"$top/include" $(pkg-config --cflags yaml-0.1 jansson libcrypto libcurl)
       -DS2N_PLUGINDIR='"/nowhere"' -DS2N_BUILDDIR='"/nowhere"' -DS2N_SRCDIR='"/nowhere"'
       -DS2N_INCLUDEDIR='"/nowhere"')
libs=($(pkg-config --libs yaml-0.1 jansson libcrypto libcurl) -lltdl -lb2)
# the whole core but main.c: the pipeline reader calls into the policy
core_srcs=(); for c in "$top"/core/*.c; do [ "$(basename "$c")" = main.c ] || core_srcs+=("$c"); done

# target | harness | extra sources | seed corpus
targets=(
  "pipeline|tests/fuzz/fuzz_pipeline.c|${core_srcs[*]}|tests/fuzz/corpus/pipeline"
  "junit|tests/pytest/fuzz_junit.c|$top/plugins/common/junit.c $top/plugins/common/html.c|tests/pytest/fuzz-corpus"
  "requirements|tests/fuzz/fuzz_requirements.c|$top/plugins/common/requirements.c $top/plugins/common/venv_pep508.c $top/plugins/common/venv_pep440.c $top/plugins/common/names.c $top/plugins/common/pyinfo.c $top/plugins/common/hash.c|tests/fuzz/corpus/requirements"
  "toml|tests/fuzz/fuzz_toml.cc|$top/plugins/common/toml.cc|tests/fuzz/corpus/toml"
)

status=0
for spec in "${targets[@]}"; do
  IFS='|' read -r target harness extra seeds <<<"$spec"
  bin=$out/fuzz_$target
  if [[ $harness == *.cc ]]; then # the toml++ wrapper is C++17
    # shellcheck disable=SC2086
    "${CXX:-clang++}" -std=c++17 "${flags[@]}" $(pkg-config --cflags tomlplusplus) -include "$out/config.h" \
      -o "$bin" "$top/$harness" $extra "${libs[@]}" $(pkg-config --libs tomlplusplus)
  else
    # shellcheck disable=SC2086
    "$CC" "${flags[@]}" -include "$out/config.h" -o "$bin" "$top/$harness" $extra "${libs[@]}"
  fi
  work=$out/corpus-$target; mkdir -p "$work"
  regress=$top/tests/fuzz/regressions/$target
  if [ -d "$regress" ] && ls "$regress"/* >/dev/null 2>&1; then
    "$bin" "$regress"/* >/dev/null 2>&1 || { echo "fuzz $target: a regression input crashes again"; status=1; }
  fi
  echo "fuzz $target: ${secs}s"
  if ! "$bin" -seed="${S2N_FUZZ_SEED:-1}" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$out/crash-$target-" "$work" "$top/$seeds" >"$out/$target.log" 2>&1; then
    echo "fuzz $target: crash found; input kept as $out/crash-$target-* (add it to $regress)"
    tail -30 "$out/$target.log"; status=1
  else
    grep -E '^Done|stat::number_of_executed_units' "$out/$target.log" | tail -1 || tail -2 "$out/$target.log"
  fi
done
exit $status
