#!/bin/sh
# ledger.sh — docs/abi-versions names every public name of plugin.h with
# the minor that added it (see tests/abi/ledger.py for the rules).
. "$top_srcdir/tests/plugins/lib.sh"
PY=${PYTHON3:-/usr/bin/python3}
"$PY" "$top_srcdir/tests/abi/ledger.py" "$top_srcdir/docs/abi-versions" \
    "$top_srcdir/include/s2nbuild/plugin.h" "$top_srcdir/tests/abi/plugin-1.0.h"
