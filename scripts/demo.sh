#!/usr/bin/env bash
# Start the gateway on its embedded default: SQLite under ./var, migrations applied, the external systems'
# simulators running and (on a fresh database) sending demo messages that become inquiries in several states, the scheduler delivering the outbox, and a demo admin key
# printed with the URL. The API listens on IPv6 and IPv4 (port $PORT, default 8000). Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
mkdir -p var
export GATEWAY_DATABASE_URL=${GATEWAY_DATABASE_URL:-sqlite:///$PWD/var/gateway.db}
PORT=${PORT:-8000}

# Secrets stay on this machine, in var/ (ignored by git): the session key and one webhook secret per system.
touch var/demo.env
python - <<'PY'
import secrets
from pathlib import Path
from adapters.base.webhooks import new_secret
path = Path("var/demo.env")
have = {line.split("=", 1)[0] for line in path.read_text().splitlines() if "=" in line}
wanted = {
    "GATEWAY_SECRET_KEY": lambda: secrets.token_hex(32),
    "GATEWAY_CALLER_KEY_SECRET": lambda: secrets.token_hex(32),
}
for system in ("HOTLINE", "WEBSITE", "WINDOW", "DEPT_HOTLINE", "DEPARTMENT"):
    wanted[f"GATEWAY_{system}_WEBHOOK_SECRETS"] = new_secret
with path.open("a") as out:
    for name, make in wanted.items():
        if name not in have:
            out.write(f"{name}={make()}\n")
PY
set -a; source var/demo.env; set +a

flask --app wsgi config check
flask --app wsgi db upgrade
key=$(flask --app wsgi keys create --role admin --name 演示管理员 | sed 's/.*: //')
# Console accounts, one per role. DEMO ONLY: they share the published password demo-2026.
accounts=$(flask --app wsgi demo accounts --password demo-2026)

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
flask --app wsgi demo simulators --gateway-url "http://127.0.0.1:${PORT}" > var/simulators.log 2>&1 &
pids+=($!)
flask --app wsgi scheduler > var/scheduler.log 2>&1 &
pids+=($!)

cat <<MSG

  区政务服务集成网关 (district integration gateway) is starting
  API docs:    http://localhost:${PORT}/api/docs   (IPv6: http://[::1]:${PORT}/api/docs)
  Consoles:    http://localhost:${PORT}/console/   (demo password for every account: demo-2026, DEMO ONLY)
${accounts}
  Demo key:    ${key}
  Try:         curl -H "Authorization: Bearer ${key}" http://localhost:${PORT}/api/v1/inquiries
  Simulators:  12345 http://127.0.0.1:9101/_sim/state  网站 http://127.0.0.1:9102/_sim/state
               窗口 http://127.0.0.1:9103/_sim/state  12348 http://127.0.0.1:9104/_sim/state
               事项库 http://127.0.0.1:9105/_sim/state  部门审批 http://127.0.0.1:9106/_sim/state
  Logs:        var/simulators.log, var/scheduler.log

MSG
GATEWAY_BIND="[::]:${PORT}" gunicorn --config python:gateway.gunicorn_conf wsgi:app &
pids+=($!)
wait "${pids[-1]}"
