#!/bin/sh
# Safe to re-run: identical files count as done (the index is asked
# first), a same-name file with other bytes is an error naming both
# hashes, skip_existing skips it and says so; without a simple index the
# server's 400 "File already exists" text (reason phrase and body) is shown.
. "$top_srcdir/tests/twine/lib.sh"

build_fixture "$T/a"
build_fixture "$T/b" 1.2.0 "Changed bytes, same version."
# Uploads are also taken at /upload/, whose guessed index /upload/simple/
# is not there: the server alone answers.
start_stub idx --user alice:pw --upload-at /upload/
export TWINE_USERNAME=alice TWINE_PASSWORD=pw
cd "$T/a"

check "first upload succeeds" stage repository_url="$URL_idx/legacy/" >"$T/1.log" 2>&1
check "both files were POSTed" [ "$(records "$REC_idx" 'len(posts)')" = 2 ]

stage repository_url="$URL_idx/legacy/" >"$T/2.log" 2>&1 && rc=0 || rc=$?
check "re-run exits 0" [ "$rc" = 0 ]
check "re-run sends no upload (index says identical)" [ "$(records "$REC_idx" 'len(posts)')" = 2 ]
check "re-run says the files are already there" grep -q "already on the index with the same sha256" "$T/2.log"
check "summary counts them" grep -q "0 uploaded, 2 already there" "$T/2.log"

# Same names, other bytes.
cd "$T/b"
wsha_a=$(sha256sum "$T/a/dist/s2n_demo-1.2.0-py3-none-any.whl" | cut -c1-64)
wsha_b=$(sha256sum "$T/b/dist/s2n_demo-1.2.0-py3-none-any.whl" | cut -c1-64)
stage repository_url="$URL_idx/legacy/" >"$T/3.log" 2>&1 && rc=0 || rc=$?
check "conflict fails the stage (exit 1)" [ "$rc" = 1 ]
check "conflict names the index's sha256" grep -q "index sha256 $wsha_a" "$T/3.log"
check "conflict names our sha256" grep -q "this file sha256 $wsha_b" "$T/3.log"
check "conflict sends nothing" [ "$(records "$REC_idx" 'len(posts)')" = 2 ]

stage repository_url="$URL_idx/legacy/" skip_existing=true >"$T/4.log" 2>&1 && rc=0 || rc=$?
check "skip_existing exits 0" [ "$rc" = 0 ]
check "skip_existing says it skipped, with both hashes" \
    grep -q "skipped (skip_existing).*index sha256 $wsha_a, ours $wsha_b" "$T/4.log"
check "skip_existing sends nothing" [ "$(records "$REC_idx" 'len(posts)')" = 2 ]

# Without a simple index (the guess /upload/simple/ answers 404, quietly):
# the server's 400.
stage repository_url="$URL_idx/upload/" >"$T/5.log" 2>&1 && rc=0 || rc=$?
check "400 File already exists fails the stage" [ "$rc" = 1 ]
check "the server's own text is shown" grep -q "File already exists ('s2n_demo-1.2.0-py3-none-any.whl', with blake2_256 hash" "$T/5.log"
check "the reason phrase too" grep -q "HTTP 400 File already exists. See https://pypi.org/help/#file-name-reuse for more information.: " "$T/5.log"
check "a guessed index that is not there is no warning" sh -c "! grep -q 'could not ask' '$T/5.log'"
check "no retry on 400 (one more POST)" [ "$(records "$REC_idx" 'len(posts)')" = 3 ]

# ...and identical bytes through "/" with index_url given: done, no POST.
cd "$T/a"
check "identical via explicit index_url" stage repository_url="$URL_idx/upload/" index_url="$URL_idx/simple/" >"$T/6.log" 2>&1
check "explicit index_url: still no new POST" [ "$(records "$REC_idx" 'len(posts)')" = 3 ]
# Identical bytes without any index: the server's 200 for a re-upload.
check "identical re-upload without index: 200 is success" stage repository_url="$URL_idx/upload/" >"$T/7.log" 2>&1
check "that was sent (2 more POSTs)" [ "$(records "$REC_idx" 'len(posts)')" = 5 ]
finish
