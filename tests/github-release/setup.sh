#!/bin/sh
# Installs the npm test dependencies of the github-release tests (the
# GitHub API peer) into tests/github-release/node_modules.  Idempotent: does
# nothing when the pinned version is already there.  Needs node and npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
want=8.1.7
have=$(node -p 'require(process.argv[1]).version' \
    "$here/node_modules/@octokit/fixtures-server/package.json" 2>/dev/null || true)
if [ "$have" = "$want" ] && [ -d "$here/node_modules/express" ]; then
    exit 0
fi
cd "$here"
npm install --no-audit --no-fund --no-save --loglevel=error >/dev/null
node -p 'require("@octokit/fixtures-server/package.json").version' | grep -qx "$want"
