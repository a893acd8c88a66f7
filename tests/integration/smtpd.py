"""A real SMTP server (aiosmtpd) for the mail tests, in its own process.

Run as a program (/usr/bin/python3 smtpd.py --port P --store DIR [...]) it
listens on 127.0.0.1:P and stores every message it accepts as
DIR/<n>.eml, with DIR/<n>.json holding the envelope ({"from", "to"}).
Options: --tls CERT KEY (offer STARTTLS and require it before MAIL),
--auth USER PASS (require AUTH PLAIN/LOGIN, allowed without TLS),
--refuse ADDR (answer 550 to RCPT TO:<ADDR>; repeatable).
It prints "READY" on stdout once it listens.

From a test, SmtpServer(...) starts and stops that process.
"""
import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time

PYTHON = "/usr/bin/python3"


class SmtpServer:
    """The helper above as a subprocess on a free loopback port."""

    def __init__(self, store, port=None, tls=None, auth=None, refuse=()):
        import servers
        self.store = str(store)
        os.makedirs(self.store, exist_ok=True)
        self.port = port or servers.free_port()
        self.args = [PYTHON, os.path.abspath(__file__), "--port", str(self.port),
                     "--store", self.store]
        if tls:
            self.args += ["--tls", tls[0], tls[1]]
        if auth:
            self.args += ["--auth", auth[0], auth[1]]
        for r in refuse:
            self.args += ["--refuse", r]
        self.proc = None

    def start(self):
        if importlib.util.find_spec("aiosmtpd") is None:
            import servers
            servers.missing("python3-aiosmtpd is not installed: no SMTP server to send to",
                            "apt-get install python3-aiosmtpd, or make install-deps")
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True,
                                     start_new_session=True)
        line = self.proc.stdout.readline()
        if line.strip() != "READY":
            self.stop()
            raise RuntimeError("smtpd did not start: %s %s" % (line, self.proc.stderr.read()))
        return self

    def stop(self):
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        import servers
        servers.terminate(proc)
        for f in (proc.stdout, proc.stderr):
            f.close()

    def messages(self):
        """[(envelope dict, raw bytes)] in arrival order."""
        out = []
        names = sorted((n for n in os.listdir(self.store) if n.endswith(".eml")),
                       key=lambda n: int(n.split(".")[0]))
        for n in names:
            with open(os.path.join(self.store, n), "rb") as f:
                raw = f.read()
            with open(os.path.join(self.store, n[:-4] + ".json")) as f:
                env = json.load(f)
            out.append((env, raw))
        return out

    def wait_messages(self, count, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = self.messages()
            if len(m) >= count:
                return m
            time.sleep(0.05)
        return self.messages()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main():
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--auth", nargs=2, metavar=("USER", "PASS"))
    ap.add_argument("--refuse", action="append", default=[])
    a = ap.parse_args()
    os.makedirs(a.store, exist_ok=True)
    lock = threading.Lock()
    refuse = {r.lower() for r in a.refuse}

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.lower() in refuse:
                return "550 5.1.1 <%s>: Recipient address rejected" % address
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            with lock:
                n = len([x for x in os.listdir(a.store) if x.endswith(".eml")]) + 1
                base = os.path.join(a.store, str(n))
                with open(base + ".json", "w") as f:
                    json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                               "tls": session.ssl is not None,
                               "auth": (session.authenticated and a.auth and a.auth[0])
                               or None}, f)
                with open(base + ".eml.tmp", "wb") as f:
                    f.write(envelope.original_content or envelope.content)
                os.rename(base + ".eml.tmp", base + ".eml")
            return "250 Message accepted for delivery"

    kwargs = {}
    if a.tls:
        import ssl
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        kwargs.update(tls_context=ctx, require_starttls=True)
    if a.auth:
        user, password = a.auth[0].encode(), a.auth[1].encode()

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user
                  and auth_data.password == password)
            # handled=False: aiosmtpd answers 535 itself (its default,
            # handled=True, means "the authenticator replied" and sends nothing).
            return AuthResult(success=ok, handled=False)
        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=False)
    ctl = Controller(Handler(), hostname="127.0.0.1", port=a.port, **kwargs)
    ctl.start()
    print("READY", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *x: stop.set())
    signal.signal(signal.SIGINT, lambda *x: stop.set())
    while not stop.is_set():
        stop.wait(0.5)
    ctl.stop()


if __name__ == "__main__":
    sys.exit(main())
