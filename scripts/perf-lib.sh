# Shared by scripts/bench and scripts/soak: the environment, PostgreSQL, Redis and wrk.
# shellcheck shell=bash

export DATABASE_URL=${BENCH_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}/postgres
ensure_venv test
ensure_postgres
unset DATABASE_URL
if ! command -v wrk >/dev/null 2>&1; then
    say "Installing wrk"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq wrk >/dev/null
    else
        fail "wrk is needed: sudo apt-get install wrk"
    fi
fi
redis-cli -u "${BENCH_REDIS_URL:-redis://127.0.0.1:6379/7}" ping >/dev/null 2>&1 ||
    fail "Redis does not answer at ${BENCH_REDIS_URL:-redis://127.0.0.1:6379/7}; start it or set BENCH_REDIS_URL."
