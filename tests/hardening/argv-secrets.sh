#!/bin/sh
# Secrets never appear in the argv of a process s2nbuild or a plugin
# spawns (every user can read argv in /proc/PID/cmdline).  Each stage that
# handles a credential runs under strace, which logs every execve with its
# full argv; the secret must appear there in no form: raw, URL-encoded,
# base64, or base64 inside an HTTP Basic "user:secret".
# scratch on a tmpfs when there is one (new inodes on a disk are slow)
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    TMPDIR=/dev/shm
    export TMPDIR
fi
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
if ! command -v strace >/dev/null 2>&1; then
    echo "NOT RUN: argv-secrets.sh: strace is missing (this is not a pass)"; exit 77
fi
if ! strace -f -qq -e trace=execve -o /dev/null true 2>/dev/null; then
    echo "NOT RUN: argv-secrets.sh: strace cannot trace here (ptrace refused; this is not a pass)"; exit 77
fi
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
SECRET='Zq7-s3cr3t/Pw+x=9'
U='ci-bot'
enc() { "$PYTHON3" -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
SECRET_URL=$(enc "$SECRET")
forms() {
    printf '%s\n' "$SECRET" "$SECRET_URL" "$(printf %s "$SECRET_URL" | tr 'A-F' 'a-f')"
    printf %s "$SECRET" | base64 -w0; echo
    printf %s "$SECRET" | base64 -w0 | tr -d =; echo
    printf %s "$U:$SECRET" | base64 -w0 | cut -c5-; echo   # the secret's part of a Basic header
}
# traced NAME EXPECTED_RC ARGS...: runs s2nbuild under strace; the execve
# lines of the trace must hold no form of the secret.
traced() {
    local n=$1 rc=$2; shift 2
    rm -f "$TMP/trace"
    # LeakSanitizer cannot run under ptrace (sanitizer builds); the other
    # tests look for leaks.
    OUT=$(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        strace -f -qq -e trace=execve -s 65535 -o "$TMP/trace" "$S2N" "$@" 2>&1); RC=$?
    if [ "$RC" = "$rc" ]; then ok "$n (exit $RC)"; else not_ok "$n: exit $RC, wanted $rc" "$OUT"; fi
    local leaks= f
    for f in $(forms); do
        grep -F -- "$f" "$TMP/trace" | grep -q execve && leaks="$leaks
$(grep -F -- "$f" "$TMP/trace" | grep execve | head -3)"
    done
    local execs
    execs=$(grep -c 'execve(' "$TMP/trace")
    if [ -z "$leaks" ]; then ok "$n: the secret is in none of $execs execve argv"
    else not_ok "$n: the secret is on a command line" "$leaks"; fi
}
cd "$TMP" || exit 1
export PIP_RETRIES=0 PIP_TIMEOUT=3
# A port where nothing listens: requests fail at once.
DEAD=$("$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# 1. venv through pip, with credentialed index URLs: pip must still get
#    them (its log shows them with the password replaced by ****).
mkdir -p venv && cd venv
cat > s2nbuild.yml <<YML
version: 1
stages:
  - name: env
    type: venv
    with:
      native: false
      packages: ["alpha==1.0"]
      index_url: "http://$U:$SECRET_URL@127.0.0.1:$DEAD/simple"
      extra_index_url: ["http://$U:$SECRET_URL@127.0.0.1:$DEAD/extra"]
      find_links: ["$WHEELS"]
YML
traced "venv stage with pip and credentialed indexes" 0 run
log=$(cat .s2nbuild/runs/latest/env.log)
contains "pip was given the index" "$log" "http://$U:****@127.0.0.1:$DEAD/simple"
contains "pip was given the extra index" "$log" "http://$U:****@127.0.0.1:$DEAD/extra"
cd "$TMP"

# 2. twine: a password for an upload server.
mkdir -p twine/dist && cd twine && cp "$WHEELS"/alpha-1.0-*.whl dist/
export TWINE_PASSWORD="$SECRET"
cat > s2nbuild.yml <<YML
version: 1
secrets: [TWINE_PASSWORD]
stages:
  - name: up
    type: twine
    with:
      repository_url: "http://127.0.0.1:$DEAD/legacy/"
      index_url: "http://127.0.0.1:$DEAD/simple/"
      username: $U
      password: \${TWINE_PASSWORD}
      check: false
      retries: 0
YML
traced "twine stage with a password" 1 run
unset TWINE_PASSWORD
cd "$TMP"

# 3. github-release: a token, in a git checkout (the stage runs git).
mkdir -p ghrel && cd ghrel
git init -q . && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m init
export GITHUB_TOKEN="$SECRET"
cat > s2nbuild.yml <<YML
version: 1
secrets: [GITHUB_TOKEN]
stages:
  - name: rel
    type: github-release
    with: { repo: example/project, tag: v1.0.0, api_url: "http://127.0.0.1:$DEAD", retries: 0 }
YML
traced "github-release stage with a token" 1 run
unset GITHUB_TOKEN
cd "$TMP"

# 4. notify: a webhook URL whose path is the secret.
mkdir -p notify && cd notify
export HOOK="http://127.0.0.1:$DEAD/hooks/$SECRET_URL"
cat > s2nbuild.yml <<YML
version: 1
secrets: [HOOK]
stages:
  - name: ping
    type: notify
    with: { url: "\${HOOK}", timeout: 2 }
YML
traced "notify stage with a secret webhook" 1 run
unset HOOK
cd "$TMP"

# 5. command stage: declared secrets reach the command through its
#    environment, from a variable and from a file.
mkdir -p cmd && cd cmd
printf '%s\n' "$SECRET" > token.txt && chmod 600 token.txt
export ENV_TOKEN="$SECRET"
cat > s2nbuild.yml <<'YML'
version: 1
secrets: [ENV_TOKEN, {name: FILE_TOKEN, file: token.txt}]
stages:
  - name: use
    type: command
    with:
      run: 'test "$ENV_TOKEN" = "$FILE_TOKEN" && test -n "$FILE_TOKEN" && echo same'
YML
traced "command stage reading secrets from its environment" 0 run
contains "both secrets reached the command" "$OUT" "same"
unset ENV_TOKEN
cd "$TMP"

# 6. sphinx publish to an HTTP git server that wants the credentials of
#    the remote URL: the push works, and the token is on no command line.
mkdir -p srv && git init -q --bare srv/site.git
"$PYTHON3" "$top_srcdir/tests/hardening/githttp.py" "$TMP/srv" "$U" "$SECRET" > srv/port &
SRV=$!
trap 'kill "$SRV" 2>/dev/null; rm -rf "$TMP"' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do [ -s srv/port ] && break; sleep 0.2; done
PORT=$(cat srv/port)
cp -R "$top_srcdir/tests/sphinx/fixture" docs && chmod -R u+w docs && cd docs
git init -q . && git add -A && git -c user.email=t@t -c user.name=t commit -qm init
export HOME="$TMP/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
cat > s2nbuild.yml <<YML
version: 1
stages:
  - name: docs
    type: sphinx
    with:
      archive: false
      publish: { remote: "http://$U:$SECRET_URL@127.0.0.1:$PORT/site.git" }
YML
traced "sphinx publish with a token in the remote URL" 0 run
check "the site reached the server's gh-pages" git -C "$TMP/srv/site.git" cat-file -e gh-pages:index.html
kill "$SRV" 2>/dev/null
finish
