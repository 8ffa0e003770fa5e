#!/bin/sh
# Fault injection against fakegh.py (a stateful fake GitHub): dropped
# connections (also half-way through an upload), 502 then success, a lost
# answer to a create, 422 races on create and upload, a broken "starter"
# asset, rate limits (429 retry-after, 403 x-ratelimit-reset, a wait longer
# than max_wait), and the 401/403/404 explanations.  After each: exactly one
# release, no duplicate asset, the same end state as a clean run.
. "$top_srcdir/tests/github-release/lib.sh"
TOKEN=ghs_fakeToken0000000000000000000000000042
start_fake "$TOKEN"
printf 'sha256 sums\n' >"$work/SUMS.txt"
WHEEL=$here/data/demo_pkg-1.2.0-py3-none-any.whl
OPTS="api_url=$FAKE/api token=$TOKEN repo=s2n-fixture-org/demo tag=v1.2.0 target=main
 assets=$WHEEL assets=$work/SUMS.txt notes=$here/data/CHANGES.md retry_delay_ms=10"
reset() { fake POST /_reset "${1:-{\}}" >/dev/null; }
faults() { fake POST /_faults "$1" >/dev/null; }
q() { # PYTHON-EXPRESSION over s (the state) and log (the request log)
    fake GET /_state >"$work/state.json"
    fake GET /_log >"$work/log.json"
    "$PY" -c "import json,sys; s=json.load(open('$work/state.json')); log=json.load(open('$work/log.json')); sys.exit(0 if ($1) else 1)"
}
ONE_RELEASE='len(s) == 1 and not s[0]["draft"]'
TWO_ASSETS='sorted(a["name"] for a in s[0]["assets"]) == ["SUMS.txt", "demo_pkg-1.2.0-py3-none-any.whl"] and all(a["state"] == "uploaded" for a in s[0]["assets"])'

# --- a clean run: the reference end state
reset
ghrel clean $OPTS
check "clean run: succeeds" [ "$rc" -eq 0 ]
check "clean run: one published release with both assets" q "$ONE_RELEASE and $TWO_ASSETS"
check "clean run: media types (text/plain for .txt, octet-stream for the wheel)" \
    q '{a["name"]: a["content_type"] for a in s[0]["assets"]} == {"SUMS.txt": "text/plain", "demo_pkg-1.2.0-py3-none-any.whl": "application/octet-stream"}'
check "clean run: notes set" q 's[0]["body"].startswith("## demo 1.2.0")'
fake GET /_state >"$work/clean.state"
same_as_clean() { fake GET /_state | cmp -s - "$work/clean.state"; }
explain clean

ghrel rerun $OPTS
check "re-run: succeeds" [ "$rc" -eq 0 ]
check "re-run: only the GET by tag" q 'log[-1:] == ["GET /api/repos/s2n-fixture-org/demo/releases/tags/v1.2.0"] and len(log) == 7'
check "re-run: state unchanged" same_as_clean
explain rerun

# --- each fault: name, fault list; the run must recover by itself
while read -r name spec; do
    reset
    faults "$spec"
    ghrel "$name" $OPTS retries=3
    check "$name: succeeds" [ "$rc" -eq 0 ]
    check "$name: same end state as a clean run" same_as_clean
    case $name in
    upload-dropped) check "upload-dropped: the upload was tried twice" \
        q 'sum(1 for l in log if l.startswith("POST /uploads/") and "demo_pkg" in l) == 2' ;;
    create-race) check "create-race: said it re-read" has "$work/create-race.out" "created concurrently" ;;
    upload-starter) check "upload-starter: deleted the broken asset" has "$work/upload-starter.out" "deleted asset" ;;
    esac
    explain "$name"
done <<'LIST'
upload-dropped [{"method":"POST","path":"^/uploads/","action":"drop"}]
upload-502 [{"method":"POST","path":"^/uploads/","action":"502","times":2}]
upload-answer-lost [{"method":"POST","path":"^/uploads/","action":"drop_after"}]
upload-starter [{"method":"POST","path":"^/uploads/","action":"starter"}]
upload-race [{"method":"POST","path":"^/uploads/","action":"race"}]
create-502 [{"method":"POST","path":"/releases$","action":"502"}]
create-answer-lost [{"method":"POST","path":"/releases$","action":"drop_after"}]
create-race [{"method":"POST","path":"/releases$","action":"race"}]
get-dropped [{"method":"GET","path":"/tags/","action":"drop"}]
publish-answer-lost [{"method":"PATCH","path":"/releases/","action":"drop_after"}]
delete-answer-lost [{"method":"DELETE","action":"drop_after"}]
rate-limit-429 [{"method":"GET","path":"/tags/","action":"429","wait":0}]
rate-limit-reset [{"method":"GET","path":"/tags/","action":"ratelimit","wait":1}]
LIST

# --- give-ups: no endless waits, no retries of a final 4xx
reset
faults '[{"method":"GET","path":"/tags/","action":"ratelimit","wait":3600}]'
ghrel longwait $OPTS max_wait=2
check "reset an hour away, max_wait 2: fails" [ "$rc" -eq 1 ]
check "reset an hour away: says so" has "$work/longwait.out" "more than max_wait"
explain longwait
reset
faults '[{"method":"POST","path":"^/uploads/","action":"502","times":9}]'
ghrel persistent-502 $OPTS retries=2
check "502 every time: fails after the retries" [ "$rc" -eq 1 ]
check "502 every time: 3 tries of the first upload" \
    q 'sum(1 for l in log if l.startswith("POST /uploads/")) == 3'
faults '[]'
ghrel persistent-502-rerun $OPTS
check "502 every time, then a re-run: converges" same_as_clean

reset
ghrel badtoken $(echo "$OPTS" | sed "s/token=$TOKEN/token=ghs_wrong/")
check "401: fails" [ "$rc" -eq 1 ]
check "401: explains" has "$work/badtoken.out" "the token was rejected"
check "401: not retried" q 'len(log) == 1'
check "401: the wrong token is not printed" lacks "$work/badtoken.out" "ghs_wrong"
explain badtoken

reset
faults '[{"method":"POST","path":"/releases$","action":"403"}]'
ghrel forbidden $OPTS
check "403: fails" [ "$rc" -eq 1 ]
check "403 from Actions: explains the missing permission" has "$work/forbidden.out" "contents: write"
check "403: not retried, nothing created" q 'len(s) == 0 and sum(1 for l in log if l.startswith("POST")) == 1'
explain forbidden

reset
ghrel norepo $(echo "$OPTS" | sed 's|repo=s2n-fixture-org/demo|repo=s2n-fixture-org/nope|')
check "404 repo: fails" [ "$rc" -eq 1 ]
check "404 repo: explains" has "$work/norepo.out" "does not exist or the token cannot see it"
explain norepo

# --- two drafts for the tag (GitHub allows it): refuse to guess
reset
for i in 1 2; do
    curl -sf -H "Authorization: Bearer $TOKEN" -d '{"tag_name":"v1.2.0","draft":true}' \
        "$FAKE/api/repos/s2n-fixture-org/demo/releases" >/dev/null
done
ghrel twodrafts $OPTS
check "two drafts: fails" [ "$rc" -eq 1 ]
check "two drafts: names them" has "$work/twodrafts.out" "draft releases exist for this tag (ids 2, 1)"
explain twodrafts

# --- a 2 MB asset (fakegh refuses chunked bodies) and a tag with a '/'
reset
head -c 2000000 /dev/urandom >"$work/big.bin"
ghrel big $(echo "$OPTS" | sed 's|tag=v1.2.0|tag=release/v1.2.0|') "assets=$work/big.bin" retries=0
check "2 MB upload with Content-Length: succeeds" [ "$rc" -eq 0 ]
check "2 MB upload: stored whole" q '[a["size"] for a in s[0]["assets"] if a["name"] == "big.bin"] == [2000000]'
ghrel big-again $(echo "$OPTS" | sed 's|tag=v1.2.0|tag=release/v1.2.0|') "assets=$work/big.bin" retries=0
check "tag with a slash: the re-run only reads" q 'log[-1] == "GET /api/repos/s2n-fixture-org/demo/releases/tags/release/v1.2.0" and len(s) == 1'
explain big-again

check "the token never appears in any output" sh -c "! cat '$work'/*.out | grep -qF '$TOKEN'"
check "nor in any file the stage wrote" sh -c "! grep -rqF '$TOKEN' '$work'"
finish
