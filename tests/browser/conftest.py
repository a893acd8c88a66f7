"""Fixtures for the browser tests: a real lighttpd (tests/integration/
servers.py, started the way `make run` starts it) with a migrated and
seeded database, and headless Chromium driven by Debian's chromedriver
through python3-selenium.

Every test gets a fresh browser (its own --user-data-dir, so no cookies
carry over), a screenshot under var/screenshots/<test>.png when it ends, and
fails on any SEVERE entry in the browser's console log (a JavaScript error,
a static file that did not load, ...).

Environment (set by tests/run.sh): FLAGON_ROOT, FLAGON_OUT, FLAGON_BUILD as
for the integration tests; FLAGON_BROWSER_TZ, the time zone the browser
runs in (default Asia/Tokyo: far enough from UTC that a local time differs
from the server's UTC text).
"""
import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import servers  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOTS = os.path.join(servers.ROOT, "var", "screenshots")
BROWSER_TZ = os.environ.get("FLAGON_BROWSER_TZ", "Asia/Tokyo")
WAIT = 15   # seconds for a page or an element

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.common.exceptions import (NoSuchElementException,
                                            StaleElementReferenceException,
                                            WebDriverException)
    _selenium_error = None
except ImportError as e:            # pragma: no cover - see chromium_installed
    _selenium_error = e


def unavailable():
    """Why the browser tests cannot run here, or None."""
    if _selenium_error is not None:
        return "python3-selenium is not installed (%s)" % _selenium_error
    for path, pkg in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return "%s is not installed (%s missing)" % (pkg, path)
    return None


def pytest_report_header(config):
    return "flagon browser: chromium=%s driver=%s tz=%s screenshots=%s" % (
        CHROMIUM, CHROMEDRIVER, BROWSER_TZ, SCREENSHOTS)


@pytest.fixture(scope="session", autouse=True)
def chromium_installed():
    """Before anything starts: without Chromium, its driver or selenium every
    browser test skips, or fails under CI=true (servers.missing)."""
    why = unavailable()
    if why:
        servers.missing("browser tests need Chromium: " + why, "run make install-deps")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """lighttpd serving every built blueprint, database migrated + seeded."""
    missing = [p for p in (servers.MAIN_EXE, servers.MANAGE) if not os.access(p, os.X_OK)]
    if missing:
        pytest.fail("not built (run make): %s" % ", ".join(missing), pytrace=False)
    if not os.path.exists(os.path.join(servers.ROOT, "htdocs", "static", "vendor",
                                       "bootstrap", "css", "bootstrap.min.css")):
        pytest.fail("Bootstrap is not in htdocs/static/vendor/ (run make static)",
                    pytrace=False)
    bindir = os.path.dirname(servers.MAIN_EXE)
    mounts = {}
    for name in sorted(os.listdir(bindir)):
        exe = os.path.join(bindir, name)
        if "." not in name and os.path.isfile(exe) and os.access(exe, os.X_OK):
            mounts[name] = exe
    s = servers.Lighttpd(str(tmp_path_factory.mktemp("browser-lighttpd")), mounts)
    s.migrate()
    s.seed()
    s.start()
    yield s
    s.stop()


def detached(element):
    """Whether `element` has left the document.  Selenium's staleness_of
    expects StaleElementReferenceException; Chromium 156 answers a node of
    an unloaded page with "Node with given id does not belong to the
    document" (a plain WebDriverException) instead, which is the same fact."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in str(e):
            return True
        raise


class Page:
    """One headless Chromium on `site`, with the helpers the tests share."""

    def __init__(self, driver, site):
        self.driver = driver
        self.site = site
        self.console = []        # every browser log entry seen so far

    # -- navigation --
    def open(self, path):
        self.driver.get(self.site.url + path)
        self.wait_loaded()

    def wait_loaded(self):
        WebDriverWait(self.driver, WAIT).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def navigate_by(self, action):
        """Run `action` (a click, an Enter) that loads a new page, and
        return once that page has replaced the old one and finished loading:
        a find() right after a click could otherwise see the old page, or a
        new one still being parsed."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        action()
        WebDriverWait(self.driver, WAIT).until(lambda d: detached(old),
                                               "the click did not load a new page")
        self.wait_loaded()

    def click_through(self, css_or_element):
        """Click a link or submit button and wait for the page it loads."""
        el = self.find(css_or_element) if isinstance(css_or_element, str) else css_or_element
        self.navigate_by(el.click)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait_for(self, css, visible=True):
        cond = EC.visibility_of_element_located if visible else EC.presence_of_element_located
        return WebDriverWait(self.driver, WAIT).until(cond((By.CSS_SELECTOR, css)))

    def wait_until(self, predicate, message=""):
        # While the page navigates, an element found a moment ago goes
        # stale or is not there yet: keep polling instead of failing.
        return WebDriverWait(self.driver, WAIT, ignored_exceptions=(
            NoSuchElementException, StaleElementReferenceException)).until(
                lambda d: predicate(), message)

    def text(self, css="body"):
        return self.find(css).text

    def style(self, css, prop):
        return self.driver.execute_script(
            "return getComputedStyle(document.querySelector(arguments[0]))"
            ".getPropertyValue(arguments[1]);", css, prop)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    # -- evidence --
    def screenshot(self, name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, name + ".png")
        self.driver.save_screenshot(path)
        return path

    def read_console(self):
        entries = self.driver.get_log("browser")
        self.console.extend(entries)
        return entries

    def console_errors(self):
        self.read_console()
        return [e for e in self.console if e.get("level") == "SEVERE"]

    def assert_no_console_errors(self):
        errors = self.console_errors()
        assert not errors, "JavaScript console errors:\n" + "\n".join(
            "%s %s" % (e.get("source", ""), e.get("message", "")) for e in errors)


def start_chromium(opts, env, tmp_path, attempts=3):
    """Start chromedriver + Chromium.  A first start on a fresh or busy
    machine (font caches being built) can exceed chromedriver's start-up
    wait: try again, with a new profile, before failing the test."""
    for attempt in range(1, attempts + 1):
        service = Service(executable_path=CHROMEDRIVER, env=env,
                          log_path=str(tmp_path / ("chromedriver-%d.log" % attempt)))
        try:
            return webdriver.Chrome(service=service, options=opts)
        except WebDriverException:
            if attempt == attempts:
                raise
            opts.arguments[:] = [a for a in opts.arguments
                                 if not a.startswith("--user-data-dir=")]
            opts.add_argument("--user-data-dir=%s" % (tmp_path / ("profile-%d" % attempt)))


@pytest.fixture
def page(site, tmp_path, request):
    """A fresh headless Chromium (own profile, no cookies); on the way out a
    screenshot var/screenshots/<test>.png and the console check."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--lang=en-US", "--window-size=1280,1000",
                "--user-data-dir=%s" % (tmp_path / "profile-0")):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    env = dict(os.environ, TZ=BROWSER_TZ, LANG="en_US.UTF-8", LANGUAGE="en_US")
    driver = start_chromium(opts, env, tmp_path)
    driver.set_page_load_timeout(30)
    p = Page(driver, site)
    try:
        yield p
        # The test passed its own checks: the page must also be free of
        # console errors (checked here too in case the test forgot).
        p.assert_no_console_errors()
    finally:
        try:
            p.screenshot(request.node.name.replace("/", "_"))
        except Exception:
            pass
        driver.quit()
        site.remember_children()
