# Shared helpers for the integration tests (sourced).  Each test script
# counts its checks and ends with "N passed, N failed"; any failure makes
# the script exit 1.
set -u
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
: "${PYTHON3:=/usr/bin/python3}"
S2N="$top_builddir/s2nbuild"
export NO_COLOR=1
unset S2NBUILD_PLUGIN_PATH
T_PASS=0
T_FAIL=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/s2nt.XXXXXX")
chmod 700 "$TMP"
trap 'rm -rf "$TMP"' EXIT
export S2NBUILD_CACHE_DIR="$TMP/.cache"

ok() { T_PASS=$((T_PASS + 1)); printf 'ok %d - %s\n' $((T_PASS + T_FAIL)) "$1"; }
not_ok() {
    T_FAIL=$((T_FAIL + 1)); printf 'not ok %d - %s\n' $((T_PASS + T_FAIL)) "$1"
    [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /' | head -40
    return 0
}
# check NAME COMMAND...: passes when the command succeeds
check() { local n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else not_ok "$n"; fi; }
# expect_rc NAME RC COMMAND...: runs COMMAND, keeps its output in $OUT
expect_rc() {
    local n=$1 want=$2; shift 2
    OUT=$("$@" 2>&1); RC=$?
    if [ "$RC" = "$want" ]; then ok "$n (exit $RC)"; else not_ok "$n: exit $RC, wanted $want" "$OUT"; fi
}
# contains NAME TEXT PATTERN (fixed string)
contains() {
    if printf '%s' "$2" | grep -qF -- "$3"; then ok "$1"; else not_ok "$1: no '$3' in output" "$2"; fi
}
lacks() {
    if printf '%s' "$2" | grep -qF -- "$3"; then not_ok "$1: unexpected '$3'" "$2"; else ok "$1"; fi
}
# json_get FILE EXPR: a Python expression over `j`
json_get() { "$PYTHON3" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
finish() {
    printf '%d passed, %d failed\n' "$T_PASS" "$T_FAIL"
    [ "$T_FAIL" -eq 0 ]
    exit $?
}
