# lib.sh — sourced by the github-release test scripts: peers, the stage
# runner, and TAP-like checks ending in "N passed, N failed".
set -u
: "${top_srcdir:?run through make check}" "${top_builddir:?run through make check}"
here=$top_srcdir/tests/github-release
S2NBUILD=$top_builddir/s2nbuild
PY=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/ghrel.XXXXXX")
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

passes=0
fails=0
ok() { passes=$((passes + 1)); echo "ok - $*"; }
not_ok() { fails=$((fails + 1)); echo "not ok - $*"; }
# check DESCRIPTION COMMAND...: passes when COMMAND succeeds
check() {
    desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
# has FILE TEXT / lacks FILE TEXT (fixed strings)
has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
finish() {
    echo "$passes passed, $fails failed"
    [ "$fails" -eq 0 ] && [ "$passes" -gt 0 ]
}

# The npm peer is a hard requirement: a missing install is a failure, not a
# skip.  node_modules is looked for in $GHREL_NODE_DIR, beside this file,
# then in the build tree (`setup.sh DIR` installs into DIR; a read-only
# source tree, as in distcheck, takes the build tree).
need_node_modules() {
    for d in ${GHREL_NODE_DIR:-} "$here" "$top_builddir/tests/github-release"; do
        if [ -d "$d/node_modules/@octokit/fixtures-server" ]; then
            NODE_DIR=$(cd "$d" && pwd)
            return 0
        fi
    done
    echo "FAIL: node_modules missing: run tests/github-release/setup.sh (npm install)"
    exit 1
}

# wait_line FILE: the first line a server prints (its base URL)
wait_line() {
    i=0
    while [ ! -s "$1" ] && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    head -1 "$1"
}

start_peer() {
    need_node_modules
    # node resolves imports beside the importing file: run a copy of
    # peer.mjs next to a link to node_modules.
    mkdir -p "$work/peer"
    cp "$here/peer.mjs" "$work/peer/"
    cp -r "$here/scenarios" "$work/peer/"
    ln -s "$NODE_DIR/node_modules" "$work/peer/node_modules"
    (cd "$work/peer" && exec node peer.mjs \
        '{node_modules/@octokit/fixtures/scenarios/**/normalized-fixture.json,scenarios/*.json}') \
        >"$work/peer.out" 2>"$work/peer.err" &
    pids="$pids $!"
    PEER=$(wait_line "$work/peer.out")
    [ -n "$PEER" ] || { echo "FAIL: the peer did not start"; cat "$work/peer.err"; exit 1; }
}

# load SCENARIO: prints the API base of a fresh copy of the scenario
load() {
    curl -sf -XPOST -H 'Content-Type: application/json' "$PEER/fixtures" \
        -d "{\"scenario\":\"$1\"}" | node -pe 'JSON.parse(require("fs").readFileSync(0)).url'
}

start_fake() {
    "$PY" "$here/fakegh.py" "$1" >"$work/fake.out" 2>"$work/fake.err" &
    pids="$pids $!"
    FAKE=$(wait_line "$work/fake.out")
    [ -n "$FAKE" ] || { echo "FAIL: fakegh did not start"; cat "$work/fake.err"; exit 1; }
}
fake() { # fake METHOD PATH [JSON]
    curl -sf -X "$1" "$FAKE$2" ${3:+-d "$3"}
}

# ghrel NAME key=value...: runs the real plugin through the CLI,
# `s2nbuild stage github-release key=value...`, in $work/NAME (the
# workspace); output in $work/NAME.out, exit code in $rc.
ghrel() {
    name=$1
    shift
    marked=$fails
    mkdir -p "$work/$name"
    rc=0
    (cd "$work/$name" && exec "$S2NBUILD" --no-color stage github-release "$@") \
        >"$work/$name.out" 2>&1 || rc=$?
}
# stage_dir NAME: the stage's folder of NAME's last run (notes, plan)
stage_dir() { ls -d "$work/$1"/.s2nbuild/runs/*/github-release | tail -1; }
# mark; checks...; explain NAME: shows NAME's output when a check since mark failed
mark() { marked=$fails; }
explain() { [ "$fails" -eq "${marked:-0}" ] || sed 's/^/    # /' "$work/$1.out"; }
