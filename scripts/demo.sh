#!/usr/bin/env bash
# Start the gateway on its embedded default: SQLite under ./var, migrations applied, demo data loaded,
# a demo admin key printed with the URL. Listens on IPv6 and IPv4 (port $PORT, default 8000).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
mkdir -p var
export GATEWAY_DATABASE_URL=${GATEWAY_DATABASE_URL:-sqlite:///$PWD/var/gateway.db}
if [ -z "${GATEWAY_SECRET_KEY:-}" ]; then
  [ -f var/secret_key ] || python -c 'import secrets; print(secrets.token_hex(32))' > var/secret_key
  GATEWAY_SECRET_KEY=$(cat var/secret_key)
  export GATEWAY_SECRET_KEY
fi
PORT=${PORT:-8000}
flask --app wsgi config check
flask --app wsgi db upgrade
flask --app wsgi demo load
key=$(flask --app wsgi keys create --role admin --name 演示管理员 | sed 's/.*: //')
cat <<MSG

  区政务服务集成网关 is starting
  API docs:    http://localhost:${PORT}/api/docs   (also http://[::1]:${PORT}/api/docs)
  Demo key:    ${key}
  Try:         curl -H "Authorization: Bearer ${key}" http://localhost:${PORT}/api/v1/inquiries

MSG
exec gunicorn --config python:gateway.gunicorn_conf --bind "[::]:${PORT}" wsgi:app
