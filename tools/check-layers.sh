#!/bin/sh
# check-layers.sh — fail on an #include in lib/ that runs against the
# layering (part of `make check`).
#
# The folders of lib/ and what each may include besides itself:
#
#   base                                     nothing
#   http, template, data, auth, mail         base
#   cache                                    base, data
#   session                                  base, http, data
#   form                                     base, http
#   web                                      every folder of lib/
#
# So the arrows run one way: web -> (session, form, template, data, cache,
# mail, auth) -> http/base, session and cache -> data; data and template
# know no HTTP; only web knows the request context; lib/ never includes the application.  lib/flagon.h,
# the one include for blueprints, may include any folder.
#
# Usage: tools/check-layers.sh [-g] [ROOT]
#   -g    also print the include graph between the folders (FROM -> TO, N
#         includes), the picture the README shows
# Prints each bad include as lib/FILE:LINE: why, and exits 1 when any.
set -u
graph=0
case "${1:-}" in
  -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -g) graph=1; shift ;;
esac
root=${1:-$(dirname "$0")/..}
cd "$root/lib" || exit 2

grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' */*.[ch] */*/*.[ch] 2>/dev/null |
sed 's/^\([^:]*\):\([0-9]*\):.*"\([^"]*\)".*/\1 \2 \3/' |
awk -v graph="$graph" '
function allowed(from, to) {
	if (from == to || from == "web") return 1
	if (to == "base") return 1
	if (from == "session" && (to == "http" || to == "data")) return 1
	if (from == "cache" && to == "data") return 1
	if (from == "form" && to == "http") return 1
	return 0
}
{
	file = $1; line = $2; path = $3
	split(file, p, "/"); from = p[1]
	if (index(path, "/") == 0) {
		printf "lib/%s:%s: include \"%s\" by its folder (\"<folder>/%s\")\n", file, line, path, path
		bad++; next
	}
	split(path, q, "/"); to = q[1]
	if (!(to in known)) {
		cmd = "test -d \"" to "\""
		known[to] = (system(cmd) == 0)
	}
	if (!known[to]) {
		printf "lib/%s:%s: %s may not include %s: not a folder of lib/\n", file, line, from, path
		bad++; next
	}
	if (from != to) edges[from " -> " to]++
	if (!allowed(from, to)) {
		printf "lib/%s:%s: %s may not include %s (an arrow against the layering)\n", file, line, from, path
		bad++
	}
}
END {
	if (graph) for (e in edges) printf "%s (%d)\n", e, edges[e] | "sort"
	close("sort")
	if (bad) { printf "check-layers: %d include(s) against the layering\n", bad; exit 1 }
	print "check-layers: every include in lib/ runs downwards"
}'
