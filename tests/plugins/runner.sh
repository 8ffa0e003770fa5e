#!/bin/sh
# runner.sh — plugins that load fine but misbehave in run(): a crash, a
# hang, exit() instead of a result, a flood of output, and each
# s2n_result.  Every end is classified for that stage; the core and other
# stages go on (issue 3, "Runner").
. "$top_srcdir/tests/plugins/lib.sh"
require_core

RT=$(plugin_dir tests/plugins/runtime)
S2NBUILD_PLUGIN_PATH=$RT
export S2NBUILD_PLUGIN_PATH

# stage NAME ARGS...: `s2nbuild stage ARGS` in a fresh workspace NAME.
stage() {
    workspace "$1"
    shift
    run_case "$TMP/out.txt" sh -c 'cd "$1" && shift && exec "$@"' sh "$ws" "$S2N" stage "$@"
}
# pipeline NAME YAML ARGS...: `s2nbuild run ARGS` of YAML in workspace NAME.
pipeline() {
    workspace "$1"
    printf '%s\n' "$2" >"$ws/s2nbuild.yml"
    shift 2
    run_case "$TMP/out.txt" sh -c 'cd "$1" && shift && exec "$@"' sh "$ws" "$S2N" run "$@"
}

# A crash is the stage's failure, not the core's.
stage crash crash
expect_rc "crash" 1 &&
    expect_text "crash" "$(run_record_text)" "signal" &&
    expect_text "crash (log kept)" "$TMP/all.txt" "about to die by SIGSEGV" &&
    pass "crash: stage failed, crashed by signal, log kept"

# exit() inside run() is not a result.
stage exit7 exit7
expect_rc "exit7" 1 &&
    expect_text "exit7" "$(run_record_text)" "exited (7) without returning" &&
    pass "exit7: exited (7) without returning"

# A hang ends at the stage timeout, also when SIGTERM is ignored.
pipeline hang "version: 1
stages:
  - name: sleeper
    type: hang
    timeout: 1
  - name: stubborn
    type: hang
    timeout: 1
    with: { ignore_term: true }" --keep-going
expect_rc "hang" 1 &&
    expect_text "hang" "$(run_record_text)" "timed out" &&
    expect_text "hang (stage)" "$TMP/all.txt" "sleeper" &&
    expect_text "hang (stubborn stage)" "$TMP/all.txt" "stubborn" &&
    pass "hang: timed out (SIGTERM and SIGKILL)"
if [ "$(grep -ciF "timed out" "$TMP/all.txt")" -lt 2 ]; then
    fail "hang: expected both stages reported as timed out"
fi

# A crash does not stop an independent stage.
pipeline crash-and-ok "version: 1
stages:
  - { name: boom, type: crash }
  - { name: fine, type: result, with: { result: ok } }" --keep-going
expect_rc "crash-and-ok" 1 &&
    expect_text "crash-and-ok" "$(run_record_text)" "returning ok as asked" &&
    pass "crash-and-ok: the other stage still ran"

# A flood of output on both streams: no deadlock, nothing lost.
stage chatty chatty lines=20000
expect_rc "chatty" 0 &&
    expect_text "chatty (last stdout line)" "$(run_record_text)" "chatty stdout line 20000 of 20000" &&
    expect_text "chatty (last stderr line)" "$TMP/all.txt" "chatty stderr line 20000" &&
    pass "chatty: 20000 lines captured"

# Each result: ok and skipped pass, failed and error fail the run.
for r in ok:0 skipped:0 failed:1 error:1; do
    name=${r%:*}
    want=${r#*:}
    stage "result-$name" result result="$name"
    expect_rc "result=$name" "$want" &&
        expect_text "result=$name" "$(run_record_text)" "returning $name as asked" &&
        pass "result=$name: exit $want"
done

# The documented S2N_HAS_MEMBER check keeps a plugin inside the table.
stage hostcheck hostcheck
expect_rc "hostcheck" 0 &&
    expect_text "hostcheck" "$(run_record_text)" "fallback" &&
    pass "hostcheck: newer member detected as absent, fallback taken"

finish
