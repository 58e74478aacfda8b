#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: Debian packages (the real VictoriaMetrics
# stack, and Chromium for browser tests with --browser) and the npm workspace.
# Safe to re-run: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=false
[ "${1:-}" = "--browser" ] && want_browser=true

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
case "$major" in
  20|22|24) ;;
  *) echo "Node.js 20, 22 or 24 is needed (found: $(node --version 2>/dev/null || echo none))" >&2; exit 1 ;;
esac

packages=()
command -v victoria-metrics >/dev/null || packages+=(victoria-metrics)
command -v prometheus-alertmanager >/dev/null || packages+=(prometheus-alertmanager)
command -v prometheus-node-exporter >/dev/null || packages+=(prometheus-node-exporter)
# The local forge serves repositories with `git http-backend` (the templates publish there).
[ -x "$(git --exec-path 2>/dev/null)/git-http-backend" ] || packages+=(git)
if $want_browser && [ ! -x /usr/bin/chromium ]; then packages+=(chromium); fi

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> Installing Debian packages: ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    echo "Missing Debian packages. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
    exit 1
  fi
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Installing npm packages (npm ci; the first time takes a few minutes)"
  npm ci --no-audit --no-fund --loglevel=error
fi
