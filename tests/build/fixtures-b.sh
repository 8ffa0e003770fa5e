#!/bin/sh
# Native builds of the remaining fixture projects (pdm/poetry conventions,
# long paths) and the PEP 517 fallback ones (setup.py, [tool.poetry]).
. "$top_srcdir/tests/build/lib.sh"
. "$top_srcdir/tests/build/fixtures.inc"
run_fixtures pdm-src poetry-project long-paths flit-single setup-py poetry-classic
