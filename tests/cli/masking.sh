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
secrets: [MY_TOKEN, MY_PEM]
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
        python3 -c 'import os,sys; t=os.environ["MY_TOKEN"]; sys.stdout.write("x"*65530+t+"\n")'
        python3 -c 'import os,sys,time; t=os.environ["MY_TOKEN"]; sys.stdout.write("y"*65530+t[:9]); sys.stdout.flush(); time.sleep(0.2); sys.stdout.write(t[9:]+"\n")'
        printf 'pem %s\n' "$MY_PEM"
        exit 1
Y
# A line longer than 64 KiB is cut: never inside a secret, also when
# the secret arrives in two writes around the cut.  A secret of several
# lines (a PEM key) is masked line by line, as output is.
export MY_PEM='-----BEGIN KEY-----
bXlwcml2YXRla2V5bGluZTE=
bXlwcml2YXRla2V5bGluZTI=
-----END KEY-----'
expect_rc "run with a secret" 1 "$S2N" run
all="$OUT
$(cat .s2nbuild/runs/latest/*.log .s2nbuild/runs/latest/record.json .s2nbuild/runs/latest/junit.xml)"
lacks "raw secret masked everywhere" "$all" "$MY_TOKEN"
lacks "base64 form masked" "$all" "$b64"
lacks "url-encoded form masked" "$all" "$url"
contains "mask marker visible" "$all" "plain ***"
contains "secret split across writes masked" "$all" "split ***"
lacks "no part of a secret at a 64 KiB cut" "$all" "T0ken"
lacks "no head of a secret at a 64 KiB cut" "$all" "s3cr3t-"
lacks "lines of a multi-line secret masked" "$all" "bXlwcml2YXRla2V5bGluZT"
contains "the long lines are still there" "$all" "xxxxxxxxxxxxxxxx"

# ${SECRET} in a command's run would be filled in before the process
# starts and sit in its argv (/proc/PID/cmdline): refused before anything
# runs, in both forms; $$SECRET (the shell's $SECRET) is the way.
mkdir argv && cat > argv/s2nbuild.yml <<'YML'
version: 1
secrets: [MY_TOKEN]
stages:
  - name: s
    type: command
    with: { run: "curl -H 'Authorization: ${MY_TOKEN}' http://127.0.0.1:9/" }
  - name: v
    type: command
    with: { run: ["echo", "${MY_TOKEN}"] }
  - name: ok
    type: command
    with: { run: "test -n \"$$MY_TOKEN\" && echo from-env" }
YML
expect_rc "a secret interpolated into a command line is refused" 2 "$S2N" -C argv validate
contains "with its position and the way out" "$OUT" "s2nbuild.yml:6:18: run: \${MY_TOKEN} would put the secret on the command line (visible in /proc); write \$MY_TOKEN"
contains "the argv form too" "$OUT" "s2nbuild.yml:9:27: run: \${MY_TOKEN} would put"
lacks "the shell's own \$MY_TOKEN is fine" "$OUT" ":12:"
sed -i '/name: s$/,/9\/"/d; /name: v$/,/MY_TOKEN}"\] }/d' argv/s2nbuild.yml
expect_rc "\$MY_TOKEN reaches the command through its environment" 0 "$S2N" -C argv run
contains "it was there" "$OUT" "from-env"
finish
