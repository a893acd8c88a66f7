"""Limits on failed logins (issue 14; lib/web/ratelimit.h) on the JSON API's
POST /login, with small limits configured: 3 failures per username and 8
per client address in a 120 s window.

Two real servers share one database and CACHE_TYPE=sqlite: lighttpd with
three processes per program and Apache (mod_fcgid).  Failures counted by one
process are seen by every other, on either server — "several FastCGI
processes" made deterministic, as in test_animals.py.  Every test starts
with no counts (the fixture deletes the ratelimit/ rows), since all of them
come from one address, 127.0.0.1.  The end of a window is tested without
waiting: the test moves the counters' expiry into the past.

The default limits (10 per username) are tested in test_api.py.
"""

import pytest
import requests

import dbaccess
import servers
from test_api import PASSWORD, add_user

API = "/cgi-bin/api"
LIMITS = {
    "CACHE_TYPE": "sqlite",
    "LOGIN_FAILURES_PER_USERNAME": "3",
    "LOGIN_FAILURES_PER_ADDRESS": "8",
    "LOGIN_FAILURE_WINDOW": "120",
}
TOO_MANY = "Too many failed login attempts; try again in"


@pytest.fixture(scope="module", params=servers.test_databases())
def pair(request, tmp_path_factory, mounts):
    """(a, b): two servers over one database (and so one store of counts),
    with two users who know their password."""
    if "api" not in mounts:
        pytest.fail("cgi-bin/api is not built", pytrace=False)
    m = {"api": mounts["api"]}
    with servers.sharing_one_database(tmp_path_factory, m, LIMITS, "limits-" + request.param,
                                      request.param) as (a, b):
        a.start()
        a.seed()
        a.users = [servers.unique("alice"), servers.unique("bob")]
        for name in a.users:
            r = add_user(a, name, PASSWORD)
            assert r.returncode == 0, r.stderr
        b.start()
        yield a, b


@pytest.fixture
def a(pair):
    return pair[0]


@pytest.fixture
def b(pair):
    return pair[1]


@pytest.fixture(autouse=True)
def no_counts(pair):
    """Forget every count (all tests come from one address)."""
    if "flagon_cache" in dbaccess.tables(pair[0].database_uri):   # none yet: nothing counted
        pair[0].execute("DELETE FROM flagon_cache WHERE \"key\" LIKE 'ratelimit/%'")
    yield
    for s in pair:
        s.remember_children()


def login(server, username, password):
    return requests.post(server.url + API + "/login", timeout=30,
                                 json={"username": username, "password": password})


def assert_refused(r, window=120):
    """A 429 as JSON whose Retry-After (delay-seconds) and message agree."""
    assert r.status_code == 429, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    wait = int(r.headers["Retry-After"])
    assert 1 <= wait <= window
    assert r.json() == {"message": "%s %d %s." % (TOO_MANY, wait,
                                                  "second" if wait == 1 else "seconds")}
    return wait


def assert_bad(r):
    assert r.status_code == 401, (r.status_code, r.text[:300])
    assert r.json()["message"] == "Bad username or password"


def counts(server):
    """{key: value} of the counters in the shared store."""
    # a counter is its decimal text (bytes, as every database keeps it)
    return {dbaccess.as_text(k): int(dbaccess.as_text(v)) for k, v in server.query(
        "SELECT \"key\", value FROM flagon_cache WHERE \"key\" LIKE 'ratelimit/%'")}


def test_username_limit_refuses_even_the_right_password(a):
    alice, bob = a.users
    mark = a.log_mark()
    for i in range(3):
        assert_bad(login(a, alice, "wrong %d" % i))
    assert_refused(login(a, alice, PASSWORD))
    assert "login: 3 failures for username '%s' (last from 127.0.0.1)" % alice \
        in a.log_since(mark)
    assert_refused(login(a, alice, "wrong"))
    # Counted per username: bob is fine (the address has 3 of its 8).
    assert login(a, bob, PASSWORD).status_code == 200
    assert counts(a) == {"ratelimit/login/username/" + alice: 3,
                         "ratelimit/login/address/127.0.0.1": 3}


def test_a_success_resets_the_username_count(a):
    alice = a.users[0]
    for _ in range(2):
        assert_bad(login(a, alice, "wrong"))
        assert_bad(login(a, alice, "wrong"))
        assert login(a, alice, PASSWORD).status_code == 200
    assert "ratelimit/login/username/" + alice not in counts(a)
    # The address keeps its failures: 4 of 8.
    assert counts(a)["ratelimit/login/address/127.0.0.1"] == 4


def test_address_limit_across_usernames(a):
    for i in range(8):
        assert_bad(login(a, servers.unique("nobody%d-" % i), "guess"))
    # Any username from this address, known or not, right password or not.
    assert_refused(login(a, a.users[1], PASSWORD))
    assert_refused(login(a, servers.unique("nobody"), "guess"))


def test_counts_hold_across_processes_and_servers(a, b):
    alice = a.users[0]
    assert_bad(login(a, alice, "wrong"))
    assert_bad(login(b, alice, "wrong"))
    assert_bad(login(a, alice, "wrong"))
    assert_refused(login(b, alice, PASSWORD))
    assert_refused(login(a, alice, PASSWORD))
    for _ in range(6):                            # whichever process answers
        assert_refused(login(a, alice, PASSWORD))


def test_the_end_of_the_window_allows_again(a):
    alice = a.users[0]
    for _ in range(3):
        assert_bad(login(a, alice, "wrong"))
    assert_refused(login(a, alice, PASSWORD))
    now = dbaccess.NOW_SECONDS[a.db_kind]
    (left,), = a.query("SELECT expiry - %s FROM flagon_cache WHERE \"key\" = ?" % now,
                       "ratelimit/login/username/" + alice)
    assert 110 <= left <= 120                     # LOGIN_FAILURE_WINDOW from the first
    # 120 seconds later:
    a.execute("UPDATE flagon_cache SET expiry = %s - 1 WHERE \"key\" LIKE 'ratelimit/%%'" % now)
    assert login(a, alice, PASSWORD).status_code == 200
    # A new window starts with the next failure.
    assert_bad(login(a, alice, "wrong"))
    assert counts(a)["ratelimit/login/username/" + alice] == 1


def test_usernames_are_keys_whatever_they_hold(a):
    """Odd usernames cannot reach another one's count (percent-encoded
    keys) and are limited like any other."""
    odd = "eve/../%41 " + a.users[0]
    for _ in range(3):
        assert_bad(login(a, odd, "x"))
    assert_refused(login(a, odd, "x"))
    assert login(a, a.users[0], PASSWORD).status_code == 200
    assert "ratelimit/login/username/eve%2F..%2F%2541%20" + a.users[0] in counts(a)
