#!/usr/bin/env bash
# The pre-commit hooks (.pre-commit-hooks.yaml) run by pre-commit itself, in a throwaway
# repository with a Dockerfile: the check hook fails and says why, the write hook rewrites the
# file, and then the check hook passes.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap '[ "${KEEP:-}" = 1 ] || rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
cd "$work"
git init -q app && cd app
git config user.email ci@example.com && git config user.name ci
cp -r "$repo/examples/node-express/." .
git add . && git commit -qm 'a single-stage Dockerfile'
fail() { echo "pre-commit: FAIL $1"; cat "$work/out"; exit 1; }

if pre-commit try-repo "$repo" dockerize-slim --files Dockerfile >"$work/out" 2>&1; then
  fail 'the check hook passed on a Dockerfile that would change'
fi
grep -q 'Dockerfile: would change' "$work/out" || fail 'the check hook did not say which file would change'
echo 'pre-commit: pass: the check hook fails and names the file'

pre-commit try-repo "$repo" dockerize-slim-write --files Dockerfile >"$work/out" 2>&1 || true
grep -q '^FROM node:22 AS builder' Dockerfile || fail 'the write hook did not rewrite the Dockerfile'
grep -q '^FROM gcr.io/distroless/nodejs22-debian13:nonroot' Dockerfile || fail 'no distroless final stage'
echo 'pre-commit: pass: the write hook rewrites the Dockerfile'

pre-commit try-repo "$repo" dockerize-slim --files Dockerfile >"$work/out" 2>&1 || fail 'the check hook fails on the rewritten file'
echo 'pre-commit: pass: the check hook passes once the file is rewritten'
