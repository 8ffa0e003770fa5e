# Shared helpers of the pytest and sphinx stage tests (sourced; POSIX sh).
#
#   run_stage [-C DIR] TYPE key=value...
#                       `s2nbuild -C DIR stage TYPE key=value...`
#   run_pipeline DIR STAGE
#                       `s2nbuild -C DIR run` of DIR/s2nbuild.yml; the
#                       checks below then look at stage STAGE
#   After either: $rc (s2nbuild's exit status), $out (the stage's entry of
#   the run record as "== key: value" lines: result, message, tests,
#   artifact, output; plus "== error:" for every
#   configuration error s2nbuild printed), $log (the stage log and
#   s2nbuild's own output), $run_dir (the run's folder).
#
#   expect_result OK|FAILED|ERROR|SKIPPED
#   expect_tests PASSED FAILED SKIPPED ERRORS
#   expect_message TEXT      the stage's summary message contains TEXT
#   expect_error TEXT        a configuration error contains TEXT
#   expect_log TEXT          the stage log contains TEXT
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
PYTHON3=/usr/bin/python3   # Debian's, with python3-pytest and python3-sphinx
S2NBUILD="$top_builddir/s2nbuild"

failures=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/s2n-pysteps.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    echo "---- report ----" >&2; printf '%s\n' "$out" >&2
    echo "---- log (last 30 lines) ----" >&2; printf '%s\n' "$log" | tail -30 >&2
    failures=$((failures + 1))
}

# The stage's record entry as "== key: value" lines.
record_lines() {
    "$PYTHON3" - "$1" "$2" <<'EOP'
import json, sys
path, name = sys.argv[1], sys.argv[2]
try:
    record = json.load(open(path))
except OSError:
    sys.exit(0)
for s in record.get("stages", []):
    if s.get("name") == name:
        break
else:
    sys.exit(0)
print("== result:", s.get("result", "?").upper())
if s.get("message"):
    print("== message:", s["message"])
t = s.get("tests")
if t:
    print("== tests: passed=%(passed)d failed=%(failed)d skipped=%(skipped)d errors=%(errors)d" % t)
for a in s.get("artifacts", []):
    print("== artifact: %s %s %s" % (a["kind"], a["path"], a["sha256"]))
for k, v in sorted(s.get("outputs", {}).items()):
    print("== output: %s=%s" % (k, v))
EOP
}

# s2nbuild ARGS... in DIR, then read the record of stage NAME.
s2n_in() {
    dir=$1 name=$2
    shift 2
    rm -f "$dir/.s2nbuild/runs/latest"
    set +e
    "$S2NBUILD" --no-color -C "$dir" --plugin-path "$top_builddir/tests/pytest/.libs" "$@" \
        >"$tmp/s2n.out" 2>"$tmp/s2n.err"
    rc=$?
    set -e
    run_dir="$dir/.s2nbuild/runs/latest"
    out=$(record_lines "$run_dir/record.json" "$name"
        sed -n 's/^.*(argument [0-9]*): \(stage [^:]*: \)\{0,1\}/== error: /p' "$tmp/s2n.err")
    log=$(cat "$run_dir/$name.log" "$tmp/s2n.out" "$tmp/s2n.err" 2>/dev/null || true)
}

run_stage() {
    dir=.
    if [ "$1" = -C ]; then dir=$2; shift 2; fi
    s2n_in "$dir" "$1" stage "$@"
}

run_pipeline() {
    s2n_in "$1" "$2" run
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

# A configuration error: printed before the run (validation), or raised
# by the plugin with host->error() during it (then also the message).
expect_error() {
    { field error; field message; } | grep -qF -- "$1" || fail "expected a configuration error containing: $1"
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
