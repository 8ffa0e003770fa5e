# Shared helpers for the twine stage tests (sourced).  Each test gets a
# scratch folder, a stub index server (killed by PID on exit), fixture
# distributions built with Debian's python3 -m build, and `s2nbuild`.
set -eu
: "${top_srcdir:?run through make check}" "${top_builddir:?run through make check}"
PY=/usr/bin/python3
S2NBUILD="$top_builddir/s2nbuild"
T=$(mktemp -d "${TMPDIR:-/tmp}/s2n-twine-test.XXXXXX")
STUB_PIDS=""
cleanup() {
    for p in $STUB_PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $STUB_PIDS; do wait "$p" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT
# No user configuration leaks in: an empty HOME, no TWINE_* variables.
export HOME="$T/home"
mkdir -p "$HOME"
unset TWINE_USERNAME TWINE_PASSWORD TWINE_REPOSITORY TWINE_REPOSITORY_URL TWINE_CERT || true
# The stub servers are on loopback: no proxy in between.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy || true
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export NO_COLOR=1

FAILS=0
PASSES=0
ok() { PASSES=$((PASSES + 1)); echo "ok: $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() { d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
# checks DESCRIPTION 'CONDITION': a shell condition (&&, functions) eval'd here.
checks() { if eval "$2"; then ok "$1"; else fail "$1"; fi; }
finish() {
    echo "$PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}

# start_stub NAME [stub options...]: sets URL_<NAME>, REC_<NAME>.
start_stub() {
    name=$1; shift
    rec="$T/records-$name.json"
    "$PY" "$top_srcdir/tests/twine/stub_index.py" --record "$rec" "$@" >"$T/stub-$name.url" &
    STUB_PIDS="$STUB_PIDS $!"
    i=0
    while [ ! -s "$T/stub-$name.url" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    [ -s "$T/stub-$name.url" ] || { echo "stub server did not start"; exit 1; }
    eval "URL_$name=\$(cat \"\$T/stub-\$name.url\")"
    eval "REC_$name=\$rec"
}

# fault URL JSON-LIST: queue faults for the next uploads.
fault() {
    "$PY" -c 'import sys,urllib.request as u; u.urlopen(u.Request(sys.argv[1]+"/_fault", data=sys.argv[2].encode(), method="POST")).read()' "$1" "$2"
}

# records FILE EXPR: evaluate a Python expression over the records (r).
records() {
    "$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); posts=[x for x in r if x["method"]=="POST"]; print(eval(sys.argv[2]))' "$1" "$2"
}

# build_fixture DIR [VERSION [README-TEXT]]: sdist + wheel of the fixture
# project into DIR/dist.
build_fixture() {
    dir=$1; ver=${2:-1.2.0}; readme=${3:-}
    mkdir -p "$dir"
    cp -r "$top_srcdir/tests/twine/fixture/." "$dir/"
    chmod -R u+w "$dir"
    if [ "$ver" != 1.2.0 ]; then
        sed -i "s/^version = .*/version = \"$ver\"/" "$dir/pyproject.toml"
    fi
    if [ -n "$readme" ]; then printf '%s\n' "$readme" >>"$dir/README.md"; fi
    (cd "$dir" && "$PY" -m build --no-isolation -o dist . >"$dir/build.log" 2>&1) ||
        { cat "$dir/build.log"; exit 1; }
}

# stage [key=value...]: run the twine stage in the current directory.
stage() {
    "$S2NBUILD" stage twine "$@"
}
