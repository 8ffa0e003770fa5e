#!/bin/sh
# The HTML report of a real run (s2nbuild run with a passing, a failing, a
# not-run stage and a secret), rendered by headless Chromium: assertions
# on the rendered DOM, a screenshot kept in the build tree, and no form
# of the secret anywhere in the report.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
s2n="$top_builddir/s2nbuild"
tool="$top_builddir/tests/policy/policy-tool"
py=${PYTHON3:-/usr/bin/python3}
ws=$(mktemp -d)
trap 'rm -rf "$ws"' EXIT
fail=0
secret='tok-Very/Secret+123'
cat > "$ws/s2nbuild.yml" <<'YML'
version: 1
secrets: [S2N_T_TOKEN]
stages:
  - name: prep
    type: command
    with:
      run: "echo preparing; mkdir -p dist; echo wheel > dist/pkg-1.0-py3-none-any.whl"
      outputs: ["dist/*.whl"]
  - {name: test, type: command, needs: [prep], with: {run: "echo token is $S2N_T_TOKEN; echo '<script>alert(1)</script>'"}}
  - {name: lint, type: command, needs: [prep], with: {run: "echo bad style >&2; exit 3"}}
  - {name: publish, type: command, needs: [test, lint], with: {run: "echo never"}}
YML
rc=0
S2N_T_TOKEN=$secret "$s2n" -C "$ws" run -k -q > "$ws/run.out" 2>&1 || rc=$?
[ $rc = 1 ] || { echo "FAIL: s2nbuild run exited $rc, expected 1"; cat "$ws/run.out"; exit 1; }
run_dir="$ws/.s2nbuild/runs/latest"
"$tool" report "$run_dir"
html="$run_dir/report.html"
[ -s "$html" ] || { echo "FAIL: no report.html"; exit 1; }

# no form of the secret (raw, base64, URL-encoded), no live script tag
b64=$(printf %s "$secret" | base64)
url=$("$py" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$secret")
for form in "$secret" "$b64" "$url"; do
    if grep -qF -- "$form" "$html"; then echo "FAIL: the report contains the secret as $form"; fail=1; fi
done
if grep -q '<script' "$html"; then echo "FAIL: a <script> tag in the report"; fail=1; fi
# self-contained: nothing loaded from elsewhere
if grep -Eq '(src|href)="(https?:)?//' "$html"; then echo "FAIL: external resource"; fail=1; fi

if ! command -v chromium > /dev/null 2>&1; then
    echo "SKIP: no chromium (Debian package chromium) to render the report"
    [ $fail = 0 ] && exit 77 || exit 1
fi
profile=$(mktemp -d)
flags="--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
--disable-component-update --disable-sync --user-data-dir=$profile"
# shellcheck disable=SC2086
chromium $flags --dump-dom "file://$html" > "$ws/dom.html" 2> "$ws/chromium.err" || {
    echo "FAIL: chromium could not render the report"; tail -5 "$ws/chromium.err"; fail=1; }
shot="$top_builddir/tests/policy/report-screenshot.png"
# shellcheck disable=SC2086
chromium $flags --window-size=1200,900 --screenshot="$shot" "file://$html" > /dev/null 2>&1 || true
rm -rf "$profile"
[ -s "$shot" ] && echo "screenshot: $shot" || { echo "FAIL: no screenshot"; fail=1; }

"$py" - "$ws/dom.html" "$secret" <<'PY' || fail=1
import sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.header, self.text, self.tags = {}, None, [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "tr" and "stage" in (a.get("class") or "").split():
            self.rows[a["data-stage"]] = a["data-result"]
        if tag == "header":
            self.header = a
    def handle_data(self, data):
        self.text.append(data)

dom = Dom()
dom.feed(open(sys.argv[1], encoding="utf-8").read())
text = "".join(dom.text)
assert dom.rows == {"prep": "ok", "test": "ok", "lint": "failed", "publish": "not-run"}, dom.rows
assert dom.header and dom.header.get("data-result") == "failed", dom.header
assert "script" not in dom.tags, "a script element was rendered"
assert "<script>alert(1)</script>" in text, "the log line should show as text"
assert "command exited with status 3" in text
assert "not run: needs 'lint', which failed" in text
assert "pkg-1.0-py3-none-any.whl" in text
assert "1f148121b804b2d30f7b87856b0840eba32af90607328a5756802771f8dbff57" in text, "artifact sha256"
assert "token is ***" in text
assert sys.argv[2] not in text
print("rendered DOM: %d stages ok" % len(dom.rows))
PY
[ $fail = 0 ] && echo "report: ok"
exit $fail
