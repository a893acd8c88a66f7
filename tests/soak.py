#!/usr/bin/python3
"""tests/soak.py — `make soak` (issue #9): a bounded soak.

lighttpd with 4 FastCGI processes per blueprint (production config, the
bench's seeded database) takes at least SOAK_REQUESTS (100,000) mixed
requests from wrk (-t2 -c16): the index GET and the NameForm POST with its
CSRF token and session cookie, /user/<name>, the relations pages, the
student list, the API list, the cats and dogs lists.  A warm-up phase
first (wrk, then every GET straight to every process's own socket with
cgi-fcgi, so each process has made its first-use allocations), then phases of SOAK_PHASE seconds until the total is reached;
after the warm-up and after every phase the RSS (VmRSS, RssAnon) and the
open descriptors (/proc/<pid>/fd) of every FastCGI process are read.

Fails (exit 1) on: any 5xx or socket error; a FastCGI process that changed
(died or restarted after a crash); RssAnon of a process growing more than
SOAK_RSS_TOLERANCE_KB (default 64) from the end of the warm-up to the end;
any change in a process's descriptor count.  Prints the figures either way.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "bench"))
import run  # noqa: E402  (bench/run.py: servers, seeding, the visitor)
import requests  # noqa: E402

TOTAL = int(os.environ.get("SOAK_REQUESTS", "100000"))
PHASE = int(os.environ.get("SOAK_PHASE", "4"))
WARMUP = 2
TOLERANCE_KB = int(os.environ.get("SOAK_RSS_TOLERANCE_KB", "64"))
PROCS = 4

GETS = [
    "/cgi-bin/main/",
    "/cgi-bin/main/user/" + run.NAME,
    "/cgi-bin/relations/",
    "/cgi-bin/relations/roles/1",
    "/cgi-bin/relations/users/1",
    "/cgi-bin/relations/students/1",
    "/cgi-bin/relations/courses/1",
    "/cgi-bin/model/get_all_student/",
    "/cgi-bin/api/students",
    "/cgi-bin/animals/cats/",
    "/cgi-bin/animals/dogs/",
]

LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  counts = {}
  i = 0
  reqs = {}
  local cookie = %(cookie)s
  for _, p in ipairs(%(gets)s) do
    table.insert(reqs, wrk.format("GET", p, { Cookie = cookie }))
  end
  table.insert(reqs, wrk.format("POST", "/cgi-bin/main/", { Cookie = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded" }, %(body)s))
end
function request()
  i = i + 1
  return reqs[(i %% #reqs) + 1]
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("status %%d %%d\n", k, v)) end
end
"""


def lua_list(items):
    return "{" + ", ".join(json.dumps(x) for x in items) + "}"


def wrk_phase(url, script, seconds):
    out = subprocess.run(["wrk", "-t2", "-c16", "-d%ds" % seconds, "--latency",
                          "--timeout", "10s", "-s", script, url],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    statuses = {int(a): int(b) for a, b in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = sum(int(x) for x in m.groups()) if m else 0
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    return statuses, errors, p99.group(1) if p99 else "?"


def warm_processes(srv, cookie):
    """Every GET of the mix, three times, straight to every FastCGI process's
    own socket (lighttpd names them <blueprint>.sock-<n>): otherwise a
    process lighttpd seldom picks would make its first-use allocations (a
    100-row list, zlib's state) in the middle of the soak and look like a
    leak.  Returns the number of 5xx answers."""
    bad = 0
    rundir = os.path.join(srv.var, "run")
    for sock in sorted(os.listdir(rundir)):
        bp = sock.split(".sock")[0]
        if ".sock-" not in sock:
            continue
        for path in GETS:
            if not path.startswith("/cgi-bin/%s/" % bp):
                continue
            env = {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "/cgi-bin/" + bp,
                   "PATH_INFO": path[len("/cgi-bin/" + bp):], "QUERY_STRING": "",
                   "REQUEST_URI": path, "SERVER_NAME": "127.0.0.1",
                   "SERVER_PORT": str(srv.port), "SERVER_PROTOCOL": "HTTP/1.1",
                   "HTTP_HOST": "127.0.0.1:%d" % srv.port, "HTTP_COOKIE": cookie,
                   "REMOTE_ADDR": "127.0.0.1", "GATEWAY_INTERFACE": "CGI/1.1",
                   "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
            for _ in range(3):
                out = subprocess.run(["cgi-fcgi", "-bind", "-connect",
                                      os.path.join(rundir, sock)], env=env,
                                     capture_output=True, timeout=30).stdout
                if re.match(rb"Status: 5", out):
                    bad += 1
    return bad


def open_fds(pid):
    """How many descriptors the process has open, or None when it is gone."""
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


def sample(srv):
    # A request lighttpd handed over just as wrk stopped keeps its
    # connection open for a moment: let the processes go idle first.
    time.sleep(0.5)
    snap = {}
    for pid, bp in run.fastcgi_procs(srv).items():
        if bp == "fcgilimit":
            continue
        st = run.proc_status(pid)
        nfd = open_fds(pid)
        if nfd is None:
            continue
        if st:
            snap[pid] = dict(st, fd=nfd, blueprint=bp)
    return snap


def main():
    run.PROCS = PROCS
    tmp = tempfile.mkdtemp(prefix="flagon-soak-")
    failures = []
    try:
        mounts = run.blueprint_mounts()
        mounts.pop("fcgilimit", None)
        srv = run.BenchLighttpd(tmp, mounts, extra_env={"APP_CONFIG": "production",
                                                        "SECRET_KEY": run.SECRET})
        srv.migrate()
        run.seed(srv)
        srv.start()
        cookie, token = run.visitor(srv.url)
        body = "name=%s&csrf_token=%s&submit=Submit" % (run.NAME,
                                                          requests.utils.quote(token, safe=""))
        script = os.path.join(tmp, "soak.lua")
        with open(script, "w") as f:
            f.write(LUA % {"cookie": json.dumps(cookie), "gets": lua_list(GETS),
                           "body": json.dumps(body)})
        print("soak: lighttpd, %d FastCGI processes per blueprint, %d request kinds, "
              "at least %d requests (wrk -t2 -c16)" % (PROCS, len(GETS) + 1, TOTAL), flush=True)
        all_status = {}
        total = 0
        errors = 0

        def account(statuses, errs):
            nonlocal total, errors
            for k, v in statuses.items():
                all_status[k] = all_status.get(k, 0) + v
            total += sum(statuses.values())
            errors += errs

        st, e, p99 = wrk_phase(srv.url, script, WARMUP)
        account(st, e)
        warm_5xx = warm_processes(srv, cookie)
        if warm_5xx:
            failures.append("%d 5xx answers while warming the processes" % warm_5xx)
        base = sample(srv)
        print("  warm-up: %6d requests  p99 %s" % (sum(st.values()), p99), flush=True)
        last = base
        phase = 0
        while total < TOTAL:
            phase += 1
            st, e, p99 = wrk_phase(srv.url, script, PHASE)
            account(st, e)
            last = sample(srv)
            anon = sum(s.get("RssAnon", 0) for s in last.values())
            fds = sum(s["fd"] for s in last.values())
            print("  phase %d: %6d requests (total %6d)  p99 %s  RssAnon sum %d kB  fds %d"
                  % (phase, sum(st.values()), total, p99, anon, fds), flush=True)
        srv.remember_children()
        print("statuses: " + ", ".join("%d x%d" % (k, v) for k, v in sorted(all_status.items())))
        print("%-10s %-7s %17s %17s %9s" % ("blueprint", "pid", "VmRSS kB", "RssAnon kB", "fds"))
        for pid in sorted(set(base) | set(last), key=lambda p: ((base.get(p) or last[p])["blueprint"], p)):
            b, a = base.get(pid), last.get(pid)
            bp = (b or a)["blueprint"]
            if not b or not a:
                failures.append("%s pid %d %s during the soak" % (
                    bp, pid, "appeared" if not b else "disappeared"))
                continue
            print("%-10s %-7d %7d -> %7d %7d -> %7d %4d -> %3d" % (
                bp, pid, b["VmRSS"], a["VmRSS"], b["RssAnon"], a["RssAnon"], b["fd"], a["fd"]))
            if a["RssAnon"] - b["RssAnon"] > TOLERANCE_KB:
                failures.append("%s pid %d: RssAnon grew %d kB after the warm-up" % (
                    bp, pid, a["RssAnon"] - b["RssAnon"]))
            if a["fd"] != b["fd"]:
                failures.append("%s pid %d: %d -> %d open descriptors" % (bp, pid, b["fd"],
                                                                           a["fd"]))
        five = sum(v for k, v in all_status.items() if k >= 500)
        if five:
            failures.append("%d responses were 5xx" % five)
        if errors:
            failures.append("%d socket errors" % errors)
        if total < TOTAL:
            failures.append("only %d requests" % total)
        with open(srv.error_log, errors="replace") as f:
            restarts = f.read().count("restarting the process after a crash")
        if restarts:
            failures.append("%d crash restarts in the error log" % restarts)
        print("total %d requests, %d 5xx, %d socket errors, %d crash restarts" % (
            total, five, errors, restarts))
        srv.stop()
    finally:
        run.servers.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL: " + f)
    print("soak: %s" % ("FAILED" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
