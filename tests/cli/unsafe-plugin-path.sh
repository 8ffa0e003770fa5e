#!/bin/sh
# Plugins run with the pipeline's publishing credentials: a plugin in a
# directory other users can write to is refused unless asked for.
. "$top_srcdir/tests/lib.sh"
cd "$TMP"
mkdir open closed
cp "$top_builddir/tests/hostapi/.libs/s2n-hostprobe.so" open/
cp "$top_builddir/tests/hostapi/.libs/s2n-hostprobe.so" closed/
chmod 0777 open
chmod 0755 closed
expect_rc "world-writable plugin dir refused" 2 "$S2N" --plugin-path open stage hostprobe do=kinds
contains "reason and path named" "$OUT" "open/s2n-hostprobe.so: refusing to load: $TMP/open is writable by every user"
contains "the way out is named" "$OUT" "--allow-unsafe-plugin-path"
expect_rc "--allow-unsafe-plugin-path loads it" 0 "$S2N" --allow-unsafe-plugin-path --plugin-path open stage hostprobe do=kinds
expect_rc "a safe dir loads" 0 "$S2N" --plugin-path closed stage hostprobe do=kinds
chmod 0666 closed/s2n-hostprobe.so
expect_rc "world-writable plugin file refused" 2 "$S2N" --plugin-path closed stage hostprobe do=kinds
chmod 0755 closed/s2n-hostprobe.so
cd closed
expect_rc "the current directory is never searched implicitly" 2 "$S2N" stage hostprobe do=kinds
contains "not found lists the dirs searched" "$OUT" "no plugin for stage type 'hostprobe'"
finish
