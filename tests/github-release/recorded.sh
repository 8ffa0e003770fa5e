#!/bin/sh
# The github-release stage against GitHub's recorded API traffic
# (@octokit/fixtures 23.1.1): headers, query and bodies are matched exactly,
# and a request the recording does not hold gets a 404 "does not match".
. "$top_srcdir/tests/github-release/lib.sh"
start_peer

TOKEN=0000000000000000000000000000000000000001
H_ACCEPT='Accept: application/vnd.github.v3+json'
H_AUTH="Authorization: token $TOKEN"
OLD="auth_scheme=token accept=application/vnd.github.v3+json token=$TOKEN"
cp "$NODE_DIR/node_modules/@octokit/fixtures/scenarios/api.github.com/release-assets/test-upload.txt" "$work/"

status() { # METHOD URL [curl args]: prints the status
    m=$1; u=$2; shift 2
    curl -s -o "$work/last.json" -w '%{http_code}' -H "$H_ACCEPT" -H "$H_AUTH" -X "$m" "$@" "$u"
}
consumed() { # API: every recorded request was used
    curl -s -H "$H_ACCEPT" "$1/" | grep -q 'Fixture .* not found'
}

# --- release-assets: find by tag (published) → upload with label → done.
API=$(load release-assets)
B=$API/repos/octokit-fixture-org/release-assets
ghrel assets api_url="$API" $OLD repo=octokit-fixture-org/release-assets tag=v1.0.0 \
    "assets=$work/test-upload.txt#test" target=0000000000000000000000000000000000000001
check "release-assets: the stage succeeds" [ "$rc" -eq 0 ]
check "release-assets: 1 uploaded, 2 calls" has "$work/assets.out" "1 uploaded, 0 replaced, 0 kept (2 calls)"
# The plugin must have stopped exactly after the upload: the next recorded
# requests (not part of a release flow) still match, in order.
check "release-assets: next recorded request is the asset list" [ "$(status GET "$B/releases/1000/assets")" = 200 ]
check "release-assets: then get asset" [ "$(status GET "$B/releases/assets/1000")" = 200 ]
check "release-assets: then rename" [ "$(status PATCH "$B/releases/assets/1000" \
    -H 'Content-Type: application/json; charset=utf-8' \
    --data-binary '{"name":"new-filename.txt","label":"new label"}')" = 200 ]
check "release-assets: then delete" [ "$(status DELETE "$B/releases/assets/1000")" = 204 ]
check "release-assets: every recorded request consumed" consumed "$API"
check "release-assets: token not in the output" lacks "$work/assets.out" "$TOKEN"
explain assets

# --- release-assets-conflict with replace_assets: upload → 422 → list →
# delete → upload → 201: the whole recording, in this order.
API=$(load release-assets-conflict)
ghrel conflict api_url="$API" $OLD repo=octokit-fixture-org/release-assets-conflict tag=v1.0.0 \
    "assets=$work/test-upload.txt#test" replace_assets=true
check "conflict+replace: the stage succeeds" [ "$rc" -eq 0 ]
check "conflict+replace: 1 replaced in 5 calls" has "$work/conflict.out" "0 uploaded, 1 replaced, 0 kept (5 calls)"
check "conflict+replace: every recorded request consumed" consumed "$API"
explain conflict

# --- the same without replace_assets: no digest to compare, same size →
# the existing asset is kept, never duplicated; DELETE + upload stay pending.
API=$(load release-assets-conflict)
B=$API/repos/octokit-fixture-org/release-assets-conflict
ghrel keep api_url="$API" $OLD repo=octokit-fixture-org/release-assets-conflict tag=v1.0.0 \
    "assets=$work/test-upload.txt#test"
check "conflict+keep: the stage succeeds" [ "$rc" -eq 0 ]
check "conflict+keep: warns that it can't compare" has "$work/keep.out" "gives no digest to compare"
check "conflict+keep: the recorded DELETE is still pending" [ "$(status DELETE "$B/releases/assets/1000")" = 204 ]
check "conflict+keep: and the second upload" [ "$(status POST \
    "${PEER}/uploads.github.com/${API##*/}/repos/octokit-fixture-org/release-assets-conflict/releases/1000/assets?name=test-upload.txt&label=test" \
    -H 'Content-Type: text/plain' --data-binary "@$work/test-upload.txt")" = 201 ]
check "conflict+keep: then nothing" consumed "$API"
explain keep

# --- today's headers against the recording: refused (the recordings check
# headers), and the stage fails with the peer's reason instead of
# treating the 404 as "no release".
API=$(load release-assets)
ghrel modern api_url="$API" token=$TOKEN repo=octokit-fixture-org/release-assets tag=v1.0.0 \
    "assets=$work/test-upload.txt#test"
check "modern headers vs recording: the stage fails" [ "$rc" -eq 1 ]
check "modern headers vs recording: says why" has "$work/modern.out" "No match for request"
explain modern
finish
