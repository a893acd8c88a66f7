#!/bin/sh
# Run every test: the C unit tests (cmocka), then the integration tests
# (pytest with Debian's /usr/bin/python3) against real lighttpd and Apache,
# then the browser tests (headless Chromium, tests/browser/).
# The last line is "N passed, N failed".
#   FLAGON_BUILD  where unit test binaries are (default build)
#   FLAGON_OUT    where cgi-bin/ and manage are (default .)
#   TEST_PATTERN  run only the tests whose name contains it (`./manage test
#                 -k PATTERN` sets it): pytest gets -k PATTERN, the C unit
#                 tests cmocka's filter *PATTERN* (tests/unit/support/
#                 test_pattern.c); the names of the tests run are listed
#   FLAGON_TEST_DB  the databases: sqlite (default here; make test passes
#                 all), mysql, postgresql, a comma-separated list, or all
#                 (private servers on loopback)
set -u
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
build=${FLAGON_BUILD:-build}
out=${FLAGON_OUT:-.}
export FLAGON_ROOT="$root" FLAGON_BUILD="$build" FLAGON_OUT="$out"
logdir="${FLAGON_TEST_LOGS:-$build/test-logs}"   # FLAGON_TEST_LOGS: elsewhere (a run inside a run)
mkdir -p "$logdir"
passed=0
failed=0
pattern=${TEST_PATTERN:-}

# FLAGON_TEST_DB=mysql|postgresql|all (comma-separated; default sqlite):
# private MariaDB/PostgreSQL servers for the C unit tests, started by
# tools/dbservers.py in a temporary directory; their URIs reach the tests in
# FLAGON_TEST_<KIND>_URI (tests/unit/dbserver.h).  They are stopped by PID
# before the integration tests, which start their own (tests/integration/
# conftest.py).  A bad FLAGON_TEST_DB stops the run here.
dbdir=$(mktemp -d "${TMPDIR:-/tmp}/flagon-dbservers.XXXXXX") || exit 2
stop_dbservers() {
  [ -n "$dbdir" ] || return 0
  /usr/bin/python3 tools/dbservers.py stop "$dbdir"
  rm -rf "$dbdir"; dbdir=""
}
trap stop_dbservers EXIT
trap 'stop_dbservers; exit 130' INT TERM
dbexports=$(/usr/bin/python3 tools/dbservers.py start "$dbdir") || {
  echo "tests/run.sh: the database servers did not start (FLAGON_TEST_DB=${FLAGON_TEST_DB:-})"
  exit 2
}
eval "$dbexports"

for t in "$build"/tests/unit/test_*; do
  [ -x "$t" ] || continue
  case "$t" in *.o|*.d) continue ;; esac
  name=$(basename "$t")
  log="$logdir/$name.log"
  CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  p=${p:-0}; f=${f:-0}; s=${s:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed before reporting
  passed=$((passed + p)); failed=$((failed + f))
  note=""
  [ "$s" -eq 0 ] || note=", $s skipped (why: $log)"
  [ -n "$pattern" ] && [ $((p + f)) -eq 0 ] && continue   # nothing selected here
  printf '%-28s %3d passed, %d failed%s\n' "$name" "$p" "$f" "$note"
  [ -z "$pattern" ] || sed -n 's/^\[       OK \] \(.*\)/    PASSED \1/p; s/^\[  FAILED  \] \(test_[^ ]*\)$/    FAILED \1/p' "$log"
  [ "$f" -eq 0 ] || sed 's/^/    /' "$log" | grep -E 'FAIL|ERROR|error|Assert|Sanitizer|runtime error' | head -20
done

stop_dbservers

# pytest_suite LABEL DIR NOTE: run one pytest directory, add its counts,
# and on a failure print the failing tests' names first, then the short
# tracebacks (--tb=short keeps library source out of the log).
pytest_suite() {
  label=$1; dir=$2; note=$3
  log="$logdir/$(basename "$dir").log"
  if [ -n "$pattern" ]; then
    /usr/bin/python3 -m pytest -q -p no:cacheprovider --tb=short -rA -k "$pattern" "$dir" >"$log" 2>&1
  else
    /usr/bin/python3 -m pytest -q -p no:cacheprovider --tb=short -rfEs "$dir" >"$log" 2>&1
  fi
  rc=$?
  # pytest's 5: -k selected no test here (not a failure)
  if [ -n "$pattern" ] && [ "$rc" -eq 5 ]; then return; fi
  summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed|skipped)|no tests ran|^=+ .*(passed|failed|error)' "$log" | tail -1)
  p=$(echo "$summary" | grep -o '[0-9]* passed' | grep -o '[0-9]*'); p=${p:-0}
  f=$(echo "$summary" | grep -o '[0-9]* failed' | grep -o '[0-9]*'); f=${f:-0}
  e=$(echo "$summary" | grep -o '[0-9]* error' | grep -o '[0-9]*'); e=${e:-0}
  s=$(echo "$summary" | grep -o '[0-9]* skipped' | grep -o '[0-9]*'); s=${s:-0}
  f=$((f + e))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  [ "$s" -eq 0 ] || note=", $s skipped (why: grep SKIPPED $log)$note"
  printf '%-28s %3d passed, %d failed%s\n' "$label" "$p" "$f" "$note"
  [ -z "$pattern" ] || grep -E '^(PASSED|FAILED|ERROR) ' "$log" | sed 's/^/    /'
  if [ "$f" -ne 0 ]; then
    grep -E '^(FAILED|ERROR) ' "$log" | head -20
    grep -E '^(E |_{5,} )' "$log" | head -60
    echo "    (whole log: $log)"
  fi
}

if ls tests/integration/test_*.py >/dev/null 2>&1; then
  pytest_suite "integration (pytest)" tests/integration ""
fi

# Browser tests: headless Chromium (chromium, chromium-driver,
# python3-selenium; make install-deps installs them) against lighttpd.
# Without them the suite skips, or fails under CI=true: tests/browser/
# conftest.py decides, by the rule of the integration tests (servers.missing).
if ls tests/browser/test_*.py >/dev/null 2>&1; then
  pytest_suite "browser (chromium)" tests/browser " (screenshots in var/screenshots/)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
