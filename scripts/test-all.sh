#!/usr/bin/env bash
# Runs every Periscope test on a fresh Debian machine: installs what the tests need (Debian
# packages, npm packages), builds, checks types and lint, then unit, integration and end-to-end
# tests, and pytest for the remote helpers. Ends with one summary line:
# "periscope: N passed, N failed, N skipped, N flaky" (each flaky test is named above it).
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
rm -f reports/vitest.json reports/playwright.json reports/pytest.xml
step "remote helpers (pytest)"
/usr/bin/python3 -m pytest -q -p no:cacheprovider test/python --junitxml=reports/pytest.xml || status=1

step "unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json || status=1

step "end-to-end tests (Playwright, Chromium, web mode)"
PLAYWRIGHT_JSON_OUTPUT_NAME=reports/playwright.json npx playwright test --reporter=list,json || status=1

node scripts/test-summary.mjs reports/vitest.json reports/playwright.json reports/pytest.xml || status=1
exit $status
