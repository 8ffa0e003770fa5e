#!/bin/sh
# The notify plugin against a local webhook: the JSON summary with the
# upstream stage's artifact hash, Slack and error paths, and the webhook
# URL (a secret) in none of the outputs of the runs.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
s2n="$top_builddir/s2nbuild"
py=${PYTHON3:-/usr/bin/python3}
ws=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$ws"; }
trap cleanup EXIT
fail=0
"$py" "$top_srcdir/tests/policy/webhook_server.py" "$ws/port" "$ws/posts.jsonl" 50 &
server_pid=$!
i=0
while [ ! -s "$ws/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$ws/port")
token="T0KEN-abc123/xyz+q"
enc=$("$py" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$token")
mkdir -p "$ws/p"
cat > "$ws/p/s2nbuild.yml" <<'YML'
version: 1
secrets: [HOOK_URL]
stages:
  - name: prep
    type: command
    with: {run: "mkdir -p dist && echo wheel > dist/pkg-1.0-py3-none-any.whl", outputs: ["dist/*.whl"]}
  - name: tell
    type: notify
    needs: [prep]
    with:
      url: "${HOOK_URL}"
      text: "built on ${HOOK_BRANCH:-main}"
      format: json
      stages: [prep]
      fields: {job: "policy-test"}
YML
HOOK_URL="http://127.0.0.1:$port/hook/$enc" "$s2n" -C "$ws/p" run > "$ws/run1.out" 2>&1 || {
    echo "FAIL: the pipeline with notify failed"; cat "$ws/run1.out"; fail=1; }

# a refused delivery fails the stage (and is retryable); ignore_errors not
rc=0
"$s2n" -C "$ws" stage notify "url=http://127.0.0.1:$port/fail/$enc" format=slack \
    > "$ws/run2.out" 2>&1 || rc=$?
[ $rc = 1 ] || { echo "FAIL: a 500 answer gave exit $rc, expected 1"; fail=1; }
grep -q "notification refused: HTTP 500" "$ws/run2.out" || { echo "FAIL: no refusal message"; cat "$ws/run2.out"; fail=1; }
mkdir -p "$ws/q"
"$s2n" -C "$ws/q" stage notify "url=http://127.0.0.1:$port/fail/$enc" ignore_errors=true \
    > "$ws/run3.out" 2>&1 || { echo "FAIL: ignore_errors=true still failed"; fail=1; }
# a URL that is no URL: a configuration error before anything runs
rc=0
"$s2n" -C "$ws/q" stage notify url=ftp://example.invalid/x > "$ws/run4.out" 2>&1 || rc=$?
[ $rc = 2 ] || { echo "FAIL: ftp URL gave exit $rc, expected 2"; fail=1; }
grep -q "expected an http:// or https:// URL" "$ws/run4.out" || { echo "FAIL: no URL error"; fail=1; }

"$py" - "$ws/posts.jsonl" "$ws/p/dist/pkg-1.0-py3-none-any.whl" <<'PY' || fail=1
import hashlib, json, sys
posts = [json.loads(l) for l in open(sys.argv[1])]
assert len(posts) == 3, len(posts)
first = posts[0]
assert first["path"].startswith("/hook/"), first["path"]
assert first["type"] == "application/json"
body = json.loads(first["body"])
assert body["text"] == "built on main", body
assert body["fields"] == {"job": "policy-test"}
[stage] = body["stages"]
assert stage["name"] == "prep"
[art] = stage["artifacts"]
assert art["name"] == "pkg-1.0-py3-none-any.whl"
assert art["sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
slack = json.loads(posts[1]["body"])
assert slack["text"].startswith("s2nbuild:"), slack
print("webhook: %d posts ok" % len(posts))
PY

# the token, raw or URL-encoded, in no output at all
for form in "$token" "$enc"; do
    if grep -rqF -- "$form" "$ws"/run*.out "$ws/p/.s2nbuild" "$ws/.s2nbuild" "$ws/q/.s2nbuild"; then
        echo "FAIL: the webhook token leaked as $form:"
        grep -rlF -- "$form" "$ws"/run*.out "$ws/p/.s2nbuild" "$ws/.s2nbuild" "$ws/q/.s2nbuild"
        fail=1
    fi
done
[ $fail = 0 ] && echo "notify: ok"
exit $fail
