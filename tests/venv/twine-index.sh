#!/bin/sh
# venv plugin reading the twine stage's local index (.s2nbuild/index/simple,
# plugins/common/localindex.c): a pipeline publishes the fixture wheels
# there and installs from it natively through the twine stage's
# `index_url` output.  The index has PEP 691 index.json pages beside the
# HTML; with the HTML pages emptied the install still works, so the JSON
# pages are what is read (yanked and core-metadata come from them).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
PY=/usr/bin/python3
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
for p in twine command; do
    [ -f "$top_builddir/plugins/$p/s2n-$p.la" ] || { not_ok "the $p plugin is not built"; finish; }
done
mkdir -p "$TMP/ws" && cd "$TMP/ws" || exit 1
printf 'alpha[fast]==1.0\nbeta==1.0\ngamma-lib==0.5\n' >requirements.txt
cat >s2nbuild.yml <<YML
version: 1
stages:
  - name: wheels
    type: command
    with: { run: "mkdir -p dist && cp $WHEELS/*.whl dist/", outputs: ["dist/*.whl"] }
  # check: false: the fixtures have no long description, which twine
  # check refuses; the index, not the checks, is under test here.
  - { name: publish, type: twine, needs: [wheels], cache: false, with: { from: wheels, check: false } }
  - name: env
    type: venv
    needs: [publish]
    with: { requirements: [requirements.txt], index_url: "\${index_url}" }
YML
expect_rc "publish, then install from the local index" 0 "$S2N" run
contains "published" "$OUT" "publishing 3 file(s) to the local index"
log=$(cat .s2nbuild/runs/latest/env.log 2>/dev/null)
contains "installed natively" "$log" "installed 3 wheel(s) natively"
IDX="$TMP/ws/.s2nbuild/index/simple"
check "the index has JSON pages" test -f "$IDX/gamma-lib/index.json"
expect_rc "pip check" 0 "$PY" -m pip --python .s2nbuild/venvs/env/bin/python check

for page in "$IDX"/*/index.html; do echo '<!DOCTYPE html><html><body></body></html>' >"$page"; done
expect_rc "install with the HTML pages empty" 0 "$S2N" stage venv path=env2 requirements=requirements.txt index_url="file://$IDX"
contains "still native" "$OUT" "installed 3 wheel(s) natively"
# Core metadata as the finder reads it from index.json.
expect_rc "metadata advertised in index.json" 0 "$top_builddir/tests/venv/indexprobe" --metadata "file://$IDX" alpha
contains "and read from alpha-1.0...metadata" "$OUT" "metadata alpha-1.0-py3-none-any.whl: Requires-Dist: beta (<2,>=1.0)"
finish
