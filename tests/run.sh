#!/bin/sh
# Run every test: the C unit tests (cmocka), then the integration tests
# (pytest with Debian's /usr/bin/python3) against real lighttpd and Apache,
# then the browser tests (headless Chromium, tests/browser/).
# The last line is "N passed, N failed".
#   FLAGON_BUILD  where unit test binaries are (default build)
#   FLAGON_OUT    where cgi-bin/ and manage are (default .)
set -u
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
build=${FLAGON_BUILD:-build}
out=${FLAGON_OUT:-.}
export FLAGON_ROOT="$root" FLAGON_BUILD="$build" FLAGON_OUT="$out"
logdir="$build/test-logs"
mkdir -p "$logdir"
passed=0
failed=0

for t in "$build"/tests/unit/test_*; do
  [ -x "$t" ] || continue
  case "$t" in *.o|*.d) continue ;; esac
  name=$(basename "$t")
  log="$logdir/$name.log"
  CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed before reporting
  passed=$((passed + p)); failed=$((failed + f))
  printf '%-28s %3d passed, %d failed\n' "$name" "$p" "$f"
  [ "$f" -eq 0 ] || sed 's/^/    /' "$log" | grep -E 'FAIL|ERROR|error|Assert|Sanitizer|runtime error' | head -20
done

if ls tests/integration/test_*.py >/dev/null 2>&1; then
  log="$logdir/integration.log"
  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration >"$log" 2>&1
  rc=$?
  summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed)|no tests ran|^=+ .*(passed|failed|error)' "$log" | tail -1)
  p=$(echo "$summary" | grep -o '[0-9]* passed' | grep -o '[0-9]*'); p=${p:-0}
  f=$(echo "$summary" | grep -o '[0-9]* failed' | grep -o '[0-9]*'); f=${f:-0}
  e=$(echo "$summary" | grep -o '[0-9]* error' | grep -o '[0-9]*'); e=${e:-0}
  f=$((f + e))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  printf '%-28s %3d passed, %d failed\n' "integration (pytest)" "$p" "$f"
  [ "$f" -eq 0 ] || grep -E '^(FAILED|ERROR)|Error|assert' "$log" | head -40
fi

# Browser tests: headless Chromium (chromium, chromium-driver,
# python3-selenium; make install-deps installs them) against lighttpd.
if ls tests/browser/test_*.py >/dev/null 2>&1; then
  log="$logdir/browser.log"
  missing=""
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
  /usr/bin/python3 -c 'import selenium' >/dev/null 2>&1 || missing="$missing python3-selenium"
  if [ -n "$missing" ]; then
    printf '%-28s skipped: not installed:%s (run make install-deps)\n' "browser (chromium)" "$missing"
  else
    /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/browser >"$log" 2>&1
    rc=$?
    summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed)|no tests ran|^=+ .*(passed|failed|error)' "$log" | tail -1)
    p=$(echo "$summary" | grep -o '[0-9]* passed' | grep -o '[0-9]*'); p=${p:-0}
    f=$(echo "$summary" | grep -o '[0-9]* failed' | grep -o '[0-9]*'); f=${f:-0}
    e=$(echo "$summary" | grep -o '[0-9]* error' | grep -o '[0-9]*'); e=${e:-0}
    f=$((f + e))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    printf '%-28s %3d passed, %d failed (screenshots in var/screenshots/)\n' "browser (chromium)" "$p" "$f"
    [ "$f" -eq 0 ] || grep -E '^(FAILED|ERROR)|Error|assert' "$log" | head -40
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
