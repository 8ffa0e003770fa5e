#!/bin/sh
# An OpenSSL that computes no SHA-256 (OPENSSL_CONF asking for FIPS
# algorithms where no FIPS provider is installed): every stage cache key
# and artifact digest stands on SHA-256, so `run`, `plan` and `stage`
# refuse to start with a clear message instead of keying the cache on
# digests that were never written (which once replayed a changed stage as
# "cached").  `validate` needs no digest and still works.
. "$top_srcdir/tests/lib.sh"
cd "$TMP" || exit 1
cat > nosha.cnf <<'EOF2'
openssl_conf = openssl_init
[openssl_init]
alg_section = algorithm_sect
[algorithm_sect]
default_properties = fips=yes
EOF2
pipeline() {
    cat > s2nbuild.yml <<EOF2
version: 1
stages:
  - name: make
    type: command
    with: { run: "echo $1 > out.txt", outputs: [out.txt] }
EOF2
}
pipeline first
# The configuration really takes SHA-256 away (else this test proves nothing).
check "the configuration makes openssl refuse sha256" sh -c '! echo x | OPENSSL_CONF=nosha.cnf openssl dgst -sha256'

expect_rc "run refuses without SHA-256" 2 env OPENSSL_CONF=nosha.cnf "$S2N" run
contains "the message says why and where" "$OUT" "OpenSSL computes no SHA-256 here (unsupported, OPENSSL_CONF=nosha.cnf)"
check "nothing was run" test ! -e out.txt
check "no run record was written" test ! -e .s2nbuild/runs
expect_rc "plan refuses too" 2 env OPENSSL_CONF=nosha.cnf "$S2N" plan
expect_rc "stage refuses too" 2 env OPENSSL_CONF=nosha.cnf "$S2N" stage command run=true
expect_rc "validate needs no digest" 0 env OPENSSL_CONF=nosha.cnf "$S2N" validate

expect_rc "the same pipeline runs with OpenSSL's own configuration" 0 "$S2N" run
contains "the artifact's digest is the real one" "$(json_get .s2nbuild/runs/latest/record.json 'j["stages"][0]["artifacts"][0]["sha256"]')" "$(sha256sum out.txt | cut -c1-64)"
pipeline second
expect_rc "a changed stage is not replayed from the cache by a broken OpenSSL" 2 env OPENSSL_CONF=nosha.cnf "$S2N" run
check "the old output is left as it was" grep -qx first out.txt
expect_rc "the changed stage runs once SHA-256 is back" 0 "$S2N" run
check "it ran (not cached)" grep -qx second out.txt
finish
