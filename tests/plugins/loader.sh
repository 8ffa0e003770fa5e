#!/bin/sh
# loader.sh — every deliberately broken plugin under tests/plugins/ is
# refused by `s2nbuild plugins --check FILE` (and by a stage that needs
# it) with exit 2 and the error that names its defect; a good plugin
# passes --check and is described.  The phrases are the loader's contract
# with plugin authors (issue 3, issue 10); keep them in sync with
# core/loader.c.
. "$top_srcdir/tests/plugins/lib.sh"
require_core

minor=$(sed -n 's/^#define S2N_ABI_MINOR \([0-9]*\).*/\1/p' "$top_srcdir/include/s2nbuild/plugin.h")

# refused NAME FILE PHRASE: --check exits 2, says PHRASE, names the file.
refused() {
    if [ ! -f "$2" ]; then
        fail "$1: $2 was not built"
        return
    fi
    run_case "$TMP/$1.out" "$S2N" plugins --check "$2"
    expect_rc "$1" 2 || return
    expect_text "$1" "$out" "$3" || return
    expect_text "$1 (names the file)" "$out" "$(basename "$2")" || return
    pass "$1: refused with \"$3\""
}

refused not-so "$top_srcdir/tests/plugins/not-so/s2n-x.so" "not a loadable shared object"
refused no-entry "$(plugin_so tests/plugins/no-entry s2n-noentry)" "has no entry point s2n_plugin_entry"
refused unresolved "$(plugin_so tests/plugins/unresolved s2n-unresolved)" "unresolved symbol"
expect_text "unresolved (names the symbol)" "$TMP/unresolved.out" s2n_tests_function_that_does_not_exist
refused bad-magic "$(plugin_so tests/plugins/bad-magic s2n-badmagic)" "bad magic"
refused abi2 "$(plugin_so tests/plugins/abi2 s2n-abi2)" "built for plugin ABI 2"
refused newer-minor "$(plugin_so tests/plugins/newer-minor s2n-newerminor)" "needs host ABI 1.$((minor + 1))"
refused null-entry "$(plugin_so tests/plugins/null-entry s2n-nullentry)" "returned NULL"
refused crash-probe "$(plugin_so tests/plugins/crash-probe s2n-crashprobe)" "crashed while probing"
refused misnamed "$(plugin_so tests/plugins/misnamed s2n-misnamed)" "does not match its file name"

# The same refusal when a stage needs the plugin: nothing runs, exit 2.
workspace newer-minor-stage
run_case "$TMP/newer-stage.out" env S2NBUILD_PLUGIN_PATH="$(plugin_dir tests/plugins/newer-minor)" \
    sh -c 'cd "$1" && exec "$2" stage newerminor' sh "$ws" "$S2N"
expect_rc "stage newerminor" 2 &&
    expect_text "stage newerminor" "$out" "needs host ABI 1.$((minor + 1))" &&
    pass "stage newerminor: refused before running"

# Two files claiming one type: an error naming both, not a silent pick.
# Copied out of .libs/ into two ordinary folders, as a user's third-party
# plugin folders would be (the core lets a plugin folder override the
# stock plugins of its own build tree, which live in .libs/).
workspace dup
dupa=$TMP/plugins-a
dupb=$TMP/plugins-b
mkdir -p "$dupa" "$dupb"
cp "$(plugin_so tests/plugins/dup-a s2n-dup)" "$dupa/"
cp "$(plugin_so tests/plugins/dup-b s2n-dup)" "$dupb/"
run_case "$TMP/dup.out" env S2NBUILD_PLUGIN_PATH="$dupa:$dupb" \
    sh -c 'cd "$1" && exec "$2" stage dup' sh "$ws" "$S2N"
expect_rc "dup" 2 &&
    expect_text "dup" "$out" "claimed by both" &&
    expect_text "dup (first file)" "$out" "$dupa/s2n-dup.so" &&
    expect_text "dup (second file)" "$out" "$dupb/s2n-dup.so" &&
    pass "dup: both files named"

# A type nobody provides: exit 2 and the folders searched.
workspace notfound
run_case "$TMP/notfound.out" env S2NBUILD_PLUGIN_PATH="$TMP/empty-plugin-dir" \
    sh -c 'cd "$1" && exec "$2" stage nosuchtype' sh "$ws" "$S2N"
expect_rc "not found" 2 &&
    expect_text "not found (lists the dirs)" "$out" "$TMP/empty-plugin-dir" &&
    pass "not found: lists the folders searched"

# A good plugin: --check passes and shows type, version and ABI.
good=$(plugin_so tests/plugins/runtime s2n-result)
run_case "$TMP/good.out" "$S2N" plugins --check "$good"
expect_rc "--check good" 0 &&
    expect_text "--check good (type)" "$out" "result" &&
    expect_text "--check good (version)" "$out" "1.2.3" &&
    expect_text "--check good (ABI)" "$out" "1.$minor" &&
    pass "--check accepts a good plugin and describes it"

# The core survived every probe above (no exit by signal, no core file).
finish
