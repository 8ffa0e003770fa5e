#!/bin/sh
# layout-check.sh — the plugin ABI's binary layout only ever grows at the
# end.  Needs nothing but the C compiler that built tests/abi/layout.
#
#   layout-check.sh [--current TABLE] [--snapshot TABLE]
#
# TABLE files are the output of tests/abi/layout (current header) and
# tests/abi/layout-1.0 (frozen 1.0 header); by default both programs are
# run.  Every committed baseline tests/abi/layout-1.N.txt is compared with
# the current table:
#   - each baseline member keeps its offset and size, each constant its
#     value (S2N_ABI_MINOR may only grow), each struct may only grow;
#   - a member the baseline lacks must start at or after the baseline's
#     end of its struct (appended, not inserted);
#   - anything new (a name, a grown struct) requires S2N_ABI_MINOR above
#     the baseline's.
# The 1.0 snapshot's table must equal layout-1.0.txt exactly.
. "$top_srcdir/tests/plugins/lib.sh"

current=""
snapshot=""
while [ $# -gt 0 ]; do
    case $1 in
    --current) current=$2; shift 2 ;;
    --snapshot) snapshot=$2; shift 2 ;;
    *) echo "usage: $0 [--current TABLE] [--snapshot TABLE]" >&2; exit 2 ;;
    esac
done
if [ -z "$current" ]; then
    current=$TMP/current.txt
    "$top_builddir/tests/abi/layout" >"$current" || { echo "FAIL: tests/abi/layout did not run"; exit 1; }
fi
if [ -z "$snapshot" ]; then
    snapshot=$TMP/snapshot.txt
    "$top_builddir/tests/abi/layout-1.0" >"$snapshot" || { echo "FAIL: tests/abi/layout-1.0 did not run"; exit 1; }
fi

HOWTO='How to change the plugin ABI properly:
  - never move, resize, retype or remove a member, never renumber a constant
    (a retired member stays as reserved_N);
  - append new members at the END of their struct, under the
    "ABI 1.N and later" comment, and give new constants new numbers;
  - bump S2N_ABI_MINOR in include/s2nbuild/plugin.h;
  - add a `NAME KIND 1.N` line per new name to docs/abi-versions.
A change that cannot be an append is a new ABI major (S2N_ABI_MAJOR).'

base_ptr=$(sed -n 's/^pointer //p' "$top_srcdir/tests/abi/layout-1.0.txt")
cur_ptr=$(sed -n 's/^pointer //p' "$current")
if [ "$base_ptr" != "$cur_ptr" ]; then
    echo "SKIP: the baselines are for ${base_ptr}-byte pointers, this build has ${cur_ptr}"
    exit 77
fi

if ! diff -u "$top_srcdir/tests/abi/layout-1.0.txt" "$snapshot" >"$TMP/snap.diff"; then
    cat "$TMP/snap.diff"
    fail "the frozen 1.0 header (tests/abi/plugin-1.0.h) no longer has the layout of tests/abi/layout-1.0.txt; both are frozen: restore them from git"
fi

for baseline in "$top_srcdir"/tests/abi/layout-1.*.txt; do
    bname=$(basename "$baseline")
    if awk -v bname="$bname" '
        function bad(msg) { print "layout: " msg; errors++ }
        FNR == NR {
            if ($1 == "size") bsize[$2] = $3
            else if ($1 == "member") { bmem[$2] = $3 " " $4; border[++bn] = $2 }
            else if ($1 == "const") bconst[$2] = $3
            next
        }
        $1 == "size" { csize[$2] = $3 }
        $1 == "member" { cmem[$2] = $3 " " $4; corder[++n] = $2 }
        $1 == "const" { cconst[$2] = $3 }
        END {
            new = 0
            for (t in bsize) {
                if (!(t in csize)) bad(t " is gone (" bname " has it)")
                else if (csize[t] + 0 < bsize[t] + 0)
                    bad(t " shrank from " bsize[t] " to " csize[t] " bytes")
            }
            for (i = 1; i <= bn; i++) {
                m = border[i]
                if (!(m in cmem)) { bad(m " is gone (" bname " has it at offset/size " bmem[m] ")"); continue }
                if (cmem[m] != bmem[m]) {
                    split(bmem[m], b, " "); split(cmem[m], c, " ")
                    bad(m " moved or changed size: offset " b[1] " size " b[2] \
                        " in " bname ", now offset " c[1] " size " c[2])
                }
            }
            for (i = 1; i <= n; i++) {
                m = corder[i]
                if (m in bmem) continue
                new++
                t = m; sub(/\..*/, "", t)
                split(cmem[m], c, " ")
                if ((t in bsize) && c[1] + 0 < bsize[t] + 0)
                    bad(m " is inserted at offset " c[1] " inside the " bsize[t] \
                        "-byte " t " of " bname " (only appending is allowed)")
            }
            for (k in bconst) {
                if (!(k in cconst)) bad("constant " k " is gone")
                else if (k == "S2N_ABI_MINOR") {
                    if (cconst[k] + 0 < bconst[k] + 0) bad("S2N_ABI_MINOR went back")
                } else if (cconst[k] != bconst[k])
                    bad("constant " k " changed from " bconst[k] " to " cconst[k])
            }
            for (k in cconst) if (!(k in bconst)) new++
            for (t in csize) if (!(t in bsize) || csize[t] + 0 > bsize[t] + 0) new++
            if (new > 0 && cconst["S2N_ABI_MINOR"] + 0 <= bconst["S2N_ABI_MINOR"] + 0)
                bad(new " addition(s) since " bname " (new names or grown structs) but S2N_ABI_MINOR is still " cconst["S2N_ABI_MINOR"])
            exit errors > 0
        }' "$baseline" "$current" >"$TMP/layout.out"; then
        pass "layout is an append-only extension of $bname"
    else
        cat "$TMP/layout.out"
        fail "the plugin ABI layout is not an append to $bname"
        echo "$HOWTO"
    fi
done
finish
