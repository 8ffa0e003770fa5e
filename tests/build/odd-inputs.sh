#!/bin/sh
# Odd pyproject.toml files: each must end in a located error message
# (file:line:col) or a decided path, never in a crash (this script is
# what catches memory errors when the suite runs under ASan/UBSan).
. "$top_srcdir/tests/build/lib.sh"

i=0
status=0
while IFS= read -r text; do
    i=$((i + 1))
    d="$WORK/odd$i"
    mkdir -p "$d/p"
    echo 'x = 1' >"$d/p/__init__.py"
    printf '%b\n' "$text" >"$d/pyproject.toml"
    s2n_build "srcdir=$d" "outdir=$d.out" >"$d.log" 2>&1
    if grep -q -E 'Sanitizer|runtime error|signal|crash|internal error' "$d.log"; then
        echo "FAIL: case $i crashed: $text"; cat "$d.log"; status=1
    elif grep -q -E 'pyproject\.toml:[0-9]+:[0-9]+: ' "$d.log" || grep -q 'path: ' "$d.log"; then
        echo "ok $i: $(grep -m1 -E 'pyproject\.toml:[0-9]+:[0-9]+: |path: ' "$d.log" | sed "s|$WORK/||" | cut -c1-120)"
    else
        echo "FAIL: case $i: neither a located error nor a path: $text"; cat "$d.log"; status=1
    fi
done <<'CASES'
[project]
project = 1
[project]\nname = 1
[project]\nname = "p"\nversion = 2
[project]\nname = "p"\nversion = "1"\nreadme = {file = "R.md"}
[project]\nname = "p"\nversion = "1"\nreadme = {text = "hi"}
[project]\nname = "p"\nversion = "1"\nreadme = 5
[project]\nname = "p"\nversion = "1"\nlicense = {}
[project]\nname = "p"\nversion = "1"\nlicense = {file = "L", text = "x"}
[project]\nname = "p"\nversion = "1"\ndynamic = "version"
[project]\nname = "p"\nversion = "1"\ndynamic = ["version"]
[project]\nname = "p"\nversion = "1"\nurls = ["a"]
[project]\nname = "p"\nversion = "1"\nurls = {a = 1}
[project]\nname = "p"\nversion = "1"\nentry-points = {g = 1}
[project]\nname = "p"\nversion = "1"\nentry-points = {console_scripts = {a = "b:c"}}
[project]\nname = "p"\nversion = "1"\noptional-dependencies = {x = "a"}
[project]\nname = "p"\nversion = "1"\noptional-dependencies = {"bad extra" = ["a"]}
[project]\nname = "p"\nversion = "1"\nauthors = ["me"]
[project]\nname = "p"\nversion = "1"\nauthors = [{name = 1}]
[project]\nname = "p"\nversion = "1"\ndependencies = [1]
[project]\nname = "p"\nversion = "1"\ndependencies = ["a b"]
[project]\nname = "p"\nversion = "1"\noptional-dependencies = {x = ["a; nonsense"]}
[project]\nname = "p"\nversion = "1"\nscripts = {a = 1}
[project]\nname = "p"\nversion = "1"\nkeywords = [[]]
[project]\nname = "p"\nversion = "1"\nclassifiers = {}
[project]\nname = "p"\nversion = "1"\nlicense-files = ["NOPE*"]
[project]\nname = "p"\nversion = "1"\nlicense-files = "LICENSE"
[project]\nname = "p"\nversion = "1"\ndescription = "multi\\\\nline"
[project]\nname = "p"\nversion = "1"\ndescription = 3
[project]\nname = "p"\nversion = "1"\nrequires-python = [">=3"]
[project]\nname = "p"\nversion = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
[project]\nname = "p"\nversion = "99999999999999999999999"
[project]\nname = "p"\nversion = ""
[project]\nname = ""\nversion = "1"
[project]\nname = "p"\ndynamic = ["version"]
[project]\nname = "p"\ndynamic = ["version", "name"]
[build-system]\nbuild-backend = 3\n[project]\nname = "p"\nversion = "1"
[build-system]\nbackend-path = "x"\n[project]\nname = "p"\nversion = "1"
[build-system]\nbuild-backend = "flit_core.buildapi"\n[project]\nname = "p"\nversion = "1"\n[tool.flit.module]\nname = 3
[build-system]\nbuild-backend = "flit_core.buildapi"\n[project]\nname = "q"\nversion = "1"
[build-system]\nbuild-backend = "flit_core.buildapi"\n[project]\nname = "p"\ndynamic = ["version"]
[build-system]\nbuild-backend = "hatchling.build"\n[project]\nname = "p"\nversion = "1"\n[tool.hatch.build.targets.wheel]\npackages = "p"
[build-system]\nbuild-backend = "hatchling.build"\n[project]\nname = "p"\ndynamic = ["version"]
[build-system]\nbuild-backend = "hatchling.build"\n[project]\nname = "p"\ndynamic = ["version"]\n[tool.hatch.version]\npath = "p/__init__.py"
[build-system]\nbuild-backend = "hatchling.build"\n[project]\nname = "p"\nversion = "1"\n[tool.hatch.build]\nexclude = "x"
[project]\nname = "p"\nversion = "1"\n[tool.setuptools]\npackages = {find = {where = 1}}
[project]\nname = "p"\nversion = "1"\n[tool.setuptools]\npackages = {find = 1}
[project]\nname = "p"\nversion = "1"\n[tool.setuptools]\npackages = ["nope"]
[project]\nname = "p"\nversion = "1"\n[tool.setuptools]\npackages = [3]
[project]\nname = "p"\nversion = "1"\n[tool.setuptools]\npackage-dir = 3
[project]\nname = "p"\nversion = "1"\n[tool.setuptools]\npackage-data = {p = "x"}
[project]\nname = "p"\nversion = "1"\n[tool.setuptools]\npy-modules = ["nope"]
[project]\nname = "p"\ndynamic = ["version"]\n[tool.setuptools.dynamic]\nversion = {attr = "p"}
[project]\nname = "p"\ndynamic = ["version"]\n[tool.setuptools.dynamic]\nversion = {attr = "zz.__version__"}
[project]\nname = "p"\ndynamic = ["version"]\n[tool.setuptools.dynamic]\nversion = {file = "NOPE"}
[project]\nname = "p"\ndynamic = ["version"]\n[tool.setuptools.dynamic]\nversion = {file = ["V1", "V2"]}
[build-system]\nbuild-backend = "poetry.core.masonry.api"\n[project]\nname = "p"\nversion = "1"\n[tool.poetry]\npackages = [{from = "x"}]
[build-system]\nbuild-backend = "poetry.core.masonry.api"\n[project]\nname = "p"\nversion = "1"\n[tool.poetry]\npackages = [1]
[build-system]\nbuild-backend = "pdm.backend"\n[project]\nname = "p"\nversion = "1"\n[tool.pdm.build]\nincludes = ["zz"]
[build-system]\nbuild-backend = "pdm.backend"\n[project]\nname = "p"\ndynamic = ["version"]\n[tool.pdm.version]\nsource = "file"\npath = "nope.py"
a = [1,\n
[project\nname = "p"
[project]\nname = "p"\nname = "q"
CASES
exit $status
