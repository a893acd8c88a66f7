"""The Flask book's chapter 3 page (tests/book/templates/ch3/index.html,
served by tests/integration/bookapp.c with fl_bootstrap and fl_moment) in
headless Chromium: Flask-Moment's script runs moment.js (vendored, served
locally) on the spans the server wrote, so the page shows the time in the
browser's own time zone formatted by moment's 'LLL' tokens, and fromNow's
"a few seconds ago"; Bootstrap 3 and jQuery load; no console errors."""
import os
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

import servers
from conftest import BROWSER_TZ

BOOKAPP_EXE = os.path.join(servers.BUILD, "tests", "integration", "bookapp")
LLL_RE = re.compile(r"^[A-Z][a-z]+ \d{1,2}, \d{4} \d{1,2}:\d{2} [AP]M$")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """lighttpd serving bookapp alone (replaces conftest's Flasky site)."""
    if not os.access(BOOKAPP_EXE, os.X_OK):
        pytest.fail("not built (run make unit-bins): " + BOOKAPP_EXE, pytrace=False)
    if not os.path.exists(os.path.join(servers.ROOT, "htdocs", "static", "vendor", "moment",
                                       "moment-with-locales.min.js")):
        pytest.fail("moment.js is not in htdocs/static/vendor/ (run make static)",
                    pytrace=False)
    s = servers.Lighttpd(str(tmp_path_factory.mktemp("browser-book")),
                         {"bookapp": BOOKAPP_EXE})
    s.start()
    yield s
    s.stop()


def test_moment_formats_in_the_browser(page):
    page.open("/cgi-bin/bookapp/ch3")
    page.wait_until(lambda: not page.find_all(".flask-moment"),
                    "flask_moment_render_all did not run")
    spans = page.find_all("p > span[data-timestamp]")
    assert len(spans) == 2
    local, ago = spans[0].text, spans[1].text
    assert LLL_RE.match(local), local
    # The server's UTC time, in the browser's zone, as moment's 'LLL' (en)
    ts = datetime.strptime(spans[0].get_attribute("data-timestamp"),
                           "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    t = ts.astimezone(ZoneInfo(BROWSER_TZ))
    expected = "%s %d, %d %d:%02d %s" % (t.strftime("%B"), t.day, t.year,
                                          (t.hour % 12) or 12, t.minute,
                                          "AM" if t.hour < 12 else "PM")
    assert local == expected
    assert ago == "a few seconds ago"
    assert page.text("p") == "The local date and time is %s." % local
    assert page.js("return typeof moment === 'function' && moment.locale()") == "en"
    # Bootstrap 3 and jQuery 1.12.4 loaded from htdocs/static/vendor/
    assert page.js("return window.jQuery && jQuery.fn.jquery") == "1.12.4"
    assert page.js("return !!(jQuery.fn.modal && jQuery.fn.modal.Constructor "
                   "&& jQuery.fn.modal.Constructor.VERSION)") is True
    assert page.style(".navbar-inverse", "background-color") == "rgb(34, 34, 34)"
    page.assert_no_console_errors()
