#!/bin/sh
# man-example.sh — s2nbuild-plugin(7) is a test (curl's "docs are tests"):
# the page renders without groff warnings, and the example plugin of its
# walk-through (the block marked `test-example: greet.c`) compiles with
# -Wall -Wextra -Werror against the header and, with the core, loads, runs
# and refuses a bad option exactly as the page says.
. "$top_srcdir/tests/plugins/lib.sh"

page=$top_srcdir/man/s2nbuild-plugin.7
CC=${CC:-cc}

if command -v groff >/dev/null 2>&1; then
    LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$page" 2>"$TMP/groff.err"
    if [ -s "$TMP/groff.err" ]; then
        sed 's/^/    | /' "$TMP/groff.err" >&2
        fail "groff warns about $page"
    else
        pass "the page renders without warnings"
    fi
fi

# Extract the block and undo the roff escapes used in code.
mkdir -p "$TMP/greet"
awk '/^\.\\" test-example: greet\.c$/ { grab = 1; next }
     grab && /^\.EX$/ { next }
     grab && /^\.EE$/ { exit }
     grab { print }' "$page" |
    sed -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/\\&//g' >"$TMP/greet/greet.c"
if [ "$(wc -l <"$TMP/greet/greet.c")" -lt 20 ]; then
    fail "no example marked 'test-example: greet.c' found in $page"
    finish
    exit 1
fi
if (cd "$TMP/greet" && $CC -I"$top_srcdir/include" -std=c11 -Wall -Wextra -Werror -shared -fPIC \
        -fvisibility=hidden -Wl,-z,defs -o s2n-greet.so greet.c) 2>"$TMP/cc.err"; then
    pass "the page's greet.c compiles with the page's flags and -Werror"
else
    sed 's/^/    | /' "$TMP/cc.err" >&2
    fail "the page's greet.c does not compile"
    finish
    exit 1
fi

require_core
S2NBUILD_PLUGIN_PATH=$TMP/greet
export S2NBUILD_PLUGIN_PATH
workspace greet
run_case "$TMP/run.out" sh -c 'cd "$1" && exec "$2" stage greet name=world times=2' sh "$ws" "$S2N"
expect_rc "stage greet" 0 && pass "greet runs as the page shows"
art=$(find "$ws/.s2nbuild" -name greeting.txt | head -n 1)
if [ -n "$art" ] && [ "$(grep -c '^Hello, world$' "$art")" -eq 2 ]; then
    pass "greeting.txt holds two lines"
else
    fail "greeting.txt missing or wrong: ${art:-not found}"
fi
workspace greet-bad
run_case "$TMP/bad.out" sh -c 'cd "$1" && exec "$2" stage greet name=world times=0' sh "$ws" "$S2N"
expect_rc "stage greet times=0" 2 &&
    expect_text "stage greet times=0" "$out" "expected 1 to 10, got 0" &&
    pass "times=0 is refused with exit 2, as the page says"
finish
