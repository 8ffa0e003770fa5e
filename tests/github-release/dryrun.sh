#!/bin/sh
# No token: the stage is a dry run that needs no network.  In a git
# checkout with two dist files, `s2nbuild stage github-release` takes its tag
# from the wheel's version, the repo from the origin remote, the target from
# HEAD, and notes from the git log grouped by conventional-commit type
# (pipeline.sh does the same with `from: build` in a pipeline).  It prints the calls, the assets
# with their sha256, and writes the notes as an artifact; the API (a fakegh
# here, to see that nothing arrives) gets no request.
. "$top_srcdir/tests/github-release/lib.sh"
TOKEN=ghs_fakeToken0000000000000000000000000042
start_fake "$TOKEN"
unset GITHUB_TOKEN GH_TOKEN GITHUB_API_URL GITHUB_REPOSITORY GIT_COMMIT 2>/dev/null || true

proj=$work/widget
mkdir -p "$proj"
cd "$proj" || exit 1
git init -q -b main .
git config user.email ci@example.invalid
git config user.name CI
git remote add origin git@github.com:acme/widget.git
commit() { echo "$1" >>log.txt && git add log.txt && git commit -qm "$1"; }
commit "chore: start"
git tag v0.9.0
commit "feat(cli): add --json"
commit "fix: crash on empty config"
commit "Update README"
commit "feat!: drop Python 3.8"
head=$(git rev-parse HEAD)
mkdir -p dist && printf wheel >dist/widget-1.0.0-py3-none-any.whl && printf sdist >dist/widget-1.0.0.tar.gz
rc=0
"$S2NBUILD" --no-color stage github-release api_url="$FAKE/api" notes=git 'assets=dist/*' \
    >"$work/pipeline.out" 2>&1 || rc=$?
out=$work/pipeline.out
check "dry-run pipeline: succeeds" [ "$rc" -eq 0 ]
check "says it is a dry run" has "$out" "dry run: no token"
check "repo from the origin remote" has "$out" "release v1.0.0 of acme/widget at $head"
check "tag from the wheel's version" has "$out" "/repos/acme/widget/releases/tags/v1.0.0"
check "the create call with its body" has "$out" "{\"tag_name\":\"v1.0.0\",\"target_commitish\":\"$head\",\"name\":\"v1.0.0\",\"body\":"
check "the publish call" has "$out" '{"draft":false,"make_latest":"true"}'
for f in widget-1.0.0-py3-none-any.whl widget-1.0.0.tar.gz; do
    sum=$(sha256sum "dist/$f" | cut -d' ' -f1)
    check "asset $f listed with its sha256" has "$out" "$f  5 bytes  sha256:$sum"
done
check "media types" has "$out" "Content-Type: application/gzip"
notes=$(ls -d .s2nbuild/runs/*/github-release/release-notes.md | tail -1)
check "notes written as an artifact" [ -s "$notes" ]
check "notes: since the previous tag" has "$notes" "Changes since v0.9.0."
check "notes: breaking first" has "$notes" "### Breaking changes

- drop Python 3.8"
check "notes: features with scope" has "$notes" "- **cli:** add --json"
check "notes: fixes" has "$notes" "### Bug fixes

- crash on empty config"
check "notes: the rest" has "$notes" "### Other changes

- Update README"
check "notes: nothing from before the tag" lacks "$notes" "start"
check "the API got no request" [ "$(fake GET /_log)" = "[]" ]
explain pipeline

# dry_run with a token in the environment: still nothing sent, token not shown
cd "$work" || exit 1
GITHUB_TOKEN=$TOKEN
export GITHUB_TOKEN
ghrel forced api_url="$FAKE/api" dry_run=true repo=acme/widget tag=v2.0.0 notes=generate \
    "assets=$here/data/demo_pkg-1.2.0-py3-none-any.whl#The wheel"
unset GITHUB_TOKEN
check "dry_run=true: succeeds" [ "$rc" -eq 0 ]
check "dry_run=true: the generate-notes call is planned" has "$work/forced.out" "POST $FAKE/api/repos/acme/widget/releases/generate-notes"
check "dry_run=true: label in the upload query" has "$work/forced.out" "?name=demo_pkg-1.2.0-py3-none-any.whl&label=The%20wheel"
check "dry_run=true: no request" [ "$(fake GET /_log)" = "[]" ]
check "dry_run=true: token not shown" sh -c "! grep -rqF '$TOKEN' '$work'"
explain forced

# bad input: clear errors, before anything runs where the table can tell
ghrel notag api_url="$FAKE/api" repo=acme/widget
check "no tag and nothing to take a version from: fails" [ "$rc" -ne 0 ]
check "no tag: says what is missing" has "$work/notag.out" "no version from the build stage or a wheel/sdist"
explain notag
ghrel badasset repo=acme/widget tag=v1 assets.path=x assets.colour=red
check "unknown key in an asset: config error (exit 2)" [ "$rc" -eq 2 ]
check "unknown key in an asset: named" has "$work/badasset.out" "unknown key \`colour\`"
explain badasset
ghrel nofile repo=acme/widget tag=v1 "assets=$work/nothing-*.whl"
check "a glob matching nothing: fails" [ "$rc" -ne 0 ]
check "a glob matching nothing: says so" has "$work/nofile.out" "nothing-*.whl: no file matches"
explain nofile
ghrel badrepo repo=acme tag=v1
check "repo without owner: config error (exit 2)" [ "$rc" -eq 2 ]
check "repo without owner: says what is expected" has "$work/badrepo.out" "expected owner/name"
explain badrepo
finish
