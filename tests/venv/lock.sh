#!/bin/sh
# venv plugin: a PEP 751 pylock.toml installed exactly and natively
# (paths relative to the lock, file:// URLs, markers, sha256 checked);
# clear errors for bad hashes, gaps in the lock and TOML mistakes.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/venv/wheels.sh"
PY=/usr/bin/python3
venv_build_wheels || { not_ok "building the fixture wheels"; finish; }
mkdir -p "$TMP/ws/wheels" && cd "$TMP/ws" || exit 1
cp "$WHEELS"/*.whl wheels/
sha() { sha256sum "$1" | cut -d' ' -f1; }
write_lock() { # write_lock BETA_SHA [skip-beta]
    cat > pylock.toml <<TOML
lock-version = "1.0"
requires-python = ">=3.7"
created-by = "s2nbuild tests"

[[packages]]
name = "alpha"
version = "1.0"
wheels = [{ path = "wheels/alpha-1.0-py3-none-any.whl", hashes = { sha256 = "$(sha wheels/alpha-1.0-py3-none-any.whl)" } }]

[[packages]]
name = "Gamma_Lib"
version = "0.5"
[[packages.wheels]]
name = "Gamma_Lib-0.5-py3-none-any.whl"
url = "file://$TMP/ws/wheels/Gamma_Lib-0.5-py3-none-any.whl"
hashes = { sha256 = "$(sha wheels/Gamma_Lib-0.5-py3-none-any.whl)" }

[[packages]]
name = "legacy"
version = "9.9"
marker = "python_version < '3'"
sdist = { url = "https://example.invalid/legacy-9.9.tar.gz", hashes = { sha256 = "00" } }
TOML
    if [ "${2:-}" != skip-beta ]; then
        cat >> pylock.toml <<TOML

[[packages]]
name = "beta"
version = "1.0"
[[packages.wheels]]
path = "wheels/beta-1.0-py3-none-any.whl"
hashes = { sha256 = "$1" }
TOML
    fi
}
write_lock "$(sha wheels/beta-1.0-py3-none-any.whl)"
expect_rc "install a pylock.toml" 0 "$S2N" stage venv lock=pylock.toml
contains "natively" "$OUT" "installed 3 wheel(s) natively"
V="$TMP/ws/.s2nbuild/venvs/venv"
expect_rc "pip check" 0 "$PY" -m pip --disable-pip-version-check --python "$V/bin/python" check
got=$("$V/bin/alpha-cli" 2>&1)
contains "script runs" "$got" "alpha-cli says hello from beta"
check "marker-false package skipped" test ! -e "$V/lib/python3.11/site-packages/legacy"
expect_rc "unchanged lock: reused" 0 "$S2N" stage venv lock=pylock.toml
contains "reused" "$OUT" "reused $V"

write_lock 1111111111111111111111111111111111111111111111111111111111111111
expect_rc "wrong hash in the lock" 1 "$S2N" stage venv lock=pylock.toml
contains "hash mismatch named" "$OUT" "hash mismatch for $TMP/ws/wheels/beta-1.0-py3-none-any.whl: expected sha256=1111"
check "previous environment untouched" test -f "$V/lib/python3.11/site-packages/beta/__init__.py"

write_lock x skip-beta
expect_rc "a lock with a gap" 1 "$S2N" stage venv lock=pylock.toml
contains "gap reported against the lock" "$OUT" "pylock.toml: alpha 1.0 requires beta<2,>=1.0, which the requirements do not pin"

printf 'lock-version = "1.0"\n[[packages]\nname = "x"\n' > broken.toml
expect_rc "TOML syntax error" 1 "$S2N" stage venv path=b lock=broken.toml
contains "file:line:col" "$OUT" "broken.toml:2:"

printf 'lock-version = "2.0"\n' > v2.toml
expect_rc "unknown lock version" 1 "$S2N" stage venv path=b lock=v2.toml
contains "says what it expects" "$OUT" 'expected lock-version = "1.0"'

expect_rc "lock with requirements is a config error" 2 "$S2N" stage venv lock=pylock.toml packages=beta==1.0
contains "explains" "$OUT" "a lock file is installed exactly"
finish
