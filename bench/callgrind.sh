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
# The program ends by itself after its last request (FLAGON_MAX_REQUESTS),
# which is when callgrind writes its profile: no signal to race with an
# accept().  Every step has a time limit and says what failed.
#
# The application's settings come from the environment as usual (APP_CONFIG,
# DATABASE_URI, SECRET_KEY).  Needs valgrind, spawn-fcgi and cgi-fcgi
# (libfcgi-bin), all in `make install-deps`.  KEEP=1 keeps the profiles
# (cg.1, cg.41) for callgrind_annotate.  `make callgrind` runs it on every
# page the performance goals name (bench/instructions.py).  Example:
#   APP_CONFIG=production SECRET_KEY=x DATABASE_URI=sqlite:////tmp/b.sqlite \
#     bench/callgrind.sh cgi-bin/model /get_all_student/
set -u
usage() {
	sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
}
case "${1:-}" in
-h|--help) usage; exit 0 ;;
esac
if [ $# -lt 2 ]; then
	echo "usage: bench/callgrind.sh PROGRAM PATH_INFO [COOKIE] (--help for more)" >&2
	exit 2
fi
prog=$1
path=$2
cookie=${3:-}
cd "$(dirname "$0")/.." || exit 1
for tool in valgrind spawn-fcgi cgi-fcgi callgrind_annotate; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "callgrind.sh: $tool is missing (make install-deps installs it)" >&2
		exit 1
	fi
done
if [ ! -x "$prog" ]; then
	echo "callgrind.sh: $prog is not an executable (run make first)" >&2
	exit 1
fi
export FLAGON_ROOT="${FLAGON_ROOT:-$(pwd)}"
tmp=$(mktemp -d /tmp/flagon-callgrind-XXXXXX) || exit 1
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
valgrind=$(command -v valgrind)

fail() {
	echo "callgrind.sh: $*" >&2
	for f in "$tmp"/valgrind.*.log; do
		[ -s "$f" ] && { echo "--- $f (last lines):" >&2; tail -n 20 "$f" >&2; }
	done
	exit 1
}

run() {   # run N: callgrind output of N requests in $tmp/cg.N
	sock=$tmp/sock.$1
	FLAGON_MAX_REQUESTS=$1 spawn-fcgi -s "$sock" -n -- "$valgrind" --tool=callgrind \
		--callgrind-out-file="$tmp/cg.$1" "$prog" 2>"$tmp/valgrind.$1.log" &
	pid=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 300 ]; do
		kill -0 "$pid" 2>/dev/null || fail "$prog ended before it listened"
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$sock" ] || { kill -KILL "$pid" 2>/dev/null; fail "$prog did not listen within 30 s"; }
	n=0
	while [ $n -lt "$1" ]; do
		if ! env -i REQUEST_METHOD=GET PATH_INFO="$path" \
			SCRIPT_NAME="/cgi-bin/$(basename "$prog")" QUERY_STRING= \
			SERVER_NAME=localhost SERVER_PORT=80 SERVER_PROTOCOL=HTTP/1.1 \
			REMOTE_ADDR=127.0.0.1 HTTP_COOKIE="$cookie" \
			timeout 60 cgi-fcgi -bind -connect "$sock" >"$tmp/response"; then
			kill -KILL "$pid" 2>/dev/null
			fail "request $((n + 1)) of $1 to $prog$path failed or took over 60 s"
		fi
		n=$((n + 1))
	done
	# The program ends by itself after its last request; callgrind then
	# writes the profile.
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		fail "$prog did not end within 60 s of its last request"
	fi
	wait "$pid" 2>/dev/null
	[ -s "$tmp/cg.$1" ] || fail "callgrind wrote no profile for $1 request(s)"
}

run 1
run 41
echo "response: $(head -1 "$tmp/response")"
[ -z "${KEEP:-}" ] || echo "profiles kept: $tmp/cg.1 $tmp/cg.41"
/usr/bin/python3 - "$tmp/cg.1" "$tmp/cg.41" <<'PY'
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
PY
