"""A private redis-server for the integration tests: a free loopback port,
no persistence (--save "" --appendonly no), its own directory, stopped by
PID (never by name)."""
import os
import shutil
import subprocess
import time

import servers

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"


def available():
    return os.access(REDIS_SERVER, os.X_OK) and os.access(REDIS_CLI, os.X_OK)


def require():
    """Skip the calling test (fail it under CI=true) without Redis."""
    if not available():
        servers.missing("redis-server/redis-cli are not installed",
                        "apt-get install redis-server redis-tools, or make install-deps")


class RedisServer:
    def __init__(self, workdir, port=None):
        self.workdir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.port = port or servers.free_port()
        self.url = "redis://127.0.0.1:%d/0" % self.port
        self.log = os.path.join(workdir, "redis-%d.log" % self.port)
        self.proc = None

    def start(self):
        require()
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", self.workdir,
             "--logfile", self.log],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("redis-server exited: %s" % servers.tail(self.log))
            if self.cli("PING") == "PONG":
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server not ready: %s" % servers.tail(self.log))

    def cli(self, *args):
        """redis-cli -p PORT ARGS...; its output stripped ('' on failure)."""
        r = subprocess.run([REDIS_CLI, "-p", str(self.port)] + [str(a) for a in args],
                           capture_output=True, text=True, timeout=10)
        return r.stdout.strip()

    def stop(self):
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        servers.terminate(proc)
