#!/bin/sh
# The embedded default: with no repository configured anywhere, files go
# to the local index under .s2nbuild/index, which pip installs from over
# file://; same conflict rules as PyPI; concurrent publishers lose nothing.
. "$top_srcdir/tests/twine/lib.sh"

build_fixture "$T/a"
build_fixture "$T/b" 1.2.0 "Changed bytes, same version."
IDX="$T/a/.s2nbuild/index"
cd "$T/a"
# A .pypirc without index-servers configures nothing.
printf '[server-login]\nusername = nobody\n' >"$HOME/.pypirc"

stage >"$T/1.log" 2>&1 && rc=0 || rc=$?
check "publishes with nothing configured" [ "$rc" = 0 ]
check "says it uses the local index" grep -q "no repository configured: publishing 2 file(s) to the local index $IDX" "$T/1.log"
check "root page lists the project" grep -q '<a href="s2n-demo/">s2n-demo</a>' "$IDX/simple/index.html"
W=s2n_demo-1.2.0-py3-none-any.whl
S=s2n-demo-1.2.0.tar.gz
wsha=$(sha256sum dist/$W | cut -c1-64)
member() { "$PY" -c 'import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2"; }
member dist/$W s2n_demo-1.2.0.dist-info/METADATA >"$T/METADATA"
msha=$(sha256sum "$T/METADATA" | cut -c1-64)
check "project page links the wheel with #sha256=" grep -q "href=\"$W#sha256=$wsha\"" "$IDX/simple/s2n-demo/index.html"
check "data-requires-python is escaped" grep -q 'data-requires-python="&gt;=3.8"' "$IDX/simple/s2n-demo/index.html"
check "data-core-metadata carries the METADATA sha256" grep -q "data-core-metadata=\"sha256=$msha\"" "$IDX/simple/s2n-demo/index.html"
check "the PEP 658 file is the wheel's METADATA" cmp -s "$T/METADATA" "$IDX/simple/s2n-demo/$W.metadata"
check "the files are stored beside the page" cmp -s dist/$W "$IDX/simple/s2n-demo/$W"
check "no .metadata for the sdist" [ ! -e "$IDX/simple/s2n-demo/$S.metadata" ]
"$PY" - "$IDX" "$wsha" "$msha" <<'PYEOF' && ok "PEP 691 JSON pages are valid and agree" || fail "PEP 691 JSON"
import json, sys
idx, wsha, msha = sys.argv[1:]
root = json.load(open(f"{idx}/simple/index.json"))
assert root["meta"]["api-version"] == "1.0" and root["projects"] == [{"name": "s2n-demo"}], root
p = json.load(open(f"{idx}/simple/s2n-demo/index.json"))
assert p["name"] == "s2n-demo"
files = {f["filename"]: f for f in p["files"]}
w = files["s2n_demo-1.2.0-py3-none-any.whl"]
assert w["hashes"] == {"sha256": wsha} and w["core-metadata"] == {"sha256": msha}, w
assert w["requires-python"] == ">=3.8" and w["yanked"] is False
assert "core-metadata" not in files["s2n-demo-1.2.0.tar.gz"]
# PEP 714: the old JSON key crashes Debian 12's pip (23.0.1); HTML keeps it
assert "dist-info-metadata" not in w
PYEOF
check "no temporary files left behind" [ -z "$(find "$IDX" -name '*.tmp*')" ]

# pip installs from it (packaging, a dependency, comes from Debian).
"$PY" -m venv --system-site-packages --without-pip "$T/venv"
"$PY" -m pip --python "$T/venv/bin/python" install --no-cache-dir --disable-pip-version-check \
    --index-url "file://$IDX/simple" s2n-demo >"$T/pip.log" 2>&1 && rc=0 || rc=$?
[ "$rc" = 0 ] || cat "$T/pip.log"
check "pip installs s2n-demo from the local index" [ "$rc" = 0 ]
check "the installed package works" [ "$("$T/venv/bin/python" -c 'import s2n_demo; print(s2n_demo.hello())')" = "hello from s2n-demo" ]
check "pip took the wheel" grep -q "$W" "$T/pip.log"

# The same index served over HTTP with PEP 691 negotiation: pip asks for
# JSON, reads index.json (with its PEP 658 metadata) and installs.
rm -f "$T/http.port"
"$PY" "$top_srcdir/tests/venv/httpindex.py" "$IDX" "$T/http.port" "$T/http.log" negotiate &
hpid=$!
for _ in $(seq 100); do [ -s "$T/http.port" ] && break; sleep 0.05; done
"$PY" -m pip --python "$T/venv/bin/python" install --no-cache-dir --disable-pip-version-check \
    --force-reinstall --no-deps --index-url "http://127.0.0.1:$(cat "$T/http.port")/simple" \
    s2n-demo >"$T/pip-http.log" 2>&1 && rc=0 || rc=$?
kill "$hpid" 2>/dev/null
[ "$rc" = 0 ] || cat "$T/pip-http.log"
check "pip installs from the local index served as PEP 691 JSON" [ "$rc" = 0 ]
check "...and it was JSON that pip read" grep -q 'GET /simple/s2n-demo/ .*-> application/vnd.pypi.simple.v1+json' "$T/http.log"

# Re-running is a no-op; other bytes under the same name are refused.
cp "$IDX/simple/s2n-demo/index.html" "$T/page.before"
stage >"$T/2.log" 2>&1 && rc=0 || rc=$?
check "re-run: identical files are done" [ "$rc" = 0 ]
check "re-run says so" grep -q 'already in the local index with the same sha256' "$T/2.log"
cd "$T/b"
bsha=$(sha256sum dist/$W | cut -c1-64)
stage index_dir="$IDX" >"$T/3.log" 2>&1 && rc=0 || rc=$?
check "conflict: exit 1" [ "$rc" = 1 ]
check "conflict names both hashes" grep -q "the index holds sha256 $wsha, this file is sha256 $bsha" "$T/3.log"
check "conflict leaves the index as it was" cmp -s "$T/page.before" "$IDX/simple/s2n-demo/index.html"
check "conflict leaves the stored file as it was" cmp -s "$T/a/dist/$W" "$IDX/simple/s2n-demo/$W"
stage index_dir="$IDX" skip_existing=true >"$T/4.log" 2>&1 && rc=0 || rc=$?
checks "skip_existing: exit 0 and says so" '[ "$rc" = 0 ] && grep -q "skipped (skip_existing)" "$T/4.log"'
TWINE_REPOSITORY=local stage index_dir="$IDX" files="dist/$S" skip_existing=true >"$T/5.log" 2>&1 && rc=0 || rc=$?
check "TWINE_REPOSITORY=local is the local index too" [ "$rc" = 0 ]

# PyPI's other conflict rule: one sdist per release ("400 Only one sdist
# may be uploaded per release."), whatever the file is called.
cd "$T/b"
mkdir -p sd
cp "dist/$S" sd/s2n_demo-1.2.0.tar.gz
cp "$IDX/simple/s2n-demo/index.json" "$T/json.before"
stage index_dir="$IDX" files=sd/s2n_demo-1.2.0.tar.gz >"$T/6.log" 2>&1 && rc=0 || rc=$?
check "second sdist of 1.2.0 (other name, other bytes): exit 1" [ "$rc" = 1 ]
check "...says PyPI's sentence and names the sdist already there" grep -q "s2n_demo-1.2.0.tar.gz: Only one sdist may be uploaded per release. The index already holds 's2n-demo-1.2.0.tar.gz' for s2n-demo 1.2.0" "$T/6.log"
checks "...and publishes nothing" 'cmp -s "$T/page.before" "$IDX/simple/s2n-demo/index.html" && cmp -s "$T/json.before" "$IDX/simple/s2n-demo/index.json" && [ ! -e "$IDX/simple/s2n-demo/s2n_demo-1.2.0.tar.gz" ] && [ -z "$(find "$IDX" -name "*.tmp*")" ]'
stage index_dir="$IDX" files=sd/s2n_demo-1.2.0.tar.gz skip_existing=true >"$T/7.log" 2>&1 && rc=0 || rc=$?
checks "skip_existing does not skip it (twine skips only 'File already exists')" '[ "$rc" = 1 ] && grep -q "Only one sdist may be uploaded per release" "$T/7.log"'
cp "$T/a/dist/$S" sd/s2n_demo-1.2.0.tar.gz
stage index_dir="$IDX" files=sd/s2n_demo-1.2.0.tar.gz >"$T/8.log" 2>&1 && rc=0 || rc=$?
checks "the same bytes under another sdist name: refused too" '[ "$rc" = 1 ] && grep -q "already holds .s2n-demo-1.2.0.tar.gz." "$T/8.log"'
stage index_dir="$IDX" files="$T/a/dist/$S" >"$T/9.log" 2>&1 && rc=0 || rc=$?
checks "the same sdist again (same name, same bytes): already there, ok" '[ "$rc" = 0 ] && grep -q "already in the local index with the same sha256" "$T/9.log"'
# .zip sdists count, and 1.2 is the release 1.2.0 (PEP 440 equality).
for seed in s2n_demo-1.2.0.zip s2n-demo-1.2.tar.gz; do
    z="$T/seed-$seed"
    mkdir -p "$z/simple/s2n-demo"
    printf '{"meta": {"api-version": "1.0"}, "name": "s2n-demo", "files": [{"filename": "%s", "url": "%s", "hashes": {"sha256": "%064d"}, "yanked": false}]}\n' \
        "$seed" "$seed" 0 >"$z/simple/s2n-demo/index.json"
    stage index_dir="$z" files="$T/a/dist/$S" >"$T/seed.log" 2>&1 && rc=0 || rc=$?
    checks "an index holding $seed refuses $S" '[ "$rc" = 1 ] && grep -q "already holds .$seed. for s2n-demo 1.2.0" "$T/seed.log" && [ ! -e "$z/simple/s2n-demo/$S" ]'
done
build_fixture "$T/n" 1.3.0
(cd "$T/n" && stage index_dir="$IDX" files="dist/s2n-demo-1.3.0.tar.gz") >"$T/10.log" 2>&1 && rc=0 || rc=$?
checks "the sdist of another release is published" '[ "$rc" = 0 ] && grep -q "s2n-demo-1.3.0.tar.gz#sha256=" "$IDX/simple/s2n-demo/index.html"'

# Concurrent publishers (each in its own workspace: one workspace runs one
# s2nbuild at a time) into one index: nothing lost.
mkdir -p "$T/c"
for w in /usr/share/python-wheels/*.whl "$T/a/dist/$W"; do
    ws="$T/c/ws-$(basename "$w")"
    mkdir -p "$ws"
    (cd "$ws" && stage index_dir="$T/shared" "files=$w" >"$T/c/$(basename "$w").log" 2>&1) &
done
wait
check "three concurrent publishers: all projects listed" \
    [ "$(grep -c '<a href' "$T/shared/simple/index.html")" = 3 ]
check "each project page has its file" sh -c "grep -q pip-23 '$T/shared/simple/pip/index.html' && grep -q setuptools-66 '$T/shared/simple/setuptools/index.html' && grep -q $W '$T/shared/simple/s2n-demo/index.html'"
finish
