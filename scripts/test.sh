#!/usr/bin/env bash
# The whole check: system packages, formatting, lint, import layers, migrations, and the
# pytest suite on SQLite and on a throwaway PostgreSQL cluster.
#
# Usage: bash scripts/test.sh [pytest arguments...]
# Every step runs even when an earlier one fails; the exit status is non-zero if any failed.
# The last line printed is "N passed, M failed" (", K skipped" when some were skipped),
# summed over both pytest runs.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
VENV="$ROOT/.venv/bin"

# shellcheck source=scripts/pg_cluster.sh
source "$ROOT/scripts/pg_cluster.sh"

export HOMEWARD_CHROMIUM=/usr/bin/chromium
# The SQLite run must not see a database URL from the caller's environment.
unset HOMEWARD_DATABASE_URL
# Scratch space for pytest logs; the data directory inside it keeps uploads and SQLite files
# written by tests out of the developer's var/.
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/homeward-test.XXXXXX")"
export HOMEWARD_DATA_DIR="$WORK_DIR/data"
mkdir -p "$HOMEWARD_DATA_DIR"

cleanup() {
    pg_cluster_stop
    rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

failed_steps=()
total_passed=0
total_failed=0
total_skipped=0

header() {
    printf '\n==> %s\n' "$*"
}

# run_step NAME COMMAND...: runs the command, records NAME when it fails.
run_step() {
    local name="$1"
    shift
    header "$name"
    if "$@"; then
        return 0
    fi
    failed_steps+=("$name")
    return 0
}

ensure_system_packages() {
    local packages=()
    [ -x /usr/bin/chromium ] || packages+=(chromium)
    command -v msgfmt >/dev/null 2>&1 || packages+=(gettext)
    # PDFs in Arabic need a font with Arabic glyphs (DejaVu Sans has them).
    fc-list :lang=ar 2>/dev/null | grep -q . || packages+=(fonts-dejavu-core fontconfig)
    if [ "${#packages[@]}" -eq 0 ]; then
        echo "chromium, gettext and fonts are installed"
        return 0
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "missing ${packages[*]} and not root without sudo: install them first" >&2
            return 1
        fi
    fi
    echo "installing ${packages[*]}"
    "${sudo[@]}" apt-get update \
        && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}"
}

# run_pytest LABEL [pytest arguments...]: runs the suite and adds its counts to the totals.
run_pytest() {
    local label="$1"
    shift
    local log status=0
    log="$WORK_DIR/pytest-$label.log"
    "$VENV/pytest" "$@" 2>&1 | tee "$log" || status="${PIPESTATUS[0]}"

    # pytest's summary line, e.g. "3 failed, 120 passed, 2 skipped, 1 warning in 9.81s".
    local summary passed=0 failed=0 errors=0 skipped=0
    summary="$(grep -E '(passed|failed|errors?|skipped|no tests ran).* in [0-9.]+s' "$log" \
        | tail -n 1 || true)"
    passed="$(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)"
    failed="$(grep -oE '[0-9]+ failed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)"
    errors="$(grep -oE '[0-9]+ errors?' <<<"$summary" | grep -oE '[0-9]+' || echo 0)"
    skipped="$(grep -oE '[0-9]+ skipped' <<<"$summary" | grep -oE '[0-9]+' || echo 0)"
    failed=$((failed + errors))

    if [ "$status" -eq 5 ]; then
        echo "pytest collected no tests ($label): treated as a failure" >&2
    fi
    if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
        # Crashed, interrupted or collected nothing: never report such a run as clean.
        echo "pytest exited with status $status without failing tests ($label): counted as 1 failed" >&2
        failed=1
    fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    total_skipped=$((total_skipped + skipped))
    return "$status"
}

pytest_on_postgresql() {
    pg_cluster_start || return 1
    local status=0
    run_pytest postgresql "$@" || status=$?
    pg_cluster_stop
    return "$status"
}

run_step "System packages (chromium, gettext, fonts)" ensure_system_packages
run_step "ruff format --check" "$VENV/ruff" format --check .
run_step "ruff check" "$VENV/ruff" check .
run_step "lint-imports" "$VENV/lint-imports"
run_step "makemigrations --check" "$VENV/python" manage.py makemigrations --check --dry-run
run_step "pytest on SQLite" run_pytest sqlite "$@"
run_step "pytest on PostgreSQL" pytest_on_postgresql "$@"

echo
if [ "${#failed_steps[@]}" -gt 0 ]; then
    echo "Failed steps:"
    printf '  - %s\n' "${failed_steps[@]}"
else
    echo "All steps passed."
fi
line="$total_passed passed, $total_failed failed"
if [ "$total_skipped" -gt 0 ]; then
    line="$line, $total_skipped skipped"
fi
echo "$line"
[ "${#failed_steps[@]}" -eq 0 ]
