#!/bin/sh
# venv plugin: requirements the system site-packages already meet are
# "already satisfied", as pip says — no pip start, nothing installed for
# them, their dependencies (dist-info Requires-Dist and egg-info
# requires.txt, with extras and markers) checked; anything they do not
# meet still goes to pip with the reason.  Compared with what pip leaves
# in an environment made from the same requirements.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
PY=/usr/bin/python3
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
cd "$TMP" || exit 1
mkdir ws && cd ws || exit 1
site_of() { echo "$1/lib/python3.11/site-packages"; }

# A wheel whose dependencies only the system provides (pluggy carries a
# Debian local version, 1.0.0+repack; iniconfig is an egg-info).
"$PY" - "$TMP/extra" <<'PYEOF'
import base64, hashlib, os, sys, zipfile
out = sys.argv[1]; os.makedirs(out, exist_ok=True)
def rec(d):
    h = base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b"=").decode()
    return "sha256=%s,%d" % (h, len(d))
di = "needsys-1.0.dist-info"
files = {"needsys/__init__.py": b"import pluggy, iniconfig\n",
         di + "/METADATA": b"Metadata-Version: 2.1\nName: needsys\nVersion: 1.0\n"
                           b"Requires-Dist: pluggy<2,>=0.12\nRequires-Dist: iniconfig\n"
                           b"Requires-Dist: nosuchthing ; python_version < \"3\"\n",
         di + "/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
files[di + "/RECORD"] = ("".join("%s,%s\n" % (p, rec(d)) for p, d in files.items()) + di + "/RECORD,,\n").encode()
with zipfile.ZipFile(os.path.join(out, "needsys-1.0-py3-none-any.whl"), "w") as z:
    for p, d in files.items():
        z.writestr(p, d)
PYEOF

printf 'pytest\npytest-cov\nbeta==1.0\nneedsys==1.0\n' > requirements.txt
expect_rc "system-satisfied requirements install without pip" 0 "$S2N" stage venv \
    requirements=requirements.txt system_site_packages=true find_links="$WHEELS" \
    find_links="$TMP/extra" no_index=true
V="$TMP/ws/.s2nbuild/venvs/venv"
lacks "pip was not started" "$OUT" "installing with pip"
contains "the log names what the system provides" "$OUT" "already satisfied by the system site-packages"
contains "pytest among them, with its version" "$OUT" "pytest 7."
contains "pytest-cov (an egg-info) among them" "$OUT" "pytest-cov 4."
contains "the pinned wheels installed natively" "$OUT" "installed 2 wheel(s) natively"
got=$("$V/bin/python" -c 'import pytest, pytest_cov, beta, needsys; print(pytest.__file__)' 2>&1)
contains "the environment imports the system's pytest" "$got" "/usr/lib/python3/dist-packages/pytest"

# pip on the same requirements: the same distributions end up in the
# environment's own site-packages (none of the system's).
"$PY" -m venv --without-pip --system-site-packages "$TMP/pipvenv"
pip_in "$TMP/pipvenv" install -q --no-index -f "$WHEELS" -f "$TMP/extra" -r requirements.txt >/dev/null 2>&1
ls "$(site_of "$TMP/pipvenv")" | grep dist-info | sort > pip.lst
ls "$(site_of "$V")" | grep dist-info | sort > ours.lst
check "pip installed something to compare" test -s pip.lst
check "the environment holds what pip's holds" cmp pip.lst ours.lst
# pip check also reads the system's distributions (Debian's own gaps
# show up in both); what matters is that it says the same of both.
pip_in "$V" check > ours.chk 2>&1; pip_in "$TMP/pipvenv" check > pip.chk 2>&1
check "pip check says the same of both" cmp pip.chk ours.chk
lacks "pip check finds nothing of ours missing" "$(cat ours.chk)" "needsys"

# A name with a dot (jaraco.classes-3.2.1.egg-info), asked for by its
# normalized name, when the system has one.
if ls /usr/lib/python3/dist-packages | grep -q '^jaraco\.classes-.*\.egg-info$'; then
    printf 'jaraco-classes\n' > dotted.txt
    OUT=$("$S2N" stage venv path=dotted requirements=dotted.txt system_site_packages=true no_index=true 2>&1)
    contains "a dotted egg-info name is found by its normalized name" "$OUT" "jaraco.classes 3."
fi

# Not met by the system: pip, with the reason.
printf 'pytest>=99\n' > toonew.txt
OUT=$("$S2N" stage venv path=toonew requirements=toonew.txt system_site_packages=true no_index=true 2>&1)
contains "a version the system lacks goes to pip" "$OUT" "installing with pip: pytest>=99 is not pinned"
printf 'pytest-cov[testing]\n' > extras.txt
OUT=$("$S2N" stage venv path=extras requirements=extras.txt system_site_packages=true no_index=true 2>&1)
contains "an extra whose dependencies are missing goes to pip" "$OUT" "installing with pip: pytest-cov[testing] is not pinned"
printf 'pytest\n' > plain.txt
OUT=$("$S2N" stage venv path=isolated requirements=plain.txt no_index=true 2>&1)
contains "without system site-packages nothing is satisfied" "$OUT" "installing with pip: pytest is not pinned"
printf 'pytest\n' > c.txt; printf -- '-c cons.txt\npytest\n' > withcons.txt; printf 'pytest<7\n' > cons.txt
OUT=$("$S2N" stage venv path=cons requirements=withcons.txt system_site_packages=true no_index=true 2>&1)
contains "a constraint the installed version breaks goes to pip" "$OUT" "installing with pip"
finish
