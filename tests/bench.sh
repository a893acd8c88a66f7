#!/bin/sh
# `make bench` (issue #9): wrk on loopback against lighttpd and Apache +
# mod_fcgid serving Flagon, a static file and the FastCGI limit
# (build/bench/fcgi_limit), and the Flask peer under gunicorn.  The work
# is in bench/run.py (BENCH_* settings documented there).
set -eu
cd "$(dirname "$0")/.."
export FLAGON_ROOT="$(pwd)" FLAGON_BUILD="${FLAGON_BUILD:-build}" FLAGON_OUT="${FLAGON_OUT:-.}"
exec /usr/bin/python3 bench/run.py "$@"
