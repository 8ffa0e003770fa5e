#!/bin/sh
# The twine stage in a real pipeline: `from: build` publishes exactly the
# artifacts of the build stage, to the local index when nothing is
# configured (pip installs from it), to a stub index when the pipeline
# names one; a re-run of the pipeline (same reproducible bytes) is a no-op.
. "$top_srcdir/tests/twine/lib.sh"

mkdir -p "$T/ws"
cp -r "$top_srcdir/tests/twine/fixture/." "$T/ws/"
chmod -R u+w "$T/ws"
cd "$T/ws"
cat >s2nbuild.yml <<'EOF2'
version: 1
stages:
  - { name: build, type: build }
  - { name: publish, type: twine, needs: [build], cache: false, with: { from: build } }
EOF2
# cache: false: publishing changes state outside the workspace, so the
# re-run below must reach the stage (and show that it is idempotent).
"$S2NBUILD" run >"$T/1.log" 2>&1 && rc=0 || rc=$?
[ "$rc" = 0 ] || cat "$T/1.log"
check "build + publish pipeline succeeds" [ "$rc" = 0 ]
check "both artifacts of the build stage were published" grep -q "publishing 2 file(s) to the local index" "$T/1.log"
check "the local index lists them" [ "$(grep -c 'href="s2n_demo-1.2.0' .s2nbuild/index/simple/s2n-demo/index.html)" = 2 ]

"$S2NBUILD" run >"$T/2.log" 2>&1 && rc=0 || rc=$?
grep -q "0 uploaded, 2 already there" "$T/2.log" || cat "$T/2.log"
checks "re-running the pipeline: publish is a no-op" '[ "$rc" = 0 ] && grep -q "0 uploaded, 2 already there" "$T/2.log"'

"$PY" -m venv --system-site-packages --without-pip "$T/venv"
"$PY" -m pip --python "$T/venv/bin/python" install --no-cache-dir --disable-pip-version-check \
    --index-url "file://$T/ws/.s2nbuild/index/simple" s2n-demo >"$T/pip.log" 2>&1 && rc=0 || rc=$?
[ "$rc" = 0 ] || cat "$T/pip.log"
check "pip installs what the pipeline built and published" [ "$rc" = 0 ]

start_stub p --user ci:secret-pw
cat >remote.yml <<'EOF2'
version: 1
stages:
  - { name: build, type: build }
  - name: publish
    type: twine
    needs: [build]
    with: { from: build, repository_url: "${STUB}/legacy/", username: ci, password: "${PW}" }
EOF2
STUB=$URL_p PW=secret-pw "$S2NBUILD" run -f remote.yml >"$T/3.log" 2>&1 && rc=0 || rc=$?
[ "$rc" = 0 ] || cat "$T/3.log"
checks "publishing the build's artifacts to an index" '[ "$rc" = 0 ] && [ "$(records "$REC_p" '\''len(posts)'\'')" = 2 ]'
check "the password is masked in the run's logs" sh -c "! grep -rq secret-pw '$T/3.log' .s2nbuild/runs"
# What is published is what the upstream stage declared: a file changed
# in between is refused, for a small file before anything is sent, for a
# large one (hashed while it is sent) by aborting the request.
cp "$top_srcdir/tests/twine/make_big_wheel.py" .
for victim in 1 6; do
    cat >tamper.yml <<EOF2
version: 1
stages:
  - name: gen
    type: command
    with: { run: "mkdir -p out && $PY make_big_wheel.py out 1 && $PY make_big_wheel.py out 6", outputs: ["out/*.whl"] }
  - { name: tamper, type: command, needs: [gen], with: { run: "printf x >>out/bigdemo-1.0.$victim-py3-none-any.whl" } }
  - name: publish
    type: twine
    needs: [tamper]
    with: { from: gen, repository_url: "\${STUB}/legacy/", username: ci, password: secret-pw }
EOF2
    rm -rf out
    before=$(records "$REC_p" 'len([p for p in posts if p["status"] == 200])')
    STUB=$URL_p "$S2NBUILD" run -f tamper.yml >"$T/t$victim.log" 2>&1 && rc=0 || rc=$?
    checks "a ${victim} MB artifact changed after its stage: publish fails" '[ "$rc" = 1 ]'
    check "  ... naming the stage and both hashes" grep -q "bigdemo-1.0.$victim-py3-none-any.whl changed after stage 'gen' declared it (sha256 [0-9a-f]\{64\} then, [0-9a-f]\{64\} now)" "$T/t$victim.log"
    checks "  ... and the index accepted none of it" '[ "$(records "$REC_p" '\''len([p for p in posts if p["status"] == 200 and "bigdemo-1.0.'$victim'" in json.dumps(p)])'\'')" = 0 ]'
done
finish
