#!/bin/sh
# Indexes other than PyPI, answered the way twine 4.0.2 reads them:
#  - the simple index is guessed as <upload-url>/simple/ (pypiserver,
#    Nexus, Artifactory, GitLab layouts), so an identical re-run sends
#    nothing; a guess that does not answer is quiet, a configured
#    index_url that does not answer is a warning;
#  - skip_existing skips exactly on twine's skip_upload() answers (409;
#    400 "already exist"/"updating asset" in the reason or body; 403
#    "overwrite artifact"; 400 "already been taken") and on no other,
#    each verdict checked against Debian's twine on the same answer;
#  - errors show the reason phrase and the body once each, HTML decoded.
. "$top_srcdir/tests/twine/lib.sh"

build_fixture "$T/a"
cd "$T/a"
rm dist/*.tar.gz # one file per run: one POST per answer below
export TWINE_USERNAME=u TWINE_PASSWORD=p
posts() { records "$1" 'len(posts)'; }

# --- the guessed index: re-runs against other layouts --------------------
start_stub ps --user u:p
check "pypiserver layout: first upload" stage repository_url="$URL_ps/" >"$T/ps1.log" 2>&1
check "pypiserver layout: no warning about the guessed index" \
    sh -c "! grep -q 'could not ask' '$T/ps1.log'"
stage repository_url="$URL_ps/" >"$T/ps2.log" 2>&1 && rc=0 || rc=$?
check "pypiserver layout: re-run exits 0" [ "$rc" = 0 ]
check "pypiserver layout: re-run says already on the index" \
    grep -q "already on the index with the same sha256" "$T/ps2.log"
check "pypiserver layout: re-run sends nothing" [ "$(posts "$REC_ps")" = 1 ]
check "pypiserver layout: asked /simple/s2n-demo/" \
    [ "$(records "$REC_ps" '([x["path"] for x in r if x["method"]=="GET"] or [None])[-1]')" = /simple/s2n-demo/ ]

NX=/repository/pypi-hosted/ AF=/api/pypi/pypi-local GL=/api/v4/projects/7/packages/pypi
start_stub lay --user u:p --upload-at "$NX" --upload-at "$AF" --upload-at "$GL" \
    --simple-at "$NX" --simple-at "$AF" --simple-at "$GL"
check "$NX: first upload" stage repository_url="$URL_lay$NX" >"$T/lay0.log" 2>&1
check "$NX: one POST" [ "$(posts "$REC_lay")" = 1 ]
# One store behind the three layouts: each re-run finds the file.
for path in "$NX" "$AF" "$GL"; do
    stage repository_url="$URL_lay$path" >"$T/lay.log" 2>&1 && rc=0 || rc=$?
    checks "$path: re-run is done without sending" \
        '[ "$rc" = 0 ] && [ "$(posts "$REC_lay")" = 1 ] && grep -q "already on the index" "$T/lay.log"'
    got=$(records "$REC_lay" '([x["path"] for x in r if x["method"]=="GET"] or [None])[-1]')
    check "$path: asked ${path%/}/simple/s2n-demo/" [ "$got" = "${path%/}/simple/s2n-demo/" ]
done

# A guessed index that fails is quiet (debug only); a configured one warns.
start_stub bad --user u:p --simple-status 500
S2NBUILD_DEBUG=1 stage repository_url="$URL_bad/" >"$T/bad1.log" 2>&1 && rc=0 || rc=$?
checks "guessed index answering 500: uploaded, no warning" \
    '[ "$rc" = 0 ] && grep -q "^uploaded" "$T/bad1.log" && ! grep -q "^warning" "$T/bad1.log"'
check "guessed index answering 500: a debug line says so" grep -q "could not ask the guessed simple index" "$T/bad1.log"
stage repository_url="$URL_bad/" index_url="$URL_bad/simple/" >"$T/bad2.log" 2>&1 && rc=0 || rc=$?
checks "configured index answering 500: uploaded with a warning" \
    '[ "$rc" = 0 ] && grep -q "^warning:.*could not ask the index first.*HTTP 500" "$T/bad2.log"'

# The benchmark sink answers 200 to every upload and 404 to every GET:
# each run uploads (nothing is taken for a listing).
start_stub sink --sink
check "sink: first run uploads" stage repository_url="$URL_sink/" >"$T/s1.log" 2>&1
check "sink: second run uploads too" stage repository_url="$URL_sink/" >"$T/s2.log" 2>&1
check "sink: both runs said uploaded" [ "$(cat "$T/s1.log" "$T/s2.log" | grep -c '^uploaded')" = 2 ]
check "sink: GETs answer 404" [ "$(records "$REC_sink" '{x["status"] for x in r if x["method"]=="GET"}')" = "{404}" ]

# --- skip_existing: twine's answers, and only those ------------------------
# The stub's index does not list the file (its uploads are all answered
# by the faults below), so the server's answer alone decides.
start_stub sk --user u:p
WHL=$(ls dist/*.whl)
answer() { # answer DESCRIPTION JSON-ANSWER EXPECTED-RC [stage options]
    desc=$1 json=$2 want=$3; shift 3
    fault "$URL_sk" "[$json]"
    stage repository_url="$URL_sk/" retries=0 "$@" >"$T/sk.log" 2>&1 && rc=0 || rc=$?
    if [ "$rc" = "$want" ]; then ok "$desc"; else fail "$desc (exit $rc)"; cat "$T/sk.log"; fi
    case " $* " in
    *" skip_existing=true "*)
        # The same answer to Debian's twine 4.0.2 --skip-existing: the
        # same verdict (it does not ask an index first).
        fault "$URL_sk" "[$json]"
        twine upload --non-interactive --disable-progress-bar --skip-existing \
            --repository-url "$URL_sk/" "$WHL" >"$T/tw.log" 2>&1 && trc=0 || trc=$?
        if [ "$trc" = "$want" ]; then ok "twine agrees: $desc"; else fail "twine disagrees: $desc (twine exit $trc)"; cat "$T/tw.log"; fi
        ;;
    esac
}
answer "pypiserver 409: skipped" '{"status": 409, "reason": "Conflict", "body": ""}' 0 skip_existing=true
check "the skip is said, with the server's text" grep -q "skipped (skip_existing): HTTP 409 Conflict" "$T/sk.log"
answer "PyPI 400, text in the reason only: skipped" \
    '{"status": 400, "reason": "File already exists. See https://pypi.org/help/#file-name-reuse for more information.", "body": ""}' \
    0 skip_existing=true
answer "GCP 400 already exists in the body: skipped" \
    '{"status": 400, "reason": "Bad Request", "body": "the artifact already exists"}' 0 skip_existing=true
answer "Nexus 400 updating asset (reason only): skipped" \
    '{"status": 400, "reason": "Repository does not allow updating assets: pypi-hosted", "body": ""}' 0 skip_existing=true
check "the Nexus reason is shown" grep -q "HTTP 400 Repository does not allow updating assets: pypi-hosted" "$T/sk.log"
answer "Artifactory 403 overwrite artifact: skipped" \
    '{"status": 403, "reason": "Forbidden", "ctype": "application/json", "body": "{\"errors\":[{\"status\":403,\"message\":\"Not enough permissions to delete/overwrite artifact '\''pypi-local:s2n-demo/1.2.0/s2n_demo-1.2.0-py3-none-any.whl'\'' (user: '\''u'\'' needs DELETE permission).\"}]}"}' \
    0 skip_existing=true
answer "GitLab 400 already been taken: skipped" \
    '{"status": 400, "reason": "Bad Request", "ctype": "application/json", "body": "{\"message\":\"Validation failed: File name has already been taken\"}"}' \
    0 skip_existing=true
# Not twine's answers: no skip.
answer "PyPI 400 filename has already been used (deleted file): not skipped" \
    '{"status": 400, "reason": "This filename has already been used, use a different version. See https://pypi.org/help/#file-name-reuse for more information.", "body": ""}' \
    1 skip_existing=true
answer "PyPI's deleted-file text in the body: not skipped (twine does not)" \
    '{"status": 400, "reason": "Bad Request", "body": "This filename has already been used, use a different version."}' \
    1 skip_existing=true
answer "403 already exists (not Artifactory's text): not skipped" \
    '{"status": 403, "reason": "Forbidden", "body": "File already exists"}' 1 skip_existing=true
answer "400 overwrite artifact (Artifactory's text, not its 403): not skipped" \
    '{"status": 400, "reason": "Bad Request", "body": "cannot overwrite artifact"}' 1 skip_existing=true
answer "403 without overwrite artifact: not skipped" \
    '{"status": 403, "reason": "Forbidden", "body": "The user '\''u'\'' isn'\''t allowed to upload to project '\''s2n-demo'\''."}' \
    1 skip_existing=true
answer "Nexus 400 updating asset without skip_existing: fails" \
    '{"status": 400, "reason": "Repository does not allow updating assets: pypi-hosted", "body": ""}' 1
check "the error is the server's reason, not an empty body" \
    grep -q "the index refused it: HTTP 400 Repository does not allow updating assets: pypi-hosted (this file" "$T/sk.log"

# --- the server's own text ---------------------------------------------------
answer "400 with the text in the reason, empty body: fails" \
    '{"status": 400, "reason": "Invalid value for version", "body": ""}' 1
check "reason phrase shown" grep -q "failed: HTTP 400 Invalid value for version$" "$T/sk.log"
check "no (empty response body) when the reason speaks" sh -c "! grep -q 'empty response body' '$T/sk.log'"
answer "400 with the same text in reason and body" \
    '{"status": 400, "reason": "Invalid value for version", "body": "400 Invalid value for version"}' 1
check "said once" [ "$(grep -o 'Invalid value for version' "$T/sk.log" | wc -l)" = 1 ]
answer "PyPI's HTML error page" \
    '{"status": 400, "reason": "Bad Request", "ctype": "text/html; charset=UTF-8", "body": "<html>\n <head>\n  <title>400 Bad Request</title>\n </head>\n <body>\n  <h1>400 Bad Request</h1>\n  The server could not comply with the request since it is either malformed or otherwise incapable of responding.<br/><br/>\nInvalid value for &#x27;version&#x27; &amp; &lt;x&gt; &quot;q&quot; &#65;&#x263a;.\n\n\n </body>\n</html>"}' 1
check "HTML: tags dropped, entities decoded, title/h1/reason said once" grep -qF \
    "HTTP 400 Bad Request: The server could not comply with the request since it is either malformed or otherwise incapable of responding. Invalid value for 'version' & <x> \"q\" A☺." "$T/sk.log"
check "HTML: Bad Request said once" [ "$(grep -o 'Bad Request' "$T/sk.log" | wc -l)" = 1 ]
answer "plain text with angle brackets" \
    '{"status": 400, "reason": "Bad Request", "body": "400 Start filename for '\''s2n-demo'\'' with <s2n_demo>."}' 1
check "plain text is not taken for HTML" grep -qF "HTTP 400 Bad Request: Start filename for 's2n-demo' with <s2n_demo>." "$T/sk.log"
answer "nothing said at all" '{"status": 400, "reason": "", "body": ""}' 1
check "empty reason and body: (empty response body)" grep -q "failed: HTTP 400: (empty response body)" "$T/sk.log"
finish
