#!/bin/sh
# compat.sh — old plugin, new core: s2n-abiold.so was compiled against the
# frozen ABI 1.0 header (tests/abi/plugin-1.0.h).  Today's core must accept
# it, describe it as ABI 1.0, and run it with its options, spawn, artifact
# and message all working.
. "$top_srcdir/tests/plugins/lib.sh"
require_core

old=$(plugin_so tests/abi s2n-abiold)
S2NBUILD_PLUGIN_PATH=$(plugin_dir tests/abi)
export S2NBUILD_PLUGIN_PATH

run_case "$TMP/check.out" "$S2N" plugins --check "$old"
expect_rc "--check abiold" 0 &&
    expect_text "--check abiold" "$out" "abiold" &&
    expect_text "--check abiold (ABI)" "$out" "1.0" &&
    pass "a 1.0 plugin passes --check"

workspace abiold
run_case "$TMP/run.out" sh -c 'cd "$1" && exec "$2" stage abiold count=3 message="still here"' \
    sh "$ws" "$S2N"
expect_rc "stage abiold" 0 &&
    expect_text "stage abiold" "$(run_record_text)" "old plugin ran: 3 line(s)" &&
    pass "a 1.0 plugin runs in today's core"

artifact=$(find "$ws/.s2nbuild" -name abiold.txt | head -n 1)
if [ -z "$artifact" ]; then
    fail "abiold.txt (the artifact) was not written under $ws/.s2nbuild"
elif [ "$(grep -c '^still here$' "$artifact")" -ne 3 ]; then
    fail "abiold.txt does not hold the 3 lines asked for:"
    sed 's/^/    | /' "$artifact" >&2
else
    pass "its artifact holds what its options asked for"
fi

# Enum validation of an old option table still happens in the core.
workspace abiold-bad
run_case "$TMP/bad.out" sh -c 'cd "$1" && exec "$2" stage abiold mood=grumpy' sh "$ws" "$S2N"
expect_rc "stage abiold mood=grumpy" 2 &&
    expect_text "stage abiold mood=grumpy" "$out" "mood" &&
    pass "its option table is validated (bad enum value refused)"
finish
