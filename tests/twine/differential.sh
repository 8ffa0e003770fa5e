#!/bin/sh
# Differential test: Debian's twine 4.0.2 and `s2nbuild stage twine` upload
# the same files to the same stub index; the recorded form fields and
# values must be the same (the user agent aside).
. "$top_srcdir/tests/twine/lib.sh"

build_fixture "$T/p"
mkdir -p "$T/files"
cp "$T/p/dist/"* "$T/files/"
# Real-world wheels with long descriptions, many classifiers, extras.
cp /usr/share/python-wheels/pip-*.whl /usr/share/python-wheels/setuptools-*.whl "$T/files/"
# Old-style metadata: folded Description header, UNKNOWN values, fields
# that Metadata-Version 1.0 does not define, CRLF line ends.
"$PY" - "$T/files" <<'PYEOF'
import io, sys, tarfile
def sdist(name, ver, text):
    with tarfile.open(f"{sys.argv[1]}/{name}-{ver}.tar.gz", "w:gz") as t:
        for member, data in ((f"{name}-{ver}/PKG-INFO", text), (f"{name}-{ver}/setup.py", b"")):
            ti = tarfile.TarInfo(member); ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
sdist("oldstyle", "0.9", b"""Metadata-Version: 1.1
Name: oldstyle
Version: 0.9
Summary: folded
  summary line
Home-page: UNKNOWN
Author: A. Person
Author-email: a@example.invalid
License: UNKNOWN
Description: Old style
        ==========
        
        Indented by eight spaces,
            and a nested line.
Keywords: one two
Platform: UNKNOWN
Platform: linux
Classifier: Programming Language :: Python
Requires: os
Provides: oldstyle
Maintainer: ignored at 1.1
Requires-Python: >=3.0
""")
sdist("crlf10", "2.0", b"Metadata-Version: 1.0\r\nName: crlf10\r\nVersion: 2.0\r\n"
      b"Summary: crlf\r\nDescription: one\r\n        two\r\nClassifier: not in 1.0\r\n\r\n")
PYEOF

# A valid wheel name with a build tag: pyversion is still the python tag.
cp "$T/p/dist/s2n_demo-1.2.0-py3-none-any.whl" "$T/files/s2n_demo-1.2.0-1-py3-none-any.whl"

# A large wheel: its digests are computed while it is sent and go after
# the file part, so for it the order differs from twine's (by design).
"$PY" "$top_srcdir/tests/twine/make_big_wheel.py" "$T/files" 5 >/dev/null
start_stub twine --user alice:s3cret
start_stub ours --user alice:s3cret
start_stub sha --user alice:s3cret

# send TOOL DIR URL LOG [stage options...]: every file of DIR to the stub
# at URL, by Debian's twine or by the stage, as alice.
send() {
    tool=$1 dir=$2 url=$3 log=$4
    shift 4
    if [ "$tool" = twine ]; then
        (cd "$dir" && TWINE_USERNAME=alice TWINE_PASSWORD=s3cret \
            twine upload --disable-progress-bar --repository-url "$url/legacy/" ./* >"$log" 2>&1)
    else
        (cd "$dir" && TWINE_USERNAME=alice TWINE_PASSWORD=s3cret \
            stage repository_url="$url/legacy/" 'files=*' "$@" >"$log" 2>&1)
    fi || { cat "$log"; fail "$tool upload of $dir $*"; }
}
send twine "$T/files" "$URL_twine" "$T/twine.log"
send ours "$T/files" "$URL_ours" "$T/ours.log"
send ours "$T/files" "$URL_sha" "$T/sha.log" digests=sha256

"$PY" - "$REC_twine" "$REC_ours" <<'PYEOF' && ok "same fields and values as twine for every file (and the same order below 4 MB)" || fail "fields differ from twine"
import json, sys
def posts(path):
    out = {}
    for r in json.load(open(path)):
        if r["method"] != "POST":
            continue
        assert r["status"] == 200, r
        content = [v for k, v in r["fields"] if k == "content"][0]["file"]
        out[content] = r
    return out
tw, ours = posts(sys.argv[1]), posts(sys.argv[2])
assert sorted(tw) == sorted(ours), (sorted(tw), sorted(ours))
assert len(tw) == 8, sorted(tw)
bad = 0
for name in sorted(tw):
    a, b = tw[name], ours[name]
    if a["content"]["size"] >= 4 << 20:
        # Order aside: same fields, same values.
        key = lambda fields: sorted(json.dumps(f) for f in fields)
        if key(a["fields"]) != key(b["fields"]):
            bad += 1
            print("differs (as a set):", name)
        print("compared", name, len(b["fields"]), "fields (order aside)")
        continue
    if a["fields"] != b["fields"]:
        bad += 1
        print("differs:", name)
        for x, y in zip(a["fields"], b["fields"]):
            if x != y:
                print("  twine:", repr(x)[:200])
                print("  ours: ", repr(y)[:200])
        if len(a["fields"]) != len(b["fields"]):
            print("  field counts", len(a["fields"]), len(b["fields"]))
    for k in ("filename", "size", "sha256", "content_type", "field"):
        if a["content"][k] != b["content"][k]:
            bad += 1
            print("content differs:", name, k, a["content"][k], b["content"][k])
    assert b["user"] == "alice"
    print("compared", name, len(b["fields"]), "fields")
sys.exit(1 if bad else 0)
PYEOF

# digests=sha256: twine's fields without md5_digest and blake2_256_digest
# (as twine sends them where FIPS forbids those), accepted by the stub,
# which like Warehouse checks every digest it gets and wants at least one.
"$PY" - "$REC_twine" "$REC_sha" <<'PYEOF' && ok "digests=sha256: twine's fields but md5/blake2, right sha256, accepted" || fail "digests=sha256"
import json, sys
def posts(path):
    return {[v for k, v in r["fields"] if k == "content"][0]["file"]: r
            for r in json.load(open(path)) if r["method"] == "POST"}
tw, sha = posts(sys.argv[1]), posts(sys.argv[2])
assert sorted(tw) == sorted(sha) and len(sha) == 8, sorted(sha)
for name, r in sha.items():
    assert r["status"] == 200, r
    want = [f for f in tw[name]["fields"] if f[0] not in ("md5_digest", "blake2_256_digest")]
    key = lambda fields: sorted(json.dumps(f) for f in fields)
    assert key(r["fields"]) == key(want), name
    assert dict(r["fields"])["sha256_digest"] == r["content"]["sha256"], name
PYEOF

# Invalid wheel names (check=false lets them through): twine takes
# pyversion from its wheel_file_re, whose lazy groups give "xx" for
# baz-1.0-xx-py3-none-any.whl, "bar" for foo-bar-1.0-py3-none-any.whl
# and, with no match, "any"; the whole form must still be twine's.
mkdir -p "$T/odd"
"$PY" - "$T/odd" <<'PYEOF'
import sys, zipfile
for fname, name in (("bar-1.0-py3-none-any-extra-x.whl", "bar"), ("baz-1.0-xx-py3-none-any.whl", "baz"),
                    ("foo-1.0-py3.whl", "foo"), ("foo-bar-1.0-py3-none-any.whl", "foo-bar"),
                    ("qux-1.0-1-2-py3-none-any.whl", "qux")):
    with zipfile.ZipFile(f"{sys.argv[1]}/{fname}", "w") as z:
        z.writestr(f"{name.replace('-', '_')}-1.0.dist-info/METADATA",
                   f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n\nbody\n")
PYEOF
start_stub oddtwine --user alice:s3cret
start_stub oddours --user alice:s3cret
send twine "$T/odd" "$URL_oddtwine" "$T/oddtwine.log"
send ours "$T/odd" "$URL_oddours" "$T/oddours.log" check=false
"$PY" - "$REC_oddtwine" "$REC_oddours" <<'PYEOF' && ok "invalid wheel names: twine's pyversion and form" || fail "invalid wheel names: form differs from twine"
import json, sys
def posts(path):
    return {[v for k, v in r["fields"] if k == "content"][0]["file"]: r
            for r in json.load(open(path)) if r["method"] == "POST"}
tw, ours = posts(sys.argv[1]), posts(sys.argv[2])
assert sorted(tw) == sorted(ours) and len(tw) == 5, (sorted(tw), sorted(ours))
want = {"bar-1.0-py3-none-any-extra-x.whl": "py3", "baz-1.0-xx-py3-none-any.whl": "xx",
        "foo-1.0-py3.whl": "any", "foo-bar-1.0-py3-none-any.whl": "bar",
        "qux-1.0-1-2-py3-none-any.whl": "2"}
for name, r in tw.items():
    assert dict(r["fields"])["pyversion"] == want[name], (name, dict(r["fields"])["pyversion"])
    assert ours[name]["fields"] == r["fields"], (name, dict(ours[name]["fields"])["pyversion"])
PYEOF

# The upload order is twine's too: wheels first.
check "wheels are uploaded before sdists, like twine" \
    [ "$(records "$REC_ours" '[ [v for k,v in p["fields"] if k=="filetype"][0] for p in posts]')" = \
      "$(records "$REC_twine" '[ [v for k,v in p["fields"] if k=="filetype"][0] for p in posts]')" ]
finish
