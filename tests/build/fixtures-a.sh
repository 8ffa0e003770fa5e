#!/bin/sh
# Native builds of the first fixture projects, checked against
# `python3 -m build --no-isolation`, pip, twine and unzip (check_fixture.py).
. "$top_srcdir/tests/build/lib.sh"
. "$top_srcdir/tests/build/fixtures.inc"
run_fixtures flat-setuptools src-setuptools setuptools-pkgdir flit-module hatch-src namespace-setuptools
