#!/bin/sh
# The github-release stage against our scenarios (scenarios/*.json, built
# from GitHub's OpenAPI examples by make-scenarios.mjs) in today's header
# variant (Bearer, application/vnd.github+json): first run, re-run,
# concurrent create, generated notes, asset replacement, resuming a draft.
# Each must consume its scenario exactly.
. "$top_srcdir/tests/github-release/lib.sh"
start_peer

TOKEN=ghs_s2nbuildTestToken0000000000000000001
TARGET=c0ffee0000000000000000000000000000000001
COMMON="token=$TOKEN repo=s2n-fixture-org/demo tag=v1.2.0 target=$TARGET"
WHEEL=$here/data/demo_pkg-1.2.0-py3-none-any.whl
consumed() { curl -s -H 'Accept: */*' "$1/" | grep -q 'Fixture .* not found'; }
next_is() { # API METHOD PATH: the next pending request of the scenario
    curl -s -H 'Accept: application/vnd.github+json' -H "Authorization: Bearer $TOKEN" \
        -X "$2" "$1$3" -o /dev/null -w '%{http_code}' | grep -qv '^404$'
}
run() { # NAME SCENARIO extra options...
    n=$1
    API=$(load "$2")
    shift 2
    ghrel "$n" api_url="$API" $COMMON "$@"
}

run first ghrel-first-run "assets=$WHEEL" "notes=$here/data/CHANGES.md" name="demo 1.2.0"
check "first run: succeeds" [ "$rc" -eq 0 ]
check "first run: created, published, uploaded" has "$work/first.out" "created, published, 1 uploaded"
check "first run: find, list, create, upload, publish and nothing else" consumed "$API"
check "first run: notes written as an artifact" has "$(stage_dir first)/release-notes.md" "scan nested packages"
check "first run: token not in the output" lacks "$work/first.out" "$TOKEN"
explain first

run rerun ghrel-rerun "assets=$WHEEL" "notes=$here/data/CHANGES.md" name="demo 1.2.0"
check "re-run: succeeds" [ "$rc" -eq 0 ]
check "re-run: kept the identical asset (same digest)" has "$work/rerun.out" "0 uploaded, 0 replaced, 1 kept (1 calls)"
check "re-run: one GET, no other call" consumed "$API"
explain rerun

run race ghrel-create-conflict "assets=$WHEEL" "notes=$here/data/CHANGES.md" name="demo 1.2.0"
check "create conflict: succeeds" [ "$rc" -eq 0 ]
check "create conflict: says it re-read" has "$work/race.out" "created concurrently"
check "create conflict: 422 then GET again, then upload; no publish needed" consumed "$API"
explain race

run gen ghrel-generate-notes notes=generate name="demo 1.2.0"
check "generate-notes: succeeds" [ "$rc" -eq 0 ]
check "generate-notes: the generated body went into the draft" consumed "$API"
check "generate-notes: kept as an artifact" has "$(stage_dir gen)/release-notes.md" "Changes in Release v1.0.0"
explain gen

run keep ghrel-replace "assets=$WHEEL" "notes=$here/data/CHANGES.md" name="demo 1.2.0"
check "different asset, no replace: fails" [ "$rc" -eq 1 ]
check "different asset, no replace: names the asset and the option" \
    has "$work/keep.out" "asset demo_pkg-1.2.0-py3-none-any.whl exists with different content"
check "different asset, no replace: nothing deleted" next_is "$API" DELETE /repos/s2n-fixture-org/demo/releases/assets/6
explain keep

run replace ghrel-replace "assets=$WHEEL" "notes=$here/data/CHANGES.md" name="demo 1.2.0" replace_assets=true
check "replace: succeeds" [ "$rc" -eq 0 ]
check "replace: delete then upload" consumed "$API"
check "replace: counted" has "$work/replace.out" "0 uploaded, 1 replaced"
explain replace

run resume ghrel-draft-resume "assets=$WHEEL" "notes=$here/data/CHANGES.md" name="demo 1.2.0"
check "draft resume: succeeds" [ "$rc" -eq 0 ]
check "draft resume: found the draft in the list, only published it" consumed "$API"
check "draft resume: no new release" lacks "$work/resume.out" "created"
explain resume
finish
