"""bench/databases.py — `make bench`'s student list on each database (issue 19).

The same page (GET /cgi-bin/model/get_all_student/, 100 rows) from the
same lighttpd + FastCGI set-up, once per database in one run: SQLite (a
file, in the FastCGI process), MariaDB and PostgreSQL (private servers on
127.0.0.1, tests/integration/dbservers.py, reached over TCP as a
production site would).  Each database holds the same 100 students.

For each: requests/s, p50/p99, the ratio to SQLite, and what bounded it —
the CPU time (utime + stime from /proc/PID/stat, before and after the wrk
run) of the FastCGI processes, of the database server (the MariaDB
process with all its threads; the PostgreSQL postmaster and its backends),
of lighttpd and of wrk, as cores used and as microseconds per request.
The part with the most CPU per request bounds the figure when the cores
are all busy; cores left idle mean the bound is waiting (round trips).
"""
import os
import resource
import sqlite3
import tempfile

import requests

import dbservers
import multihost
import servers

KINDS = ("sqlite", "mysql", "postgresql")
PATH = "/cgi-bin/model/get_all_student/"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    """utime + stime of the processes `pids` (every thread of each), in
    seconds; a process that has gone counts 0."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])     # utime, stime (fields 14, 15)
    return total / TICK


def machine_busy_seconds():
    """CPU seconds every core of the machine spent busy since boot (the
    first line of /proc/stat: all but idle and iowait), to tell how much of
    the machine others used during a run (a shared machine)."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / TICK


def children_seconds():
    """CPU seconds of this process's reaped children (wrk)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def load_students(kind, db, uri, n):
    """The same `n` students into the `student` table of each database,
    straight through the database's Python driver (the page reads only
    this table, and the rows are identical on all three, which seed's
    random demo data would not be)."""
    rows = [("bench%03d" % i, 16 + i % 5, 60.0 + i % 40) for i in range(n)]
    if kind == "sqlite":
        con = sqlite3.connect(uri[len("sqlite:///"):], timeout=10)
        with con:
            con.executemany("INSERT INTO student (s_name, s_age, s_score) VALUES (?, ?, ?)",
                            rows)
        con.close()
        return
    con = db.connect(db.database)
    try:
        with con.cursor() as cur:
            cur.executemany("INSERT INTO student (s_name, s_age, s_score) VALUES (%s, %s, %s)",
                            rows)
    finally:
        con.close()


def measure(kind, tmp, wrk, seconds, procs, n_students, env):
    """One database's run: start its server (not for SQLite), a lighttpd
    with `procs` FastCGI processes over it, load the students, wrk the
    page; the figures as a dict."""
    db = None
    work = tempfile.mkdtemp(prefix="db-%s-" % kind, dir=tmp)
    if kind == "sqlite":
        uri = "sqlite:///" + os.path.join(work, "bench.sqlite")
    else:
        db = dbservers.KINDS[kind](os.path.join(work, kind)).start()
        uri = db.uri
    mounts = {"model": os.path.join(servers.OUT, "cgi-bin", "model")}
    srv = multihost.DbLighttpd(os.path.join(work, "host"), mounts, procs=procs,
                               extra_env=dict(env, DATABASE_URI=uri))
    try:
        srv.migrate()
        load_students(kind, db, uri, n_students)
        srv.start()
        url = srv.url + PATH
        wrk(url, seconds=1)                                   # warm: every process connected
        srv.remember_children()
        fcgi = list(fastcgi_pids(srv))
        db_pids = [] if db is None else [db.pid] + sorted(servers._children_of([db.pid]))
        before = (cpu_seconds(fcgi), cpu_seconds(db_pids), cpu_seconds([srv.proc.pid]),
                  children_seconds(), machine_busy_seconds())
        r = wrk(url, seconds=seconds)
        after = (cpu_seconds(fcgi), cpu_seconds(db_pids), cpu_seconds([srv.proc.pid]),
                 children_seconds(), machine_busy_seconds())
        size = len(requests.get(url, timeout=10).content)
        used = [a - b for a, b in zip(after, before)]
        cpu = dict(zip(("fastcgi", "database", "lighttpd", "wrk"), used))
        # What the rest of the machine used meanwhile (other programs).
        cpu["others"] = max(used[4] - sum(used[:4]), 0.0)
        return {"kind": kind, "size": size, "page": r, "seconds": seconds, "cpu": cpu}
    finally:
        srv.stop()
        if db is not None:
            db.stop()


def fastcgi_pids(srv):
    """The FastCGI processes lighttpd started for `srv` (its children that
    run a mounted program)."""
    exes = {os.path.realpath(os.path.join(srv.bin, "cgi-bin", m)) for m in srv.mounts}
    for pid in servers._children_of([srv.proc.pid]):
        try:
            if os.path.realpath("/proc/%d/exe" % pid) in exes:
                yield pid
        except OSError:
            pass


def bound(res):
    """A line saying what bounded one database's figure: with the machine's
    cores all busy, CPU (most of it where the most microseconds per request
    went); with cores left idle, waiting (round trips, locks)."""
    cpu, secs, n = res["cpu"], res["seconds"], max(res["page"]["requests"], 1)
    cores = os.cpu_count() or 1
    idle = cores - sum(cpu.values()) / secs
    ours = sorted(((v, k) for k, v in cpu.items() if k != "others"
                   and not (k == "database" and res["kind"] == "sqlite")), reverse=True)
    if idle > 0.25 * cores:
        verdict = "%.1f of %d cores idle: bound by waiting (round trips%s)" % (
            idle, cores, " to the database server" if cpu["database"] else "")
    else:
        verdict = "cores busy: bound by CPU, most of it in %s" % ours[0][1]
    if cpu["others"] / secs > 0.2:
        verdict += "; other programs used %.1f cores meanwhile" % (cpu["others"] / secs)
    return "%s. CPU per request: %s%s" % (verdict, ", ".join(
        "%s %.0f us" % (k, 1e6 * v / n) for v, k in ours),
        " (SQLite runs inside the FastCGI processes)" if res["kind"] == "sqlite" else "")


def run(tmp, wrk, seconds, procs, n_students, env, log):
    """Every database of KINDS in turn; {kind: figures}.  A database whose
    server is not installed is reported and left out."""
    out = {}
    log("student list per database: GET %s (%d rows), lighttpd FLAGON_PROCS=%d"
        % (PATH, n_students, procs))
    for kind in KINDS:
        try:
            out[kind] = measure(kind, tmp, wrk, seconds, procs, n_students, env)
        except dbservers.Missing as e:
            log("  %-10s not measured: %s (%s)" % (kind, e, e.hint))
            continue
        p = out[kind]["page"]
        log("  %-10s %6d B  %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  bad %d" % (
            kind, out[kind]["size"], p["rps"], p["p50"], p["p99"], p["bad"] + p["errors"]))
    return out


def report(res, log):
    """The table: req/s per database, the ratio to SQLite, what bounded it."""
    if not res:
        return
    log("")
    log("Student list (GET %s) per database, one run:" % PATH)
    base = res.get("sqlite", {}).get("page", {}).get("rps")
    for kind in KINDS:
        r = res.get(kind)
        if not r:
            continue
        p = r["page"]
        ratio = " = %.2fx SQLite" % (p["rps"] / base) if base else ""
        log("  %-10s %8.0f req/s%s  p99 %.2f ms" % (kind, p["rps"], ratio, p["p99"]))
        log("  %-10s %s" % ("", bound(r)))
