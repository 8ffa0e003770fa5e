#!/bin/sh
# venv plugin in a pipeline: the environment (requirements native, the
# project editable) feeds the pytest stage through its `python` output;
# an unchanged pipeline reuses the environment.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
[ -x "$top_builddir/plugins/pytest/.libs/s2n-pytest.so" ] || [ -f "$top_builddir/plugins/pytest/s2n-pytest.la" ] \
    || { not_ok "the pytest plugin is not built"; finish; }
mkdir -p "$TMP/ws" && cd "$TMP/ws" || exit 1
cp -R "$top_srcdir/tests/venv/fixtures/delta" proj && chmod -R u+w proj
mkdir -p proj/tests
cat > proj/tests/test_delta.py <<'PYEOF'
import sys

import beta
import delta


def test_runs_in_the_venv():
    assert sys.prefix.endswith("/.s2nbuild/venvs/env")
    assert delta.__file__.endswith("proj/src/delta/__init__.py")


def test_dependency_installed_natively():
    import importlib.metadata as m
    assert m.distribution("beta").read_text("INSTALLER").strip() == "s2nbuild"
    assert beta.greeting() == "hello from beta"
PYEOF
printf 'beta==1.0\n' > proj/requirements.txt
cat > s2nbuild.yml <<YML
version: 1
workdir: proj
stages:
  - name: env
    type: venv
    with:
      system_site_packages: true   # Debian's pytest
      requirements: [requirements.txt]
      find_links: ["$WHEELS"]
      no_index: true
      install_project: true
  - name: test
    type: pytest
    needs: [env]
YML
expect_rc "pipeline runs" 0 "$S2N" run
contains "environment created" "$OUT" "created $TMP/ws/.s2nbuild/venvs/env"
contains "tests ran in it" "$OUT" "2 passed, 0 failed"
log=$(cat .s2nbuild/runs/latest/env.log 2>/dev/null)
contains "requirements and project native" "$log" "installed 2 wheel(s) natively (the project editable among them)"
# The core's stage cache may restore both stages; without it the venv
# stage runs and finds its environment up to date.
expect_rc "pipeline again" 0 "$S2N" run
contains "tests pass again" "$OUT" "2 passed, 0 failed"
expect_rc "pipeline again, no stage cache" 0 "$S2N" run --no-cache
contains "environment reused" "$OUT" "reused $TMP/ws/.s2nbuild/venvs/env"
contains "tests ran again" "$OUT" "2 passed, 0 failed"
finish
