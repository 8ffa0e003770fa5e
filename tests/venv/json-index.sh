#!/bin/sh
# venv plugin: simple indexes as pip reads them.  Over HTTP (a local
# server that answers PEP 691 JSON or HTML by the Accept header, and one
# that serves HTML only) and over file://: the Accept header pip sends,
# the JSON page read when served, the HTML page otherwise, PEP 592 yanked
# files passed over unless an == pin leaves nothing else, PEP 658/714
# metadata files fetched and hash-checked.  tests/venv/indexprobe shows
# what the finder sees; the stage installs from both servers.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
PY=/usr/bin/python3
PROBE="$top_builddir/tests/venv/indexprobe"
MKINDEX="$top_srcdir/tests/venv/jsonindex.py"
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
W="$WHEELS"
B=beta-1.0-py3-none-any.whl
G=Gamma_Lib-0.5-py3-none-any.whl
# www/simple: beta also as a build-tagged copy, yanked (its higher build
# number would win otherwise).  www/bad: gamma's .metadata is not what the
# index promises, alpha's has PEP 658's name only.  www/yank: gamma's only
# file is yanked.
"$PYTHON3" "$MKINDEX" "$TMP/www/simple" "$W"/*.whl --as $B=beta-1.0-1-py3-none-any.whl \
    --yank beta-1.0-1-py3-none-any.whl || { not_ok "writing the index"; finish; }
"$PYTHON3" "$MKINDEX" "$TMP/www/bad" "$W"/*.whl --bad-metadata $G \
    --pep658-name alpha-1.0-py3-none-any.whl
"$PYTHON3" "$MKINDEX" "$TMP/www/yank" "$W"/*.whl --yank $G

serve() { # serve NAME MODE: a server on $TMP/www; its URL in $URL_<NAME>
    "$PY" "$top_srcdir/tests/venv/httpindex.py" "$TMP/www" "$TMP/$1.port" "$TMP/$1.log" "$2" &
    echo $! >>"$TMP/pids"
    for _ in $(seq 100); do [ -f "$TMP/$1.port" ] && break; sleep 0.05; done
    eval "URL_$1=http://127.0.0.1:\$(cat \"\$TMP/$1.port\" 2>/dev/null)"
}
trap 'kill $(cat "$TMP/pids") 2>/dev/null; rm -rf "$TMP"' EXIT
serve json negotiate
serve html html
serve plain plain
[ -s "$TMP/json.port" ] && [ -s "$TMP/html.port" ] && [ -s "$TMP/plain.port" ] \
    || { not_ok "index servers did not start"; finish; }
ACCEPT='accept=application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01'

# --- what the finder sees ---
expect_rc "JSON index read" 0 "$PROBE" "$URL_json/simple" beta
contains "the unyanked file" "$OUT" "$B version=1.0 yanked=0 sha256=$(sha256sum "$W/$B" | cut -d' ' -f1) metadata="
lacks "the yanked build-tagged copy passed over" "$OUT" "beta-1.0-1-"
log=$(cat "$TMP/json.log")
contains "pip's Accept header sent" "$log" "GET /simple/beta/ $ACCEPT ua=s2nbuild-venv/1 -> application/vnd.pypi.simple.v1+json"

expect_rc "HTML-only index read" 0 "$PROBE" "$URL_html/simple" beta
contains "same file from HTML" "$OUT" "$B version=1.0 yanked=0 sha256=$(sha256sum "$W/$B" | cut -d' ' -f1) metadata="
lacks "data-yanked honoured" "$OUT" "beta-1.0-1-"
contains "served as HTML" "$(cat "$TMP/html.log")" "GET /simple/beta/ $ACCEPT ua=s2nbuild-venv/1 -> text/html"

expect_rc "a yanked file alone in its version" 0 "$PROBE" "$URL_json/yank" gamma-lib
contains "is kept for an == pin" "$OUT" "$G version=0.5 yanked=1"

msha=$(sha256sum "$TMP/www/simple/alpha/alpha-1.0-py3-none-any.whl.metadata" | cut -d' ' -f1)
expect_rc "core metadata fetched" 0 "$PROBE" --metadata "$URL_json/simple" alpha
contains "its advertised hash" "$OUT" "metadata=$msha"
contains "Requires-Dist read from it" "$OUT" "metadata alpha-1.0-py3-none-any.whl: Requires-Dist: beta (<2,>=1.0)"
contains "from the .metadata file" "$(cat "$TMP/json.log")" "GET /simple/alpha/alpha-1.0-py3-none-any.whl.metadata"
expect_rc "core metadata from HTML's data-core-metadata" 0 "$PROBE" --metadata "$URL_html/simple" alpha
contains "the same" "$OUT" "metadata=$msha"

expect_rc "PEP 658's dist-info-metadata (JSON)" 0 "$PROBE" --metadata "$URL_json/bad" alpha
contains "read" "$OUT" "metadata=$msha"
expect_rc "PEP 658's data-dist-info-metadata (HTML)" 0 "$PROBE" --metadata "$URL_html/bad" alpha
contains "read" "$OUT" "metadata=$msha"

expect_rc "bad core metadata refused" 1 "$PROBE" --metadata "$URL_json/bad" gamma-lib
contains "clear message" "$OUT" "error: hash mismatch for $URL_json/bad/gamma-lib/$G.metadata: the index says its core metadata has sha256="
expect_rc "bad core metadata refused over file://" 1 "$PROBE" --metadata "file://$TMP/www/bad" gamma-lib
contains "clear message" "$OUT" "error: hash mismatch for $TMP/www/bad/gamma-lib/$G.metadata"

expect_rc "a page of another type refused" 1 "$PROBE" "$URL_plain/simple" beta
contains "naming it" "$OUT" "error: $URL_plain/simple/beta/: Content-Type text/plain is not a simple-index page"

# HTML's other spellings: a bare data-yanked, data-dist-info-metadata="true"
# (no hash to check), single quotes, entities.
mkdir -p "$TMP/hand/beta" && cp "$W/$B" "$TMP/www/simple/beta/$B.metadata" "$TMP/hand/beta/"
cp "$W/$B" "$TMP/hand/beta/beta-1.0-1-py3-none-any.whl"
cat >"$TMP/hand/beta/index.html" <<EOF2
<a href='$B' DATA-DIST-INFO-METADATA='true' data-requires-python='&gt;=3.7'>$B</a>
<a data-yanked href="beta-1.0-1-py3-none-any.whl">old</a>
EOF2
expect_rc "hand-written page" 0 "$PROBE" --metadata "file://$TMP/hand" beta
contains "metadata without a hash" "$OUT" "$B version=1.0 yanked=0 sha256=- metadata=true"
contains "read all the same" "$OUT" "metadata $B: Requires-Dist:"
lacks "bare data-yanked honoured" "$OUT" "beta-1.0-1-"

# A folder index with index.json beside index.html: the JSON is read
# (here the HTML is gone, so nothing else could list the file).
rm "$TMP/www/yank/gamma-lib/index.html"
expect_rc "file:// JSON page read" 0 "$PROBE" "file://$TMP/www/yank" gamma-lib
contains "yanked known only from JSON" "$OUT" "$G version=0.5 yanked=1"

printf '{"meta": {"api-version": "2.0"}, "files": []}' >"$TMP/www/bad/beta/index.json"
expect_rc "unknown PEP 691 major version refused" 1 "$PROBE" "$URL_json/bad" beta
contains "says so" "$OUT" "$URL_json/bad/beta/: PEP 691 api-version 2.0 is not supported (1.x is)"
printf '{"meta": {"api-version": "1.0"}, "files": [' >"$TMP/www/bad/beta/index.json"
expect_rc "broken JSON refused" 1 "$PROBE" "$URL_json/bad" beta
contains "with line:col" "$OUT" "$URL_json/bad/beta/:1:"

# --- the stage, from both servers ---
mkdir "$TMP/ws" && cd "$TMP/ws" || exit 1
printf 'alpha[fast]==1.0\nbeta==1.0\ngamma-lib==0.5\n' >req.txt
: >"$TMP/json.log"
expect_rc "install from the JSON index" 0 "$S2N" stage venv requirements=req.txt index_url="$URL_json/simple"
contains "native" "$OUT" "installed 3 wheel(s) natively"
log=$(cat "$TMP/json.log")
contains "pages read as JSON" "$log" "GET /simple/gamma-lib/ $ACCEPT ua=s2nbuild-venv/1 -> application/vnd.pypi.simple.v1+json"
contains "the unyanked beta downloaded" "$log" "GET /simple/beta/$B"
lacks "not the yanked one" "$log" "beta-1.0-1-"
expect_rc "pip check" 0 "$PY" -m pip --python .s2nbuild/venvs/venv/bin/python check

# pip, asked the same, picks the same file, from either server.
for s in json html; do
    eval "u=\$URL_$s"
    rm -f "$TMP/report.json"
    "$PY" -m pip install --dry-run --ignore-installed --no-deps --report "$TMP/report.json" -q \
        --index-url "$u/simple" beta==1.0 >/dev/null 2>&1
    contains "pip passes the yanked file over too ($s)" \
        "$(json_get "$TMP/report.json" 'j["install"][0]["download_info"]["url"]' 2>&1)" "/simple/beta/$B"
done

: >"$TMP/html.log"
expect_rc "install from the HTML-only index" 0 "$S2N" stage venv path=env2 requirements=req.txt index_url="$URL_html/simple"
contains "native" "$OUT" "installed 3 wheel(s) natively"
log=$(cat "$TMP/html.log")
contains "pages read as HTML" "$log" "GET /simple/gamma-lib/ $ACCEPT ua=s2nbuild-venv/1 -> text/html"
lacks "not the yanked one" "$log" "beta-1.0-1-"

expect_rc "a yanked release pinned with ==" 0 "$S2N" stage venv path=env3 packages=gamma-lib==0.5 index_url="$URL_json/yank"
contains "is installed, as pip does" "$OUT" "installed 1 wheel(s) natively"
contains "with a warning, as pip gives" "$OUT" "gamma-lib==0.5 is yanked on its index (PEP 592)"
finish
