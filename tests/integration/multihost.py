"""Several web hosts over one database server: what the two-host test
(test_two_hosts.py) and `make bench`'s per-database runs (bench/run.py)
share.

    host = DbLighttpd(workdir, mounts, extra_env={"DATABASE_URI": uri, ...})
    host.start()                    # tables made, lighttpd + FastCGI running
    lb = HAProxy(workdir, [a, b]).start()   # haproxy.cfg as shipped (a servers.Server)
    lb.url                          # http://127.0.0.1:PORT, X-Served-By: host-a|host-b
    kill_host(a)                    # SIGKILL lighttpd and its FastCGI processes
    lb.stop()

Every process is started on a free port of 127.0.0.1 and stopped by PID
(servers.terminate); servers.stop_all stops what a crashed run left.
"""
import os
import shutil
import signal
import time

import requests

import servers

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
HAPROXY_CFG = os.path.join(servers.ROOT, "haproxy.cfg")
# The path haproxy.cfg's health check asks each host for (its default):
# a page of the main blueprint that reads no table and sets no cookie.
CHECK_PATH = "/cgi-bin/main/user/haproxy"
HOST_NAMES = ("host-a", "host-b")


def require_haproxy():
    """servers.missing() (skip; fail under CI=true) without haproxy."""
    if not os.access(HAPROXY, os.X_OK):
        servers.missing("haproxy is not installed", "apt-get install haproxy, or make "
                        "install-deps")


def prepare_database(env, manage=servers.MANAGE):
    """Make the application's tables in the database env["DATABASE_URI"]
    names (any of the three); RuntimeError with manage's output when that
    fails."""
    args = ["db", "upgrade"]
    r = servers.run_manage(args, env, manage=manage)
    if r.returncode != 0:
        raise RuntimeError("manage %s failed (%d):\n%s%s"
                           % (" ".join(args), r.returncode, r.stdout, r.stderr))


class DbLighttpd(servers.Lighttpd):
    """servers.Lighttpd whose database may be on a server (DATABASE_URI in
    extra_env: mysql://, postgresql://): its tables are made by
    prepare_database() before it starts; `procs` FastCGI processes per
    program."""

    def __init__(self, workdir, mounts, extra_env=None, procs=2, **kw):
        super().__init__(workdir, mounts, extra_env=extra_env, **kw)
        self.procs = procs

    def migrate(self):
        prepare_database(self.env, manage=self.manage)

    def server_env(self):
        env = super().server_env()
        env["FLAGON_PROCS"] = str(self.procs)
        return env


def kill_host(server):
    """A host dies: SIGKILL lighttpd and every FastCGI process it started
    (its process group: start_new_session made lighttpd a group leader and
    its children stay in its group), then reap what is left."""
    proc = server.proc
    server.remember_children()
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    proc.wait(timeout=10)
    servers.kill_stragglers(server.descendants, grace=2)
    server.stop()


class HAProxy(servers.Server):
    """haproxy -db -f haproxy.cfg on a free port, balancing over `hosts`
    (two servers.Server, named host-a and host-b in that order); started and
    stopped as a servers.Server (by PID), its log (stdout) in
    workdir/var/server-stdout.log."""
    kind = "haproxy"

    def __init__(self, workdir, hosts):
        assert len(hosts) == len(HOST_NAMES)
        super().__init__(workdir, {})
        self.hosts = list(hosts)

    def command(self):
        return [HAPROXY, "-db", "-f", HAPROXY_CFG]

    def server_env(self):
        env = {"FLAGON_LB_BIND": "127.0.0.1:%d" % self.port, "FLAGON_LB_CHECK": CHECK_PATH}
        for name, host in zip(("FLAGON_HOST_A", "FLAGON_HOST_B"), self.hosts):
            env[name] = "127.0.0.1:%d" % host.port
        return env

    @property
    def error_log(self):
        return self.stdout_log

    def log_files(self):
        return [self.stdout_log]

    def migrate(self):
        """Nothing: the balancer has no database."""

    def start(self):
        require_haproxy()
        return super().start()

    def wait_ready(self):
        """Until both hosts have answered through the balancer (each passed
        its health checks)."""
        deadline = time.monotonic() + servers.READY_TIMEOUT
        seen = set()
        while seen != set(HOST_NAMES):
            if self.proc.poll() is not None:
                raise RuntimeError("haproxy exited with %s:\n%s"
                                   % (self.proc.returncode, self.logs()))
            try:
                r = requests.get(self.url + CHECK_PATH, timeout=5)
                if r.status_code == 200:
                    seen.add(r.headers.get("X-Served-By"))
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("haproxy: hosts %s not up after %.0f s:\n%s" % (
                    sorted(set(HOST_NAMES) - seen), servers.READY_TIMEOUT, self.logs()))
            time.sleep(0.05)
