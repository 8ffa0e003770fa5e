#!/bin/sh
# The README's setting: a pipeline whose build stage makes the dist files
# and whose github-release stage, with no token, takes them with
# `from: build` and plans the release (a dry run; the API gets nothing);
# then the same pipeline with GITHUB_TOKEN set makes it (against fakegh).
. "$top_srcdir/tests/github-release/lib.sh"
TOKEN=ghs_fakeToken0000000000000000000000000042
start_fake "$TOKEN"
unset GITHUB_TOKEN GH_TOKEN GITHUB_API_URL GITHUB_REPOSITORY GIT_COMMIT 2>/dev/null || true
proj=$work/widget
mkdir -p "$proj"
cd "$proj" || exit 1
git init -q -b main .
git -c user.email=ci@example.invalid -c user.name=CI commit -q --allow-empty -m "feat: first"
git remote add origin https://github.com/acme/widget.git
cat >s2nbuild.yml <<YML
version: 1
stages:
  - name: build
    type: command
    with:
      run: "mkdir -p dist && printf wheel > dist/widget-1.0.0-py3-none-any.whl && printf sdist > dist/widget-1.0.0.tar.gz"
      outputs: ["dist/*"]
  - name: release
    type: github-release
    needs: [build]
    with:
      api_url: $FAKE/api
      notes: git
      assets: [{ from: build }]
YML
rc=0
"$S2NBUILD" --no-color run >"$work/run.out" 2>&1 || rc=$?
check "pipeline: succeeds" [ "$rc" -eq 0 ]
check "pipeline: a dry run of acme/widget v1.0.0" has "$work/run.out" "release v1.0.0 of acme/widget"
for f in widget-1.0.0-py3-none-any.whl widget-1.0.0.tar.gz; do
    sum=$(sha256sum "dist/$f" | cut -d' ' -f1)
    check "pipeline: asset $f from the build stage, with its sha256" has "$work/run.out" "$f  5 bytes  sha256:$sum"
done
check "pipeline: notes artifact" [ -s "$(ls -d .s2nbuild/runs/*/release/release-notes.md | tail -1)" ]
check "pipeline: the API got no request" [ "$(fake GET /_log)" = "[]" ]
marked=0
explain run

# the same pipeline with a token: the release is made, with both files
sed -i 's|^      notes: git|      notes: git\n      repo: s2n-fixture-org/demo|' s2nbuild.yml
GITHUB_TOKEN=$TOKEN
export GITHUB_TOKEN
marked=$fails
rc=0
"$S2NBUILD" --no-color run >"$work/real.out" 2>&1 || rc=$?
unset GITHUB_TOKEN
check "pipeline with a token: succeeds" [ "$rc" -eq 0 ]
check "pipeline with a token: one published release v1.0.0 with both files" "$PY" -c "
import json, urllib.request
s = json.load(urllib.request.urlopen('$FAKE/_state'))
assert len(s) == 1 and s[0]['tag_name'] == 'v1.0.0' and not s[0]['draft'], s
assert sorted(a['name'] for a in s[0]['assets']) == ['widget-1.0.0-py3-none-any.whl', 'widget-1.0.0.tar.gz'], s
assert 'Changes' in s[0]['body'] or 'First release' in s[0]['body'], s"
check "pipeline with a token: token not in the run's records" sh -c "! grep -rqF '$TOKEN' '$proj/.s2nbuild' '$work/real.out'"
explain real
finish
