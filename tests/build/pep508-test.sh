#!/bin/sh
# The native path's PEP 508 check agrees with packaging.requirements (what
# pip and the backends use) on valid and invalid requirement strings.
. "$top_srcdir/tests/build/lib.sh"
cat >"$WORK/reqs.txt" <<'REQS'
requests
requests>=2
requests >= 2.0, < 3
requests[security,socks]>=2.8.1
requests[]
zope.interface
foo_bar-baz
name (>=1.0)
name(>=1.0,!=1.5.*)
pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686
pip @ https://example.org/pip.whl ; python_version >= "3.6"
tomli; python_version < '3.11'
tomli ; python_version<"3.11"
coverage[toml]; python_version >= '3.8' and extra == 'test'
a; (python_version < "3" or os_name == "nt") and sys_platform != 'darwin'
a; platform_python_implementation == 'CPython'
a; 'linux' in sys_platform
a; 'linux' not in sys_platform
a ===1.0
a~=1.4.2
a==1.0+local.7
a==2.*
-bad
bad-
a b
a>=
a; python_version
a; foo == "1"
a; python_version < "3" and
a; (python_version < "3"
a @ not-a-url
a[extra
a=1.0
a>=1.0;
a (>=1.0
REQS
"$top_builddir/tests/build/pep508-check" <"$WORK/reqs.txt" >"$WORK/ours.txt" || fail "pep508-check"
$PY - "$WORK/reqs.txt" "$WORK/ours.txt" <<'PYEOF' || fail "the PEP 508 check disagrees with packaging"
import sys
from packaging.requirements import InvalidRequirement, Requirement
reqs = open(sys.argv[1]).read().splitlines()
ours = open(sys.argv[2]).read().split()
bad = 0
for r, o in zip(reqs, ours):
    try:
        Requirement(r)
        ref = "1"
    except InvalidRequirement:
        ref = "0"
    if o != ref:
        print(f"disagree on {r!r}: ours {o}, packaging {ref}")
        bad = 1
assert len(reqs) == len(ours)
print(f"{len(reqs)} requirement strings checked")
sys.exit(bad)
PYEOF
