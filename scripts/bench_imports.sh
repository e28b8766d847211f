#!/usr/bin/env bash
# Runs the notification-list import benchmark (bench/imports.py) against a throwaway
# PostgreSQL cluster.
#
# Usage: bash scripts/bench_imports.sh [bench/imports.py arguments...]
# The cluster is started the same way as for the tests and is always stopped and removed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -f bench/imports.py ]; then
    echo "bench/imports.py not found" >&2
    exit 1
fi

# shellcheck source=scripts/pg_cluster.sh
source scripts/pg_cluster.sh
trap pg_cluster_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_cluster_start
status=0
.venv/bin/python bench/imports.py "$@" || status=$?
exit "$status"
