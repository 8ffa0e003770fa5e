#!/bin/sh
# Secrets never appear in any output of a run: console, logs, record,
# junit — nor their base64 or URL-encoded forms.
. "$top_srcdir/tests/lib.sh"
cd "$TMP"
export MY_TOKEN='s3cr3t-T0ken/with+chars'
b64=$(printf %s "$MY_TOKEN" | base64)
url=$("$PYTHON3" -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$MY_TOKEN")
cat > s2nbuild.yml <<'Y'
version: 1
secrets: [MY_TOKEN]
stages:
  - name: leak
    type: command
    with:
      run: |
        echo "plain $MY_TOKEN"
        printf %s "$MY_TOKEN" | base64
        python3 -c 'import os,urllib.parse; print("url", urllib.parse.quote(os.environ["MY_TOKEN"], safe=""))'
        printf 'split %s' "${MY_TOKEN%%T0ken*}"; sleep 0.2; printf '%s\n' "T0ken/with+chars"
        echo "in message $MY_TOKEN" >&2
        exit 1
Y
expect_rc "run with a secret" 1 "$S2N" run
all="$OUT
$(cat .s2nbuild/runs/latest/*.log .s2nbuild/runs/latest/record.json .s2nbuild/runs/latest/junit.xml)"
lacks "raw secret masked everywhere" "$all" "$MY_TOKEN"
lacks "base64 form masked" "$all" "$b64"
lacks "url-encoded form masked" "$all" "$url"
contains "mask marker visible" "$all" "plain ***"
contains "secret split across writes masked" "$all" "split ***"
finish
