#!/usr/bin/python3
"""Start and stop the private database servers of the C unit tests
(tests/run.sh), with tests/integration/dbservers.py.

  tools/dbservers.py start DIR   start, in DIR, each server FLAGON_TEST_DB
                                 selects (mysql, postgresql; SQLite needs
                                 none), leave them running, note them in
                                 DIR/state.json, and print for the shell:
                                   export FLAGON_TEST_DATABASES='sqlite,mysql'
                                   export FLAGON_TEST_MYSQL_URI='mysql://...'
                                 (tests/unit/dbserver.h reads them).  One
                                 not installed is said on stderr and gets
                                 no URI (its unit tests then skip, or fail
                                 under CI=true).
  tools/dbservers.py stop DIR    stop them by their PIDs from DIR/state.json.

Exit status 2 for a bad FLAGON_TEST_DB or usage, 1 when a server installed
does not start (what it logged on stderr).
"""
import json
import os
import shlex
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "integration"))
import dbservers  # noqa: E402
import servers  # noqa: E402


def start(workdir):
    try:
        kinds = dbservers.selected()
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2
    states = []
    print("export FLAGON_TEST_DATABASES=%s" % shlex.quote(",".join(kinds)))
    for kind in kinds:
        if kind not in dbservers.KINDS:
            continue
        s = dbservers.KINDS[kind](os.path.join(workdir, kind))
        try:
            s.start()
        except dbservers.Missing as e:
            print("database server %s: %s (%s)" % (kind, e, e.hint), file=sys.stderr)
            continue
        except Exception as e:
            print("database server %s did not start: %s" % (kind, e), file=sys.stderr)
            servers.stop_all()
            for st in states:
                dbservers.stop_pid_from_state(st)
            return 1
        s.detach()
        states.append(s.state())
        with open(os.path.join(workdir, "state.json"), "w") as f:
            json.dump(states, f)
        print("database server %s started in %.2f s" % (kind, s.startup_seconds),
              file=sys.stderr)
        print("export FLAGON_TEST_%s_URI=%s" % (kind.upper(), shlex.quote(s.uri)))
    return 0


def stop(workdir):
    try:
        with open(os.path.join(workdir, "state.json")) as f:
            states = json.load(f)
    except FileNotFoundError:
        return 0
    for st in states:
        dbservers.stop_pid_from_state(st)
    return 0


def main(argv):
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        print("usage: tools/dbservers.py start|stop DIR", file=sys.stderr)
        return 2
    os.makedirs(argv[2], exist_ok=True)
    return (start if argv[1] == "start" else stop)(os.path.abspath(argv[2]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
