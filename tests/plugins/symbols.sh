#!/bin/sh
# symbols.sh — a plugin reaches the host only through the s2n_host table:
# no plugin file may need an s2n_* symbol from outside, and a good plugin
# exports s2n_plugin_entry and nothing else (PLUGIN_LDFLAGS, the examples'
# -fvisibility=hidden and version script).
. "$top_srcdir/tests/plugins/lib.sh"

if ! command -v nm >/dev/null 2>&1; then
    echo "SKIP: nm (binutils) not installed"
    exit 77
fi

checked=0
for so in "$top_builddir"/plugins/*/.libs/s2n-*.so \
          "$top_builddir"/tests/plugins/runtime/.libs/s2n-*.so \
          "$top_builddir"/tests/abi/.libs/s2n-abiold.so \
          "$top_builddir"/examples/*/.libs/s2n-*.so; do
    [ -f "$so" ] || continue
    checked=$((checked + 1))
    undefined=$(nm -D --undefined-only "$so" | awk '{print $NF}' | grep '^s2n_' || true)
    if [ -n "$undefined" ]; then
        fail "$so needs host symbols: $undefined (use the s2n_host table)"
    fi
    # Sanitizer builds add their own __asan_/__ubsan_ exports; ignore those.
    exported=$(nm -D --defined-only "$so" | awk '{print $NF}' |
        grep -v -e '^__asan' -e '^__ubsan' -e '^__sancov' -e '^_init$' -e '^_fini$' | sort | tr '\n' ' ')
    if [ "$exported" != "s2n_plugin_entry " ]; then
        fail "$so exports more than s2n_plugin_entry: $exported"
    fi
done
if [ "$checked" -lt 8 ]; then
    fail "only $checked plugin files found; were they built?"
fi
[ "$failures" -eq 0 ] && pass "$checked plugin files: only s2n_plugin_entry exported, no host symbols needed"
finish
