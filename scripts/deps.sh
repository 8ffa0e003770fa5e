#!/bin/bash
# Installs what s2nbuild needs to build, test and run its example, from
# Debian 12 packages (and npm for the GitHub API test fixtures).  Safe to
# run again: nothing is installed twice.
set -euo pipefail

PACKAGES=(
  # build
  build-essential autoconf automake libtool pkg-config
  libltdl-dev libyaml-dev libcurl4-openssl-dev libssl-dev libarchive-dev
  zlib1g-dev libb2-dev libjansson-dev libtomlplusplus-dev
  # tests
  libcunit1-dev clang libclang-rt-14-dev abigail-tools git zip unzip curl procps openssl bc
  python3 python3-venv python3-pip python3-pytest python3-pytest-cov python3-build twine python3-sphinx
  python3-setuptools python3-wheel flit python3-hatchling python3-poetry-core
  nodejs chromium groovy
  fish tcsh csh strace   # real shells for the activate scripts; strace for the argv audit
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The machine's Node.js may bundle npm (NodeSource); Debian's splits it out.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "deps: all Debian packages present"
fi
