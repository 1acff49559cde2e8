#!/usr/bin/env bash
# Installs what the tests need on Debian (idempotent): Chromium for Playwright, OpenSSH's sshd,
# Docker's dockerd and CLI, Podman,
# Python's debugpy, gdb and lldb, pyflakes and pytest, real Python servers (gunicorn, Flask, Django),
# and the npm packages from package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

# gdb and lldb: the attach-by-PID injectors; pyflakes3 and python3-pytest: the remote helpers;
# gunicorn, Flask, Django (and setproctitle, which names gunicorn's workers): programs that start
# child processes, for the child-process tests; numpy for the snapshot capture of arrays; pandas
# (with numpy) for the data viewer; docker.io: the container tests start their own dockerd
# (test/harness/dockerd.ts); podman: the Podman tests give its CLI a store of their own
# (test/harness/podman.ts; rootful, vfs, no network, so none of its recommends but uidmap, the
# newuidmap the rootless Podman test needs; runc, as crun fails on this machine's cgroups);
# gevent, Pyramid (with waitress, its usual server) for launch.json's `gevent` and `pyramid`
# options; sudo for its `sudo` option (issue 18); blinker (Flask's signals, only recommended by
# python3-flask), so a Flask crash is captured by got_request_exception as on a usual install, not
# only by its logged error.
debian_packages=(chromium openssh-server openssh-client python3-debugpy gdb lldb pyflakes3
  python3-pytest gunicorn python3-flask python3-blinker python3-django python3-setproctitle
  python3-numpy python3-pandas docker.io podman uidmap runc python3-gevent python3-pyramid
  python3-waitress sudo)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# sshd refuses to start without its privilege-separation directory (no systemd here to make it).
if [ "$(id -u)" -eq 0 ]; then mkdir -p /run/sshd; fi

# The Electron runtime cannot be downloaded on every machine; its typings are enough for tests.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ -n "${CI:-}" ] || [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
