#!/bin/sh
# Metadata checks before anything is sent: one bad file stops the stage
# and no upload happens, with a message naming the file and the problem.
. "$top_srcdir/tests/twine/lib.sh"

mkdir -p "$T/d"
"$PY" - "$T/d" <<'PYEOF'
import sys, zipfile
out = sys.argv[1]
def wheel(fname, meta):
    name = fname.split("-")[0]; ver = fname.split("-")[1]
    with zipfile.ZipFile(f"{out}/{fname}", "w") as z:
        z.writestr(f"{name}/__init__.py", "")
        z.writestr(f"{name}-{ver}.dist-info/METADATA", meta)
        z.writestr(f"{name}-{ver}.dist-info/WHEEL", "Wheel-Version: 1.0\n")
        z.writestr(f"{name}-{ver}.dist-info/RECORD", "")
ok = "Metadata-Version: 2.1\nName: good\nVersion: 1.0\nDescription-Content-Type: text/markdown\n\n# Good\n"
wheel("good-1.0-py3-none-any.whl", ok)
wheel("nodesc-1.0-py3-none-any.whl", "Metadata-Version: 2.1\nName: nodesc\nVersion: 1.0\n\n   \n")
wheel("badct-1.0-py3-none-any.whl", "Metadata-Version: 2.1\nName: badct\nVersion: 1.0\n"
      "Description-Content-Type: text/html\n\nbody\n")
wheel("badver-1.0-py3-none-any.whl", "Metadata-Version: 2.1\nName: badver\nVersion: one.two\n\nbody\n")
wheel("noname-1.0-py3-none-any.whl", "Metadata-Version: 2.1\nVersion: 1.0\n\nbody\n")
wheel("other-1.0-py3-none-any.whl", "Metadata-Version: 2.1\nName: different\nVersion: 1.0\n\nbody\n")
wheel("vers-1.0-py3-none-any.whl", "Metadata-Version: 2.1\nName: vers\nVersion: 2.0\n\nbody\n")
wheel("mdv-1.0-py3-none-any.whl", "Metadata-Version: 9.9\nName: mdv\nVersion: 1.0\n\nbody\n")
wheel("gfm-1.0-py3-none-any.whl", "Metadata-Version: 2.1\nName: gfm\nVersion: 1.0\n"
      "Description-Content-Type: text/markdown; charset=UTF-8; variant=GFM\n\nbody\n")
wheel("badvariant-1.0-py3-none-any.whl", "Metadata-Version: 2.1\nName: badvariant\nVersion: 1.0\n"
      "Description-Content-Type: text/x-rst; variant=GFM\n\nbody\n")
wheel("Mixed.Case-1.0-py3-none-any.whl", "Metadata-Version: 2.1\nName: Mixed.Case\nVersion: 1.0\n"
      "Description-Content-Type: text/plain\n\nbody\n")
# Wheel file names PyPI refuses (packaging's parse_wheel_filename), and
# valid ones: a build tag, a version equal under PEP 440 (1.0.0 is 1.0).
for fname, name, ver in (("bar-1.0-py3-none-any-extra-x.whl", "bar", "1.0"),
                         ("baz-1.0-xx-py3-none-any.whl", "baz", "1.0"),
                         ("foo-1.0-py3.whl", "foo", "1.0"),
                         ("emptyabi-1.0-py3--any.whl", "emptyabi", "1.0"),
                         ("two__under-1.0-py3-none-any.whl", "two__under", "1.0"),
                         ("built-1.0-7b-py3-none-any.whl", "built", "1.0"),
                         ("zeros-1.0.0-py3-none-any.whl", "zeros", "1.0")):
    with zipfile.ZipFile(f"{out}/{fname}", "w") as z:
        z.writestr(f"{name}-{ver}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: {name}\n"
                   f"Version: {ver}\nDescription-Content-Type: text/plain\n\nbody\n")
PYEOF
start_stub c
cd "$T/d"
n() { records "$REC_c" 'len(posts)'; }

# expect FILE TEXT: the stage refuses FILE (with good.whl beside it) and
# says TEXT; nothing is uploaded, not even the good file.
expect() {
    stage repository_url="$URL_c/legacy/" files=good-1.0-py3-none-any.whl "files=$1" >"$T/out.log" 2>&1 && rc=0 || rc=$?
    if [ "$rc" = 1 ] && grep -q -- "$2" "$T/out.log" && [ "$(n)" = 0 ]; then ok "$1 refused: $2"
    else cat "$T/out.log"; fail "$1 (rc=$rc, expected 1 and '$2', posts $(n))"; fi
}
expect nodesc-1.0-py3-none-any.whl "nodesc-1.0-py3-none-any.whl: the long description is missing or empty"
expect badct-1.0-py3-none-any.whl "Description-Content-Type 'text/html': unknown type 'text/html'"
expect badver-1.0-py3-none-any.whl "Version 'one.two' is not a valid PEP 440 version"
expect noname-1.0-py3-none-any.whl "missing required field Name"
expect other-1.0-py3-none-any.whl "the file name is for project 'other' but the metadata says 'different'"
expect vers-1.0-py3-none-any.whl "the file name is for version '1.0' but the metadata says '2.0'"
expect mdv-1.0-py3-none-any.whl "unknown Metadata-Version '9.9'"
expect badvariant-1.0-py3-none-any.whl "unknown variant 'GFM'"
expect notazip-1.0-py3-none-any.whl "notazip-1.0-py3-none-any.whl"
: >notazip-1.0-py3-none-any.whl
expect notazip-1.0-py3-none-any.whl "notazip-1.0-py3-none-any.whl"

# The binary distribution format's file name, as PyPI checks it.
expect bar-1.0-py3-none-any-extra-x.whl "bar-1.0-py3-none-any-extra-x.whl: invalid wheel file name (wrong number of parts): 7 '-'-separated parts, expected 5 or 6: {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl"
expect baz-1.0-xx-py3-none-any.whl "baz-1.0-xx-py3-none-any.whl: invalid wheel file name (invalid build number): the build tag 'xx' must start with a digit"
expect foo-1.0-py3.whl "foo-1.0-py3.whl: invalid wheel file name (wrong number of parts): 3 '-'-separated parts"
expect emptyabi-1.0-py3--any.whl "emptyabi-1.0-py3--any.whl: invalid wheel file name: the abi tag part is empty"
expect two__under-1.0-py3-none-any.whl "invalid wheel file name (invalid project name): the distribution part 'two__under' may hold only letters, digits, '_' and '.', and no '__'"

stage repository_url="$URL_c/legacy/" files=good-1.0-py3-none-any.whl files=gfm-1.0-py3-none-any.whl >"$T/good.log" 2>&1 && rc=0 || rc=$?
checks "good files pass the checks and upload" '[ "$rc" = 0 ] && [ "$(n)" = 2 ]'
stage repository_url="$URL_c/legacy/" files=nodesc-1.0-py3-none-any.whl check=false >"$T/nocheck.log" 2>&1 && rc=0 || rc=$?
checks "check=false lets it through" '[ "$rc" = 0 ] && [ "$(n)" = 3 ]'
stage repository_url="$URL_c/legacy/" files=Mixed.Case-1.0-py3-none-any.whl >"$T/mixed.log" 2>&1 && rc=0 || rc=$?
checks "a non-normalized file name uploads with a warning" '[ "$rc" = 0 ] && [ "$(n)" = 4 ]'
check "  ... the warning names the normalized form" grep -q "warning: Mixed.Case-1.0-py3-none-any.whl: the file name is not normalized (expected 'mixed_case-1.0-...')" "$T/mixed.log"
stage repository_url="$URL_c/legacy/" files=built-1.0-7b-py3-none-any.whl files=zeros-1.0.0-py3-none-any.whl >"$T/built.log" 2>&1 && rc=0 || rc=$?
checks "a build tag and a version equal under PEP 440 (1.0.0 for 1.0) upload" '[ "$rc" = 0 ] && [ "$(n)" = 6 ]'
checks "  ... the build-tagged wheel's pyversion is its python tag" '[ "$(records "$REC_c" "[dict(p[\"fields\"])[\"pyversion\"] for p in posts][-2:]")" = "['"'"'py3'"'"', '"'"'py3'"'"']" ]'
stage repository_url="$URL_c/legacy/" files=README.rst >"$T/x.log" 2>&1 && rc=0 || rc=$?
checks "a glob matching nothing fails" '[ "$rc" = 1 ] && grep -q "matches no file" "$T/x.log"'
finish
