#!/bin/sh
# Print lighttpd's fastcgi.server block: one FastCGI application per
# executable in $FLAGON_BIN/cgi-bin (default: $FLAGON_ROOT/cgi-bin).
# Each is mounted at /cgi-bin/<blueprint>; "check-local" must be disabled
# for a path-prefix application (SPEC §8).  FLAGON_PROCS sets max-procs.
root=${FLAGON_ROOT:?FLAGON_ROOT is not set}
bin=${FLAGON_BIN:-$root}
vardir=${FLAGON_VAR:-$root/var}
procs=${FLAGON_PROCS:-2}
echo 'fastcgi.server = ('
for exe in "$bin"/cgi-bin/*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name=$(basename "$exe")
  cat <<EOT
  "/cgi-bin/$name" => ((
    "bin-path" => "$exe",
    "socket" => "$vardir/run/$name.sock",
    "check-local" => "disable",
    "max-procs" => $procs,
  )),
EOT
done
echo ')'
