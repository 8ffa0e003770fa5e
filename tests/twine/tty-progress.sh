#!/bin/sh
# Progress on a real terminal (a pseudo-terminal from script(1)): the core
# tells stages S2NBUILD_TTY=1 only when its stdout is a terminal and CI is
# not set, draws '\r'-ended updates in place (never in the stage log), and
# the twine stage shows bytes / total and a rate while a slow server takes
# the body.  Everywhere else: one line per file.
. "$top_srcdir/tests/twine/lib.sh"

command -v script >/dev/null || { echo "script(1) (bsdutils) is needed"; exit 1; }
mkdir -p "$T/w"
a=$("$PY" "$top_srcdir/tests/twine/make_big_wheel.py" "$T/w" 5)
b=$("$PY" "$top_srcdir/tests/twine/make_big_wheel.py" "$T/w" 6)
start_stub tty
cd "$T/w"
unset S2NBUILD_TTY
# on_tty FILE WORDS...: run the shell command WORDS (joined by spaces, so
# quote for the inner shell) with a pseudo-terminal as its stdout/stderr;
# the terminal's bytes go into FILE.
on_tty() {
    out=$1; shift
    script -qfec "$*" /dev/null </dev/null >"$out"
}
# Bytes of FILE as lines split at '\r' and '\n' alike, with the number of
# '\r' not followed by '\n' (in-place updates) on stdout.
updates() { "$PY" -c 'import re,sys; print(len(re.findall(rb"\r(?!\n)", open(sys.argv[1],"rb").read())))' "$1"; }
lines_naming() { grep -c "$2" "$1" || true; }

# The contract, seen through a command stage.
on_tty "$T/env-tty" env -u CI "$S2NBUILD" stage command run=env
check "terminal, no CI: the stage sees S2NBUILD_TTY=1" grep -q '^S2NBUILD_TTY=1' "$T/env-tty"
on_tty "$T/env-ci" env CI=true "$S2NBUILD" stage command run=env
check "terminal under CI: no S2NBUILD_TTY" sh -c '! grep -q S2NBUILD_TTY "$1"' _ "$T/env-ci"
S2NBUILD_TTY=1 "$S2NBUILD" stage command run=env >"$T/env-pipe" 2>&1
check "a pipe: no S2NBUILD_TTY, even when set outside" sh -c '! grep -q S2NBUILD_TTY "$1"' _ "$T/env-pipe"

# The core's pass-through: updates in place on the terminal, only the
# complete line in the log; "\r\n" stays a line ending.
printf '%s\n' "printf 'step 1\\rstep 2\\rall done\\n'; printf 'dos\\r\\n'" >"$T/cr.sh"
on_tty "$T/cr" env -u CI "$S2NBUILD" stage command "run='sh $T/cr.sh'"
checks "terminal: both updates drawn in place" \
    'grep -q "$(printf "\rstep 1\033\\[K\rstep 2\033\\[K")" "$T/cr"'
checks "terminal: then replaced by the complete line" 'grep -q "$(printf "\r\033\\[Kall done\r")" "$T/cr"'
checks "stage log: the complete lines only" \
    '[ "$(tr "\r" "R" <.s2nbuild/runs/latest/command.log)" = "$(printf "all done\ndosR")" ]'

# The twine stage on a terminal, the server reading each body over ~1.5 s.
fault "$URL_tty" '["trickle:1.5", "trickle:1.5"]'
on_tty "$T/up-tty" env -u CI "$S2NBUILD" stage twine repository_url="$URL_tty/legacy/" "files=$a" "files=$b"
log="$T/w/.s2nbuild/runs/latest/twine.log"
check "terminal upload succeeds" grep -q "uploaded bigdemo-1.0.6-py3-none-any.whl" "$T/up-tty"
checks "terminal: several in-place updates per file" '[ "$(updates "$T/up-tty")" -ge 4 ]'
for f in bigdemo-1.0.5-py3-none-any.whl bigdemo-1.0.6-py3-none-any.whl; do
    checks "terminal: $f updates show bytes / total (percent) and a rate" \
        'tr "\r" "\n" <"$T/up-tty" | grep -Eq "^$f: [0-9.]+ [KMG]?B / [0-9.]+ MB \([0-9]+%\)  [0-9.]+ [KMG]?B/s"'
    checks "stage log: exactly one line for $f" '[ "$(lines_naming "$log" "$f")" = 1 ]'
done
checks "stage log: no progress updates" '! grep -q "$(printf "\r")" "$log" && ! grep -q "%)" "$log"'

# CI on a terminal, and a pipe: one line per file, nothing drawn in place.
# (The upload URL "/" has no simple index to ask, so the files are sent
# again; the stub takes identical re-uploads, as PyPI does.)
fault "$URL_tty" '["trickle:1", "trickle:1"]'
on_tty "$T/up-ci" env CI=true "$S2NBUILD" stage twine repository_url="$URL_tty/" "files=$a" "files=$b"
checks "CI: no in-place updates" '[ "$(updates "$T/up-ci")" = 0 ]'
for f in bigdemo-1.0.5-py3-none-any.whl bigdemo-1.0.6-py3-none-any.whl; do
    checks "CI: exactly one line for $f" '[ "$(lines_naming "$T/up-ci" "$f")" = 1 ]'
done
"$S2NBUILD" stage twine repository_url="$URL_tty/" "files=$a" >"$T/up-pipe" 2>&1
checks "pipe: one line for the file, no '\\r'" \
    '[ "$(lines_naming "$T/up-pipe" bigdemo-1.0.5)" = 1 ] && [ "$(updates "$T/up-pipe")" = 0 ]'
finish
