#!/usr/bin/python3
"""bench/instructions.py — `make callgrind`: instructions per request of every
page the performance goals name, measured with callgrind (bench/callgrind.sh),
against the goals of issue #20.

Instruction counts repeat exactly from run to run and do not depend on what
else the machine is doing, so this is the yardstick to compare two commits
with; `make bench` (wall clock, wrk) is the one that says what users see.

A private SQLite database in a temporary folder gets the migrations, the seed
data and 100 students, as `make bench` uses; the returning visitor's session
cookie is made by Flask itself (the same secret key).  Environment (optional):
  CALLGRIND_ONLY   comma list of page keys (students,index,index_new,user,api)
  CALLGRIND_JSON   where to write the figures (default build/bench/instructions.json)
  KEEP=1           keep each page's profiles (their folder is printed)
Exit status 0 whatever the figures (a report, not a test), 1 when a page could
not be measured."""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import run  # noqa: E402  (bench/run.py: the same 100 students as make bench)

SECRET = run.SECRET
NAME = run.NAME

# (key, label, program, path, returning visitor?, goal in instructions)
PAGES = [
    ("students", "GET /cgi-bin/model/get_all_student/ (100 rows)", "model",
     "/get_all_student/", False, 450_000),
    ("index", "GET /cgi-bin/main/ (returning visitor)", "main", "/", True, 250_000),
    ("index_new", "GET /cgi-bin/main/ (new visitor)", "main", "/", False, 300_000),
    ("user", "GET /cgi-bin/main/user/bench (returning visitor)", "main", "/user/" + NAME,
     True, 120_000),
    ("api", "GET /cgi-bin/api/students", "api", "/students", False, 200_000),
]


def returning_cookie():
    """The session cookie of a visitor who gave their name, signed by Flask."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface
    app = Flask("bench")
    app.secret_key = SECRET
    s = SecureCookieSessionInterface().get_signing_serializer(app)
    return "session=" + s.dumps({"name": NAME, "known": True,
                                 "csrf_token": "0123456789abcdef0123456789abcdef01234567"})


def prepare(tmp):
    db = os.path.join(tmp, "bench.sqlite")
    env = dict(os.environ, APP_CONFIG="production", SECRET_KEY=SECRET,
               DATABASE_URI="sqlite:///" + db, FLAGON_ROOT=ROOT)
    for cmd in (["db", "upgrade"], ["seed"]):
        r = subprocess.run([os.path.join(ROOT, "manage")] + cmd, env=env, cwd=ROOT,
                           capture_output=True, text=True)
        if r.returncode:
            sys.exit("manage %s failed: %s" % (" ".join(cmd), r.stderr.strip()))
    run.fill_students(db)
    return env


def measure(env, prog, path, cookie):
    args = [os.path.join(HERE, "callgrind.sh"), os.path.join("cgi-bin", prog), path]
    if cookie:
        args.append(cookie)
    r = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    m = re.search(r"instructions per request: (\d+)", r.stdout)
    status = re.search(r"response: Status: (\d+)", r.stdout)
    if r.returncode or not m:
        return None, (r.stderr or r.stdout).strip()
    return int(m.group(1)), status.group(1) if status else "?"


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    only = set(filter(None, os.environ.get("CALLGRIND_ONLY", "").split(",")))
    out = os.environ.get("CALLGRIND_JSON", os.path.join(ROOT, "build", "bench",
                                                         "instructions.json"))
    with tempfile.TemporaryDirectory(prefix="flagon-instructions-") as tmp:
        env = prepare(tmp)
        cookie = returning_cookie()
        results, failed = {}, False
        print("%-52s %12s %12s  %s" % ("page", "instr/req", "goal", ""))
        for key, label, prog, path, returning, goal in PAGES:
            if only and key not in only:
                continue
            n, status = measure(env, prog, path, cookie if returning else "")
            if n is None:
                failed = True
                print("%-52s %12s %12d  NOT MEASURED: %s" % (label, "-", goal, status))
                continue
            results[key] = {"label": label, "instructions": n, "goal": goal,
                            "status": status}
            print("%-52s %12d %12d  %s%s" % (
                label, n, goal, "met" if n <= goal else "MISSED (%.2fx)" % (n / goal),
                "" if status == "200" else "  (status %s)" % status), flush=True)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
