#!/bin/sh
# Bad projects give clear errors (file:line:col where TOML has one) and
# leave nothing in the output folder; the options behave (backend=native
# refuses a setup.py project, pep517/build force the fallback,
# tag_must_match compares against TAG_NAME).
. "$top_srcdir/tests/build/lib.sh"

# expect_error NAME PATTERN [options...]: the build of $WORK/NAME fails,
# its output matches PATTERN, and $WORK/NAME.out stays empty.
expect_error() {
    name=$1 pattern=$2
    shift 2
    out="$WORK/$name.out"
    rm -rf "$out"
    if s2n_build "srcdir=$WORK/$name" "outdir=$out" "$@" >"$WORK/$name.log" 2>&1; then
        cat "$WORK/$name.log"
        fail "$name: the build should have failed"
    fi
    grep -q -- "$pattern" "$WORK/$name.log" || { cat "$WORK/$name.log"; fail "$name: no message matching '$pattern'"; }
    if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then
        ls -la "$out"
        fail "$name: output folder not empty after a failure"
    fi
    echo "ok: $name: $(grep -m1 -- "$pattern" "$WORK/$name.log")"
}

# variant NAME FIXTURE: a copy of FIXTURE to break
variant() { copy_fixture "$2" "$WORK/$1"; }

variant malformed flat-setuptools
printf '[project]\nname = "x"\nversion = "1.0"\nclassifiers = ["a",\n  "b" "c"]\n' >"$WORK/malformed/pyproject.toml"
expect_error malformed 'pyproject.toml:5:'

variant badversion flat-setuptools
sed -i 's/^version = .*/version = "1.0.x"/' "$WORK/badversion/pyproject.toml"
expect_error badversion 'pyproject.toml:7:11: project.version: .1.0.x. is not a valid PEP 440 version'

variant badname flat-setuptools
sed -i 's/^name = .*/name = "-flat pkg"/' "$WORK/badname/pyproject.toml"
expect_error badname 'pyproject.toml:6:8: project.name: .-flat pkg. is not a valid project name'

variant badtype flat-setuptools
sed -i 's/^keywords = .*/keywords = "flat"/' "$WORK/badtype/pyproject.toml"
expect_error badtype 'project.keywords: expected an array of strings, found string'

variant noreadme flat-setuptools
rm "$WORK/noreadme/README.md"
expect_error noreadme "project.readme: file 'README.md' not found"

variant nolicense src-setuptools
rm "$WORK/nolicense/LICENSE.txt"
expect_error nolicense "project.license: file 'LICENSE.txt' not found"

variant nopkg hatch-src
mv "$WORK/nopkg/src/hatch_pkg" "$WORK/nopkg/src/other"
expect_error nopkg "tool.hatch.build.targets.wheel.packages: folder 'src/hatch_pkg' not found"

variant nomodule flit-module
rm -r "$WORK/nomodule/flitmod"
expect_error nomodule "no package or module 'flitmod' found"

variant dynversion flit-module
sed -i 's/^__version__ = .*/__version__ = "2.0.x"/' "$WORK/dynversion/flitmod/__init__.py"
expect_error dynversion "'2.0.x' in flitmod/__init__.py is not a valid PEP 440 version"

variant nativeonly setup-py
expect_error nativeonly 'cannot build natively: no pyproject.toml: setup.py project' backend=native

variant notag flat-setuptools
TAG_NAME=v9.9 expect_error notag 'tag v9.9 does not match the project version 1.2.0rc1' tag_must_match=true

variant nothing flat-setuptools
expect_error nothing 'nothing to build' sdist=false wheel=false

# a failing backend leaves nothing behind either
variant brokensetup setup-py
printf 'raise SystemExit("setup.py is broken on purpose")\n' >"$WORK/brokensetup/setup.py"
expect_error brokensetup 'PEP 517 backend setuptools.build_meta:__legacy__ failed'

# the good cases of the same options
variant tagged flat-setuptools
TAG_NAME=v1.2.0-rc1 s2n_build "srcdir=$WORK/tagged" "outdir=$WORK/tagged.out" tag_must_match=true >"$WORK/tagged.log" 2>&1 ||
    { cat "$WORK/tagged.log"; fail "tagged: matching tag rejected"; }
grep -q 'tag v1.2.0-rc1 matches version 1.2.0rc1' "$WORK/tagged.log" || { cat "$WORK/tagged.log"; fail "tagged: no match logged"; }

variant wheelonly flat-setuptools
s2n_build "srcdir=$WORK/wheelonly" "outdir=$WORK/wheelonly.out" sdist=false >"$WORK/wheelonly.log" 2>&1 || fail "wheel only"
[ "$(ls "$WORK/wheelonly.out")" = "flat_pkg-1.2.0rc1-py3-none-any.whl" ] || { ls "$WORK/wheelonly.out"; fail "wheel only: wrong outputs"; }

for mode in pep517 build; do
    variant "forced-$mode" flat-setuptools
    s2n_build "srcdir=$WORK/forced-$mode" "outdir=$WORK/forced-$mode.out" "backend=$mode" >"$WORK/forced-$mode.log" 2>&1 ||
        { cat "$WORK/forced-$mode.log"; fail "backend=$mode failed"; }
    grep -q 'path: PEP 517 fallback' "$WORK/forced-$mode.log" || fail "backend=$mode: path not logged"
    ls "$WORK/forced-$mode.out"/*.whl "$WORK/forced-$mode.out"/*.tar.gz >/dev/null || fail "backend=$mode: outputs missing"
    [ -z "$(ls -A "$WORK/forced-$mode.out" | grep -v -e '\.whl$' -e '\.tar\.gz$')" ] || fail "backend=$mode: leftovers"
done

# Reproducibility knobs: the thread count never changes the bytes, and
# without SOURCE_DATE_EPOCH the last commit's time stamps the members.
# (~1.5 MB of modules: the sdist's gzip is cut into many parallel chunks)
variant threads src-setuptools
$PY -c "
import random
r = random.Random(1)
for i in range(40):
    open('$WORK/threads/src/srcpkg/gen%02d.py' % i, 'w').write(
        ''.join('v%d = %r\\n' % (k, r.random()) for k in range(1500)))
" || fail "generate modules"
for j in 1 2 4; do
    s2n_build "srcdir=$WORK/threads" "outdir=$WORK/threads.$j" jobs=$j >/dev/null 2>&1 || fail "jobs=$j"
done
for j in 2 4; do
    for f in srcpkg-0.3.1-py3-none-any.whl srcpkg-0.3.1.tar.gz; do
        cmp "$WORK/threads.1/$f" "$WORK/threads.$j/$f" || fail "$f: bytes depend on the thread count"
    done
done
gzip -t "$WORK/threads.4/srcpkg-0.3.1.tar.gz" || fail "parallel gzip stream is corrupt"
[ "$(tar tzf "$WORK/threads.4/srcpkg-0.3.1.tar.gz" | grep -c '/gen[0-9]*\.py$')" = 40 ] || fail "sdist lost members"

variant gitdate flat-setuptools
(
    cd "$WORK/gitdate" && git init -q . && git add -A &&
        GIT_COMMITTER_DATE='2024-02-03T04:05:06Z' GIT_AUTHOR_DATE='2024-02-03T04:05:06Z' \
            git -c user.name=t -c user.email=t@example.org commit -q -m init
) || fail "git setup"
(unset SOURCE_DATE_EPOCH; s2n_build "srcdir=$WORK/gitdate" "outdir=$WORK/gitdate.out") >"$WORK/gitdate.log" 2>&1 ||
    { cat "$WORK/gitdate.log"; fail "gitdate build"; }
grep -q 'timestamp from last commit' "$WORK/gitdate.log" || { cat "$WORK/gitdate.log"; fail "commit time not used"; }
$PY - "$WORK/gitdate.out" <<'PYEOF' || fail "member times are not the commit time"
import os, sys, tarfile, zipfile
d = sys.argv[1]
whl = [f for f in os.listdir(d) if f.endswith(".whl")][0]
sd = [f for f in os.listdir(d) if f.endswith(".tar.gz")][0]
assert all(i.date_time == (2024, 2, 3, 4, 5, 6) for i in zipfile.ZipFile(os.path.join(d, whl)).infolist())
assert all(m.mtime == 1706933106 for m in tarfile.open(os.path.join(d, sd)).getmembers())
PYEOF
echo "ok: thread count and commit time"

# PEP 639: a license expression means Metadata-Version 2.4, License-File
# fields and dist-info/licenses/; pip installs it; the log warns about
# Debian's twine.
variant pep639 pdm-src
sed -i 's/^license = .*/license = "MIT OR Apache-2.0"\nlicense-files = ["LICEN[CS]E*"]/' "$WORK/pep639/pyproject.toml"
s2n_build "srcdir=$WORK/pep639" "outdir=$WORK/pep639.out" >"$WORK/pep639.log" 2>&1 || { cat "$WORK/pep639.log"; fail "pep639 build"; }
grep -q "needs Metadata-Version 2.4" "$WORK/pep639.log" || { cat "$WORK/pep639.log"; fail "pep639: no warning"; }
$PY -m venv --without-pip "$WORK/pep639.venv" || fail "venv"
$PY -m pip --python "$WORK/pep639.venv/bin/python" install -q --no-index --no-deps "$WORK/pep639.out"/*.whl || fail "pep639: pip install"
"$WORK/pep639.venv/bin/python" - <<'PYEOF' || fail "pep639: metadata as installed"
import importlib.metadata as md
m = md.metadata("pdm-demo")
assert m["Metadata-Version"] == "2.4", m["Metadata-Version"]
assert m["License-Expression"] == "MIT OR Apache-2.0"
assert m.get_all("License-File") == ["LICENSE"]
files = [str(f) for f in md.files("pdm-demo")]
assert "pdm_demo-0.1.0.dev3.dist-info/licenses/LICENSE" in files, files
PYEOF
echo "ok: PEP 639 license expression"

# An output folder inside the project (hatch puts the whole tree in the
# sdist): earlier outputs and temporaries never become members, so a
# rebuild gives the same bytes.
variant inner hatch-src
s2n_build "srcdir=$WORK/inner" "outdir=$WORK/inner/out" >/dev/null 2>&1 || fail "inner: first build"
cp "$WORK/inner/out/hatch_pkg-0.9.0.post2.tar.gz" "$WORK/inner-first.tar.gz"
s2n_build "srcdir=$WORK/inner" "outdir=$WORK/inner/out" >/dev/null 2>&1 || fail "inner: second build"
cmp "$WORK/inner-first.tar.gz" "$WORK/inner/out/hatch_pkg-0.9.0.post2.tar.gz" || fail "inner: the sdist took in its own outputs"
echo "ok: output folder inside the project"

variant latin1 flat-setuptools
printf '# Caf\351\n' >"$WORK/latin1/README.md"
expect_error latin1 "project.readme: 'README.md' is not UTF-8 (invalid byte at offset 5)"

variant nobackend pdm-src
expect_error nobackend 'the build backend pdm.backend is not importable' backend=pep517

# Build settings the native path does not interpret send the build to the
# backend instead of being ignored.
variant onlyinclude hatch-src
printf '[tool.hatch.build.targets.wheel.force-include]\n"docs" = "hatch_pkg/docs"\n' >>"$WORK/onlyinclude/pyproject.toml"
s2n_build "srcdir=$WORK/onlyinclude" "outdir=$WORK/onlyinclude.out" >"$WORK/onlyinclude.log" 2>&1 ||
    { cat "$WORK/onlyinclude.log"; fail "onlyinclude: fallback build failed"; }
grep -q 'path: PEP 517 fallback.*force-include' "$WORK/onlyinclude.log" || { cat "$WORK/onlyinclude.log"; fail "onlyinclude: not sent to the backend"; }
unzip -l "$WORK/onlyinclude.out"/*.whl | grep -q 'hatch_pkg/docs/index.rst' || fail "onlyinclude: hatchling's output lacks the forced file"
variant unknownkey flit-module
printf '\n[tool.flit.external-data]\ndirectory = "data"\n' >>"$WORK/unknownkey/pyproject.toml"
mkdir -p "$WORK/unknownkey/data"
expect_error unknownkey 'cannot build natively: tool.flit.external-data is not interpreted natively' backend=native
echo "ok: unknown backend settings go to the backend"

variant nolicmatch flat-setuptools
sed -i 's/^license = .*/license = {text = "MIT"}\nlicense-files = ["NOPE*"]/' "$WORK/nolicmatch/pyproject.toml"
expect_error nolicmatch "project.license-files: 'NOPE\*' matches no file"

# a symlink to a parent folder inside the package does not loop forever
variant symloop flit-module
ln -s .. "$WORK/symloop/flitmod/loop"
s2n_build "srcdir=$WORK/symloop" "outdir=$WORK/symloop.out" >"$WORK/symloop.log" 2>&1 || { cat "$WORK/symloop.log"; fail "symloop"; }
echo "ok: symlinked folder loop"

# tag_must_match also guards the PEP 517 path (version from the built files)
variant fallbacktag setup-py
TAG_NAME=v0.1 expect_error fallbacktag 'tag v0.1 does not match the project version 3.1.4' tag_must_match=true

# published values: name and version as the metadata says (the wheel's
# METADATA on the PEP 517 path, not its file name)
for mode in native pep517; do
    case $mode in
    native) variant "outputs-$mode" flat-setuptools ;;
    pep517) variant "outputs-$mode" setup-py ;;
    esac
    s2n_build "srcdir=$WORK/outputs-$mode" "outdir=$WORK/outputs-$mode.out" >/dev/null 2>&1 || fail "outputs-$mode build"
    $PY - "$WORK/.s2nbuild/runs/latest/record.json" $mode <<'PYEOF' || fail "outputs-$mode: wrong published values"
import json, sys
rec = json.load(open(sys.argv[1]))
out = rec["stages"][0]["outputs"]
want = {"native": ("Flat.Pkg", "1.2.0rc1"), "pep517": ("legacy-pkg", "3.1.4")}[sys.argv[2]]
assert (out["name"], out["version"]) == want, out
assert out["wheel"].endswith(".whl") and out["sdist"].endswith(".tar.gz"), out
kinds = sorted(a["kind"] for a in rec["stages"][0]["artifacts"])
assert kinds == ["sdist", "wheel"], kinds
PYEOF
done
echo "ok: published name/version"
echo "errors: all cases behave (driver: $DRIVER)"
