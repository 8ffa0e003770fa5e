#!/bin/sh
# examples.sh — the example plugins of examples/ (built in the tree by
# tests/abi/Makefile.inc, with the project's warnings as errors) load and
# run through the real loader: options, validation, spawn, artifact.
. "$top_srcdir/tests/plugins/lib.sh"
require_core

S2NBUILD_PLUGIN_PATH=$(plugin_dir examples/plugin-hello):$(plugin_dir examples/plugin-cxx)
export S2NBUILD_PLUGIN_PATH

in_ws() { run_case "$TMP/out.txt" sh -c 'cd "$1" && shift && exec "$@"' sh "$ws" "$S2N" "$@"; }

workspace hello
in_ws stage hello name=world times=2 style=banner shout=true
expect_rc "hello" 0 &&
    expect_text "hello" "$(run_record_text)" "greeted world 2 time(s)" &&
    pass "hello runs"
art=$(find "$ws/.s2nbuild" -name hello.txt | head -n 1)
if [ -n "$art" ] && [ "$(grep -c '^Hello, world!$' "$art")" -eq 2 ] && grep -q '^\*\*\*' "$art"; then
    pass "hello's artifact has the banner and two shouted lines"
else
    fail "hello.txt missing or wrong: ${art:-not found}"
fi

workspace hello-range
in_ws stage hello name=world times=0
expect_rc "hello times=0" 2 &&
    expect_text "hello times=0" "$out" "1 to 100" &&
    pass "hello's validate() refuses times=0 before running"

workspace hello-required
in_ws stage hello
expect_rc "hello without name" 2 &&
    expect_text "hello without name" "$out" "name" &&
    pass "the core refuses hello without its required option"

workspace hello-enum
in_ws stage hello name=x style=fancy
expect_rc "hello style=fancy" 2 &&
    expect_text "hello style=fancy" "$out" "style" &&
    pass "the core refuses a style outside the enum"

workspace cxx
in_ws stage cxxhello names=ada,grace mood=formal
expect_rc "cxxhello" 0 &&
    expect_text "cxxhello" "$(run_record_text)" "greeted 2 name(s), formal" &&
    pass "the C++ plugin runs"
art=$(find "$ws/.s2nbuild" -name greetings.txt | head -n 1)
if [ -n "$art" ] && grep -q '^Good day, grace\.$' "$art"; then
    pass "the C++ plugin's artifact is right"
else
    fail "greetings.txt missing or wrong: ${art:-not found}"
fi
finish
