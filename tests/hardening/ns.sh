# Sourced first by the hardening tests that need mounts: re-runs the
# script in a private mount namespace, where it may mount small tmpfs
# file systems (to fill them to the brim) and read-only bind mounts
# without touching the machine's mounts.  Without the right to do so
# (no CAP_SYS_ADMIN) the script says NOT RUN and exits 77, which
# automake counts as SKIP, never as a pass.
not_run() {
    printf 'NOT RUN: %s: %s (this is not a pass)\n' "$(basename "$0")" "$1"
    exit 77
}
if [ -z "${S2N_HARDEN_NS:-}" ]; then
    command -v unshare >/dev/null 2>&1 || not_run "unshare(1) is missing (util-linux)"
    unshare -m --propagation private true 2>/dev/null \
        || not_run "cannot make a private mount namespace (needs CAP_SYS_ADMIN)"
    S2N_HARDEN_NS=1 exec unshare -m --propagation private "${SHELL:-/bin/sh}" "$0" "$@"
fi
# Creating inodes on a disk can be slow: the scratch folder lives on a
# tmpfs when there is one.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    TMPDIR=/dev/shm
    export TMPDIR
fi
. "$top_srcdir/tests/lib.sh"

H_MOUNTS=
# Mounts go before the scratch folder is removed (the namespace ends with
# the script anyway; this keeps rm -rf from tripping over them).
harden_cleanup() {
    for m in $H_MOUNTS; do umount -l "$m" 2>/dev/null; done
    rm -rf "$TMP"
}
trap harden_cleanup EXIT

# small_fs DIR SIZE: a fresh tmpfs of SIZE (e.g. 8m) at DIR.
small_fs() {
    mkdir -p "$1" && mount -t tmpfs -o "size=$2,mode=0755" tmpfs "$1" || return 1
    H_MOUNTS="$1 $H_MOUNTS"
}
# read_only DIR: DIR becomes a read-only bind mount of itself.
read_only() {
    mount --bind "$1" "$1" && H_MOUNTS="$1 $H_MOUNTS" && mount -o remount,bind,ro "$1"
}
# fill DIR [LEAVE]: the file system holding DIR gets no byte more (or
# only about LEAVE bytes more); DIR/.fill* hold the space.  Checks that a
# full one really is full.
fill() {
    leave=${2:-0}
    fallocate -l "$(($(df --output=avail -B1 "$1" | tail -1) - leave))" "$1/.fill" 2>/dev/null
    [ "$leave" -gt 0 ] && return 0
    dd if=/dev/zero of="$1/.fill2" bs=4096 2>/dev/null
    dd if=/dev/zero of="$1/.fill3" bs=1 2>/dev/null
    if printf x 2>/dev/null >"$1/.probe"; then
        rm -f "$1/.probe"
        not_ok "could not fill $1"
        return 1
    fi
    rm -f "$1/.probe"
    return 0
}
unfill() { rm -f "$1/.fill" "$1/.fill2" "$1/.fill3"; }
# manifest DIR: every path with its type, mode, link target and content
# hash: two equal manifests mean a byte-for-byte equal tree.
manifest() {
    (cd "$1" && find . \( -name .lock -o -name '.fill*' \) -prune -o -printf '%p %y %m %l\n' | LC_ALL=C sort \
        && find . -type f ! -name .lock ! -name '.fill*' -exec sha256sum {} + | LC_ALL=C sort)
}

# same_tree NAME BEFORE AFTER: two manifests are equal (else the diff)
same_tree() {
    if [ "$2" = "$3" ]; then ok "$1"
    else not_ok "$1: it changed" "$(printf '%s\n' "$2" > "$TMP/.before"; printf '%s\n' "$3" | diff "$TMP/.before" -)"; fi
}

small_fs "$TMP/probe" 1m 2>/dev/null || not_run "cannot mount a tmpfs (needs CAP_SYS_ADMIN)"
