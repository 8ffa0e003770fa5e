#!/bin/sh
# venv plugin, differential: the same wheels (the fixtures plus Debian's
# pip and setuptools wheels) installed by the real pip and by the native
# installer give the same files, contents, modes and RECORD rows
# (INSTALLER/REQUESTED/direct_url and .pyc bytes aside), the same
# `pip list` / `pip check`, and `pip uninstall` leaves both empty.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
PY=/usr/bin/python3
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
cd "$TMP" || exit 1
pipw=$(ls /usr/share/python-wheels/pip-*.whl | head -1)
stw=$(ls /usr/share/python-wheels/setuptools-*.whl | head -1)
pipv=$(basename "$pipw" | cut -d- -f2)
stv=$(basename "$stw" | cut -d- -f2)
# A platform wheel made here: Root-Is-Purelib false, .data/purelib,
# .data/headers and .data/data, a file missing from RECORD, a gui script.
mkdir -p "$TMP/extra"
"$PY" - "$TMP/extra" <<'PYEOF'
import base64, hashlib, sys, zipfile
from pip._vendor.packaging import tags
tag = str(next(iter(tags.sys_tags())))
out = sys.argv[1]
files = {
    "epsilon/__init__.py": b"from epsilon import _impl\nVALUE = _impl.VALUE\n",
    "epsilon/_impl.py": b"VALUE = 'platlib'\n",
    "epsilon-2.0.data/purelib/epsilon_pure.py": b"PURE = True\n",
    "epsilon-2.0.data/headers/epsilon.h": b"#define EPSILON 2\n",
    "epsilon-2.0.data/data/share/epsilon/notes.txt": b"notes\n",
    "epsilon-2.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: epsilon\nVersion: 2.0\n",
    "epsilon-2.0.dist-info/WHEEL": ("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: %s\n" % tag).encode(),
    "epsilon-2.0.dist-info/entry_points.txt": b"[gui_scripts]\nepsilon-gui = epsilon:VALUE.upper\n",
}
unlisted = {"epsilon/unlisted.txt": b"not in RECORD\n"}
def rec(d):
    return "sha256=%s,%d" % (base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b"=").decode(), len(d))
record = "".join("%s,%s\n" % (p, rec(d)) for p, d in files.items()) + "epsilon-2.0.dist-info/RECORD,,\n"
with zipfile.ZipFile("%s/epsilon-2.0-%s.whl" % (out, tag), "w", zipfile.ZIP_DEFLATED) as z:
    for p, d in list(files.items()) + list(unlisted.items()):
        z.writestr(p, d)
    z.writestr("epsilon-2.0.dist-info/RECORD", record)
PYEOF
cat > req.txt <<REQ
epsilon==2.0
alpha[fast]==1.0
beta==1.0
gamma-lib==0.5
pip==$pipv
setuptools==$stv
REQ

"$PY" -m venv --without-pip "$TMP/bypip" >/dev/null 2>&1
expect_rc "pip installs the set" 0 pip_in "$TMP/bypip" install --root-user-action=ignore --no-index \
    -f "$WHEELS" -f "$TMP/extra" -f /usr/share/python-wheels -r req.txt
expect_rc "native install of the same set" 0 "$S2N" stage venv path="$TMP/native" requirements=req.txt \
    find_links="$WHEELS" find_links="$TMP/extra" find_links=/usr/share/python-wheels no_index=true
contains "it was native" "$OUT" "installed 6 wheel(s) natively"

OUT=$("$PY" "$top_srcdir/tests/venv/compare.py" --pyc "$TMP/bypip" "$TMP/native" 2>&1)
if [ $? -eq 0 ]; then ok "same files, contents, modes, RECORD rows and .pyc code"; else not_ok "environments differ" "$OUT"; fi
contains "compared a real number of files" "$OUT" "files compared, 0 differences"

# Again from the filled unpacked-wheel cache (hard links, cached .pyc),
# and with the cache turned off.
expect_rc "native install from the wheel cache" 0 "$S2N" stage venv path="$TMP/linked" requirements=req.txt \
    find_links="$WHEELS" find_links="$TMP/extra" find_links=/usr/share/python-wheels no_index=true
check "files are hard links into the cache" test "$(stat -c %h "$TMP/linked/lib/python3.11/site-packages/alpha/cli.py")" -ge 3
check "cached pyc linked too" test "$(stat -c %h "$TMP/linked/lib/python3.11/site-packages/alpha/__pycache__/cli.cpython-311.pyc")" -ge 3
OUT=$("$PY" "$top_srcdir/tests/venv/compare.py" "$TMP/bypip" "$TMP/linked" 2>&1)
if [ $? -eq 0 ]; then ok "cache-linked environment same as pip's"; else not_ok "cache-linked environment differs" "$OUT"; fi
expect_rc "native install without the cache" 0 "$S2N" stage venv path="$TMP/plain" requirements=req.txt \
    find_links="$WHEELS" find_links="$TMP/extra" find_links=/usr/share/python-wheels no_index=true wheel_cache=false
check "plain files" test "$(stat -c %h "$TMP/plain/lib/python3.11/site-packages/alpha/cli.py")" -eq 1
OUT=$("$PY" "$top_srcdir/tests/venv/compare.py" --pyc "$TMP/bypip" "$TMP/plain" 2>&1)
if [ $? -eq 0 ]; then ok "uncached environment same as pip's"; else not_ok "uncached environment differs" "$OUT"; fi
expect_rc "pip check (linked)" 0 pip_in "$TMP/linked" check
expect_rc "uninstall in one environment" 0 pip_in "$TMP/linked" uninstall -y alpha
check "...leaves the other intact" test -f "$TMP/native/lib/python3.11/site-packages/alpha/cli.py"
got=$("$TMP/native/bin/alpha-cli" 2>&1)
contains "...which still runs" "$got" "alpha-cli says hello from beta"

a=$(pip_in "$TMP/bypip" list 2>&1); b=$(pip_in "$TMP/native" list 2>&1)
if [ "$a" = "$b" ]; then ok "pip list identical"; else not_ok "pip list differs" "$a
---
$b"; fi
expect_rc "pip check (native)" 0 pip_in "$TMP/native" check
a=$("$TMP/bypip/bin/python" -c 'import importlib.metadata as m; print(sorted((d.metadata["Name"], d.version, sorted(str(f) for f in d.files if f.suffix != ".pyc" and f.name not in ("INSTALLER", "REQUESTED"))) for d in m.distributions()))' 2>&1)
b=$("$TMP/native/bin/python" -c 'import importlib.metadata as m; print(sorted((d.metadata["Name"], d.version, sorted(str(f) for f in d.files if f.suffix != ".pyc" and f.name not in ("INSTALLER", "REQUESTED"))) for d in m.distributions()))' 2>&1)
if [ "$a" = "$b" ]; then ok "importlib.metadata identical"; else not_ok "importlib.metadata differs" "$a
---
$b"; fi
got=$("$TMP/native/bin/pip3" --version 2>&1)
contains "the natively installed pip runs from its versioned wrapper" "$got" "pip $pipv from $TMP/native/lib/python3.11/site-packages/pip"

for v in bypip native; do
    expect_rc "pip uninstall everything ($v)" 0 pip_in "$TMP/$v" uninstall -y epsilon alpha beta gamma-lib setuptools pip
done
a=$(cd "$TMP/bypip" && find . -not -type d | grep -v '^./bin/activate\|^./bin/Activate\|^./pyvenv.cfg\|^./bin/python\|^./lib64$' | sort)
b=$(cd "$TMP/native" && find . -not -type d | grep -v '^./bin/activate\|^./pyvenv.cfg\|^./bin/python\|^./lib64$' | sort)
if [ -z "$a" ] && [ -z "$b" ]; then ok "uninstall leaves both empty"; else not_ok "files left after uninstall" "pip: $a
native: $b"; fi
finish
