# Sourced by the venv tests: builds the fixture wheels once per build tree
# (real setuptools through `pip wheel`, sources copied so the source tree
# stays clean) into $WHEELS, and puts Debian's own wheels beside them.
# A lock keeps parallel test scripts from building twice.
WHEELS="$top_builddir/tests/venv/wheels"
# Hermetic: pip settings of the machine (PIP_FIND_LINKS=/opt/wheels...)
# would add sources to both pip and the native installer.
unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_FIND_LINKS PIP_NO_INDEX PIP_CONSTRAINT \
    PIP_REQUIRE_HASHES PIP_REQUIREMENT
export PIP_DISABLE_PIP_VERSION_CHECK=1
# pip_in VENV ARGS...: Debian's pip acting on the environment VENV (the
# reference every venv test compares with).
pip_in() { v=$1; shift; /usr/bin/python3 -m pip --disable-pip-version-check --python "$v/bin/python" "$@"; }
venv_build_wheels() {
    mkdir -p "$top_builddir/tests/venv"
    (
        flock 9
        if [ ! -f "$WHEELS/.done" ]; then
            rm -rf "$WHEELS" "$WHEELS.src"
            mkdir -p "$WHEELS" "$WHEELS.src"
            for p in alpha beta gamma; do
                cp -R "$top_srcdir/tests/venv/fixtures/$p" "$WHEELS.src/$p"
                chmod -R u+w "$WHEELS.src/$p"
                "$PYTHON3" -m pip wheel --disable-pip-version-check --no-index --no-deps \
                    --no-build-isolation -q -w "$WHEELS" "$WHEELS.src/$p" >/dev/null 2>&1 || exit 1
            done
            rm -rf "$WHEELS.src"
            touch "$WHEELS/.done"
        fi
    ) 9>"$top_builddir/tests/venv/.wheels.lock"
}

# venv_make_index DIR: a PEP 503 simple index of $WHEELS under DIR, with
# #sha256 fragments and data-requires-python, as pip reads it.
venv_make_index() {
    for w in "$WHEELS"/*.whl; do
        f=$(basename "$w"); n=$(echo "$f" | cut -d- -f1 | tr 'A-Z_.' 'a-z--')
        mkdir -p "$1/$n"; cp "$w" "$1/$n/"
        sha=$(sha256sum "$w" | cut -d' ' -f1)
        printf '<!DOCTYPE html><html><body><a href="%s#sha256=%s" data-requires-python="&gt;=3.7">%s</a></body></html>\n' \
            "$f" "$sha" "$f" > "$1/$n/index.html"
    done
}
