"""The JSON API blueprint (cgi-bin/api: flask-restful + flask-jwt-extended)
over real lighttpd and Apache: login, every verb, every error code as JSON,
pagination edges, bodies that are not JSON, too deep or too large, and
tokens checked against PyJWT (Debian's python3-jwt)."""
import json
import subprocess
import time
import uuid

import jwt
import pytest
import requests

import servers

API = "/cgi-bin/api"
PASSWORD = "correct horse battery staple"


def add_user(server, name, password):
    """./manage user add NAME with the password on stdin (a pipe)."""
    return subprocess.run([servers.MANAGE, "user", "add", name], input=password + "\n",
                          env=servers.base_env(server.env), cwd=servers.ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def api(server):
    """The server, seeded, with an API user; returns a small client."""
    server.seed()
    name = servers.unique("api")
    r = add_user(server, name, PASSWORD)
    assert r.returncode == 0, r.stderr
    return Client(server, name)


class Client:
    def __init__(self, server, username):
        self.server = server
        self.username = username
        self._token = None

    def req(self, method, path, token=None, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = "Bearer " + token
        kw.setdefault("timeout", 30)
        kw.setdefault("allow_redirects", False)
        return requests.request(method, self.server.url + API + path, headers=headers, **kw)

    def login(self, username=None, password=PASSWORD):
        return self.req("POST", "/login", json={"username": username or self.username,
                                                "password": password})

    @property
    def token(self):
        if self._token is None:
            r = self.login()
            assert r.status_code == 200, r.text
            self._token = r.json()["access_token"]
        return self._token

    def create(self, **fields):
        return self.req("POST", "/students", token=self.token, json=fields)


def assert_json_error(r, status, *words):
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    body = r.json()
    assert isinstance(body.get("message"), str) and body["message"], body
    for w in words:
        assert w in body["message"], (w, body)
    return body


def new_name():
    return "stu" + uuid.uuid4().hex[:10]


def user_id(server, name):
    return server.query("SELECT id FROM users WHERE username = ?", name)[0][0]


# ---- login and tokens ----

@pytest.mark.proxy_fcgi
def test_login_gives_flask_jwt_extended_token(api):
    r = api.login()
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    token = r.json()["access_token"]
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, servers.SECRET_KEY, algorithms=["HS256"])
    assert claims["sub"] == str(user_id(api.server, api.username))   # a string (RFC 7519)
    assert claims["type"] == "access" and claims["fresh"] is False
    assert claims["exp"] - claims["iat"] == 900
    assert claims["nbf"] == claims["iat"]
    assert abs(claims["iat"] - time.time()) < 60
    assert len(claims["jti"]) == 36
    assert api.login().json()["access_token"] != token       # jti differs


@pytest.mark.parametrize("username,password", [
    (None, "wrong"), ("nobody-" + uuid.uuid4().hex, PASSWORD), ("john", "cat"), ("", ""),
])
def test_login_wrong_credentials_401(api, username, password):
    # john exists but the testing config's seed gives him no password.
    assert_json_error(api.login(username if username is not None else api.username, password)
                      if username != "" else
                      api.req("POST", "/login", json={"username": "", "password": ""}),
                      401, "Bad username or password")


def test_login_bad_bodies(api):
    assert_json_error(api.req("POST", "/login", json={"username": api.username}), 422, "password")
    assert_json_error(api.req("POST", "/login", json={"password": "x"}), 422, "username")
    assert_json_error(api.req("POST", "/login", json={"username": 5, "password": "x"}), 422,
                      "username")
    assert_json_error(api.req("POST", "/login", json=["a"]), 400)
    assert_json_error(api.req("POST", "/login", data="username=a&password=b",
                              headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)
    r = api.req("GET", "/login")
    assert_json_error(r, 405)
    assert "POST" in r.headers["Allow"]


def test_manage_user_add_refuses_duplicates_and_empty_passwords(api):
    r = add_user(api.server, api.username, "other")
    assert r.returncode != 0 and "already exists" in r.stderr
    r = add_user(api.server, servers.unique("nopw"), "")
    assert r.returncode != 0 and "password" in r.stderr
    # The old password still works.
    assert api.login().status_code == 200


def test_ten_failed_logins_per_username_then_429(api):
    """Issue 14, at the default limits (LOGIN_FAILURES_PER_USERNAME=10 per
    LOGIN_FAILURE_WINDOW=300 s): ten wrong passwords for one username are
    each a 401; the eleventh attempt is a JSON 429 with Retry-After, even
    with the right password.  These servers run CACHE_TYPE=null with several
    processes: the counts live in the database, which they all share."""
    name = servers.unique("limited")
    r = add_user(api.server, name, PASSWORD)
    assert r.returncode == 0, r.stderr
    for i in range(10):
        assert_json_error(api.login(name, "wrong %d" % i), 401, "Bad username or password")
    r = api.login(name, PASSWORD)
    body = assert_json_error(r, 429, "Too many failed login attempts; try again in")
    wait = int(r.headers["Retry-After"])                 # delay-seconds (RFC 9110)
    assert 1 <= wait <= 300
    assert body["message"] == "Too many failed login attempts; try again in %d %s." % (
        wait, "second" if wait == 1 else "seconds")
    assert_json_error(api.login(name, "wrong again"), 429)
    # Another username from the same address: far from the address's 100.
    assert api.login().status_code == 200


# ---- reading ----

@pytest.mark.proxy_fcgi
def test_list_students_paginates(api):
    r = api.req("GET", "/students")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"items", "page", "per_page", "total", "pages"}
    assert body["page"] == 1 and body["per_page"] == 20
    assert body["total"] >= 4
    first = body["items"][0]
    assert set(first) == {"id", "s_name", "s_age", "s_score"}
    assert isinstance(first["s_score"], float) and isinstance(first["s_age"], int)
    ids = [s["id"] for s in body["items"]]
    assert ids == sorted(ids)

    total = body["total"]
    r = api.req("GET", "/students", params={"per_page": 1, "page": 2})
    b = r.json()
    assert r.status_code == 200 and b["per_page"] == 1 and b["pages"] == total
    assert len(b["items"]) == 1 and b["items"][0]["id"] == ids[1]
    # Last page exists, the one after is 404.
    assert api.req("GET", "/students", params={"per_page": 1, "page": total}).status_code == 200
    assert_json_error(api.req("GET", "/students", params={"per_page": 1, "page": total + 1}), 404)
    # per_page is capped at 100.
    assert api.req("GET", "/students", params={"per_page": 1000}).json()["per_page"] == 100
    for bad in ({"page": 0}, {"page": -1}, {"page": "abc"}, {"per_page": 0}, {"page": ""},
                {"page": "99999999999999999999999"}):
        assert_json_error(api.req("GET", "/students", params=bad), 404)
    # Digits only: no sign, no spaces (issue 14; Python's int() would take them).
    for q in ("page=%201", "page=1%20", "page=%2B1", "page=+1", "per_page=%2B5", "page=1_0"):
        assert_json_error(api.req("GET", "/students?" + q), 404)


def test_get_student(api):
    r = api.req("GET", "/students/1")
    assert r.status_code == 200
    assert r.json()["id"] == 1
    assert_json_error(api.req("GET", "/students/999999"), 404)
    assert_json_error(api.req("GET", "/students/abc"), 404)
    assert_json_error(api.req("GET", "/nowhere"), 404)


def test_gets_are_public_and_cookie_free(api):
    r = api.req("GET", "/students")
    assert "Set-Cookie" not in r.headers


# ---- writing ----

@pytest.mark.proxy_fcgi
def test_create_update_delete(api):
    name = new_name()
    r = api.create(s_name=name, s_age=20, s_score=77.5)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["s_name"] == name and created["s_age"] == 20 and created["s_score"] == 77.5
    loc = r.headers["Location"]
    assert loc.endswith("%s/students/%d" % (API, created["id"])), loc
    path = loc[loc.index(API) + len(API):]
    assert api.req("GET", path).json() == created

    # Defaults from the model: s_age 18, s_score 0.
    r = api.create(s_name=new_name())
    assert r.status_code == 201 and r.json()["s_age"] == 18 and r.json()["s_score"] == 0.0

    # Duplicate name → 409, nothing added.
    total = api.req("GET", "/students").json()["total"]
    assert_json_error(api.create(s_name=name), 409)
    assert api.req("GET", "/students").json()["total"] == total

    # PUT changes the fields given.
    r = api.req("PUT", path, token=api.token, json={"s_score": 99})
    assert r.status_code == 200, r.text
    assert r.json() == dict(created, s_score=99.0)
    r = api.req("PATCH", path, token=api.token, json={"s_age": 21})
    assert r.status_code == 200 and r.json()["s_age"] == 21
    assert_json_error(api.req("PUT", path, token=api.token, json={"s_age": -3}), 422, "s_age")
    assert_json_error(api.req("PUT", path, token=api.token, json={"s_name": None}), 422, "s_name")
    other = api.create(s_name=new_name()).json()
    assert_json_error(api.req("PUT", "/students/%d" % other["id"], token=api.token,
                              json={"s_name": name}), 409)
    assert_json_error(api.req("PUT", "/students/999999", token=api.token, json={"s_age": 1}),
                      404)

    # DELETE → 204, then gone.
    r = api.req("DELETE", path, token=api.token)
    assert r.status_code == 204 and r.content == b""
    assert_json_error(api.req("GET", path), 404)
    assert_json_error(api.req("DELETE", path, token=api.token), 404)


@pytest.mark.parametrize("fields,field", [
    ({}, "s_name"),
    ({"s_name": ""}, "s_name"),
    ({"s_name": "   "}, "s_name"),
    ({"s_name": "\u3000\u00a0\u2003"}, "s_name"),      # Unicode white space only is blank
    ({"s_name": "\x0b\x1c"}, "s_name"),
    ({"s_name": "x" * 33}, "s_name"),
    ({"s_name": 12}, "s_name"),
    ({"s_name": None}, "s_name"),
    ({"s_name": "ok", "s_age": -1}, "s_age"),
    ({"s_name": "ok", "s_age": "5"}, "s_age"),
    ({"s_name": "ok", "s_age": 1.5}, "s_age"),
    ({"s_name": "ok", "s_age": True}, "s_age"),
    ({"s_name": "ok", "s_score": "high"}, "s_score"),
    ({"s_name": "ok", "s_score": False}, "s_score"),
    ({"s_name": "ok", "s_score": [1]}, "s_score"),
])
def test_create_validation_422_names_the_field(api, fields, field):
    total = api.req("GET", "/students").json()["total"]
    assert_json_error(api.create(**fields), 422, field)
    assert api.req("GET", "/students").json()["total"] == total


def test_name_length_counts_characters(api):
    name = "学" * 22 + uuid.uuid4().hex[:10]          # 32 characters, 76 bytes
    r = api.create(s_name=name)
    assert r.status_code == 201, r.text
    assert r.json()["s_name"] == name
    assert_json_error(api.create(s_name="学" * 33), 422, "s_name")


def test_writes_need_a_valid_bearer_token(api):
    body = {"s_name": new_name()}
    r = api.req("POST", "/students", json=body)
    assert_json_error(r, 401, "Missing Authorization Header")
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")
    for header in ("Basic dXNlcjpwdw==", "Bearer", "Bearer ", "bearer x y", "Token abc"):
        assert_json_error(api.req("POST", "/students", json=body,
                                  headers={"Authorization": header}), 401)
    now = int(time.time())
    sub = str(user_id(api.server, api.username))
    good = {"sub": sub, "iat": now, "nbf": now, "exp": now + 600, "type": "access",
            "fresh": False, "jti": str(uuid.uuid4())}
    bad_tokens = {
        "expired": jwt.encode(dict(good, iat=now - 2000, nbf=now - 2000, exp=now - 1000),
                              servers.SECRET_KEY, algorithm="HS256"),
        "wrong key": jwt.encode(good, "not-the-key", algorithm="HS256"),
        "alg none": jwt.encode(good, None, algorithm="none"),
        "HS512": jwt.encode(good, servers.SECRET_KEY, algorithm="HS512"),
        "refresh": jwt.encode(dict(good, type="refresh"), servers.SECRET_KEY, algorithm="HS256"),
        "int sub": jwt.encode(dict(good, sub=int(sub)), servers.SECRET_KEY, algorithm="HS256"),
        "garbage": "abc.def.ghi",
        "one part": "abcdef",
        "tampered": api.token[:-4] + ("AAAA" if not api.token.endswith("AAAA") else "BBBB"),
    }
    for why, tok in bad_tokens.items():
        r = api.req("POST", "/students", token=tok, json=body)
        assert r.status_code == 401, (why, r.status_code, r.text)
        assert_json_error(r, 401)
    r = api.req("POST", "/students", token=bad_tokens["expired"], json=body)
    assert_json_error(r, 401, "expired")
    for method, path in (("PUT", "/students/1"), ("PATCH", "/students/1"),
                         ("DELETE", "/students/1")):
        assert_json_error(api.req(method, path, json={"s_age": 1}), 401)
    assert api.req("GET", "/students/1").status_code == 200     # still there
    # A token PyJWT made with the server's key is accepted.
    tok = jwt.encode(good, servers.SECRET_KEY, algorithm="HS256")
    r = api.req("POST", "/students", token=tok, json=body)
    assert r.status_code == 201, r.text


def token_for(sub):
    """An access token flask-jwt-extended would accept, made with the
    server's key (PyJWT), whose identity is `sub`."""
    now = int(time.time())
    return jwt.encode({"sub": sub, "iat": now, "nbf": now, "exp": now + 600,
                       "type": "access", "fresh": False, "jti": str(uuid.uuid4())},
                      servers.SECRET_KEY, algorithm="HS256")


def test_token_of_a_deleted_user_is_401(api):
    """The user lookup (flask-jwt-extended's user_lookup_loader): a valid
    token whose user was deleted since login no longer writes."""
    name = servers.unique("gone")
    assert add_user(api.server, name, PASSWORD).returncode == 0
    client = Client(api.server, name)
    assert client.create(s_name=new_name()).status_code == 201   # the user can write
    uid = user_id(api.server, name)
    api.server.execute("DELETE FROM users WHERE id = ?", uid)
    body = {"s_name": new_name()}
    r = client.req("POST", "/students", token=client.token, json=body)
    assert_json_error(r, 401, "Error loading the user %d" % uid)
    for method, path in (("PUT", "/students/1"), ("DELETE", "/students/1")):
        assert_json_error(client.req(method, path, token=client.token, json={"s_age": 1}), 401)
    assert api.req("GET", "/students/1").status_code == 200     # untouched
    assert api.server.query("SELECT count(*) FROM student WHERE s_name = ?",
                            body["s_name"])[0][0] == 0


@pytest.mark.parametrize("sub", ["999999999", "0", "-1", "abc", "1.0", " 1", "1 ", "01x",
                                 "99999999999999999999999"])
def test_token_of_a_user_that_never_existed_is_401(api, sub):
    """Correctly signed (the key leaked, or a token from another
    deployment) but naming no user: 401, nothing written."""
    body = {"s_name": new_name()}
    r = api.req("POST", "/students", token=token_for(sub), json=body)
    assert_json_error(r, 401, "Error loading the user")
    # a token for a user who exists still works the same way
    r = api.req("POST", "/students", token=token_for(str(user_id(api.server, api.username))),
                json=body)
    assert r.status_code == 201, r.text


def test_no_csrf_for_the_api(api):
    # A write with a bearer token and no cookie, no csrf_token at all.
    r = api.create(s_name=new_name())
    assert r.status_code == 201, r.text


# ---- bodies and methods ----

def test_bodies_that_are_not_json(api):
    t = api.token
    assert_json_error(api.req("POST", "/students", token=t, data='{"s_name": "x"}',
                              headers={"Content-Type": "text/plain"}), 415)
    assert_json_error(api.req("POST", "/students", token=t, data="s_name=x",
                              headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)
    assert_json_error(api.req("POST", "/students", token=t, data=b"x"), 415)  # no Content-Type
    assert_json_error(api.req("PUT", "/students/1", token=t, data="s_age=1",
                              headers={"Content-Type": "multipart/form-data; boundary=x"}), 400)
    assert_json_error(api.req("PUT", "/students/1", token=t, data="s_age=3",
                              headers={"Content-Type": "text/csv"}), 415)
    # application/<x>+json is JSON.
    r = api.req("POST", "/students", token=t, data=json.dumps({"s_name": new_name()}),
                headers={"Content-Type": "application/vnd.api+json"})
    assert r.status_code == 201, r.text
    # Malformed JSON, an empty body, an array, invalid UTF-8: 400 as JSON.
    for data in (b'{"s_name": ', b"", b"[1, 2]", b'"str"', b'{"s_name": "\xff\xfe"}',
                 b'{"s_name": "x"} trailing'):
        r = api.req("POST", "/students", token=t, data=data,
                    headers={"Content-Type": "application/json"})
        assert_json_error(r, 400)


def test_json_nested_too_deep_is_400_json(api):
    deep = "[" * 5000 + "]" * 5000
    r = api.req("POST", "/login", data=deep[:1000], headers={"Content-Type": "application/json"})
    assert_json_error(r, 400)
    nested = '{"s_name": ' + "[" * 400 + "]" * 400 + "}"
    r = api.req("POST", "/students", token=api.token, data=nested,
                headers={"Content-Type": "application/json"})
    assert_json_error(r, 400)


@pytest.mark.proxy_fcgi
def test_huge_body_is_413_json(api):
    # The test servers run with MAX_CONTENT_LENGTH=1024.
    big = json.dumps({"s_name": "x", "pad": "y" * (servers.MAX_CONTENT_LENGTH + 10)})
    r = api.req("POST", "/students", token=api.token, data=big,
                headers={"Content-Type": "application/json"})
    assert_json_error(r, 413)
    r = api.req("POST", "/login", data=big, headers={"Content-Type": "application/json"})
    assert_json_error(r, 413)


@pytest.mark.proxy_fcgi
def test_methods_not_allowed_405_with_allow(api):
    r = api.req("DELETE", "/students", token=api.token)
    assert_json_error(r, 405)
    assert set(m.strip() for m in r.headers["Allow"].split(",")) >= {"GET", "POST"}
    r = api.req("POST", "/students/1", token=api.token, json={})
    assert_json_error(r, 405)
    assert "DELETE" in r.headers["Allow"] and "PUT" in r.headers["Allow"]
