#!/bin/sh
# `s2nbuild new-plugin NAME` writes a skeleton that builds and passes its
# own test.
. "$top_srcdir/tests/lib.sh"
cd "$TMP"
expect_rc "new-plugin writes a folder" 0 "$S2N" new-plugin my-step
check "three files" test -f my-step/my-step.c -a -f my-step/Makefile -a -x my-step/test.sh
expect_rc "the skeleton builds and passes its own test" 0 make -C my-step check
contains "its test ran" "$OUT" "2 passed, 0 failed"
expect_rc "an existing folder is not overwritten" 2 "$S2N" new-plugin my-step
expect_rc "a bad name is refused" 2 "$S2N" new-plugin My_Step
check "nothing half-written" sh -c "! ls -d my-step.tmp.* 2>/dev/null"
finish
