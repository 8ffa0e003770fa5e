#!/bin/sh
# Where OpenSSL refuses md5 (FIPS mode), the stage does what twine does:
# md5_digest is left out, sha256_digest and blake2_256_digest are sent and
# right — for small files (digests in the form) and large ones (digests
# after the file) — and it says so once.  It used to send a digest that was
# never computed.  Debian has no FIPS provider, so a preloaded library
# stands in for it (tests/twine/nomd5.c); a control upload without it
# shows the preload is what changes the form.
. "$top_srcdir/tests/twine/lib.sh"

NOMD5="$top_builddir/tests/twine/.libs/libnomd5.so"
[ -f "$NOMD5" ] || { echo "FAIL: $NOMD5 not built"; exit 1; }
# A sanitizer runtime wants to come first; the stand-in does not care.
nomd5() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" LD_PRELOAD="$NOMD5" "$@"; }

build_fixture "$T/p"
mkdir -p "$T/big"
big=$("$PY" "$top_srcdir/tests/twine/make_big_wheel.py" "$T/big" 6)
start_stub idx
cd "$T/p"

# digests_ok RECORDS FILE WANT...: the last upload of FILE carried the
# named digest fields, right, and no other digest field.
digests_ok() {
    "$PY" - "$@" <<'PYEOF'
import hashlib, json, sys
import os
rec, path, want = sys.argv[1], sys.argv[2], set(sys.argv[3:])
posts = [r for r in json.load(open(rec)) if r["method"] == "POST"
         and (r.get("content") or {}).get("filename") == os.path.basename(path)]
assert posts, "no upload of " + path
fields = dict(posts[-1]["fields"])
data = open(path, "rb").read()
calc = {"sha256_digest": hashlib.sha256(data).hexdigest(), "md5_digest": hashlib.md5(data).hexdigest(),
        "blake2_256_digest": hashlib.blake2b(data, digest_size=32).hexdigest()}
sent = {k for k in calc if k in fields}
assert sent == want, (path, sorted(sent), sorted(want))
for k in sent:
    assert fields[k] == calc[k], (k, fields[k], calc[k])
assert posts[-1]["status"] == 200, posts[-1]["status"]
PYEOF
}
wheel=$(ls dist/*.whl)
sdist=$(ls dist/*.tar.gz)

stage repository_url="$URL_idx/legacy/" "files=$wheel" >"$T/control.log" 2>&1 ||
    { cat "$T/control.log"; exit 1; }
check "control: without the stand-in all three digests are sent" \
    digests_ok "$REC_idx" "$wheel" sha256_digest md5_digest blake2_256_digest

nomd5 "$S2NBUILD" stage twine repository_url="$URL_idx/legacy/" "files=$sdist" "files=$big" >"$T/fips.log" 2>&1 && rc=0 || rc=$?
cat "$T/fips.log"
checks "without md5 the uploads succeed" '[ "$rc" = 0 ]'
check "it says md5_digest is left out" grep -q "md5 is not available from OpenSSL here (FIPS mode?): md5_digest is not sent" "$T/fips.log"
check "said once for the stage, not per file" [ "$(grep -c "md5 is not available" "$T/fips.log")" = 1 ]
check "small file: sha256 and blake2b-256 sent and right, no md5_digest" \
    digests_ok "$REC_idx" "$sdist" sha256_digest blake2_256_digest
check "6 MB file (digests after the file): the same" \
    digests_ok "$REC_idx" "$big" sha256_digest blake2_256_digest

# Re-run: the index lists both files, the sha256 comparison still works.
n=$(records "$REC_idx" 'len(posts)')
nomd5 "$S2NBUILD" stage twine repository_url="$URL_idx/legacy/" "files=$sdist" "files=$big" >"$T/again.log" 2>&1 && rc=0 || rc=$?
checks "re-run without md5: already there, nothing sent" \
    '[ "$rc" = 0 ] && [ "$(grep -c "already on the index with the same sha256" "$T/again.log")" = 2 ] && [ "$(records "$REC_idx" "len(posts)")" = "$n" ]'

# digests: sha256 needs a file the index does not have yet: a new version.
build_fixture "$T/p2" 1.3.0
wheel2=$(ls "$T/p2/dist/"*.whl)
nomd5 "$S2NBUILD" stage twine repository_url="$URL_idx/legacy/" "files=$wheel2" digests=sha256 >"$T/sha.log" 2>&1 && rc=0 || rc=$?
checks "digests: sha256 without md5: uploaded" '[ "$rc" = 0 ]'
check "digests: sha256 sends sha256_digest alone" digests_ok "$REC_idx" "$wheel2" sha256_digest
check "nothing said about md5 when it is not wanted" sh -c "! grep -q 'md5 is not available' '$T/sha.log'"

# The local index (the default) needs sha256 alone.
nomd5 "$S2NBUILD" stage twine "files=$sdist" >"$T/local.log" 2>&1 && rc=0 || rc=$?
checks "local index without md5: published" '[ "$rc" = 0 ] && [ -f .s2nbuild/index/simple/s2n-demo/index.html ]'
check "nothing said about md5 for the local index (no digest fields there)" sh -c "! grep -q 'md5 is not available' '$T/local.log'"
finish
