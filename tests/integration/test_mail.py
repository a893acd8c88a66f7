"""Mail (Flask-Mail over libESMTP) against a real SMTP server on loopback:
aiosmtpd started by the test (tests/integration/smtpd.py) — plain SMTP,
STARTTLS with a certificate made here, AUTH, a refused recipient, the server
down and `manage mail flush`, and Flasky's new-user mail end to end."""
import email
import glob
import json
import os
import subprocess
import time
from email import policy

import pytest

import servers
from servers import Browser, unique
from smtpd import SmtpServer


@pytest.fixture
def var(tmp_path):
    d = tmp_path / "var"
    d.mkdir()
    return str(d)


def mail_env(var, port, **extra):
    env = servers.app_env(var)
    env.update({"FLAGON_VAR": var, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port),
                "MAIL_SUPPRESS_SEND": "0"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def pending(var):
    return sorted(glob.glob(os.path.join(var, "outbox", "pending", "*.eml")))


def parse(raw):
    return email.message_from_bytes(raw, policy=policy.default)


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (and localhost)."""
    d = tmp_path_factory.mktemp("tls")
    crt, key = str(d / "cert.pem"), str(d / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", key, "-out", crt, "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return crt, key


def test_send_plain_smtp(tmp_path, var):
    with SmtpServer(tmp_path / "store") as smtp:
        r = servers.run_manage(["mail", "send", "Bob Example <bob@example.com>"],
                               mail_env(var, smtp.port))
        assert r.returncode == 0, r.stderr
        (env, raw), = smtp.wait_messages(1)
    assert env["from"] == "flasky@example.com"
    assert env["to"] == ["bob@example.com"]
    assert env["tls"] is False
    m = parse(raw)
    assert m["Subject"] == "Flagon test message"
    assert m["From"] == "Flasky Admin <flasky@example.com>"
    assert m["To"] == "Bob Example <bob@example.com>"
    assert m["Date"].datetime is not None
    assert m["Message-ID"].startswith("<") and m["Message-ID"].endswith("@example.com>")
    assert m.get_content_type() == "multipart/alternative"
    text = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    assert "test message from Flagon" in text
    assert "<b>test message</b>" in html
    assert not pending(var)


def test_starttls_with_trusted_certificate(tmp_path, var, cert):
    with SmtpServer(tmp_path / "store", tls=cert) as smtp:
        r = servers.run_manage(["mail", "send", "bob@example.com"],
                               mail_env(var, smtp.port, MAIL_USE_TLS=1, MAIL_CA_FILE=cert[0]))
        assert r.returncode == 0, r.stderr
        (env, raw), = smtp.wait_messages(1)
    assert env["tls"] is True
    assert parse(raw)["Subject"] == "Flagon test message"


def test_starttls_untrusted_certificate_is_refused(tmp_path, var, cert):
    with SmtpServer(tmp_path / "store", tls=cert) as smtp:
        r = servers.run_manage(["mail", "send", "bob@example.com"],
                               mail_env(var, smtp.port, MAIL_USE_TLS=1))
        assert r.returncode == 1
        assert "not trusted" in r.stderr and len(r.stderr.strip().splitlines()) == 1
        time.sleep(0.3)
        assert smtp.messages() == []
    assert len(pending(var)) == 1


def test_starttls_required_no_plain_fallback(tmp_path, var, cert):
    # The server offers no STARTTLS: MAIL_USE_TLS must not send in clear.
    with SmtpServer(tmp_path / "store") as smtp:
        r = servers.run_manage(["mail", "send", "bob@example.com"],
                               mail_env(var, smtp.port, MAIL_USE_TLS=1, MAIL_CA_FILE=cert[0]))
        assert r.returncode == 1
        assert "STARTTLS" in r.stderr
        time.sleep(0.3)
        assert smtp.messages() == []


def test_auth(tmp_path, var):
    with SmtpServer(tmp_path / "store", auth=("alice", "s3cret")) as smtp:
        bad = servers.run_manage(["mail", "send", "bob@example.com"],
                                 mail_env(var, smtp.port, MAIL_USERNAME="alice",
                                          MAIL_PASSWORD="wrong"))
        assert bad.returncode == 1
        assert bad.stderr.startswith("manage: mail not sent:")
        assert "MAIL_PASSWORD" in bad.stderr
        none = servers.run_manage(["mail", "send", "bob@example.com"], mail_env(var, smtp.port))
        assert none.returncode == 1
        ok = servers.run_manage(["mail", "send", "bob@example.com"],
                                mail_env(var, smtp.port, MAIL_USERNAME="alice",
                                         MAIL_PASSWORD="s3cret"))
        assert ok.returncode == 0, ok.stderr
        msgs = smtp.wait_messages(1)
    assert len(msgs) == 1
    assert msgs[0][0]["auth"] == "alice"


def test_refused_recipient(tmp_path, var):
    with SmtpServer(tmp_path / "store", refuse=["nobody@example.com"]) as smtp:
        r = servers.run_manage(["mail", "send", "nobody@example.com"], mail_env(var, smtp.port))
        assert r.returncode == 1
        assert "nobody@example.com" in r.stderr and "550" in r.stderr
        time.sleep(0.3)
        assert smtp.messages() == []
    # permanent refusal: kept for inspection, not retried
    assert not pending(var)
    assert len(glob.glob(os.path.join(var, "outbox", "failed", "*.eml"))) == 1


def test_server_down_then_flush(tmp_path, var):
    port = servers.free_port()
    env = mail_env(var, port)
    t0 = time.monotonic()
    r = servers.run_manage(["mail", "send", "bob@example.com"], env)
    assert r.returncode == 1
    assert "127.0.0.1:%d" % port in r.stderr
    assert time.monotonic() - t0 < 10
    assert len(pending(var)) == 1
    with open(pending(var)[0][:-4] + ".json") as f:
        envelope = json.load(f)
    assert envelope["to"] == ["bob@example.com"] and envelope["attempts"] == 1

    r = servers.run_manage(["mail", "flush"], env)
    assert r.returncode == 1
    assert "delivered 0, failed 1" in r.stdout

    with SmtpServer(tmp_path / "store", port=port) as smtp:
        r = servers.run_manage(["mail", "flush"], env)
        assert r.returncode == 0, r.stderr
        assert "delivered 1, failed 0" in r.stdout
        (got, raw), = smtp.wait_messages(1)
    assert got["to"] == ["bob@example.com"]
    assert parse(raw)["Subject"] == "Flagon test message"
    assert not pending(var)
    r = servers.run_manage(["mail", "flush"], env)
    assert r.returncode == 0 and "delivered 0, failed 0" in r.stdout


def test_use_ssl_is_refused_clearly(var):
    r = servers.run_manage(["mail", "send", "bob@example.com"],
                           mail_env(var, servers.free_port(), MAIL_USE_SSL=1, MAIL_PORT=465))
    assert r.returncode == 1
    assert "MAIL_USE_SSL" in r.stderr and "MAIL_USE_TLS" in r.stderr


def test_suppress_send_writes_outbox(var):
    r = servers.run_manage(["mail", "send", "bob@example.com"],
                           mail_env(var, servers.free_port(), MAIL_SUPPRESS_SEND=1))
    assert r.returncode == 0, r.stderr
    files = glob.glob(os.path.join(var, "outbox", "*.eml"))
    assert len(files) == 1
    with open(files[0], "rb") as f:
        assert parse(f.read())["To"] == "bob@example.com"


def test_bad_address_and_usage(var):
    env = mail_env(var, servers.free_port())
    r = servers.run_manage(["mail", "send", "bob@example.com\r\nBcc: x@example.com"], env)
    assert r.returncode == 1 and "not a valid" in r.stderr
    assert servers.run_manage(["mail"], env).returncode == 2
    assert servers.run_manage(["mail", "bogus"], env).returncode == 2


# ---- Flasky: the new-user mail ----

ADMIN = "admin@example.com"


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    s = SmtpServer(tmp_path_factory.mktemp("flasky-smtp")).start()
    yield s
    s.stop()


@pytest.fixture(scope="module", params=servers.test_databases())
def flasky(request, tmp_path_factory, smtp):
    """lighttpd serving main with FLASKY_ADMIN and a real SMTP server, on
    each database."""
    s = servers.Lighttpd(str(tmp_path_factory.mktemp("flasky-mail")), {"main": servers.MAIN_EXE},
                         db_kind=request.param)
    s.env.update({"FLASKY_ADMIN": ADMIN, "MAIL_SERVER": "127.0.0.1",
                  "MAIL_PORT": str(smtp.port), "MAIL_SUPPRESS_SEND": "0",
                  "FLASKY_MAIL_SUBJECT_PREFIX": "[Flasky]"})
    s.start()
    yield s
    s.stop()


def test_new_user_mails_the_admin(flasky, smtp):
    before = len(smtp.messages())
    b = Browser(flasky)
    name = unique("小明&<x>")
    r = b.submit_name(name)
    assert r.status_code in (302, 303)
    msgs = smtp.wait_messages(before + 1)
    assert len(msgs) == before + 1
    env, raw = msgs[-1]
    assert env["to"] == [ADMIN]
    assert env["from"] == "flasky@example.com"
    m = parse(raw)
    assert m["Subject"] == "[Flasky] New User"
    assert m["From"] == "Flasky Admin <flasky@example.com>"
    assert m["To"] == ADMIN
    text = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    assert "User %s has joined." % name in text          # a .txt is not HTML-escaped
    assert "<b>%s</b>" % name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        in html                                            # the .html is

    # The same name again (another client): known, no mail.
    Browser(flasky).submit_name(name)
    time.sleep(1.0)
    assert len(smtp.messages()) == before + 1


@pytest.mark.parametrize("db", servers.test_databases())
def test_smtp_down_never_delays_the_page(tmp_path_factory, db):
    dead = servers.free_port()
    s = servers.Lighttpd(str(tmp_path_factory.mktemp("flasky-down")), {"main": servers.MAIN_EXE},
                         db_kind=db)
    s.env.update({"FLASKY_ADMIN": ADMIN, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(dead),
                  "MAIL_SUPPRESS_SEND": "0"})
    s.start()
    try:
        b = Browser(s)
        _, token = b.index()
        t0 = time.monotonic()
        r = b.submit_name(unique("carol"), token)
        assert r.status_code in (302, 303)
        assert time.monotonic() - t0 < 1.0
        r, _ = b.index()
        assert "Pleased to meet you!" in r.text
        deadline = time.monotonic() + 10
        while not pending(s.var) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(pending(s.var)) == 1
        # ./manage mail flush delivers it once the server is up
        env = dict(s.env, FLAGON_VAR=s.var, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(dead),
                   MAIL_SUPPRESS_SEND="0")
        with SmtpServer(os.path.join(s.workdir, "store"), port=dead) as smtp:
            r = servers.run_manage(["mail", "flush"], env)
            assert r.returncode == 0, r.stderr
            (got, raw), = smtp.wait_messages(1)
        assert got["to"] == [ADMIN]
        assert parse(raw)["Subject"] == "[Flasky] New User"
    finally:
        s.stop()
