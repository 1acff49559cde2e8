#!/usr/bin/env bash
# Runs every Periscope test on a fresh Debian machine: installs what the tests need (Debian
# packages, npm packages), builds, checks types and lint, then unit, integration and end-to-end
# tests. Ends with one summary line: "periscope: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-test-env.sh

export ELECTRON_SKIP_BINARY_DOWNLOAD=1
mkdir -p reports
step() { printf '\n== %s ==\n' "$1"; }

step build
npm run --silent build

step "typecheck and lint"
npm run --silent typecheck
npm run --silent lint

status=0
rm -f reports/vitest.json reports/playwright.json
step "unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json || status=1

step "end-to-end tests (Playwright, Chromium, web mode)"
PLAYWRIGHT_JSON_OUTPUT_NAME=reports/playwright.json npx playwright test --reporter=list,json || status=1

node scripts/test-summary.mjs reports/vitest.json reports/playwright.json || status=1
exit $status
