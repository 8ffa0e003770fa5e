#!/bin/sh
# Run records and the stage cache on a full or read-only disk: a clear
# message (path and reason), the run's result still right, older records
# and cache entries intact, runs/latest never pointing at a half record;
# a read-only .s2nbuild is refused before anything runs.
. "$top_srcdir/tests/hardening/ns.sh"
mkdir -p "$TMP/ws" && cd "$TMP/ws" || exit 1
small_fs "$TMP/ws/.s2nbuild" 4m || { not_ok "mounting a tmpfs"; finish; }
S=$TMP/ws/.s2nbuild
pipeline() {
    cat > s2nbuild.yml <<YML
version: 1
stages:
  - name: make
    type: command
    with:
      run: "echo $1 > out.txt; echo made $1"
      outputs: [out.txt]
YML
}
# every record.json parses, every cache entry parses, no temporary file
state_sound() {
    bad=
    for f in "$S"/runs/*/record.json "$S"/cache/stages/*.json; do
        [ -e "$f" ] || continue
        "$PYTHON3" -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" 2>/dev/null || bad="$bad $f"
    done
    tmps=$(find "$S" -name '*.tmp*' | head -5)
    if [ -z "$bad$tmps" ]; then ok "$1: records and cache entries whole, no temporary files"
    else not_ok "$1: broken:$bad; left: $tmps"; fi
}
latest_is() {
    l=$(readlink "$S/runs/latest")
    if [ "$l" = "$2" ] && [ -f "$S/runs/$l/record.json" ]; then ok "$1: runs/latest -> $l, a whole record"
    else not_ok "$1: runs/latest -> '$l', wanted $2"; fi
}
run_id() { printf '%s\n' "$OUT" | sed -n 's/^run \([0-9-]*\):.*/\1/p' | tail -1; }

pipeline one
expect_rc "first run" 0 "$S2N" run
first=$(run_id)
rec_before=$(cat "$S/runs/$first/record.json")
cache_before=$(manifest "$S/cache")

# (c) full disk: the stage runs and succeeds; what cannot be stored is said.
pipeline two
fill "$S" && ok "the state disk is full"
expect_rc "run on a full state disk: the stage's result stands" 0 "$S2N" run
contains "the summary says the stage succeeded" "$OUT" "make             ok"
contains "no room is said" "$OUT" "No space left on device"
contains "the record's path is named" "$OUT" "cannot write the run record in $S/runs/"
contains "the cache path is named" "$OUT" "$S/cache"
lacks "no record claimed" "$OUT" "record: $S/runs/$(run_id)/record.json"
contains "the stage log that could not be kept is said" "$OUT" "the log of stage make ($S/runs/"
check "...once" test "$(printf '%s\n' "$OUT" | grep -c 'the log of stage make')" = 1
lacks "no report is attempted without a record" "$OUT" "HTML report"
contains "the stage's output still reached the terminal" "$OUT" "made two"
latest_is "after a full disk" "$first"
check "the older record is unchanged" test "$(cat "$S/runs/$first/record.json")" = "$rec_before"
same_tree "the cache is unchanged" "$cache_before" "$(manifest "$S/cache")"
state_sound "full disk"
# a failing stage stays a failure when nothing can be recorded
cat > s2nbuild.yml <<'YML'
version: 1
stages:
  - { name: broken, type: command, with: { run: "exit 3" } }
YML
expect_rc "a failing stage on a full state disk still fails the run" 1 "$S2N" run
contains "the summary says the stage failed" "$OUT" "broken           failed"
latest_is "after a failing run on a full disk" "$first"
unfill "$S"

# (c) read-only cache: the run goes on and says why nothing was cached.
pipeline three
cache_before=$(manifest "$S/cache")
read_only "$S/cache"
expect_rc "run with a read-only cache" 0 "$S2N" run
third=$(run_id)
contains "read-only cache is said" "$OUT" "Read-only file system"
contains "the cache path is named" "$OUT" "$S/cache"
latest_is "with a read-only cache" "$third"
same_tree "the cache is unchanged" "$cache_before" "$(manifest "$S/cache")"
umount "$S/cache"

# (c) read-only runs/: refused before the stage runs.
pipeline four
read_only "$S/runs"
rm -f out.txt
expect_rc "run with read-only runs/" 3 "$S2N" run
contains "the runs path and reason are named" "$OUT" "$S/runs/"
contains "the reason is named" "$OUT" "Read-only file system"
check "the stage did not run" test ! -e out.txt
umount "$S/runs"
latest_is "after read-only runs/" "$third"
state_sound "read-only"

# (d) a read-only .s2nbuild, and a read-only workspace without one.
read_only "$S"
expect_rc "read-only .s2nbuild is refused" 2 "$S2N" run
contains "the path and reason are named" "$OUT" "$S/lock: Read-only file system"
check "the stage did not run" test ! -e out.txt
umount "$S"
mkdir -p "$TMP/ro" && cp s2nbuild.yml "$TMP/ro/" && read_only "$TMP/ro"
expect_rc "read-only workspace is refused" 2 "$S2N" -C "$TMP/ro" run
contains "the path and reason are named" "$OUT" "$TMP/ro/.s2nbuild: Read-only file system"
finish
