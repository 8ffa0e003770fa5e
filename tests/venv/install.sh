#!/bin/sh
# venv plugin: requirements installed natively (pinned wheels in
# find-links folders and a file:// PEP 503 index), checked by the real pip;
# fallback to pip with a reason; clear errors (file:line, hash mismatch, no
# compatible wheel); a failed install leaves the previous environment.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
PY=/usr/bin/python3
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
cd "$TMP" || exit 1
mkdir ws && cd ws || exit 1

cat > requirements.txt <<'REQ'
# the fixture set, all pinned
-r base.txt
alpha[fast]==1.0 \
    ; python_version >= "3"
REQ
cat > base.txt <<'REQ'
beta==1.0   # comment after a requirement
Gamma-Lib==0.5
legacy==9.9 ; python_version < "3"
REQ

expect_rc "native install" 0 "$S2N" stage venv requirements=requirements.txt find_links="$WHEELS" no_index=true
V="$TMP/ws/.s2nbuild/venvs/venv"
contains "installed natively" "$OUT" "installed 3 wheel(s) natively"
lacks "pip not used" "$OUT" "installing with pip"
got=$("$V/bin/alpha-cli" 2>&1)
contains "console script runs" "$got" "alpha-cli says hello from beta"
got=$("$V/bin/beta-tool" 2>&1)
contains ".data/scripts script runs with the venv python" "$got" "beta-tool: hello from beta"
check "#!python rewritten" test "$(head -1 "$V/bin/beta-tool")" = "#!$V/bin/python"
check ".data/data installed under the prefix" test -f "$V/share/beta/beta.txt"
check "modules byte-compiled" test -f "$V/lib/python3.11/site-packages/alpha/__pycache__/cli.cpython-311.pyc"
got=$(pip_in "$V" list 2>&1)
contains "pip list sees alpha" "$got" "alpha     1.0"
contains "pip list sees Gamma-Lib" "$got" "Gamma-Lib 0.5"
expect_rc "pip check" 0 pip_in "$V" check
got=$("$V/bin/python" -c 'import importlib.metadata as m; print(m.version("gamma_lib"), len(m.files("alpha")), m.distribution("beta").read_text("INSTALLER").strip())')
contains "importlib.metadata reads it" "$got" "0.5 13 s2nbuild"
expect_rc "pip uninstall" 0 pip_in "$V" uninstall -y beta
check "uninstall removed the files" test ! -e "$V/lib/python3.11/site-packages/beta" -a ! -e "$V/bin/beta-tool" -a ! -e "$V/share/beta/beta.txt"
got=$(pip_in "$V" check 2>&1)
contains "pip check now sees the missing dependency" "$got" "alpha 1.0 requires beta"

# A file:// PEP 503 index with #sha256 fragments.
IDX="$TMP/index/simple"
venv_make_index "$IDX"
expect_rc "install from a file:// index" 0 "$S2N" stage venv path=idx requirements=requirements.txt index_url="file://$IDX"
contains "index install was native" "$OUT" "installed 3 wheel(s) natively"
expect_rc "pip check on the index venv" 0 pip_in "$TMP/ws/idx" check

# PIP_FIND_LINKS / PIP_NO_INDEX from the environment.
expect_rc "PIP_FIND_LINKS honoured" 0 env PIP_FIND_LINKS="$WHEELS" PIP_NO_INDEX=1 "$S2N" stage venv path=envvars packages=beta==1.0
contains "env sources used natively" "$OUT" "installed 1 wheel(s) natively"

# Hashes: right ones install, a wrong one is an error naming the file.
sha=$(sha256sum "$WHEELS/beta-1.0-py3-none-any.whl" | cut -d' ' -f1)
printf 'beta==1.0 --hash=sha256:%s\n' "$sha" > hashed.txt
expect_rc "matching --hash" 0 "$S2N" stage venv path=hashed requirements=hashed.txt find_links="$WHEELS" no_index=true
contains "hashed install native" "$OUT" "installed 1 wheel(s) natively"
printf 'beta==1.0 --hash=sha256:%s\n' 0000000000000000000000000000000000000000000000000000000000000000 > hashed.txt
expect_rc "wrong --hash fails" 1 "$S2N" stage venv path=hashed requirements=hashed.txt find_links="$WHEELS" no_index=true
contains "hash mismatch reported with file:line" "$OUT" "hashed.txt:1: hash mismatch for beta==1.0"
check "previous environment kept after the failure" test -f "$TMP/ws/hashed/lib/python3.11/site-packages/beta/__init__.py"
leftover=$(ls -a "$TMP/ws")
lacks "no half-made environment beside it" "$leftover" "s2n-new"

# Invalid requirement line: file:line.
printf 'beta==1.0\n\n# fine\nnot a requirement!!\n' > bad.txt
expect_rc "invalid line" 1 "$S2N" stage venv path=bad requirements=bad.txt find_links="$WHEELS"
contains "error names file:line" "$OUT" "bad.txt:4: invalid requirement 'not a requirement!!'"
printf -- '-r missing.txt\n' > inc.txt
expect_rc "missing include" 1 "$S2N" stage venv path=bad requirements=inc.txt
contains "error names the including line" "$OUT" "inc.txt:1: cannot read requirements file"
printf -- '-r loop.txt\n' > loop.txt
expect_rc "include loop" 1 "$S2N" stage venv path=bad requirements=loop.txt
contains "loop reported" "$OUT" "includes itself"
check "nothing created for bad input" test ! -e "$TMP/ws/bad"

# No compatible wheel: the error lists what was found.
mkdir -p odd && cp "$WHEELS/beta-1.0-py3-none-any.whl" odd/beta-1.0-cp27-cp27mu-manylinux1_x86_64.whl
expect_rc "no compatible wheel" 1 "$S2N" stage venv path=oddenv packages=beta==1.0 find_links=odd no_index=true
contains "lists what was found" "$OUT" "no compatible wheel for beta==1.0"
contains "names the file seen" "$OUT" "beta-1.0-cp27-cp27mu-manylinux1_x86_64.whl"

# A broken wheel (RECORD hash wrong) is refused.
mkdir -p broken && "$PY" - "$WHEELS/beta-1.0-py3-none-any.whl" broken/beta-1.0-py3-none-any.whl <<'PYEOF'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w") as zo:
    for i in zi.infolist():
        data = zi.read(i)
        if i.filename == "beta/words.txt":
            data = b"tampered\n"
        zo.writestr(i, data)
PYEOF
expect_rc "tampered wheel refused" 1 "$S2N" stage venv path=brokenenv packages=beta==1.0 find_links=broken no_index=true
contains "RECORD mismatch named" "$OUT" "hash mismatch for beta/words.txt"

# Fallback to pip: a range is not pinned.
expect_rc "unpinned requirement goes to pip" 0 "$S2N" stage venv path=ranged packages='beta>=1.0' find_links="$WHEELS" no_index=true
contains "one line says why" "$OUT" "installing with pip: beta>=1.0 is not pinned with =="
check "pip installed it" test -f "$TMP/ws/ranged/lib/python3.11/site-packages/beta/__init__.py"
check "pip's shebang points at the final path" test "$(head -1 "$TMP/ws/ranged/bin/beta-tool")" = "#!$TMP/ws/ranged/bin/python"
expect_rc "pip check after fallback" 0 pip_in "$TMP/ws/ranged" check
got=$("$TMP/ws/ranged/bin/beta-tool" 2>&1)
contains "script runs after the swap" "$got" "beta-tool: hello from beta"
# The fixed RECORD still matches the files: uninstall removes everything.
expect_rc "uninstall after fallback" 0 pip_in "$TMP/ws/ranged" uninstall -y beta
check "script gone" test ! -e "$TMP/ws/ranged/bin/beta-tool"

# Fallback: a dependency missing from the pinned set.
expect_rc "open closure goes to pip" 0 "$S2N" stage venv path=closure packages=alpha==1.0 find_links="$WHEELS" no_index=true
contains "closure reason" "$OUT" "alpha 1.0 requires beta<2,>=1.0, which the requirements do not pin"
expect_rc "pip resolved the closure" 0 pip_in "$TMP/ws/closure" check

# A failing pip leaves the previous environment in place.
expect_rc "failing pip install" 1 "$S2N" stage venv path=closure packages='nosuchproject>=1' find_links="$WHEELS" no_index=true
check "old environment still complete" test -f "$TMP/ws/closure/lib/python3.11/site-packages/alpha/__init__.py"
leftover=$(ls -a "$TMP/ws")
lacks "temporary folder removed" "$leftover" "s2n-new"
finish
