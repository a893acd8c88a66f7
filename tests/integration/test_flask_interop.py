"""Flask <-> Flagon interop for signed sessions, flashes and CSRF tokens.

Real Flask 2.2 / itsdangerous 2.1 / Flask-WTF 1.1 on one side, Flagon's
sessiontool (built as $FLAGON_BUILD/tests/integration/sessiontool, default
build/) on the other, with the same SECRET_KEY.  Run with
/usr/bin/python3 -m pytest tests/integration/test_flask_interop.py
"""
import json
import os
import subprocess
import time
import uuid
from datetime import datetime, timezone

import pytest
from flask import Flask, get_flashed_messages, session
from flask.json.tag import TaggedJSONSerializer
from markupsafe import Markup

import servers

SECRET = "interop-secret-\u00e9"  # non-ASCII secret: both sides use UTF-8
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("FLAGON_BUILD", "build")
TOOL = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD),
                    "tests", "integration", "sessiontool")
TAGGER = TaggedJSONSerializer()


@pytest.fixture(autouse=True, scope="module")
def _sessiontool_built():
    if not os.access(TOOL, os.X_OK):
        servers.missing(f"{TOOL} is not built", "make unit-bins builds it")


def tool(*args, check=True):
    r = subprocess.run([TOOL, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"sessiontool {args[0]} failed: {r.stderr}")
    return r


def tagged(value):
    """The tagged JSON text Flask's session serializer would write."""
    return json.dumps(TAGGER.tag(value), separators=(",", ":"), sort_keys=True)


@pytest.fixture
def app():
    app = Flask(__name__)
    app.secret_key = SECRET
    app.config["TESTING"] = True

    @app.route("/show")
    def show():
        return json.dumps({
            "name": session.get("name"),
            "age": session.get("age"),
            "flashes": get_flashed_messages(with_categories=True),
        })

    @app.route("/set")
    def set_():
        session["name"] = "Zo\u00eb \u5199"
        session["pair"] = (1, "two")
        return "ok"

    return app


def serializer(app):
    return app.session_interface.get_signing_serializer(app)


SESSIONS = [
    {"name": "Flagon"},
    {"name": "Zo\u00eb \u5199\u5165\u6210\u529f \U0001F600", "known": False, "age": 18},
    {"nested": {"a": {"b": [1, 2.5, None, True, "x/y"]}, "empty": {}}, "f": 80.0, "g": 0.1},
    {"_flashes": [("message", "Looks like you have changed your name!"),
                  ("error", "Bad <input> & \"quotes\"")]},
    {"big": "lorem ipsum dolor sit amet " * 80, "ints": list(range(200))},
    {"ctl": "tab\tnl\ncr\r\x01\x7f", "esc": {" t": [1]}, "t": (1, (2, 3))},
    {"b": b"\x00\xffbytes", "u": uuid.UUID(int=0xABCDEF),
     "d": datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc), "m": Markup("<b>hi</b>")},
    {"_permanent": True, "username": "john", "big": 2**62},
    {"name": "x" * 60},   # below the bound, though Flask would compress it
]

# Flagon sends JSON shorter than this uncompressed (FL_SIGN_COMPRESS_MIN in
# lib/base/signing.h, issue #20); from it on, the bytes are Flask's own.
COMPRESS_MIN = 128


@pytest.mark.parametrize("data", SESSIONS)
def test_flask_loads_what_flagon_dumps(app, data):
    from itsdangerous.encoding import base64_encode
    cookie = tool("dump", SECRET, tagged(data)).stdout.strip()
    with app.app_context():
        assert serializer(app).loads(cookie) == data
        # byte-identical to what Flask itself writes in the same second;
        # below the bound, to what its signer writes for the JSON uncompressed
        ts = int(serializer(app).make_signer().unsign(cookie, return_timestamp=True)[1]
                 .timestamp())
        import itsdangerous.timed as timed
        orig = timed.TimestampSigner.get_timestamp
        timed.TimestampSigner.get_timestamp = lambda self: ts
        try:
            if len(tagged(data).encode()) >= COMPRESS_MIN:
                assert serializer(app).dumps(data) == cookie
            else:
                plain = base64_encode(tagged(data).encode())
                assert serializer(app).make_signer().sign(plain).decode() == cookie
        finally:
            timed.TimestampSigner.get_timestamp = orig
    if "big" in data and isinstance(data["big"], str):
        assert cookie.startswith(".")  # compressed


# Compressed cookies made with Flagon's deflate settings (memLevel 3, issue
# #20), which need not give zlib.compress()'s bytes: a short one (just at
# the bound), and one long and varied enough (4 KB of JSON, ~1000 symbols)
# that the blocks are split differently from Flask's own cookie.
COMPRESSED = [
    {"name": "x" * (COMPRESS_MIN - len('{"name":""}'))},
    {"words": [("w%d" % (i * 7919 % 1000)) + "-" + chr(97 + i % 26) * (i % 5)
               for i in range(420)]},
]


@pytest.mark.parametrize("data", COMPRESSED)
def test_flask_reads_flagon_compressed_cookie(app, data):
    import base64
    import zlib
    cookie = tool("dump", SECRET, tagged(data)).stdout.strip()
    assert cookie.startswith(".")
    with app.app_context():
        assert serializer(app).loads(cookie) == data
    payload = cookie[1:].split(".")[0]
    raw = zlib.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert raw.decode() == tagged(data)   # the JSON Flask itself writes


@pytest.mark.parametrize("data", SESSIONS)
def test_flagon_loads_what_flask_dumps(app, data):
    with app.app_context():
        cookie = serializer(app).dumps(data)
    out = tool("load", SECRET, cookie).stdout.strip()
    assert TAGGER.loads(out) == data
    assert out == tagged(data)


def test_flagon_rejects_tampered_and_foreign_cookies(app):
    with app.app_context():
        cookie = serializer(app).dumps({"name": "x"})
    assert tool("load", SECRET, cookie[:-2] + "AA").stdout.strip() == "{}"
    assert tool("load", "another secret", cookie).stdout.strip() == "{}"
    assert tool("load", SECRET, "not a cookie").stdout.strip() == "{}"
    # older than PERMANENT_SESSION_LIFETIME (31 days)
    later = str(int(time.time()) + 2678400 + 10)
    assert tool("load", SECRET, cookie, later).stdout.strip() == "{}"


def test_flagon_cookie_through_flask_test_client(app):
    data = {"name": "Zo\u00eb", "age": 18}
    data_json = tool("flash", tagged(data), "Hello from Flagon", "info").stdout.strip()
    cookie = tool("dump", SECRET, data_json).stdout.strip()
    client = app.test_client()
    client.set_cookie("localhost", "session", cookie)
    body = json.loads(client.get("/show").data)
    assert body == {"name": "Zo\u00eb", "age": 18,
                    "flashes": [["info", "Hello from Flagon"]]}


def test_flask_test_client_cookie_read_by_flagon(app):
    client = app.test_client()
    resp = client.get("/set")
    header = resp.headers["Set-Cookie"]
    value = header.split(";", 1)[0].split("=", 1)[1]
    out = tool("load", SECRET, value).stdout.strip()
    assert TAGGER.loads(out) == {"name": "Zo\u00eb \u5199", "pair": (1, "two")}
    # the attributes Flagon sends for a fresh session are Flask's
    mine = tool("header", SECRET, out).stdout.strip()
    assert mine.split(";", 1)[1] == header.split(";", 1)[1] == " HttpOnly; Path=/"


def test_permanent_cookie_attributes_match_flask(app):
    @app.route("/perm")
    def perm():
        session.permanent = True
        session["a"] = 1
        return "ok"

    now = int(time.time())
    header = app.test_client().get("/perm").headers["Set-Cookie"]
    mine = tool("header", SECRET, '{"_permanent":true,"a":1}', str(now)).stdout.strip()
    # Expires may differ by the second the two sides ran in
    strip = lambda h: [p for p in h.split("; ")[1:] if not p.startswith("Expires=")]
    assert strip(mine) == strip(header) == ["HttpOnly", "Path=/"]
    assert "Expires=" in mine and "Expires=" in header


def test_flagon_csrf_token_validates_in_flask_wtf(app):
    from flask_wtf.csrf import validate_csrf
    out = tool("csrf-generate", SECRET, "{}").stdout.splitlines()
    token, sess = out[0], json.loads(out[1])
    assert len(sess["csrf_token"]) == 40
    with app.test_request_context():
        session.update(sess)
        validate_csrf(token)  # raises ValidationError if invalid


def test_flask_wtf_csrf_token_validates_in_flagon(app):
    from flask_wtf.csrf import generate_csrf
    with app.test_request_context():
        token = generate_csrf()
        sess = dict(session)
    r = tool("csrf-validate", SECRET, json.dumps(sess), token, check=False)
    assert (r.returncode, r.stdout.strip()) == (0, "ok")
    # and a token for another session is refused the way Flask-WTF refuses it
    r = tool("csrf-validate", SECRET, '{"csrf_token":"%s"}' % ("0" * 40), token, check=False)
    assert r.stdout.strip() == "The CSRF token is invalid."
    r = tool("csrf-validate", SECRET, json.dumps(sess), "", check=False)
    assert r.stdout.strip() == "The CSRF token is missing."
