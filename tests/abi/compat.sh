#!/bin/sh
# compat.sh — the compatibility matrix.
#  - old plugin, new core: s2n-abiold.so was compiled against the frozen
#    ABI 1.0 header (tests/abi/plugin-1.0.h).  Today's core must accept it,
#    describe it as ABI 1.0, and run it with its options, spawn, artifact
#    and message all working.
#  - new plugin, old core: s2n-future.so is built for the next minor with
#    larger descriptor and option entries but min_host_minor = this core's;
#    it must load, and its options must be read with its own stride.
#  - a plugin needing a newer core is refused: tests/plugins/loader.sh.
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

# `s2nbuild plugins` lists it with its ABI.
workspace abiold-list
run_case "$TMP/list.out" sh -c 'cd "$1" && exec "$2" plugins' sh "$ws" "$S2N"
expect_rc "plugins" 0 &&
    grep -i 'abiold' "$out" >"$TMP/list-line.txt" &&
    expect_text "plugins (abiold's ABI)" "$TMP/list-line.txt" "1.0" &&
    pass "s2nbuild plugins lists the old plugin as ABI 1.0"

# Enum validation of an old option table still happens in the core.
workspace abiold-bad
run_case "$TMP/bad.out" sh -c 'cd "$1" && exec "$2" stage abiold mood=grumpy' sh "$ws" "$S2N"
expect_rc "stage abiold mood=grumpy" 2 &&
    expect_text "stage abiold mood=grumpy" "$out" "mood" &&
    pass "its option table is validated (bad enum value refused)"
# New plugin, old core.
S2NBUILD_PLUGIN_PATH=$(plugin_dir tests/abi)
workspace future
run_case "$TMP/future.out" sh -c 'cd "$1" && exec "$2" stage future word=tick count=3' sh "$ws" "$S2N"
expect_rc "stage future" 0 &&
    expect_text "stage future" "$(run_record_text)" "tick x3" &&
    pass "a plugin built for a newer minor runs (larger descriptor accepted)"
workspace future-default
run_case "$TMP/future.out" sh -c 'cd "$1" && exec "$2" stage future word=tock' sh "$ws" "$S2N"
expect_rc "stage future (default)" 0 &&
    expect_text "stage future (default)" "$(run_record_text)" "tock x2" &&
    pass "its second option's default is found (options walked with its option_size)"
workspace future-unknown
run_case "$TMP/future.out" sh -c 'cd "$1" && exec "$2" stage future word=x not-an-option-name=1' \
    sh "$ws" "$S2N"
expect_rc "stage future (bad key)" 2 &&
    expect_text "stage future (bad key)" "$out" "unknown option 'not-an-option-name'" &&
    pass "a field of its larger option entries is not taken for an option"
workspace future-required
run_case "$TMP/future.out" sh -c 'cd "$1" && exec "$2" stage future' sh "$ws" "$S2N"
expect_rc "stage future (required)" 2 &&
    expect_text "stage future (required)" "$out" "word" &&
    pass "its required option is enforced"
finish
