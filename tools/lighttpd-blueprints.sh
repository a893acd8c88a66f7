#!/bin/sh
# Print the part of lighttpd.conf that depends on the build and on the
# application's configuration (lighttpd.conf includes it with include_shell,
# in the environment the programs will inherit):
#
# - fastcgi.server: one FastCGI application per executable in
#   $FLAGON_BIN/cgi-bin (default: $FLAGON_ROOT/cgi-bin), mounted at
#   /cgi-bin/<blueprint> (SCRIPT_NAME; PATH_INFO is the rest); "check-local"
#   must be disabled for a path-prefix application (SPEC §8).  FLAGON_PROCS
#   sets max-procs (default 2).
# - server.max-request-size: lighttpd answers a larger body with its own bare
#   413, so it lets through the application's MAX_CONTENT_LENGTH (default
#   16 MiB) plus a quarter, at least 1 MiB more: a body just over the limit
#   reaches the program, which answers its own 413 page (JSON on the API).
#   FLAGON_MAX_REQUEST_BODY (bytes), as apache.conf reads it, overrides.
# - server.error-handler-404: a path no blueprint serves is handed to the
#   blueprint $FLAGON_ERROR_BLUEPRINT (default main, else the first one) with
#   REDIRECT_STATUS=404, and the program answers its 404 page.
# - X-Sendfile: with USE_X_SENDFILE true (the application's key, in the same
#   environment), each mount gets "x-sendfile" => "enable": lighttpd then
#   sends the file a program names in X-Sendfile or X-LIGHTTPD-send-file
#   itself, only from under FLAGON_X_SENDFILE_PATH (directories separated
#   by ':'; default: FLAGON_ROOT and FLAGON_VAR).
root=${FLAGON_ROOT:?FLAGON_ROOT is not set}
bin=${FLAGON_BIN:-$root}
vardir=${FLAGON_VAR:-$root/var}
procs=${FLAGON_PROCS:-2}

xsendfile=""
case $(printf %s "${USE_X_SENDFILE:-}" | tr 'A-Z' 'a-z') in
  1|true|yes|on)
    docroot=""
    old_ifs=$IFS; IFS=:
    for d in ${FLAGON_X_SENDFILE_PATH:-$root:$vardir}; do
      [ -n "$d" ] && docroot="$docroot\"$d\", "
    done
    IFS=$old_ifs
    xsendfile="\"x-sendfile\" => \"enable\", \"x-sendfile-docroot\" => ( $docroot),"
    ;;
esac

max=${MAX_CONTENT_LENGTH:-16777216}
case $max in ''|*[!0-9]*) max=16777216 ;; esac   # the program reports a bad value
limit=${FLAGON_MAX_REQUEST_BODY:-}
if [ -z "$limit" ]; then
  extra=$((max / 4))
  [ "$extra" -ge 1048576 ] || extra=1048576
  limit=$((max + extra))
fi
# server.max-request-size is in KiB.
echo "server.max-request-size = $(( (limit + 1023) / 1024 ))"

# Each mount sits in a condition on its own path: a bare prefix
# "/cgi-bin/main" would also take /cgi-bin/main.c and /cgi-bin/mainfoo/x
# (with SCRIPT_NAME=/cgi-bin/mainfoo), which are no blueprint's: those are
# left to the static files, hence the 404 page.  Names are those apache.conf
# mounts too: letters, digits, '_' and '-'.
names=""
for exe in "$bin"/cgi-bin/*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name=$(basename "$exe")
  case $name in *[!A-Za-z0-9_-]*) continue ;; esac
  names="$names $name"
  cat <<EOT
\$HTTP["url"] =~ "^/cgi-bin/$name(/|\$)" {
  fastcgi.server = ( "/cgi-bin/$name" => ((
    "bin-path" => "$exe",
    "socket" => "$vardir/run/$name.sock",
    "check-local" => "disable",
    "max-procs" => $procs,
    $xsendfile
  )) )
}
EOT
done

errbp=${FLAGON_ERROR_BLUEPRINT:-main}
case " $names " in
  *" $errbp "*) ;;
  *) set -- $names; errbp=${1:-} ;;
esac
[ -z "$errbp" ] || echo "server.error-handler-404 = \"/cgi-bin/$errbp/__error__\""
