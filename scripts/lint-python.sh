#!/usr/bin/env bash
# Lints the helper programs Periscope runs on the remote machine (src-main/remote/python/*.py)
# and their tests: pyflakes (Debian's pyflakes3; bookworm has no ruff) and a byte-compile with
# the interpreter the tests use. Part of `npm run lint`.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
files=(src-main/remote/python/*.py test/python/*.py)
[ ${#files[@]} -gt 0 ] || exit 0
pyflakes3 "${files[@]}"
for f in "${files[@]}"; do
  /usr/bin/python3 -c 'import sys; compile(open(sys.argv[1], "rb").read(), sys.argv[1], "exec")' "$f"
done
