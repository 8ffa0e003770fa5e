#!/bin/sh
# Installs the npm test dependencies of the github-release tests (the
# GitHub API peer, @octokit/fixtures-server 8.1.7) into DIR/node_modules;
# DIR defaults to this folder.  Idempotent: nothing happens when the pinned
# version is already there.  Needs node and npm (the npm registry).
#   tests/github-release/setup.sh [DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here}
want=8.1.7
have=$(node -p 'require(process.argv[1]).version' \
    "$dir/node_modules/@octokit/fixtures-server/package.json" 2>/dev/null || true)
if [ "$have" = "$want" ] && [ -d "$dir/node_modules/express" ]; then
    exit 0
fi
mkdir -p "$dir"
if [ "$dir" != "$here" ]; then
    cp "$here/package.json" "$here/package-lock.json" "$dir/"
fi
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 ||
    npm install --no-audit --no-fund --no-save --loglevel=error >/dev/null
have=$(node -p 'require("@octokit/fixtures-server/package.json").version')
[ "$have" = "$want" ] || { echo "setup.sh: got @octokit/fixtures-server $have, want $want" >&2; exit 1; }
