#!/bin/bash
# Fuzz the twine stage's parsers with clang's libFuzzer (+ASan+UBSan), each
# for a short while on its seed corpus; regressions/<target>/ inputs are
# replayed first.  Not part of `make check` (needs clang):
#   tests/twine/fuzz/run.sh OUTDIR [SECONDS]
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
here=$top/tests/twine/fuzz
out=${1:-$top/_build/fuzz-twine}
secs=${2:-${S2N_FUZZ_SECONDS:-20}}
mkdir -p "$out"
printf '#define _GNU_SOURCE 1\n' >"$out/config.h"
CC=${CC:-clang}
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$out" -I"$top" -I"$top/include" -include "$out/config.h")
common=("$top/plugins/common/coremeta.c" "$top/plugins/common/distread.c"
        "$top/plugins/common/pypirc.c" "$top/plugins/common/hash.c" "$top/plugins/common/names.c"
        "$top/plugins/twine/check.c" "$top/plugins/twine/form.c")
libs=($(pkg-config --libs libarchive libcrypto libb2))
status=0
for target in coremeta pypirc distread; do
    bin=$out/fuzz_$target
    "$CC" "${flags[@]}" -o "$bin" "$here/fuzz_$target.c" "${common[@]}" "${libs[@]}"
    work=$out/corpus-$target
    mkdir -p "$work"
    regress=$here/regressions/$target
    if [ -d "$regress" ] && ls "$regress"/* >/dev/null 2>&1; then
        "$bin" "$regress"/* >/dev/null 2>&1 || { echo "fuzz $target: a regression input crashes again"; status=1; }
    fi
    echo "fuzz $target: ${secs}s"
    if ! "$bin" -seed="${S2N_FUZZ_SEED:-1}" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$out/crash-$target-" "$work" "$here/corpus/$target" >"$out/$target.log" 2>&1; then
        echo "fuzz $target: crash found; input kept as $out/crash-$target-* (add it to $regress)"
        tail -30 "$out/$target.log"
        status=1
    else
        grep -E 'stat::number_of_executed_units|^Done' "$out/$target.log" | tail -1 || tail -2 "$out/$target.log"
    fi
done
exit $status
