# Shared helpers of the pytest and sphinx stage tests (sourced).
#
#   run_stage TYPE key=value...   runs one stage; sets $rc, $out (stdout,
#                                 the "== key: value" report) and $log
#   expect_result OK|FAILED|ERROR|SKIPPED
#   expect_tests PASSED FAILED SKIPPED ERRORS
#   expect_message TEXT           the summary message contains TEXT
#   expect_error TEXT             a configuration error (host->error) contains TEXT
#   expect_log TEXT               the stage log contains TEXT
#
# The stages run through tests/pytest/minihost, a stand-in for
# `s2nbuild stage` that loads the plugin file from the build tree.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
PYTHON3=/usr/bin/python3   # Debian's, with python3-pytest and python3-sphinx

failures=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/s2n-pysteps.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

minihost="$top_builddir/tests/pytest/minihost"

fail() {
    echo "FAIL: $*" >&2
    echo "---- report ----" >&2; printf '%s\n' "$out" >&2
    echo "---- log (last 30 lines) ----" >&2; printf '%s\n' "$log" | tail -30 >&2
    failures=$((failures + 1))
}

# run_stage [-C DIR] [--name N] [--output K=V]... TYPE key=value...
run_stage() {
    set +e
    out=$("$minihost" --plugin-dir "$top_builddir/plugins" "$@" 2>"$tmp/stage.log")
    rc=$?
    set -e
    log=$(cat "$tmp/stage.log")
}

field() { printf '%s\n' "$out" | sed -n "s/^== $1: //p"; }

expect_result() {
    got=$(field result)
    [ "$got" = "$1" ] || fail "expected result $1, got '${got}' (exit $rc)"
}

expect_tests() {
    want="passed=$1 failed=$2 skipped=$3 errors=$4"; got=$(field tests)
    [ "$got" = "$want" ] || fail "expected tests $want, got '$got'"
}

expect_message() {
    field message | grep -qF -- "$1" || fail "expected the message to contain: $1"
}

expect_error() {
    field error | grep -qF -- "$1" || fail "expected a configuration error containing: $1"
}

expect_no_message() {
    ! field message | grep -qF -- "$1" || fail "expected the message not to contain: $1"
}

expect_log() {
    printf '%s\n' "$log" | grep -qF -- "$1" || fail "expected the log to contain: $1"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "all checks passed"
    exit 0
}
