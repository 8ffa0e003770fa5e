#!/bin/sh
# venv plugin: install_project installs the workdir's project in editable
# mode (through pip, with its dependencies installed natively first), and
# a change to the project's metadata makes a new environment.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
PY=/usr/bin/python3
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
cp -R "$top_srcdir/tests/venv/fixtures/delta" "$TMP/delta" && chmod -R u+w "$TMP/delta"
cd "$TMP/delta" || exit 1
# Debian's setuptools and wheel build the project: no isolation, and the
# system site-packages visible to the environment.
set -- install_project=true build_isolation=false system_site_packages=true \
    packages=beta==1.0 find_links="$WHEELS" no_index=true
expect_rc "venv with the project" 0 "$S2N" stage venv "$@"
V="$TMP/delta/.s2nbuild/venvs/venv"
contains "dependencies native" "$OUT" "installed 1 wheel(s) natively"
contains "project through pip, said once" "$OUT" "installing the project with pip"
got=$("$V/bin/python" -c 'import delta; print(delta.__file__)' 2>&1)
contains "editable: imports the workdir's sources" "$got" "$TMP/delta/src/delta/__init__.py"
got=$("$V/bin/delta" 2>&1)
contains "project script runs" "$got" "delta sees hello from beta"
check "its shebang names the final venv" test "$(head -1 "$V/bin/delta")" = "#!$V/bin/python"
got=$("$PY" -m pip --disable-pip-version-check --python "$V/bin/python" list --editable 2>&1)
contains "pip lists it as editable" "$got" "$TMP/delta"

expect_rc "unchanged: reused" 0 "$S2N" stage venv "$@"
contains "reused" "$OUT" "reused $V"
sed -i 's/^version = "0.1"/version = "0.2"/' pyproject.toml
expect_rc "project metadata changed" 0 "$S2N" stage venv "$@"
contains "rebuilt" "$OUT" "created $V"
got=$("$V/bin/python" -c 'import importlib.metadata as m; print(m.version("delta"))' 2>&1)
contains "new version installed" "$got" "0.2"
finish
