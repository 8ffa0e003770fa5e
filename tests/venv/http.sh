#!/bin/sh
# venv plugin: a PEP 503 index over HTTP (a local server on 127.0.0.1):
# pages read and wheels downloaded with libcurl, hash-checked against the
# index's #sha256, installed natively; PIP_INDEX_URL honoured; a tampered
# download is refused.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
PY=/usr/bin/python3
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
venv_make_index "$TMP/srv/simple"
"$PY" "$top_srcdir/tests/venv/httpindex.py" "$TMP/srv" "$TMP/port" "$TMP/requests.log" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -f "$TMP/port" ] && break; sleep 0.05; done
PORT=$(cat "$TMP/port" 2>/dev/null) || { not_ok "index server did not start"; finish; }
URL="http://127.0.0.1:$PORT/simple"
mkdir "$TMP/ws" && cd "$TMP/ws" || exit 1
printf 'alpha[fast]==1.0\nbeta==1.0\ngamma-lib==0.5\n' > req.txt

expect_rc "install from an HTTP index" 0 "$S2N" stage venv requirements=req.txt index_url="$URL"
contains "native" "$OUT" "installed 3 wheel(s) natively"
V="$TMP/ws/.s2nbuild/venvs/venv"
expect_rc "pip check" 0 "$PY" -m pip --disable-pip-version-check --python "$V/bin/python" check
got=$(cat "$TMP/requests.log")
contains "page fetched" "$got" "GET /simple/beta/"
contains "wheel downloaded" "$got" "GET /simple/alpha/alpha-1.0-py3-none-any.whl"
check "downloads kept in the state cache" test -f "$TMP/ws/.s2nbuild/cache/wheels/beta-1.0-py3-none-any.whl"

# A second environment reuses the downloads (their index hash matches).
: > "$TMP/requests.log"
expect_rc "PIP_INDEX_URL honoured" 0 env PIP_INDEX_URL="$URL" "$S2N" stage venv path=env2 requirements=req.txt
contains "native again" "$OUT" "installed 3 wheel(s) natively"
got=$(cat "$TMP/requests.log")
lacks "cached wheels not downloaded again" "$got" ".whl"

# The server hands out a wheel that is not what the index promised.
cp "$WHEELS/alpha-1.0-py3-none-any.whl" "$TMP/srv/simple/beta/beta-1.0-py3-none-any.whl"
rm -f "$TMP/ws/.s2nbuild/cache/wheels/beta-1.0-py3-none-any.whl"
expect_rc "tampered download refused" 1 "$S2N" stage venv path=env3 requirements=req.txt index_url="$URL"
contains "says which file" "$OUT" "hash mismatch for $URL/beta/beta-1.0-py3-none-any.whl: expected sha256="
check "nothing left at the path" test ! -e "$TMP/ws/env3"

# A project the index does not know (404) is reported with what was seen.
expect_rc "unknown project" 1 "$S2N" stage venv path=env4 packages=nosuch==1.0 index_url="$URL"
contains "no wheel found" "$OUT" "no compatible wheel for nosuch==1.0"
finish
