#!/bin/sh
# venv plugin, PEP 658 before downloading: when the index serves each
# wheel's METADATA as <wheel>.metadata, the native installer checks the
# Requires-Dist closure from those small files first, so a missing
# dependency goes to pip (and a bad .metadata is refused) before any
# wheel is downloaded.
# Needs native.c to call s2n_distfile_metadata() before its downloads
# (see plugins/venv/README.md, "Reading indexes"); XFAIL until it does.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
PY=/usr/bin/python3
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
G=Gamma_Lib-0.5-py3-none-any.whl
"$PYTHON3" "$top_srcdir/tests/venv/jsonindex.py" "$TMP/www/simple" "$WHEELS"/*.whl \
    || { not_ok "writing the index"; finish; }
"$PYTHON3" "$top_srcdir/tests/venv/jsonindex.py" "$TMP/www/bad" "$WHEELS"/*.whl --bad-metadata $G
"$PY" "$top_srcdir/tests/venv/httpindex.py" "$TMP/www" "$TMP/port" "$TMP/requests.log" negotiate &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -f "$TMP/port" ] && break; sleep 0.05; done
URL="http://127.0.0.1:$(cat "$TMP/port" 2>/dev/null)"
mkdir "$TMP/ws" && cd "$TMP/ws" || exit 1
# Our own requests, in order: "metadata" or "wheel" per download.
ours() { grep 'ua=s2nbuild-venv/1' "$TMP/requests.log" | sed -n 's/^GET [^ ]*\.whl\.metadata .*/metadata/p; s/^GET [^ ]*\.whl .*/wheel/p' | uniq | tr '\n' ' '; }

printf 'alpha[fast]==1.0\nbeta==1.0\ngamma-lib==0.5\n' >req.txt
expect_rc "install from an index with metadata files" 0 "$S2N" stage venv requirements=req.txt index_url="$URL/simple"
contains "native" "$OUT" "installed 3 wheel(s) natively"
contains "every .metadata before the first wheel" "$(ours)" "metadata wheel "
contains "alpha's metadata fetched" "$(cat "$TMP/requests.log")" "GET /simple/alpha/alpha-1.0-py3-none-any.whl.metadata"

: >"$TMP/requests.log"
expect_rc "a missing dependency goes to pip" 0 "$S2N" stage venv path=env2 packages=alpha==1.0 index_url="$URL/simple"
contains "says why" "$OUT" "alpha 1.0 requires beta<2,>=1.0, which the requirements do not pin"
contains "found from the metadata alone" "$(ours)" "metadata "
lacks "no wheel downloaded by the native path" "$(ours)" "wheel"
expect_rc "pip installed it" 0 "$PY" -m pip --python "$TMP/ws/env2/bin/python" check

: >"$TMP/requests.log"
expect_rc "bad .metadata refused" 1 "$S2N" stage venv path=env3 packages=gamma-lib==0.5 index_url="$URL/bad"
contains "clear message" "$OUT" "hash mismatch for $URL/bad/gamma-lib/$G.metadata: the index says its core metadata has sha256="
lacks "before the wheel was downloaded" "$(ours)" "wheel"
check "nothing left at the path" test ! -e "$TMP/ws/env3"
finish
