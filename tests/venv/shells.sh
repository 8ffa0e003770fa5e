#!/bin/sh
# venv plugin: the fish and csh activation scripts, sourced by the real
# shells (Debian's fish, tcsh, and bsd-csh when the csh package is in):
# VIRTUAL_ENV, the venv's bin first on PATH, `python` is the venv's,
# PYTHONHOME put aside, the prompt prefixed, and `deactivate` restoring
# PATH, PYTHONHOME and the prompt.  The path has a space and the prompt a
# quote, so the scripts' quoting is exercised too; each script is sourced
# twice (the second leaves the first environment before entering).  fish and tcsh are
# required (CI installs them): without them this test fails, NOT RUN.
. "$top_srcdir/tests/lib.sh"
missing=""
for sh in fish tcsh; do
    command -v $sh >/dev/null 2>&1 || missing="$missing $sh"
done
if [ -n "$missing" ]; then
    echo "NOT RUN: not installed:$missing (Debian packages fish, tcsh)"
    not_ok "shells to test with:$missing missing"
    finish
fi
mkdir -p "$TMP/ws" && cd "$TMP/ws" || exit 1
V="$TMP/ws/my env"
expect_rc "venv created" 0 "$S2N" stage venv path="my env" "prompt=it's"
P="(it's) "
# A clean, small environment for each shell: no user config, fixed PATH.
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home/.config" XDG_DATA_HOME="$TMP/home/.local"
mkdir -p "$HOME"

cat >t.fish <<'EOF2'
set -gx PATH /usr/bin /bin
set -gx PYTHONHOME /nowhere
function fish_prompt; echo -n 'orig> '; end
source $argv[1]/bin/activate.fish
source $argv[1]/bin/activate.fish
echo "VE=$VIRTUAL_ENV"
echo "HEAD=$PATH[1]"
echo "HOME="(set -q PYTHONHOME; and echo $PYTHONHOME; or echo unset)
python -c 'import sys; print("PREFIX=" + sys.prefix)'
echo "PROMPT="(fish_prompt)
deactivate
echo "AFTER="(string join : $PATH)
echo "HOMEAFTER=$PYTHONHOME"
set -q VIRTUAL_ENV; and echo "still active"
functions -q deactivate; and echo "deactivate still defined"
echo "PROMPTAFTER="(fish_prompt)
EOF2
got=$(fish --no-config t.fish "$V" 2>&1)
echo "$got" | sed 's/^/# fish: /'
contains "fish: VIRTUAL_ENV" "$got" "VE=$V
"
contains "fish: venv bin first on PATH" "$got" "HEAD=$V/bin"
contains "fish: PYTHONHOME put aside" "$got" "HOME=unset"
contains "fish: python is the venv's" "$got" "PREFIX=$V"
contains "fish: prompt prefixed" "$got" "PROMPT=${P}orig> "
contains "fish: deactivate restores PATH" "$got" "AFTER=/usr/bin:/bin"
contains "fish: ... and PYTHONHOME" "$got" "HOMEAFTER=/nowhere"
contains "fish: ... and the prompt" "$got" "PROMPTAFTER=orig> "
lacks "fish: ... and leaves nothing behind" "$got" "still"

cat >t.csh <<'EOF2'
set prompt='orig> '
setenv PATH /usr/bin:/bin
setenv PYTHONHOME /nowhere
source "$argv[1]/bin/activate.csh"
source "$argv[1]/bin/activate.csh"
echo "VE=$VIRTUAL_ENV"
echo "PATH=$PATH"
if ($?PYTHONHOME) echo "PYTHONHOME still set"
python -c 'import sys; print("PREFIX=" + sys.prefix)'
echo "PROMPT=$prompt"
deactivate
echo "AFTER=$PATH"
echo "HOMEAFTER=$PYTHONHOME"
if ($?VIRTUAL_ENV) echo "still active"
alias deactivate
echo "PROMPTAFTER=$prompt"
EOF2
shells=tcsh
if [ -x /bin/bsd-csh ]; then shells="tcsh /bin/bsd-csh"
else echo "# NOT RUN for csh: /bin/bsd-csh missing (Debian package csh); tcsh is tested"; fi
for sh in $shells; do
    n=$(basename $sh)
    got=$($sh -f t.csh "$V" 2>&1)
    echo "$got" | sed "s/^/# $n: /"
    contains "$n: VIRTUAL_ENV" "$got" "VE=$V
"
    contains "$n: venv bin first on PATH" "$got" "PATH=$V/bin:/usr/bin:/bin"
    contains "$n: python is the venv's" "$got" "PREFIX=$V"
    contains "$n: prompt prefixed" "$got" "PROMPT=${P}orig> "
    contains "$n: deactivate restores PATH" "$got" "AFTER=/usr/bin:/bin"
    contains "$n: ... and PYTHONHOME" "$got" "HOMEAFTER=/nowhere"
    contains "$n: ... and the prompt" "$got" "PROMPTAFTER=orig> "
    lacks "$n: ... and leaves nothing behind" "$got" "still"
    lacks "$n: no errors" "$got" "Undefined variable"
done
finish
