#!/usr/bin/python3
"""bench/profile.py PAGE [SECONDS] — perf profile of one Flagon page.

Starts lighttpd with one FastCGI process per blueprint (production config,
the bench's seeded database), drives PAGE (a key of bench/run.py's PAGES:
index, user, students, api, post) with wrk for SECONDS (default 5) while
`perf record -e cpu-clock -g` samples that blueprint's process, and prints
`perf report` (top symbols, children excluded).  perf.data is left in
build/bench/.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402
import requests  # noqa: E402


def main():
    key = sys.argv[1] if len(sys.argv) > 1 else "index"
    secs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    page = next(p for p in run.PAGES if p[0] == key)
    run.PROCS = 1
    tmp = tempfile.mkdtemp(prefix="flagon-prof-")
    srv = run.BenchLighttpd(tmp, run.blueprint_mounts(),
                            extra_env={"APP_CONFIG": "production", "SECRET_KEY": run.SECRET})
    srv.migrate()
    run.seed(srv)
    srv.start()
    try:
        cookie, token = run.visitor(srv.url)
        bp = page[2].split("/")[2]
        pid = next(p for p, n in run.fastcgi_procs(srv).items() if n == bp)
        data = os.path.join(run.BUILD, "bench", "perf-%s.data" % key)
        os.makedirs(os.path.dirname(data), exist_ok=True)
        perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-g", "-p", str(pid),
                                 "-o", data, "--", "sleep", str(secs)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        body = "name=%s&csrf_token=%s&submit=Submit" % (
            run.NAME, requests.utils.quote(token, safe=""))
        script = run.post_script(page[2], body, cookie, tmp) if page[3] == "POST" else None
        r = run.wrk(srv.url + page[2], script, seconds=secs,
                    headers=() if script else ["Cookie: " + cookie])
        perf.wait()
        print("%s: %.0f req/s p99 %.2f ms (1 process)" % (key, r["rps"], r["p99"]))
        out = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                              "--sort", "dso,symbol", "-g", "none", "--percent-limit", "0.7"],
                             capture_output=True, text=True).stdout
        print("\n".join(l for l in out.splitlines() if l and not l.startswith("#")))
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
