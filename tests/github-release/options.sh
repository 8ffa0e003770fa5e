#!/bin/sh
# The options of the github-release stage against fakegh.py: draft,
# prerelease, make_latest, an asset's name and label, the token from
# GH_TOKEN, the API from GITHUB_API_URL, the target from GIT_COMMIT.
. "$top_srcdir/tests/github-release/lib.sh"
TOKEN=ghs_fakeToken0000000000000000000000000042
start_fake "$TOKEN"
unset GITHUB_TOKEN GH_TOKEN GITHUB_API_URL GIT_COMMIT 2>/dev/null || true
WHEEL=$here/data/demo_pkg-1.2.0-py3-none-any.whl
OPTS="api_url=$FAKE/api token=$TOKEN repo=s2n-fixture-org/demo tag=v1.2.0 target=main retries=0"
reset() { fake POST /_reset '{}' >/dev/null; }
q() {
    fake GET '/_state?latest=1' >"$work/state.json"
    fake GET /_log >"$work/log.json"
    "$PY" -c "import json,sys; s=json.load(open('$work/state.json')); log=json.load(open('$work/log.json')); sys.exit(0 if ($1) else 1)"
}

reset
ghrel draft $OPTS draft=true "assets=$WHEEL"
check "draft: succeeds" [ "$rc" -eq 0 ]
check "draft: the release stays a draft, with its asset" q 'len(s) == 1 and s[0]["draft"] and len(s[0]["assets"]) == 1'
explain draft
ghrel draft-again $OPTS draft=true "assets=$WHEEL"
check "draft, re-run: finds the draft in the list, changes nothing" \
    q 'len(s) == 1 and s[0]["draft"] and [l.split()[0] for l in log[-2:]] == ["GET", "GET"]'
explain draft-again
ghrel draft-publish $OPTS "assets=$WHEEL"
check "then draft=false: published, with make_latest \"true\"" q 'len(s) == 1 and not s[0]["draft"] and s[0]["make_latest"] == "true"'
explain draft-publish

reset
ghrel pre $OPTS prerelease=true make_latest=legacy
check "prerelease: created as one, published without make_latest" \
    q 's[0]["prerelease"] and not s[0]["draft"] and s[0]["make_latest"] is None'
explain pre
reset
ghrel legacy $OPTS make_latest=legacy
check "make_latest=legacy is sent on publish" q 's[0]["make_latest"] == "legacy"'
explain legacy
ghrel legacy-pre $OPTS make_latest=legacy prerelease=true
check "prerelease flag changed on a published release: PATCHed" q 's[0]["prerelease"] and log[-1].startswith("PATCH")'
explain legacy-pre

reset
ghrel named $OPTS "assets.path=$WHEEL" assets.name=demo.whl "assets.label=The wheel"
check "asset name and label from a mapping" \
    q '[(a["name"], a["label"]) for a in s[0]["assets"]] == [("demo.whl", "The wheel")]'
explain named
ghrel relabel $OPTS "assets.path=$WHEEL" assets.name=demo.whl "assets.label=Wheel, py3"
check "same file, new label: the label is changed, nothing uploaded" \
    q '[(a["name"], a["label"]) for a in s[0]["assets"]] == [("demo.whl", "Wheel, py3")] and log[-1].startswith("PATCH /api/repos/s2n-fixture-org/demo/releases/assets/") and not any(l.startswith("POST") for l in log[-2:])'
explain relabel

reset
GH_TOKEN=$TOKEN GITHUB_API_URL=$FAKE/api/ GIT_COMMIT=c0ffee1234
export GH_TOKEN GITHUB_API_URL GIT_COMMIT
ghrel env repo=s2n-fixture-org/demo tag=v1.2.0 retries=0
unset GH_TOKEN GITHUB_API_URL GIT_COMMIT
check "token from GH_TOKEN, API from GITHUB_API_URL (trailing / dropped)" [ "$rc" -eq 0 ]
check "target from GIT_COMMIT" q 's[0]["target_commitish"] == "c0ffee1234"'
check "GH_TOKEN not printed" lacks "$work/env.out" "$TOKEN"
explain env
finish
