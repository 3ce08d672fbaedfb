#!/usr/bin/env bash
# The whole test suite (all but the PostgreSQL suite, which .ci/run adds): unit, API, slow suites.
# Creates .venv if it is missing. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
exec python -m pytest -m "not postgres" -n "${PYTEST_WORKERS:-2}" "$@"
