"""FLAGON_MAX_REQUESTS (lib/web/app.c fl_run): a FastCGI process serves that
many requests, then ends cleanly by itself, as PHP_FCGI_MAX_REQUESTS does;
bench/callgrind.sh relies on it to get a profile without racing a signal.

The program is started as docs/deploy.md's spawn-fcgi pools start it, and
driven with libfcgi's cgi-fcgi."""
import os
import shutil
import subprocess
import time

import servers

PROGRAM = os.path.join(servers.OUT, "cgi-bin", "main")


def tools():
    for tool in ("spawn-fcgi", "cgi-fcgi"):
        if not shutil.which(tool):
            servers.missing(tool + " is not installed", "make install-deps")


def start(tmp_path, limit):
    sock = str(tmp_path / "main.sock")
    env = servers.base_env({"FLAGON_ROOT": servers.ROOT, "APP_CONFIG": "testing",
                            "DATABASE_URI": "sqlite:///%s" % (tmp_path / "t.sqlite"),
                            "FLAGON_MAX_REQUESTS": limit})
    proc = subprocess.Popen(["spawn-fcgi", "-s", sock, "-n", "--", PROGRAM], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return proc, sock


def get(sock, path):
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SCRIPT_NAME": "/cgi-bin/main",
           "QUERY_STRING": "", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
           "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    return subprocess.run(["cgi-fcgi", "-bind", "-connect", sock], env=env,
                          capture_output=True, timeout=30)


def wait_for_socket(proc, sock):
    deadline = time.monotonic() + 20
    while not os.path.exists(sock):
        assert proc.poll() is None, "the program ended before it listened: %s" % (
            proc.communicate()[1])
        assert time.monotonic() < deadline, "the program did not listen in 20 s"
        time.sleep(0.05)


def test_process_ends_after_its_last_request(tmp_path):
    tools()
    proc, sock = start(tmp_path, "3")
    try:
        wait_for_socket(proc, sock)
        for path in ("/user/a", "/user/b", "/user/c"):
            r = get(sock, path)
            assert b"Status: 200" in r.stdout or r.stdout.startswith(b"Content-Type"), r
            assert b"Hello, " + path[-1:].encode() + b"!" in r.stdout
        # Served three: the process ends by itself, with status 0.
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_limit_that_is_not_a_number_stops_start_up(tmp_path):
    tools()
    proc, sock = start(tmp_path, "ten")
    try:
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert "FLAGON_MAX_REQUESTS=ten: expected a whole number of requests" in err
