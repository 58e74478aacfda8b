#!/usr/bin/env bash
# One command for a newcomer: installs what is missing, starts the local hub and three spokes,
# then Backstage (frontend on :3000, backend on :7007) with the example catalog.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
npm run -s stack -- start
eval "$(npm run -s stack -- env)"

cat <<MSG

  Backstage is starting: open http://localhost:3000 (sign in as guest), then
  http://localhost:3000/catalog/default/component/payments/monitoring (its alerts and metrics)
  and the fleet of every service: http://localhost:3000/monitoring

  The local stack keeps running after you stop Backstage:
    npm run stack -- status | stop
    vmui: http://127.0.0.1:8428/vmui   vmalert: http://127.0.0.1:8880, :8881   Alertmanager: http://127.0.0.1:9093
    Gitea (templates publish here, owner team-platform; its API: /api/v1): http://127.0.0.1:3300

MSG
exec npx backstage-cli repo start
