#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: Debian packages (node exporter, git,
# openssl, gcc, PostgreSQL and Redis for the production configuration's test, and Chromium for
# browser tests with --browser), the npm workspace, and the stack's components built from their
# Go modules: the hub's (VictoriaMetrics, vmagent, vmalert, vmauth, Alertmanager), the Kubernetes
# clusters' (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok) and
# Gitea.
# Safe to re-run: it only installs or builds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=false
[ "${1:-}" = "--browser" ] && want_browser=true

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
case "$major" in
  20|22|24) ;;
  *) echo "Node.js 20, 22 or 24 is needed (found: $(node --version 2>/dev/null || echo none))" >&2; exit 1 ;;
esac

# Go builds the hub's components; say exactly what to install before anything else runs.
if ! command -v go >/dev/null; then
  echo "Go 1.26.6 or newer is needed to build the local hub (VictoriaMetrics from its Go modules)." >&2
  echo "Install Go 1.26.6 or newer (the official Go release for your OS) and put 'go' on PATH." >&2
  exit 1
fi

packages=()
command -v prometheus-node-exporter >/dev/null || packages+=(prometheus-node-exporter)
# The local clusters' CA and certificates.
command -v openssl >/dev/null || packages+=(openssl)
# The local Gitea (where the templates publish) runs git for every repository operation.
command -v git >/dev/null || packages+=(git)
# Gitea's SQLite driver is built with cgo.
command -v gcc >/dev/null || packages+=(gcc libc6-dev)
# The production configuration's test runs the backend on a real PostgreSQL and Redis
# (startTestPostgres/startTestRedis on loopback; no system service is used). Debian keeps
# PostgreSQL's server binaries in /usr/lib/postgresql/<major>/bin, off PATH.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || packages+=(postgresql)
command -v redis-server >/dev/null || packages+=(redis-server)
if $want_browser && [ ! -x /usr/bin/chromium ]; then packages+=(chromium); fi

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> Installing Debian packages: ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    # Their system services are not used (the tests start their own on free ports): stop the
    # ones this install just started, so 5432 and 6379 stay free.
    for service in postgresql redis-server; do
      if [[ " ${packages[*]} " == *" $service "* ]]; then
        service "$service" stop >/dev/null 2>&1 || true
      fi
    done
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

# The stack's components, from their Go modules (pinned in packages/local-stack/src/components.ts),
# into a binary cache keyed by version: ~17 minutes the first time on 2 cores, a file check
# afterwards.
npm run -s stack -- build
