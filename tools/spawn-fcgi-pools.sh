#!/bin/sh
# Start or stop one spawn-fcgi pool per blueprint, for apache.conf's
# mod_proxy_fcgi variant (apache2 -DFLAGON_PROXY_FCGI -f apache.conf):
#
#   tools/spawn-fcgi-pools.sh start     before Apache
#   tools/spawn-fcgi-pools.sh stop      after it
#
# Every executable in $FLAGON_OUT/cgi-bin (no dot in its name: never
# main.c) gets $FLAGON_PROCS processes (default 4) listening on
# $FLAGON_VAR/run/<blueprint>.sock (mode 0660), their PIDs in
# $FLAGON_VAR/run/<blueprint>.pid (one a line); `stop` sends each of those
# PIDs SIGTERM.  The programs' stderr (their log records) is appended to
# $FLAGON_VAR/fastcgi-error.log -- spawn-fcgi itself would send it to
# /dev/null.  The programs inherit this environment: export the
# application's settings (APP_CONFIG, DATABASE_URI, SECRET_KEY,
# FLAGON_ROOT, MAX_CONTENT_LENGTH, ...) first.  Started as root with
# FLAGON_APACHE_USER set, the programs run as that user and their sockets
# belong to it, as apache.conf's -DFLAGON_AS_ROOT expects.
#
# Nothing restarts a pool whose processes die: under systemd, run this
# from a unit (Type=forking, ExecStart=... start, ExecStop=... stop).
set -eu

usage() {
	echo "usage: tools/spawn-fcgi-pools.sh start|stop" >&2
	exit 2
}
[ $# -eq 1 ] || usage
out=${FLAGON_OUT:?FLAGON_OUT is not set (the directory holding cgi-bin/)}
vardir=${FLAGON_VAR:?FLAGON_VAR is not set (the runtime directory)}
procs=${FLAGON_PROCS:-4}
log=$vardir/fastcgi-error.log

# The blueprints: executables without a dot in their name.
blueprints() {
	for exe in "$out"/cgi-bin/*; do
		name=${exe##*/}
		case $name in *.*) continue ;; esac
		[ -f "$exe" ] && [ -x "$exe" ] && echo "$name"
	done
	return 0
}

case $1 in
start)
	command -v spawn-fcgi >/dev/null || { echo "spawn-fcgi is missing (apt-get install spawn-fcgi)" >&2; exit 1; }
	mkdir -p "$vardir/run"
	found=0
	for name in $(blueprints); do
		found=1
		pidfile=$vardir/run/$name.pid
		rm -f "$pidfile"
		set -- -s "$vardir/run/$name.sock" -M 0660 -F "$procs" -P "$pidfile"
		if [ -n "${FLAGON_APACHE_USER:-}" ]; then
			set -- "$@" -u "$FLAGON_APACHE_USER" -U "$FLAGON_APACHE_USER"
		fi
		# sh -c: point stderr at the log, then become the program (same
		# PID, and the listening socket stays its fd 0).
		spawn-fcgi "$@" -- /bin/sh -c 'exec "$0" 2>>"$1"' "$out/cgi-bin/$name" "$log" >/dev/null
	done
	[ "$found" = 1 ] || { echo "no blueprint programs in $out/cgi-bin (run make)" >&2; exit 1; }
	;;
stop)
	for name in $(blueprints); do
		pidfile=$vardir/run/$name.pid
		[ -f "$pidfile" ] || continue
		# shellcheck disable=SC2046 # one PID a line
		kill $(cat "$pidfile") 2>/dev/null || true
		rm -f "$pidfile" "$vardir/run/$name.sock"
	done
	;;
*)
	usage
	;;
esac
