#!/bin/sh
# A 200 MB upload: streamed from disk, so the stage's peak memory does not
# grow with the file (compared with a 1 MB upload), and the server
# receives exactly the bytes.
. "$top_srcdir/tests/twine/lib.sh"

mkdir -p "$T/w"
small=$("$PY" "$top_srcdir/tests/twine/make_big_wheel.py" "$T/w" 1)
big=$("$PY" "$top_srcdir/tests/twine/make_big_wheel.py" "$T/w" 200)
start_stub big --upload-at /upload/
cd "$T/w"
# Peak RSS (kB) of s2nbuild and its stage child (wait4 reports the
# largest of the process tree it reaped).
peak() {
    "$PY" "$top_srcdir/tests/twine/maxrss.py" "$T/rss" "$S2NBUILD" stage twine repository_url="$URL_big/legacy/" "files=$1" >"$T/up.log" 2>&1 ||
        { cat "$T/up.log"; return 1; }
    sed -n 1p "$T/rss" # maxrss.py: peak kB, then wall and CPU times
}
rs=$(peak "$small")
rb=$(peak "$big")
echo "peak RSS: 1 MB upload ${rs} kB, 200 MB upload ${rb} kB"
check "200 MB upload succeeds" grep -q "uploaded bigdemo-1.0.200-py3-none-any.whl" "$T/up.log"
check "the server got the same bytes" [ "$(records "$REC_big" 'posts[-1]["content"]["sha256"]')" = "$(sha256sum "$big" | cut -c1-64)" ]
"$PY" - "$REC_big" "$big" <<'PYEOF' && ok "all three digests sent (after the file) and right" || fail "digests"
import hashlib, json, sys
posts = [r for r in json.load(open(sys.argv[1])) if r["method"] == "POST"]
f = dict((k, v) for k, v in posts[-1]["fields"] if k != "content")
h = {"sha256_digest": hashlib.sha256(), "md5_digest": hashlib.md5(),
     "blake2_256_digest": hashlib.blake2b(digest_size=32)}
with open(sys.argv[2], "rb") as fp:
    for chunk in iter(lambda: fp.read(1 << 20), b""):
        for x in h.values():
            x.update(chunk)
for k, x in h.items():
    assert f[k] == x.hexdigest(), (k, f.get(k))
names = [k for k, v in posts[-1]["fields"]]
assert names.index("content") < names.index("sha256_digest"), names
assert posts[-1]["status"] == 200
PYEOF
check "peak memory does not grow with the file (< 16 MB more than for 1 MB)" [ $((rb - rs)) -lt 16384 ]
# The absolute target, where it means something (ASan's shadow memory
# alone is larger): under 20 MB for s2nbuild and its stage together.
if ldd "$S2NBUILD" | grep -q libasan; then
    echo "note: peak RSS under 20 MB not checked in a sanitizer build"
else
    check "peak memory of a 200 MB upload under 20 MB" [ "$rb" -lt 20480 ]
fi
# Again: the index already has it, so nothing is sent (the digests are
# computed up front when the index lists the file name).
n_before=$(records "$REC_big" 'len(posts)')
"$S2NBUILD" stage twine repository_url="$URL_big/legacy/" "files=$big" >"$T/again.log" 2>&1 && rc=0 || rc=$?
checks "re-run of the 200 MB upload: already there, nothing sent" \
    '[ "$rc" = 0 ] && grep -q "already on the index with the same sha256" "$T/again.log" && [ "$(records "$REC_big" '\''len(posts)'\'')" = "$n_before" ]'

# A reset in the middle of a large (digests-after-the-file) upload: the
# retry sends the same digests.
mid=$("$PY" "$top_srcdir/tests/twine/make_big_wheel.py" "$T/w" 6)
fault "$URL_big" '["reset"]'
"$S2NBUILD" stage twine repository_url="$URL_big/legacy/" "files=$mid" >"$T/mid.log" 2>&1 && rc=0 || rc=$?
checks "reset mid-body of a 6 MB upload: retried and accepted" \
    '[ "$rc" = 0 ] && [ "$(records "$REC_big" '\''posts[-1]["status"]'\'')" = 200 ] && [ "$(records "$REC_big" '\''len(posts)'\'')" = $((n_before + 2)) ]'

# digests=sha256 across a reset: the retry re-sends the file and the one
# digest field after it.  (Upload URL "/upload/": its guessed index
# /upload/simple/ is not there, so the file goes again; the stub takes
# identical re-uploads, as PyPI does.)
fault "$URL_big" '["reset"]'
"$S2NBUILD" stage twine repository_url="$URL_big/upload/" "files=$mid" digests=sha256 >"$T/sha.log" 2>&1 && rc=0 || rc=$?
checks "digests=sha256, reset mid-body: retried and accepted" \
    '[ "$rc" = 0 ] && [ "$(records "$REC_big" '\''len(posts)'\'')" = $((n_before + 4)) ]'
check "digests=sha256: sha256_digest alone, after the file, and right" "$PY" -c '
import json, sys
p = [r for r in json.load(open(sys.argv[1])) if r["method"] == "POST"][-1]
names = [k for k, v in p["fields"]]
assert p["status"] == 200 and "md5_digest" not in names and "blake2_256_digest" not in names, p
assert names.index("content") < names.index("sha256_digest"), names
assert dict(p["fields"])["sha256_digest"] == p["content"]["sha256"]
' "$REC_big"
finish
