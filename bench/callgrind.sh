#!/bin/sh
# bench/callgrind.sh PROGRAM PATH_INFO [COOKIE] — instructions per request of
# one FastCGI program in its steady state, and where they go.
#
# Runs PROGRAM (e.g. cgi-bin/model) under valgrind's callgrind behind
# spawn-fcgi and sends it GET PATH_INFO through cgi-fcgi twice: once with 1
# request, once with 41.  The difference, divided by 40, is the cost of one
# request after start-up (statement cache warm, templates compiled, OpenSSL
# initialised), per function, self cost, biggest first.  Instruction counts
# repeat exactly from run to run, unlike wrk's req/s on a shared machine;
# note that `rep stosb` counts one instruction per byte (a 64 KiB memset
# looks far dearer than its real time).
#
# The application's settings come from the environment as usual (APP_CONFIG,
# DATABASE_URI, SECRET_KEY).  Needs valgrind, spawn-fcgi and cgi-fcgi
# (libfcgi-bin).  Example:
#   APP_CONFIG=production SECRET_KEY=x DATABASE_URI=sqlite:////tmp/b.sqlite \
#     bench/callgrind.sh cgi-bin/model /get_all_student/
set -eu
prog=$1
path=$2
cookie=${3:-}
cd "$(dirname "$0")/.."
export FLAGON_ROOT="${FLAGON_ROOT:-$(pwd)}"
tmp=$(mktemp -d /tmp/flagon-callgrind-XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

run() {   # run N: callgrind output of N requests in $tmp/cg.N
	sock=$tmp/sock.$1
	spawn-fcgi -s "$sock" -n -- "$(command -v valgrind)" --tool=callgrind --callgrind-out-file="$tmp/cg.$1" \
		"$prog" 2>"$tmp/valgrind.$1.log" &
	pid=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	n=0
	while [ $n -lt "$1" ]; do
		env -i REQUEST_METHOD=GET PATH_INFO="$path" SCRIPT_NAME="/cgi-bin/$(basename "$prog")" \
			QUERY_STRING= SERVER_NAME=localhost SERVER_PORT=80 SERVER_PROTOCOL=HTTP/1.1 \
			REMOTE_ADDR=127.0.0.1 HTTP_COOKIE="$cookie" \
			cgi-fcgi -bind -connect "$sock" >"$tmp/response"
		n=$((n + 1))
	done
	# valgrind now and then misses a SIGTERM that arrives while the program
	# sits in accept(): send it again until the process is gone (callgrind
	# writes its profile when the signal ends the program).
	i=0
	kill "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 150 ]; do
		sleep 0.2
		i=$((i + 1))
		[ $((i % 10)) -ne 0 ] || kill "$pid" 2>/dev/null
	done
	wait "$pid" 2>/dev/null || true
}

run 1
run 41
echo "response: $(head -1 "$tmp/response")"
/usr/bin/python3 - "$tmp/cg.1" "$tmp/cg.41" <<'EOF'
import re, subprocess, sys

def self_cost(path):
    out = subprocess.run(["callgrind_annotate", "--threshold=100", "--auto=no", path],
                         capture_output=True, text=True, check=True).stdout
    cost = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \([ \d.]+%\)\s+(.*)$", line)
        if m and "PROGRAM TOTALS" not in line and "=>" not in line:
            cost[m.group(2)] = cost.get(m.group(2), 0) + int(m.group(1).replace(",", ""))
    return cost

one, many = self_cost(sys.argv[1]), self_cost(sys.argv[2])
per = {k: (many.get(k, 0) - one.get(k, 0)) / 40 for k in set(one) | set(many)}
total = sum(per.values())
print("instructions per request: %.0f" % total)
for name, v in sorted(per.items(), key=lambda kv: -kv[1])[:30]:
    print("%9.0f %5.1f%%  %s" % (v, 100 * v / total, name[:100]))
EOF
