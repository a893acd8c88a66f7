"""The animals blueprint and response caching (SPEC §3 animals, §4 Cache,
§7 "Cached pages hold no per-visitor data").

Two real servers share one database and CACHE_TYPE=sqlite: lighttpd with
FLAGON_PROCS=3 processes per program and Apache (mod_fcgid).  A page cached
by one is a HIT on the other, and a POST served by one invalidates what the
other serves — "several FastCGI processes" made deterministic.

Expiry is tested without waiting 50 s: the test moves the entry's expiry
in the shared flagon_cache table into the past, which is what the passing
of 50 s does.
"""
import os
import re
import subprocess
import time

import pytest

import dbaccess
import servers
from servers import Browser, csrf_token, unique

CACHE_ENV = {"CACHE_TYPE": "sqlite"}
TIME_RE = re.compile(r'<time datetime="([^"]+)"')
FLASH = "Looks like you have changed your name!"


@pytest.fixture(scope="module", params=servers.test_databases())
def pair(request, tmp_path_factory, mounts):
    """(a, b): two servers over one database (each kind FLAGON_TEST_DB
    selects) and one shared cache."""
    if "animals" not in mounts:
        pytest.fail("cgi-bin/animals is not built", pytrace=False)
    m = {"animals": mounts["animals"], "main": mounts["main"]}
    with servers.sharing_one_database(tmp_path_factory, m, CACHE_ENV, "animals-" + request.param,
                                      request.param) as (a, b):
        a.start()
        b.start()
        yield a, b


@pytest.fixture
def a(pair):
    return pair[0]


@pytest.fixture
def b(pair):
    return pair[1]


@pytest.fixture
def clients(pair):
    made = []

    def new(server):
        c = Browser(server)
        made.append(c)
        return c
    yield new
    for c in made:
        c.close()
    for s in pair:
        s.remember_children()


def rendered(r):
    m = TIME_RE.search(r.text)
    assert m, r.text[:2000]
    return m.group(1)


def listing(c, kind="cats", query=""):
    r = c.get("/cgi-bin/animals/%s/%s" % (kind, query))
    assert r.status_code == 200, (r.status_code, r.text[:1000])
    assert r.headers["X-Cache"] in ("HIT", "MISS")
    assert "flagon-csrf-" not in r.text          # the placeholder never leaks
    return r


def add(c, name, kind="cats", age=None, token=None):
    if token is None:
        token = csrf_token(listing(c, kind).text)
    data = {"name": name, "csrf_token": token, "submit": "Add"}
    if age is not None:
        data["age"] = str(age)
    return c.post("/cgi-bin/animals/%s/" % kind, data=data)


def add_ok(c, name, kind="cats", age=None):
    r = add(c, name, kind, age)
    assert r.status_code == 303, (r.status_code, r.text[:1000])
    assert r.headers["Location"].endswith("/cgi-bin/animals/%s/" % kind)
    return r


def fresh(c, kind="cats"):
    """Invalidate the page (by adding an animal) and return the new MISS."""
    add_ok(c, unique("fresh"), kind)
    r = listing(c, kind)
    assert r.headers["X-Cache"] == "MISS"
    return r


def test_miss_then_hit_with_the_same_rendered_time(a, clients):
    c = clients(a)
    first = fresh(c)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", rendered(first))
    time.sleep(0.01)
    second = listing(c)
    assert second.headers["X-Cache"] == "HIT"
    assert rendered(second) == rendered(first)
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert "text/html" in second.headers["Content-Type"]
    assert second.headers["X-Frame-Options"] == "DENY"
    # HEAD is answered from the cache too, without a body.
    h = c.head("/cgi-bin/animals/cats/")
    assert h.status_code == 200 and h.headers["X-Cache"] == "HIT" and h.text == ""


def test_page_lists_what_was_added(a, clients):
    c = clients(a)
    name = unique("Tom<&>")
    add_ok(c, name, age=3)
    r = listing(c)
    assert r.headers["X-Cache"] == "MISS"
    esc = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert "%s (age 3)" % esc in r.text
    assert name not in r.text                   # escaped
    add_ok(c, unique("noage"))                  # age is optional: 0
    assert re.search(r"noage\w+ \(age 0\)", listing(c).text)


def test_shared_cache_and_cross_server_invalidation(a, b, clients):
    ca, cb = clients(a), clients(b)
    miss = fresh(ca)
    # The other server (other processes) serves the page lighttpd cached.
    hit = listing(cb)
    assert hit.headers["X-Cache"] == "HIT"
    assert rendered(hit) == rendered(miss)
    # A POST served by Apache invalidates what lighttpd serves...
    name = unique("Felix")
    add_ok(cb, name)
    r = listing(ca)
    assert r.headers["X-Cache"] == "MISS"
    assert name in r.text and rendered(r) != rendered(miss)
    # ...and every process of both servers now serves that new page.
    for c in (ca, cb, ca, cb, ca, cb):
        again = listing(c)
        assert again.headers["X-Cache"] == "HIT"
        assert rendered(again) == rendered(r)


def test_every_lighttpd_process_sees_the_invalidation(a, clients):
    # Concurrent clients spread over lighttpd's three processes; after a
    # POST none of them may serve the old page.
    import concurrent.futures
    cs = [clients(a) for _ in range(6)]
    old = rendered(fresh(cs[0]))
    name = unique("Whiskers")
    add_ok(cs[1], name)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        pages = list(pool.map(lambda c: listing(c), cs * 3))
    assert all(name in p.text for p in pages)
    assert old not in {rendered(p) for p in pages}
    # Misses that overlap each render and store the page (Flask-Caching
    # does the same); once stored, every process serves that one page.
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        settled = list(pool.map(lambda c: listing(c), cs * 2))
    assert {p.headers["X-Cache"] for p in settled} == {"HIT"}
    assert len({rendered(p) for p in settled}) == 1


def test_csrf_token_is_the_visitors_own(a, b, clients):
    alice, bob = clients(a), clients(b)
    r1 = fresh(alice)
    r2 = listing(bob)
    assert r2.headers["X-Cache"] == "HIT" and rendered(r2) == rendered(r1)
    t1, t2 = csrf_token(r1.text), csrf_token(r2.text)
    assert t1 and t2 and t1 != t2
    # The cached page's cookie is not another visitor's.
    assert alice.cookies.get("session") != bob.cookies.get("session")
    # Each posts with the token of the page it got: both work.
    r = add(bob, unique("bobcat"), token=t2)
    assert r.status_code == 303
    r = add(alice, unique("alicecat"), token=t1)
    assert r.status_code == 303
    # The other's token is refused.
    r = add(alice, unique("x"), token=t2)
    assert r.status_code == 400 and "The CSRF token is invalid." in r.text
    r = add(bob, unique("x"), token=t1)
    assert r.status_code == 400 and "The CSRF token is invalid." in r.text
    # A HIT for a third visitor without a session yet: a token of its own
    # that works with the session cookie the HIT response set.
    carol = clients(a)
    listing(alice)                                  # make sure it is cached
    r3 = listing(carol)
    assert r3.headers["X-Cache"] == "HIT"
    t3 = csrf_token(r3.text)
    assert t3 not in (t1, t2) and "session" in carol.cookies
    assert add(carol, unique("carolcat"), token=t3).status_code == 303


def test_a_flash_is_never_shown_on_a_cached_page(a, clients):
    c = clients(a)
    assert c.submit_name(unique("first")).status_code in (302, 303)
    assert c.submit_name(unique("second")).status_code in (302, 303)
    # A flash waits in c's session.  The page rendered for c (MISS) and the
    # one served from the cache (HIT) both leave it out...
    add_ok(c, unique("flashcat"))
    miss = listing(c)
    assert miss.headers["X-Cache"] == "MISS" and FLASH not in miss.text
    hit = listing(c)
    assert hit.headers["X-Cache"] == "HIT" and FLASH not in hit.text
    # ...another visitor never sees it...
    other = listing(clients(a))
    assert FLASH not in other.text
    # ...and it is still there for the next uncached page.
    r, _ = c.index()
    assert FLASH in r.text


def test_expiry(a, clients):
    c = clients(a)
    first = fresh(c)
    now = dbaccess.NOW_SECONDS[a.db_kind]
    (left,), = a.query("SELECT expiry - %s FROM flagon_cache "
                       "WHERE \"key\" = 'view/animals/cats/'" % now)
    assert 45 <= left <= 50                    # @cache.cached(timeout=50)
    assert listing(c).headers["X-Cache"] == "HIT"
    # Fifty seconds later (moved in the shared table, for every process):
    a.execute("UPDATE flagon_cache SET expiry = %s - 1 "
              "WHERE \"key\" = 'view/animals/cats/'" % now)
    r = listing(c)
    assert r.headers["X-Cache"] == "MISS" and rendered(r) != rendered(first)
    assert listing(c).headers["X-Cache"] == "HIT"


def view_rows(a):
    """The cached pages of the cats page in the shared table."""
    return [dbaccess.as_text(k) for (k,) in a.query("SELECT \"key\" FROM flagon_cache "
                                                    "WHERE \"key\" LIKE 'view/animals/cats/%'")]


def test_query_strings_share_the_page_and_write_nothing(a, clients):
    """Issue 14: as in Flask-Caching, the query string is not part of a
    cached page's key unless the route asks for it (the animals pages do
    not): /cats/?x=1, ?x=2, ... are all the page of /cats/, so varying it
    neither defeats the cache nor turns a GET into a write."""
    c = clients(a)
    page = fresh(c)
    assert view_rows(a) == ["view/animals/cats/"]
    for q in ("?x=1", "?x=2", "?x=3&y=4", "?sort=name", "?x=%E2%9C%93", "?"):
        r = listing(c, query=q)
        assert r.headers["X-Cache"] == "HIT", q
        assert rendered(r) == rendered(page)
    assert view_rows(a) == ["view/animals/cats/"]
    # A POST still invalidates the page, whatever query string is asked next.
    name = unique("Garfield")
    add_ok(c, name)
    r = listing(c, query="?x=9")
    assert r.headers["X-Cache"] == "MISS" and name in r.text
    assert listing(c).headers["X-Cache"] == "HIT"
    assert view_rows(a) == ["view/animals/cats/"]


def test_cats_and_dogs_are_apart(a, clients):
    c = clients(a)
    fresh(c, "cats")
    fresh(c, "dogs")
    dog = unique("Rex")
    add_ok(c, dog, "dogs", age=5)
    assert listing(c, "cats").headers["X-Cache"] == "HIT"   # cats untouched
    d = listing(c, "dogs")
    assert d.headers["X-Cache"] == "MISS" and "%s (age 5)" % dog in d.text
    assert dog not in listing(c, "cats").text
    assert "<h1>Dogs</h1>" in d.text


@pytest.mark.parametrize("data, message", [
    ({"name": ""}, "This field is required."),
    ({"name": "   "}, "This field is required."),
    ({"name": "x" * 65}, "Field must be between 1 and 64 characters long."),
    ({"name": "ok", "age": "-1"}, "Number must be at least 0."),
    ({"name": "ok", "age": "abc"}, "Not a valid integer value."),
    ({"name": "ok", "age": "1.5"}, "Not a valid integer value."),
])
def test_bad_input(a, clients, data, message):
    c = clients(a)
    page = fresh(c)
    form = dict(data, csrf_token=csrf_token(page.text))
    r = c.post("/cgi-bin/animals/cats/", data=form)
    assert r.status_code == 400, r.text[:1000]
    assert message in r.text
    assert "X-Cache" not in r.headers
    # Nothing added, nothing invalidated.
    again = listing(c)
    assert again.headers["X-Cache"] == "HIT" and rendered(again) == rendered(page)


def test_post_without_csrf_is_refused(a, clients):
    c = clients(a)
    listing(c)
    r = c.post("/cgi-bin/animals/cats/", data={"name": "x"})
    assert r.status_code == 400 and "The CSRF token is missing." in r.text


def test_missing_tables_answer_503(tmp_path):
    env = servers.app_env(str(tmp_path))              # a database never migrated
    env.update(CACHE_ENV, REQUEST_METHOD="GET", PATH_INFO="/dogs/",
               SCRIPT_NAME="/cgi-bin/animals", QUERY_STRING="")
    exe = os.path.join(os.path.dirname(servers.MAIN_EXE), "animals")
    r = subprocess.run([exe], env=servers.base_env(env), stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=30)
    out = r.stdout.decode("utf-8", "replace")
    assert r.returncode == 0, r.stderr
    assert out.startswith("Status: 503"), out[:500]
    assert "dog" in out and "X-Cache" not in out
