#!/bin/sh
# check.sh — the plugin ABI, as abidw(1) reads it from the DWARF of
# tests/abi/libabiprobe.so, is an append-only extension of every committed
# baseline tests/abi/abi-1.N.xml.  abidiff(1) reports each changed struct;
# the only reports allowed are "type size changed" plus "data member
# insertion(s)" at or past the old end.  Anything else -- a member that
# moved, a changed callback signature, a removal -- fails with the way to
# do it properly.
#
#   check.sh [--probe FILE.so]
. "$top_srcdir/tests/plugins/lib.sh"

probe=$(plugin_so tests/abi libabiprobe)
snapshot=$(plugin_so tests/abi libabiprobe10)
[ "${1:-}" = "--probe" ] && probe=$2

if ! command -v abidw >/dev/null 2>&1 || ! command -v abidiff >/dev/null 2>&1; then
    echo "SKIP: abidw/abidiff not installed (Debian: abigail-tools); tests/abi/layout-check.sh still guards the layout"
    exit 77
fi

HOWTO='How to change the plugin ABI properly:
  - never move, resize, retype or remove a member, never change a callback
    signature (a retired member stays as reserved_N);
  - append new members at the END of their struct, under the
    "ABI 1.N and later" comment;
  - bump S2N_ABI_MINOR in include/s2nbuild/plugin.h;
  - add a `NAME KIND 1.N` line per new name to docs/abi-versions.
A change that cannot be an append is a new ABI major (S2N_ABI_MAJOR).'

abidw --no-corpus-path --no-comp-dir-path --no-show-locs "$probe" >"$TMP/current.xml" ||
    { echo "FAIL: abidw could not read $probe"; exit 1; }

arch() { sed -n "s/.*<abi-corpus[^>]* architecture='\([^']*\)'.*/\1/p" "$1" | head -n 1; }
if [ "$(arch "$top_srcdir/tests/abi/abi-1.0.xml")" != "$(arch "$TMP/current.xml")" ]; then
    echo "SKIP: the baselines are for $(arch "$top_srcdir/tests/abi/abi-1.0.xml"), this build is $(arch "$TMP/current.xml")"
    exit 77
fi

# The frozen header still produces the 1.0 baseline.
if [ "${1:-}" != "--probe" ]; then
    abidw --no-corpus-path --no-comp-dir-path --no-show-locs "$snapshot" >"$TMP/snapshot.xml"
    if abidiff --ignore-soname "$top_srcdir/tests/abi/abi-1.0.xml" "$TMP/snapshot.xml" >"$TMP/snap.out" 2>&1; then
        pass "tests/abi/plugin-1.0.h still matches abi-1.0.xml"
    else
        cat "$TMP/snap.out"
        fail "tests/abi/plugin-1.0.h and abi-1.0.xml are frozen and no longer agree: restore them from git"
    fi
fi

for baseline in "$top_srcdir"/tests/abi/abi-1.*.xml; do
    bname=$(basename "$baseline")
    abidiff --ignore-soname --leaf-changes-only "$baseline" "$TMP/current.xml" >"$TMP/diff.out" 2>&1
    status=$?
    if [ "$status" -eq 0 ]; then
        pass "ABI identical to $bname"
        continue
    fi
    if [ $((status & 3)) -ne 0 ]; then
        cat "$TMP/diff.out"
        fail "abidiff failed on $bname (status $status)"
        continue
    fi
    # Changed: accept it only if every reported line is part of an append.
    if awk '
        function bad(line) { print "not an append: " line; errors++ }
        /^$/ { next }
        /^Leaf changes summary|^Changed leaf types summary|^Removed\/Changed\/Added variables summary: 0 Removed, 0 Changed/ { next }
        /^Removed\/Changed\/Added functions summary: 0 Removed, 0 Changed/ { next }
        /^'\''struct [A-Za-z0-9_]+'\'' changed:$/ { type = $2; oldsize = ""; inserting = 0; next }
        /^  type size changed from [0-9]+ to [0-9]+ \(in bits\)$/ {
            oldsize = $5
            if ($7 + 0 < $5 + 0) bad(type " shrank")
            next
        }
        /^  [0-9]+ data member insertions?:$/ { inserting = 1; next }
        inserting && /^    '\''.*'\'', at offset [0-9]+ \(in bits\)$/ {
            off = $0
            sub(/.*, at offset /, "", off)
            sub(/ .*/, "", off)
            if (oldsize == "" || off + 0 < oldsize + 0)
                bad(type ": member inserted at bit " off " inside the old struct: " $0)
            else
                print "appended to " type ": " $0
            next
        }
        { bad($0) }
        END { exit errors > 0 }' "$TMP/diff.out" >"$TMP/classify.out"; then
        sed 's/^/    /' "$TMP/classify.out"
        pass "ABI is an append-only extension of $bname"
    else
        cat "$TMP/diff.out"
        echo "---"
        cat "$TMP/classify.out"
        fail "the plugin ABI changed in a way that is not an append (against $bname)"
        echo "$HOWTO"
    fi
done
finish
