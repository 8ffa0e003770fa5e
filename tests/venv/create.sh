#!/bin/sh
# venv plugin: the environment itself, made natively, must behave like one
# made by `python3 -m venv` (sys.prefix, site, pip --python, activation,
# include-system-site-packages), be reused when nothing changed, and fail
# clearly for a missing interpreter.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
PY=/usr/bin/python3
cd "$TMP" || exit 1
mkdir ws && cd ws || exit 1

expect_rc "create a venv" 0 "$S2N" stage venv
V="$TMP/ws/.s2nbuild/venvs/venv"
contains "default path under the state dir" "$OUT" "created $V"
check "pyvenv.cfg written" test -f "$V/pyvenv.cfg"
check "bin/python links to the interpreter" test "$(readlink "$V/bin/python3")" = "$PY"
check "python3.X link" test -L "$V/bin/python3.11" -o -L "$V/bin/python3.12"
check "lib64 -> lib as venv makes it" test "$(readlink "$V/lib64")" = lib

# Same keys and values as python -m venv (command aside, and our key).
"$PY" -m venv --without-pip "$TMP/ref" >/dev/null 2>&1
ref=$(grep -v '^command' "$TMP/ref/pyvenv.cfg" | sort)
ours=$(grep -v '^command\|^s2nbuild-key' "$V/pyvenv.cfg" | sort)
if [ "$ref" = "$ours" ]; then ok "pyvenv.cfg matches python -m venv"; else not_ok "pyvenv.cfg differs" "$ref
---
$ours"; fi
refdirs=$(cd "$TMP/ref" && find . -type d | sort)
ourdirs=$(cd "$V" && find . -type d | sort)
if [ "$refdirs" = "$ourdirs" ]; then ok "same folders as python -m venv"; else not_ok "folders differ" "$refdirs
---
$ourdirs"; fi

got=$("$V/bin/python" -c 'import sys, site; print(sys.prefix); print(sys.base_prefix); print(site.getsitepackages()[0]); print(sys.prefix != sys.base_prefix)')
contains "sys.prefix is the venv" "$got" "$V
/usr"
contains "site-packages of the venv" "$got" "$V/lib/python3"
contains "python sees a venv" "$got" "True"
expect_rc "no system site packages by default" 1 "$V/bin/python" -c 'import pip'

# The system pip serves a venv without its own pip.
expect_rc "pip --python list works" 0 "$PY" -m pip --python "$V/bin/python" list
expect_rc "pip --python install into it" 0 "$PY" -m pip --python "$V/bin/python" install \
    --disable-pip-version-check --root-user-action=ignore --no-index \
    -f /usr/share/python-wheels setuptools==66.1.1
check "pip put setuptools in the venv" test -d "$V/lib/python3.11/site-packages/setuptools"

# Activation (bash and POSIX sh).
for sh in bash sh; do
    got=$(PATH=/usr/bin:/bin $sh -c ". '$V/bin/activate'; echo \"\$VIRTUAL_ENV|\$(command -v python)|\$PS1|\$VIRTUAL_ENV_PROMPT\"; deactivate; echo \"after:\${VIRTUAL_ENV:-none}|\$(command -v deactivate || echo gone)\"; case \":\$PATH:\" in *:$V/bin:*) echo still-on-path;; esac")
    contains "$sh: activate sets VIRTUAL_ENV and PATH" "$got" "$V|$V/bin/python|(venv) "
    contains "$sh: deactivate restores" "$got" "after:none|gone"
    lacks "$sh: deactivate removes the PATH entry" "$got" "still-on-path"
done
got=$(PYTHONHOME=/nowhere bash -c ". '$V/bin/activate'; echo \"home=\${PYTHONHOME:-unset}\"; deactivate; echo \"back=\$PYTHONHOME\"")
contains "activate unsets PYTHONHOME and deactivate restores it" "$got" "home=unset
back=/nowhere"
check "fish activate script" grep -q "set -gx VIRTUAL_ENV '$V'" "$V/bin/activate.fish"
check "csh activate script" grep -q "setenv VIRTUAL_ENV '$V'" "$V/bin/activate.csh"

# Unchanged key: reused as is.
expect_rc "second run" 0 "$S2N" stage venv
contains "reused" "$OUT" "reused $V"
check "the reused venv kept what pip added" test -d "$V/lib/python3.11/site-packages/setuptools"

# system_site_packages changes the key: a new environment is swapped in.
expect_rc "system_site_packages=true" 0 "$S2N" stage venv system_site_packages=true
contains "rebuilt" "$OUT" "created $V"
check "include-system-site-packages = true" grep -qx 'include-system-site-packages = true' "$V/pyvenv.cfg"
expect_rc "system packages visible" 0 "$V/bin/python" -c 'import pip'
check "the old environment was replaced" test ! -d "$V/lib/python3.11/site-packages/setuptools"
leftover=$(ls -a "$TMP/ws/.s2nbuild/venvs")
lacks "no temporary folders left beside" "$leftover" "s2n-"

# Outputs for downstream stages.
rec="$TMP/ws/.s2nbuild/runs/latest/record.json"
got=$(json_get "$rec" "[s for s in j['stages'] if s['name']=='venv'][0].get('outputs')" 2>&1)
contains "python output published" "$got" "$V/bin/python"

# An explicit path and prompt.
expect_rc "explicit path" 0 "$S2N" stage venv path=envs/.venv prompt=proj
check "created at the path" test -x "$TMP/ws/envs/.venv/bin/python"
check "prompt used" grep -q "(proj) " "$TMP/ws/envs/.venv/bin/activate"

# A folder that is not a venv is never replaced.
mkdir -p "$TMP/ws/data" && echo keep > "$TMP/ws/data/file"
expect_rc "refuses a non-venv folder" 1 "$S2N" stage venv path=data
contains "says why" "$OUT" "not a virtual environment"
check "folder untouched" test -f "$TMP/ws/data/file"

# An interpreter inside a venv stands for its base (as python -m venv does).
expect_rc "venv from a venv's python" 0 "$S2N" stage venv path=nested python="$V/bin/python"
check "nested: links the base interpreter" test "$(readlink "$TMP/ws/nested/bin/python3")" = "$PY"
check "nested: home is the base's folder" grep -qx 'home = /usr/bin' "$TMP/ws/nested/pyvenv.cfg"
got=$("$TMP/ws/nested/bin/python" -c 'import sys; print(sys.prefix, sys.base_prefix)')
contains "nested: prefix and base prefix" "$got" "$TMP/ws/nested /usr"
expect_rc "pip fallback from a venv's python" 0 "$S2N" stage venv path=nested2 python="$V/bin/python" \
    packages='setuptools>=60' find_links=/usr/share/python-wheels no_index=true
check "pip ran from the base interpreter" test -d "$TMP/ws/nested2/lib/python3.11/site-packages/setuptools"

# An empty folder is fine; what a killed run left beside is cleaned up.
mkdir -p "$TMP/ws/empty" "$TMP/ws/empty.s2n-new-999999/bin"
expect_rc "empty folder becomes a venv" 0 "$S2N" stage venv path=empty
check "venv there" test -f "$TMP/ws/empty/pyvenv.cfg"
check "stale temporary folder of a dead run removed" test ! -e "$TMP/ws/empty.s2n-new-999999"

# Missing interpreter.
expect_rc "missing interpreter" 1 "$S2N" stage venv path=other python=/nonexistent/python3
contains "names the interpreter" "$OUT" "python interpreter /nonexistent/python3 not found"
check "nothing created" test ! -e "$TMP/ws/other"
finish
