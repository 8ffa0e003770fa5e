#!/bin/sh
# A venv rebuild (changed requirements) on a full disk fails with the path
# and the reason, and leaves the previous environment byte-for-byte as it
# was and working, with no half-built folder beside it.
. "$top_srcdir/tests/hardening/ns.sh"
. "$top_srcdir/tests/venv/wheels.sh"
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
mkdir -p "$TMP/ws" && cd "$TMP/ws" || exit 1
small_fs "$TMP/vfs" 16m || { not_ok "mounting a tmpfs"; finish; }
pipeline() {
    cat > s2nbuild.yml <<YML
version: 1
stages:
  - name: env
    type: venv
    with:
      path: $TMP/vfs/env
      packages: [$1]
      find_links: ["$WHEELS"]
      no_index: true
      native: ${NATIVE:-true}
YML
}
used() { df --output=used -B1 "$TMP/vfs" | tail -1; }
pipeline 'alpha==1.0'
u0=$(used)
expect_rc "first environment" 0 "$S2N" run
size=$(($(used) - u0))   # what one environment takes on this disk
before=$(manifest "$TMP/vfs/env")
check "alpha imports" "$TMP/vfs/env/bin/python" -c 'import alpha'

# Full: the new environment cannot even start; nearly full: it fails
# part-way through creating files or installing the wheels.
pipeline 'alpha==1.0, beta==1.0'
for leave in 0 $((size / 4)) $((size / 2)) $((size * 3 / 4)); do
    if [ $leave = 0 ]; then fill "$TMP/vfs" && ok "the environment's disk is full"
    else fill "$TMP/vfs" $leave; fi
    expect_rc "rebuild with $leave bytes free fails" 1 "$S2N" run
    contains "the error says why" "$OUT" "No space left on device"
    contains "the error names the path" "$OUT" "$TMP/vfs/env"
    same_tree "old environment byte-for-byte unchanged" "$before" "$(manifest "$TMP/vfs/env")"
    check "old environment still works" "$TMP/vfs/env/bin/python" -c 'import alpha'
    left=$(ls -A "$TMP/vfs" | grep -v '^\.fill' | grep -v '^env$')
    if [ -z "$left" ]; then ok "no half-built folder left beside it"; else not_ok "left behind: $left"; fi
    rec=.s2nbuild/runs/latest/record.json
    r=$(json_get $rec 'j["stages"][0]["result"]')
    check "the record says the stage did not succeed ($r)" test "$r" != ok
    printf '%s\n' "$OUT" | grep -m1 'No space' | sed 's/^/# /'
    unfill "$TMP/vfs"
done

# pip (the fallback) on a nearly full disk: the same promises.
NATIVE=false pipeline 'alpha==1.0, beta==1.0'
fill "$TMP/vfs" $((size / 2))
expect_rc "pip rebuild on a nearly full disk fails" 1 "$S2N" run
contains "the error says why" "$OUT" "No space left on device"
contains "the error names the path" "$OUT" "$TMP/vfs/env"
same_tree "old environment byte-for-byte unchanged" "$before" "$(manifest "$TMP/vfs/env")"
left=$(ls -A "$TMP/vfs" | grep -v '^\.fill' | grep -v '^env$')
check "no half-built folder left beside it" test -z "$left"
unfill "$TMP/vfs"

# With room again the same pipeline builds the new environment.
expect_rc "rebuild with room" 0 "$S2N" run
check "beta imports in the new environment" "$TMP/vfs/env/bin/python" -c 'import alpha, beta'

# The state disk full (.s2nbuild: the wheel cache, interpreter facts):
# the cache is a speed-up, not a need — the environment is built without
# it, saying so and naming the path; no temporary file or half-unpacked
# wheel is kept to be trusted later; with room, the cache is used again.
mkdir -p "$TMP/ws2" && cd "$TMP/ws2" || exit 1
small_fs "$TMP/ws2/.s2nbuild" 2m || { not_ok "mounting a tmpfs"; finish; }
sed "s|path: .*|path: $TMP/env2|; s|native: .*|native: true|" "$TMP/ws/s2nbuild.yml" > s2nbuild.yml
for leave in 0 8192 32768; do
    rm -rf "$TMP/env2"
    fill .s2nbuild $leave
    expect_rc "environment with a full state disk ($leave bytes free) is built" 0 "$S2N" run --no-cache
    contains "without the wheel cache, named, and why" "$OUT" "wheel cache $TMP/ws2/.s2nbuild/cache/unpacked: not enough free space; installing without it"
    contains "the record that could not be kept is said" "$OUT" "cannot write the run record in $TMP/ws2/.s2nbuild/runs/"
    check "the environment is whole" "$TMP/env2/bin/python" -c 'import alpha, beta'
    unfill .s2nbuild
    tmps=$(find .s2nbuild/cache -name '*tmp*' | head -3)
    check "nothing temporary left in the cache${tmps:+: $tmps}" test -z "$tmps"
done
rm -rf "$TMP/env2"
expect_rc "with room again" 0 "$S2N" run --no-cache
lacks "the wheel cache is used again" "$OUT" "installing without it"
check "the environment is whole" "$TMP/env2/bin/python" -c 'import alpha, beta'
check "the cache was filled this time" test "$(find .s2nbuild/cache/unpacked -name manifest | wc -l)" -gt 0
# A read-only state folder: refused up front (files-state.sh), so the
# cache's own read-only check is seen through a read-only cache folder.
mkdir -p .s2nbuild/cache/unpacked && read_only .s2nbuild/cache/unpacked && {
    rm -rf "$TMP/env2"
    expect_rc "environment with a read-only wheel cache is built" 0 "$S2N" run --no-cache
    contains "without the cache, and why" "$OUT" "unpacked: read-only file system; installing without it"
    check "the environment is whole" "$TMP/env2/bin/python" -c 'import alpha, beta'
}
finish
