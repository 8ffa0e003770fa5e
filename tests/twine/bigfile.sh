#!/bin/sh
# A 200 MB upload: streamed from disk, so the stage's peak memory does not
# grow with the file (compared with a 1 MB upload), and the server
# receives exactly the bytes.
. "$top_srcdir/tests/twine/lib.sh"

mkdir -p "$T/w"
small=$("$PY" "$top_srcdir/tests/twine/make_big_wheel.py" "$T/w" 1)
big=$("$PY" "$top_srcdir/tests/twine/make_big_wheel.py" "$T/w" 200)
start_stub big
cd "$T/w"
# Peak RSS (kB) of s2nbuild and its stage child (wait4 reports the
# largest of the process tree it reaped).
peak() {
    /usr/bin/time -f '%M' -o "$T/rss" "$S2NBUILD" stage twine repository_url="$URL_big/legacy/" "files=$1" >"$T/up.log" 2>&1 ||
        { cat "$T/up.log"; return 1; }
    cat "$T/rss"
}
rs=$(peak "$small")
rb=$(peak "$big")
echo "peak RSS: 1 MB upload ${rs} kB, 200 MB upload ${rb} kB"
check "200 MB upload succeeds" grep -q "uploaded bigdemo-1.0.200-py3-none-any.whl" "$T/up.log"
check "the server got the same bytes" [ "$(records "$REC_big" 'posts[-1]["content"]["sha256"]')" = "$(sha256sum "$big" | cut -c1-64)" ]
check "peak memory does not grow with the file (< 16 MB more than for 1 MB)" [ $((rb - rs)) -lt 16384 ]
finish
