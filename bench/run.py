#!/usr/bin/python3
"""bench/run.py — `make bench`: wrk on loopback (issue #9, SPEC §8).

For each page (a returning visitor's index, /user/<name>, the student list
with 100 rows, the API list, the NameForm POST with its CSRF token):

  * Flagon behind lighttpd (mod_fastcgi), with two references measured in
    the same run by the same lighttpd: a static file of the same size, and
    the FastCGI limit — build/bench/fcgi_limit (bench/fcgi_limit.c) writing
    a fixed page of the same size;
  * the same through Apache + mod_fcgid (the same two references);
  * the same through Apache + mod_proxy_fcgi to spawn-fcgi pools of
    BENCH_PROCS processes per blueprint (apache.conf's other variant, the
    one docs/deploy.md recommends where the tail matters);
  * the Flask peer (bench/flask_peer.py) under gunicorn -w 2 and -w 4; the
    better one counts;
  * VmRSS / RssAnon of every FastCGI process before and after.

Then the student list on each database — SQLite, MariaDB, PostgreSQL — in
the same run, with what bounded each (bench/databases.py).

Then a table of the goals.  Environment (all optional):
  BENCH_SECONDS (5)  BENCH_CONNS (16)  BENCH_THREADS (2)  BENCH_PROCS (4,
  FastCGI processes per blueprint under lighttpd and in the spawn-fcgi pools)
  BENCH_ONLY (comma list of lighttpd,apache,proxy-fcgi,flask,databases)  BENCH_JSON (where to write the figures as JSON,
  default build/bench/results.json).
Exit status 0 whatever the figures (a benchmark is a report, not a test),
1 when something could not be measured at all.
"""
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import servers  # noqa: E402  (tests/integration/servers.py)
import databases  # noqa: E402  (bench/databases.py)
import requests  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNS = int(os.environ.get("BENCH_CONNS", "16"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
PROCS = int(os.environ.get("BENCH_PROCS", "4"))
ONLY = set(filter(None, os.environ.get("BENCH_ONLY",
                                      "lighttpd,apache,proxy-fcgi,flask,databases").split(",")))
BUILD = servers.BUILD
LIMIT_EXE = os.path.join(BUILD, "bench", "fcgi_limit")
JSON_OUT = os.environ.get("BENCH_JSON", os.path.join(BUILD, "bench", "results.json"))
STATIC_DIR = os.path.join(ROOT, "htdocs", "static")
SECRET = "bench-secret-key"
N_STUDENTS = 100
NAME = "bench"
GUNICORN = "/usr/bin/gunicorn"

# Goals (issue #20; the table's xFlask column is issue #9's comparison).
GOAL_OF_LIMIT = 0.70
GOAL_P99_MS = {"lighttpd": 3.0, "apache": 6.0, "proxy-fcgi": 6.0}
GOAL_RSS_ANON_KB = 2048

PAGES = [  # (key, label, path, method)
    ("index", "GET  /cgi-bin/main/ (returning visitor)", "/cgi-bin/main/", "GET"),
    ("user", "GET  /cgi-bin/main/user/bench", "/cgi-bin/main/user/" + NAME, "GET"),
    ("students", "GET  /cgi-bin/model/get_all_student/ (100)", "/cgi-bin/model/get_all_student/",
     "GET"),
    ("api", "GET  /cgi-bin/api/students", "/cgi-bin/api/students", "GET"),
    ("post", "POST /cgi-bin/main/ (NameForm, CSRF)", "/cgi-bin/main/", "POST"),
]


def log(*a):
    print(*a, flush=True)


# ---- wrk ----

_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    return float(m.group(1)) * _UNIT[m.group(2)] if m else float("nan")


def wrk(url, script=None, seconds=SECONDS, headers=()):
    cmd = ["wrk", "-t%d" % THREADS, "-c%d" % CONNS, "-d%ds" % seconds, "--latency",
           "--timeout", "10s"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    r = {"rps": 0.0, "p50": float("nan"), "p99": float("nan"), "requests": 0, "bad": 0,
         "errors": 0}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        r["rps"] = float(m.group(1))
    for pct, key in (("50", "p50"), ("99", "p99")):
        m = re.search(r"^\s+%s%%\s+(\S+)" % pct, out, re.M)
        if m:
            r[key] = _ms(m.group(1))
    m = re.search(r"(\d+) requests in", out)
    if m:
        r["requests"] = int(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        r["bad"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        r["errors"] = sum(int(x) for x in m.groups())
    if not r["requests"]:
        log("wrk gave no figures for %s:\n%s" % (url, out))
    return r


def post_script(path, body, cookie, tmp):
    p = os.path.join(tmp, "post-%d.lua" % abs(hash((body, cookie))))
    with open(p, "w") as f:
        f.write('wrk.method = "POST"\n')
        f.write("wrk.body = %s\n" % json.dumps(body))
        f.write('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
        f.write("wrk.headers[\"Cookie\"] = %s\n" % json.dumps(cookie))
    return p


# ---- the visitor: session cookie + CSRF token ----

def visitor(base):
    """A returning visitor of `base`: (cookie header, csrf token, page sizes)."""
    s = requests.Session()
    r = s.get(base + "/cgi-bin/main/", timeout=10)
    r.raise_for_status()
    token = servers.csrf_token(r.text)
    if not token:
        raise RuntimeError("no csrf_token on %s/cgi-bin/main/" % base)
    r = s.post(base + "/cgi-bin/main/", data={"name": NAME, "csrf_token": token,
                                               "submit": "Submit"},
               allow_redirects=False, timeout=10)
    if r.status_code not in (302, 303):
        raise RuntimeError("NameForm POST on %s answered %d: %s" % (base, r.status_code,
                                                                  r.text[:300]))
    cookie = "; ".join("%s=%s" % (c.name, c.value) for c in s.cookies)
    return cookie, token


def page_size(base, path, method, cookie, body):
    h = {"Cookie": cookie}
    if method == "POST":
        h["Content-Type"] = "application/x-www-form-urlencoded"
        r = requests.post(base + path, data=body, headers=h, allow_redirects=False, timeout=10)
    else:
        r = requests.get(base + path, headers=h, allow_redirects=False, timeout=10)
    if r.status_code >= 400:
        raise RuntimeError("%s %s%s -> %d: %s" % (method, base, path, r.status_code,
                                                 r.text[:300]))
    return len(r.content), r.status_code


# ---- processes ----

def proc_status(pid):
    d = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "RssAnon"):
                    d[k] = int(v.split()[0])
    except OSError:
        return None
    return d


def fastcgi_procs(server):
    """{pid: blueprint} of the server's live FastCGI processes."""
    exes = {}
    for name in list(server.mounts):
        exes[os.path.realpath(os.path.join(server.bin, "cgi-bin", name))] = name
    found = {}
    roots = [server.proc.pid] + sorted(getattr(server, "pool_pids", set)())
    for pid in servers._children_of(roots) | set(roots[1:]):
        try:
            exe = os.path.realpath("/proc/%d/exe" % pid)
        except OSError:
            continue
        if exe in exes:
            found[pid] = exes[exe]
    return found


def rss_snapshot(server):
    snap = {}
    for pid, name in fastcgi_procs(server).items():
        st = proc_status(pid)
        if st:
            snap[pid] = dict(st, blueprint=name)
    return snap


# ---- servers ----

def blueprint_mounts():
    d = os.path.join(servers.OUT, "cgi-bin")
    m = {n: os.path.join(d, n) for n in sorted(os.listdir(d))
         if "." not in n and os.access(os.path.join(d, n), os.X_OK)}
    m["fcgilimit"] = os.path.abspath(LIMIT_EXE)
    return m


class BenchLighttpd(servers.Lighttpd):
    def server_env(self):
        env = super().server_env()
        env["FLAGON_PROCS"] = str(PROCS)
        return env


class BenchApacheProxyFcgi(servers.ApacheProxyFcgi):
    """Apache + mod_proxy_fcgi with BENCH_PROCS processes per blueprint in
    each spawn-fcgi pool (the tests use 2)."""
    def server_env(self):
        env = super().server_env()
        env["FLAGON_PROCS"] = str(PROCS)
        return env


def seed(server):
    server.seed()
    fill_students(server.db_path)


def fill_students(db_path):
    """Add students to the SQLite file until it holds N_STUDENTS."""
    con = sqlite3.connect(db_path, timeout=10)
    with con:
        have = con.execute("SELECT count(*) FROM student").fetchone()[0]
        for i in range(N_STUDENTS - have):
            con.execute("INSERT INTO student (s_name, s_age, s_score) VALUES (?, ?, ?)",
                        ("bench%03d" % i, 16 + i % 5, 60.0 + i % 40))
    con.close()


def bench_pages(base, tmp, with_refs, static_prefix, on_warm=None):
    """Measure every page at `base` (and the references when with_refs).
    Every page is first requested for a second (each process compiles the
    templates it renders on first use, fills its caches and memos); then
    on_warm() runs (the RSS snapshot the growth is measured from), then the
    measured runs."""
    cookie, token = visitor(base)
    body = "name=%s&csrf_token=%s&submit=Submit" % (NAME, requests.utils.quote(token, safe=""))
    results = {}
    written = []
    runs = []
    for key, label, path, method in PAGES:
        size, status = page_size(base, path, method, cookie, body)
        script = post_script(path, body, cookie, tmp) if method == "POST" else None
        headers = ["Cookie: " + cookie] if not script else ()
        wrk(base + path, script, seconds=1, headers=headers)
        runs.append((key, label, base + path, script, headers, size, status))
    if on_warm:
        on_warm()
    try:
        for key, label, url, script, headers, size, status in runs:
            r = {"size": size, "status": status, "page": wrk(url, script, headers=headers)}
            if with_refs:
                static = os.path.join(STATIC_DIR, "bench-%d.html" % size)
                if not os.path.exists(static):
                    with open(static, "wb") as f:
                        f.write((b"x" * 63 + b"\n") * (size // 64) + b"x" * (size % 64))
                    written.append(static)
                r["static"] = wrk(base + static_prefix + "/static/bench-%d.html" % size, seconds=SECONDS)
                wrk(base + "/cgi-bin/fcgilimit/?n=%d" % size, seconds=1)
                r["limit"] = wrk(base + "/cgi-bin/fcgilimit/?n=%d" % size)
            results[key] = r
            p = r["page"]
            log("  %-44s %6d B  %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  bad %d%s" % (
                label, size, p["rps"], p["p50"], p["p99"], p["bad"] + p["errors"],
                ("  | static %.0f  limit %.0f (%.0f %%)" % (
                    r["static"]["rps"], r["limit"]["rps"],
                    100 * p["rps"] / r["limit"]["rps"] if r["limit"]["rps"] else 0))
                if with_refs else ""))
    finally:
        for f in written:
            os.unlink(f)
    return results


def warm_fcgid_pools(srv):
    """Grow every mod_fcgid process pool past the measured concurrency.

    mod_fcgid 2.3.9 makes a request that finds no idle process sleep 1 s
    *before* it asks for a spawn, so under a steady load the pool stops one
    process short of the peak concurrency and one request in a few thousand
    waits a whole second (docs/deploy.md).  Three times the connections for
    a few seconds per blueprint spawns enough processes; FcgidIdleTimeout 0
    keeps them.  This is the warm-up docs/deploy.md asks of a deployment."""
    for m in sorted(srv.mounts):
        subprocess.run(["wrk", "-t%d" % THREADS, "-c%d" % (3 * CONNS), "-d3s",
                        srv.url + "/cgi-bin/%s/__ready__" % m],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)


def run_fastcgi(cls, kind, tmp):
    work = tempfile.mkdtemp(prefix=kind + "-", dir=tmp)
    srv = cls(work, blueprint_mounts(), extra_env={"APP_CONFIG": "production",
                                                   "SECRET_KEY": SECRET})
    srv.migrate()
    seed(srv)
    srv.start()
    try:
        log("%s (%s) on %s" % (kind, "mod_fcgid" if kind == "apache"
                               else "FLAGON_PROCS=%d" % PROCS, srv.url))
        # One request to every blueprint so each process exists and has started.
        for m in srv.mounts:
            requests.get(srv.url + "/cgi-bin/%s/" % m, timeout=10)
        if kind == "apache":
            warm_fcgid_pools(srv)
        before = {}
        res = bench_pages(srv.url, tmp, True, "",
                          on_warm=lambda: before.update(rss_snapshot(srv)))
        srv.remember_children()
        after = rss_snapshot(srv)
        return {"pages": res, "rss_before": before, "rss_after": after, "db": srv.db_path}
    finally:
        srv.stop()


def run_flask(db, tmp):
    best = {}
    for workers in (2, 4):
        port = servers.free_port()
        env = servers.base_env({"BENCH_DB": db, "SECRET_KEY": SECRET, "FLAGON_ROOT": ROOT})
        p = subprocess.Popen([GUNICORN, "-w", str(workers), "-b", "127.0.0.1:%d" % port,
                              "--chdir", HERE, "--log-level", "warning", "flask_peer:app"],
                             env=env, stdin=subprocess.DEVNULL, start_new_session=True,
                             stdout=open(os.path.join(tmp, "gunicorn.log"), "ab"),
                             stderr=subprocess.STDOUT)
        base = "http://127.0.0.1:%d" % port
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    requests.get(base + "/cgi-bin/main/user/x", timeout=2)
                    break
                except requests.RequestException:
                    if time.monotonic() > deadline or p.poll() is not None:
                        raise RuntimeError("gunicorn did not start: see %s/gunicorn.log" % tmp)
                    time.sleep(0.2)
            log("flask 2.2 + gunicorn -w %d on %s" % (workers, base))
            res = bench_pages(base, tmp, False, "")
            for k, r in res.items():
                if k not in best or r["page"]["rps"] > best[k]["page"]["rps"]:
                    best[k] = dict(r, workers=workers)
        finally:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    return best


# ---- the report ----

def rss_lines(kind, res):
    lines = []
    before, after = res["rss_before"], res["rss_after"]
    for pid in sorted(set(before) | set(after), key=lambda p: (
            (before.get(p) or after.get(p))["blueprint"], p)):
        b, a = before.get(pid), after.get(pid)
        bp = (b or a)["blueprint"]
        fmt = lambda d, k: "%6d" % d[k] if d and k in d else "     -"  # noqa: E731
        lines.append("  %-10s %-10s pid %-7d VmRSS %s -> %s kB   RssAnon %s -> %s kB" % (
            kind, bp, pid, fmt(b, "VmRSS"), fmt(a, "VmRSS"), fmt(b, "RssAnon"),
            fmt(a, "RssAnon")))
    return lines


def report(all_res):
    log("")
    log("=" * 119)
    hdr = "%-10s %-44s %7s %9s %7s %7s %8s %9s %7s %7s %7s" % (
        "server", "page", "bytes", "req/s", "p50ms", "p99ms", "static", "limit",
        "%limit", "xFlask", "")
    log(hdr)
    log("-" * 119)
    flask = all_res.get("flask", {})
    goals = []
    for kind in ("lighttpd", "apache", "proxy-fcgi", "flask"):
        res = all_res.get(kind)
        if not res:
            continue
        pages = res["pages"] if kind != "flask" else res
        for key, label, path, method in PAGES:
            r = pages.get(key)
            if not r:
                continue
            p = r["page"]
            of_limit = p["rps"] / r["limit"]["rps"] if r.get("limit", {}).get("rps") else None
            fr = flask.get(key, {}).get("page", {}).get("rps")
            x_flask = p["rps"] / fr if fr and kind != "flask" else None
            log("%-10s %-44s %7d %9.0f %7.2f %7.2f %8s %9s %7s %7s %s" % (
                kind + ("-w%d" % r["workers"] if "workers" in r else ""), label, r["size"],
                p["rps"], p["p50"], p["p99"],
                "%.0f" % r["static"]["rps"] if "static" in r else "-",
                "%.0f" % r["limit"]["rps"] if "limit" in r else "-",
                "%.0f %%" % (100 * of_limit) if of_limit is not None else "-",
                "%.1f" % x_flask if x_flask is not None else "-",
                "BAD %d" % (p["bad"] + p["errors"]) if p["bad"] + p["errors"] else ""))
            if kind == "flask":
                continue
            tag = "%s %s" % (kind, key)
            if of_limit is not None and kind == "lighttpd":
                goals.append((tag + ": >= 70 % of the FastCGI limit", of_limit >= GOAL_OF_LIMIT,
                              "%.0f %%" % (100 * of_limit)))
            goal_p99 = GOAL_P99_MS[kind]
            goals.append((tag + ": p99 <= %g ms" % goal_p99, p["p99"] <= goal_p99,
                           "%.2f ms" % p["p99"]))
    log("")
    log("RSS of the FastCGI processes (after the warm-up runs -> after the last):")
    for kind in ("lighttpd", "apache", "proxy-fcgi"):
        res = all_res.get(kind)
        if not res:
            continue
        for line in rss_lines(kind, res):
            log(line)
        flagon = [(pid, s) for pid, s in res["rss_after"].items() if s["blueprint"] != "fcgilimit"]
        if flagon:
            # VmRSS is mostly the shared libraries (libcrypto, libsqlite3,
            # libc: ~4.5 MB, shared by every process) and grows as a process
            # first touches more of their pages; RssAnon is the process's
            # own memory (heap, stack), where a leak would show.
            worst = max(s["VmRSS"] for _, s in flagon)
            worst_anon = max(s.get("RssAnon", 0) for _, s in flagon)
            goals.append(("%s: RssAnon <= 2 MB per process" % kind,
                          worst_anon <= GOAL_RSS_ANON_KB,
                          "max %d kB (VmRSS max %d kB: mostly shared library pages)"
                          % (worst_anon, worst)))
            common = [(pid, s) for pid, s in flagon if pid in res["rss_before"]]
            if common:
                n = sum(r["page"]["requests"] for r in res["pages"].values())
                grow = max(s["VmRSS"] - res["rss_before"][pid]["VmRSS"] for pid, s in common)
                grow_anon = max(s.get("RssAnon", 0) - res["rss_before"][pid].get("RssAnon", 0)
                                for pid, s in common)
                goals.append(("%s: RssAnon flat over %d requests (<= 512 kB after warm-up)"
                              % (kind, n), grow_anon <= 512,
                              "max growth %d kB (VmRSS %d kB: library pages; "
                              "`make soak` checks growth after warm-up)" % (grow_anon, grow)))
    log("")
    log("Goals (issue #20; instructions per request: make callgrind):")
    for what, ok, fig in goals:
        log("  %-4s %-52s %s" % ("ok" if ok else "MISS", what, fig))
    met = sum(1 for g in goals if g[1])
    log("%d of %d goals met" % (met, len(goals)))


def main():
    if not os.access(LIMIT_EXE, os.X_OK):
        log("%s is missing: run `make bench`" % LIMIT_EXE)
        return 1
    for tool in ("wrk",):
        if not shutil.which(tool):
            log("%s is missing: make install-deps" % tool)
            return 1
    tmp = tempfile.mkdtemp(prefix="flagon-bench-")
    all_res = {}
    try:
        log("wrk -t%d -c%d -d%ds --latency per run; %d cores" % (THREADS, CONNS, SECONDS,
                                                             os.cpu_count()))
        if "lighttpd" in ONLY:
            all_res["lighttpd"] = run_fastcgi(BenchLighttpd, "lighttpd", tmp)
        if "apache" in ONLY:
            all_res["apache"] = run_fastcgi(servers.Apache, "apache", tmp)
        if "proxy-fcgi" in ONLY:
            all_res["proxy-fcgi"] = run_fastcgi(BenchApacheProxyFcgi, "proxy-fcgi", tmp)
        if "flask" in ONLY:
            db = all_res.get("lighttpd", all_res.get("apache", {})).get("db")
            if not db:
                work = tempfile.mkdtemp(prefix="flaskdb-", dir=tmp)
                srv = BenchLighttpd(work, {})
                srv.migrate()
                seed(srv)
                db = srv.db_path
            all_res["flask"] = run_flask(db, tmp)
        if "databases" in ONLY:
            all_res["databases"] = databases.run(
                tmp, wrk, SECONDS, PROCS, N_STUDENTS,
                {"APP_CONFIG": "production", "SECRET_KEY": SECRET}, log)
        report(all_res)
        databases.report(all_res.get("databases"), log)
        os.makedirs(os.path.dirname(JSON_OUT), exist_ok=True)
        with open(JSON_OUT, "w") as f:
            json.dump(all_res, f, indent=1, default=str)
        log("figures: %s" % JSON_OUT)
    finally:
        servers.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
