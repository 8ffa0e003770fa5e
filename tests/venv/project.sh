#!/bin/sh
# venv plugin: install_project installs the workdir's project in editable
# mode: natively for static PEP 621 metadata (an editable wheel with a
# .pth, direct_url.json marking it editable), through pip for a setup.py
# project; a change to the project's metadata makes a new environment.
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
contains "dependencies and project native" "$OUT" "installed 2 wheel(s) natively (the project editable among them)"
lacks "pip not used" "$OUT" "installing the project with pip"
got=$("$V/bin/python" -c 'import delta; print(delta.__file__)' 2>&1)
contains "editable: imports the workdir's sources" "$got" "$TMP/delta/src/delta/__init__.py"
got=$("$V/bin/delta" 2>&1)
contains "project script runs" "$got" "delta sees hello from beta"
check "its shebang names the final venv" test "$(head -1 "$V/bin/delta")" = "#!$V/bin/python"
got=$("$PY" -m pip --disable-pip-version-check --python "$V/bin/python" list --editable 2>&1)
contains "pip lists it as editable" "$got" "$TMP/delta"
got=$("$PY" -m pip --disable-pip-version-check --python "$V/bin/python" show delta 2>&1)
contains "pip show: editable location" "$got" "Editable project location: $TMP/delta"
contains "pip show: requires beta" "$got" "Requires: beta"
got=$("$V/bin/python" -c 'import importlib.metadata as m; d = m.distribution("delta"); print(d.version, d.requires, d.entry_points[0].value)' 2>&1)
contains "importlib.metadata of the project" "$got" "0.1 ['beta==1.0'] delta:main"

expect_rc "unchanged: reused" 0 "$S2N" stage venv "$@"
contains "reused" "$OUT" "reused $V"
sed -i 's/^version = "0.1"/version = "0.2"/' pyproject.toml
expect_rc "project metadata changed" 0 "$S2N" stage venv "$@"
contains "rebuilt" "$OUT" "created $V"
got=$("$V/bin/python" -c 'import importlib.metadata as m; print(m.version("delta"))' 2>&1)
contains "new version installed" "$got" "0.2"

# A dependency the requirements do not pin: pip installs the project.
expect_rc "project whose dependency is not pinned" 0 "$S2N" stage venv path=open \
    install_project=true build_isolation=false system_site_packages=true find_links="$WHEELS" no_index=true
contains "one line says why" "$OUT" "installing the project with pip: delta 0.2 requires beta==1.0, which the requirements do not pin"
check "pip installed it with its dependency" test -f "$TMP/delta/open/lib/python3.11/site-packages/beta/__init__.py"

# A setup.py project needs its backend: pip.
cp -R "$top_srcdir/tests/venv/fixtures/beta" "$TMP/betaproj" && chmod -R u+w "$TMP/betaproj"
cd "$TMP/betaproj" || exit 1
expect_rc "setup.py project" 0 "$S2N" stage venv install_project=true build_isolation=false system_site_packages=true
contains "pip, and why" "$OUT" "installing the project with pip: the project has a setup.py"
got=$("$TMP/betaproj/.s2nbuild/venvs/venv/bin/python" -c 'import beta; print(beta.__file__)' 2>&1)
contains "editable from the project folder" "$got" "$TMP/betaproj/beta/__init__.py"
finish
