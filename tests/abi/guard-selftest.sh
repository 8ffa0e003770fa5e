#!/bin/sh
# guard-selftest.sh — the ABI guards can fail.  Each case edits a copy of
# plugin.h (and of the ledger) the way a contributor might, builds the
# layout table and the abidiff probe from it with the system C compiler,
# and runs the three checkers: layout-check.sh, check.sh (abidiff) and
# ledger.py.  Each case states which of them must pass (0) or fail (1),
# and every failure must explain how to change the ABI properly.
. "$top_srcdir/tests/plugins/lib.sh"

CC=${CC:-cc}
PY=${PYTHON3:-/usr/bin/python3}
H=$top_srcdir/include/s2nbuild/plugin.h
have_abidiff=yes
command -v abidw >/dev/null 2>&1 && command -v abidiff >/dev/null 2>&1 || have_abidiff=no

"$top_builddir/tests/abi/layout-1.0" >"$TMP/snapshot.txt"
minor=$(sed -n 's/^#define S2N_ABI_MINOR \([0-9]*\).*/\1/p' "$H")
next=$((minor + 1))
# The 1.N-and-later marker and the LP64 size guard of s2n_host, which an
# append to the host table has to update too.
MARK='\(--- ABI 1\.[0-9]* and later: append below this line.*\)$'
HOSTSIZE='s2n_host) == 8 + \([0-9]*\) \* sizeof'

# case NAME WANT_LAYOUT WANT_ABIDIFF WANT_LEDGER SED [LEDGER_LINE]
case_() {
    name=$1 want_layout=$2 want_abi=$3 want_ledger=$4 script=$5 extra=${6:-}
    d=$TMP/$name
    mkdir -p "$d/inc/s2nbuild"
    sed "$script" "$H" >"$d/inc/s2nbuild/plugin.h"
    cp "$top_srcdir/docs/abi-versions" "$d/abi-versions"
    [ -n "$extra" ] && printf '%s\n' "$extra" >>"$d/abi-versions"
    awk -f "$top_srcdir/tests/abi/layout-table.awk" "$d/abi-versions" >"$d/table.h"
    if ! $CC -std=gnu11 -I"$d/inc" -I"$d" -DS2N_LAYOUT_TABLE='"table.h"' \
            -o "$d/layout" "$top_srcdir/tests/abi/layout.c" 2>"$d/cc.err" ||
       ! $CC -std=gnu11 -g -O0 -shared -fPIC -I"$d/inc" -o "$d/libabiprobe.so" \
            "$top_srcdir/tests/abi/probe.c" 2>>"$d/cc.err"; then
        fail "$name: the edited header does not compile:"
        sed 's/^/    | /' "$d/cc.err" >&2
        return
    fi
    "$d/layout" >"$d/current.txt"

    verdict() { # CHECKER WANT RC OUT
        got=0
        [ "$3" -ne 0 ] && got=1
        if [ "$got" -ne "$2" ]; then
            fail "$name: $1 $( [ "$2" -eq 0 ] && echo "should pass" || echo "should fail"), exit $3:"
            sed 's/^/    | /' "$4" >&2
        elif [ "$got" -eq 1 ] && ! grep -q 'S2N_ABI_MINOR' "$4"; then
            fail "$name: $1 failed without saying how to change the ABI:"
            sed 's/^/    | /' "$4" >&2
        else
            pass "$name: $1 $( [ "$got" -eq 0 ] && echo passes || echo fails), as it must"
        fi
    }
    sh "$top_srcdir/tests/abi/layout-check.sh" --current "$d/current.txt" \
        --snapshot "$TMP/snapshot.txt" >"$d/layout.out" 2>&1
    verdict layout "$want_layout" $? "$d/layout.out"
    if [ "$have_abidiff" = yes ]; then
        sh "$top_srcdir/tests/abi/check.sh" --probe "$d/libabiprobe.so" >"$d/abi.out" 2>&1
        verdict abidiff "$want_abi" $? "$d/abi.out"
    fi
    "$PY" "$top_srcdir/tests/abi/ledger.py" "$d/abi-versions" "$d/inc/s2nbuild/plugin.h" \
        "$top_srcdir/tests/abi/plugin-1.0.h" >"$d/ledger.out" 2>&1
    verdict ledger "$want_ledger" $? "$d/ledger.out"
}

# The header as it is.
case_ unchanged 0 0 0 's/x/x/'

# The right way: append, bump, ledger line.
case_ proper-append 0 0 0 \
    "s|$MARK|\\1\\n    int (*s2n_selftest_new)(s2n_stage *st);|; s|$HOSTSIZE|s2n_host) == 8 + 36 * sizeof|; s/^#define S2N_ABI_MINOR $minor/#define S2N_ABI_MINOR $next/" \
    "s2n_host.s2n_selftest_new member 1.$next"

# Appended but neither bumped nor in the ledger.
case_ append-no-bump 1 0 1 \
    "s|$MARK|\\1\\n    int (*s2n_selftest_new)(s2n_stage *st);|; s|$HOSTSIZE|s2n_host) == 8 + 36 * sizeof|"

# Inserted in the middle of the host table (bumped and in the ledger).
case_ insert-middle 1 1 1 \
    "s|^    void (\\*vlog)|    int (*s2n_selftest_new)(s2n_stage *st);\\n&|; s|$HOSTSIZE|s2n_host) == 8 + 36 * sizeof|; s/^#define S2N_ABI_MINOR $minor/#define S2N_ABI_MINOR $next/" \
    "s2n_host.s2n_selftest_new member 1.$next"

# A callback changes its signature: same layout, only abidiff sees it.
case_ changed-signature 0 1 0 \
    's|int (\*opt_bool)(s2n_stage \*st, const char \*name, int \*out);|int (*opt_bool)(s2n_stage *st, const char *name, long *out);|'

# A member changes type and size in place.
case_ retyped-member 1 1 0 \
    's|    uint64_t size;      /\* bytes |    uint32_t size;      /* bytes |'

# An enum constant renumbered: not in the DWARF probe, the layout sees it.
case_ renumbered-constant 1 0 0 's|S2N_KIND_ANY = 8|S2N_KIND_ANY = 9|'

[ "$have_abidiff" = no ] && echo "note: abidw/abidiff missing, only layout and ledger were exercised"
finish
