"""The pages as a user sees them: headless Chromium against a real lighttpd
(see conftest.py).  Each test fails on any console error and leaves
screenshots in var/screenshots/."""
import re
import uuid

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select
except ImportError:     # conftest.chromium_installed skips each test (fails under CI=true)
    By = Keys = Select = None

BOOTSTRAP_PRIMARY = "rgb(13, 110, 253)"     # --bs-primary, Bootstrap 5.3
BOOTSTRAP_DANGER = "rgb(220, 53, 69)"       # --bs-danger (form errors)


def unique(prefix):
    return "%s%s" % (prefix, uuid.uuid4().hex[:6])


def assert_bootstrap_layout(page):
    """Bootstrap's CSS and JS are loaded and the navbar names every blueprint."""
    assert page.js("return typeof bootstrap === 'object' && !!bootstrap.Alert"), \
        "bootstrap.bundle.min.js did not load"
    assert page.js("return typeof window.flaskMoment === 'object'"), "moment.js did not load"
    # Bootstrap's stylesheet applies: the dark navbar, the container width.
    assert page.style(".navbar", "display") == "flex"
    assert page.style("main.container", "max-width") != "none"
    nav = page.find("nav.navbar").get_attribute("textContent")
    for label in ("Flasky", "Home", "Session", "Students", "Relations", "Cookies",
                  "Animals", "API"):
        assert label in nav, (label, nav)
    hrefs = [a.get_attribute("href") for a in page.find_all("nav.navbar a[href]")]
    for bp in ("main", "session", "model", "relations", "cookies", "animals", "api"):
        assert any("/cgi-bin/%s/" % bp in h for h in hrefs), (bp, hrefs)


def test_flasky_name_greeting_and_flash(page):
    page.open("/cgi-bin/main/")
    assert_bootstrap_layout(page)
    assert page.text("h1") == "Hello, Stranger!"
    submit = page.find("input[type=submit][name=submit]")
    assert "btn-primary" in submit.get_attribute("class")
    assert page.style("input[type=submit][name=submit]", "background-color") == BOOTSTRAP_PRIMARY

    first, second = unique("Ada"), unique("Grace")
    field = page.find("input#name")
    field.send_keys(first)
    page.click_through(submit)
    page.wait_until(lambda: page.text("h1") == "Hello, %s!" % first, "no greeting")
    assert "Pleased to meet you!" in page.text("main")
    assert not page.find_all(".alert")
    page.screenshot("flasky_greeting")

    # A new name: the flash is a dismissible Bootstrap alert (category
    # "message" -> alert-info) shown once.
    page.navigate_by(lambda: page.find("input#name").send_keys(second + Keys.ENTER))
    page.wait_until(lambda: page.text("h1") == "Hello, %s!" % second, "no new greeting")
    alert = page.wait_for(".alert")
    assert alert.text.strip() == "Looks like you have changed your name!"
    classes = alert.get_attribute("class").split()
    assert {"alert-info", "alert-dismissible", "fade", "show"} <= set(classes), classes
    page.screenshot("flasky_flash")
    # Bootstrap's JS closes it.
    alert.find_element(By.CSS_SELECTOR, "button.btn-close").click()
    page.wait_until(lambda: not page.find_all(".alert"), "the alert did not close")

    # Shown once: a reload has no flash.
    page.open("/cgi-bin/main/")
    assert page.text("h1") == "Hello, %s!" % second
    assert not page.find_all(".alert")
    page.assert_no_console_errors()


def test_form_errors_are_red_under_their_field(page):
    page.open("/cgi-bin/main/")
    # Let the browser send an empty name (the field is `required`).
    page.js("document.getElementById('name').removeAttribute('required');"
            "document.getElementById('name').removeAttribute('minlength');")
    page.click_through("input[type=submit][name=submit]")
    error = page.wait_for(".invalid-feedback")
    assert error.text == "This field is required."
    assert page.style(".invalid-feedback", "color") == BOOTSTRAP_DANGER
    assert "is-invalid" in page.find("input#name").get_attribute("class")
    group = page.find(".form-group.has-error")
    assert group.find_element(By.CSS_SELECTOR, "input#name")
    assert page.text("h1") == "Hello, Stranger!"
    page.screenshot("flasky_form_error")
    page.assert_no_console_errors()


def test_session_login_reaches_welcome(page):
    # Not logged in: back to the login form with a warning alert.
    page.open("/cgi-bin/session/welcome/")
    page.wait_until(lambda: "/cgi-bin/session/login/" in page.driver.current_url)
    alert = page.wait_for(".alert")
    assert "alert-warning" in alert.get_attribute("class")
    assert "alert-dismissible" in alert.get_attribute("class")
    assert_bootstrap_layout(page)
    assert page.find("nav .nav-link.active").get_attribute("textContent").strip() == "Session"
    page.screenshot("session_login")

    name = unique("lin")
    page.find("input#username").send_keys(name)
    page.click_through("input[type=submit]")
    page.wait_until(lambda: "/cgi-bin/session/welcome/" in page.driver.current_url,
                    "no redirect to welcome")
    assert page.text("h1") == "好久不见欢迎回来" + name
    page.screenshot("session_welcome")

    page.click_through("input#logout")
    page.wait_until(lambda: "/cgi-bin/session/login/" in page.driver.current_url,
                    "logout did not go back to login")
    page.open("/cgi-bin/session/welcome/")
    page.wait_until(lambda: "/cgi-bin/session/login/" in page.driver.current_url)
    page.assert_no_console_errors()


def test_enroll_a_student_in_a_course(page):
    page.open("/cgi-bin/relations/")
    assert_bootstrap_layout(page)
    assert "table-striped" in page.find("table.roles").get_attribute("class")
    page.screenshot("relations_overview")
    page.click_through("ul.students a")
    page.wait_for("select[name=cou_id]")
    student = page.text("h1")
    before = [a.text for a in page.find_all("ul.courses a")]

    select = Select(page.find("select[name=cou_id]"))
    assert "form-select" in page.find("select[name=cou_id]").get_attribute("class")
    option = select.options[0]
    course = option.text
    assert course and course not in before
    select.select_by_value(option.get_attribute("value"))
    page.click_through("form[action$='/courses'] input[type=submit]")

    page.wait_until(lambda: course in [a.text for a in page.find_all("ul.courses a")],
                    "%s not listed for %s" % (course, student))
    assert page.text("h1") == student
    alert = page.wait_for(".alert")
    assert alert.text.strip() == "Enrolled in %s." % course
    assert "alert-success" in alert.get_attribute("class")
    page.screenshot("relations_enrolled")

    # The course page lists the student.
    [link] = [a for a in page.find_all("ul.courses a") if a.text == course]
    page.click_through(link)
    page.wait_until(lambda: page.text("h1") == course)
    assert student in [a.text for a in page.find_all("ul.students a")]
    page.assert_no_console_errors()


def wait_local_times(page):
    """Every <time class="flask-moment"> once moment.js rewrote it."""
    page.wait_until(lambda: page.find_all("time.flask-moment") and all(
        "flask-moment-local" in t.get_attribute("class")
        for t in page.find_all("time.flask-moment")), "moment.js did not run")
    return page.find_all("time.flask-moment")


def test_timestamps_in_local_time_and_relative(page):
    page.open("/cgi-bin/relations/users/1")
    times = wait_local_times(page)
    zone = page.js("return Intl.DateTimeFormat().resolvedOptions().timeZone")
    absolute = [t for t in times if t.get_attribute("data-format")]
    relative = [t for t in times if t.get_attribute("data-relative") == "true"]
    assert absolute and relative
    for t in times:
        iso = t.get_attribute("datetime")
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", iso), iso
        utc = t.get_attribute("data-utc")           # the server's fallback text
        assert utc.endswith(" UTC") and utc[:16] == iso[:16].replace("T", " ")
        assert t.text and t.text != utc and "UTC" not in t.text
    for t in absolute:
        # The browser's local time, in its own zone, as Intl formats it.
        expected = page.js(
            "var f = {L: {year: 'numeric', month: '2-digit', day: '2-digit'},"
            " LL: {dateStyle: 'long'}, LLL: {dateStyle: 'long', timeStyle: 'short'}};"
            "return new Intl.DateTimeFormat(undefined, f[arguments[1]])"
            ".format(new Date(arguments[0]));",
            t.get_attribute("datetime"), t.get_attribute("data-format"))
        assert t.text == expected, (t.text, expected, zone)
        if t.get_attribute("data-format") == "LLL" and zone not in ("UTC", "Etc/UTC"):
            in_utc = page.js(
                "return new Intl.DateTimeFormat(undefined, {dateStyle: 'long',"
                " timeStyle: 'short', timeZone: 'UTC'}).format(new Date(arguments[0]));",
                t.get_attribute("datetime"))
            assert t.text != in_utc, "not converted to the local zone %s" % zone
    # Seeded articles are days old; the member is seconds to minutes old.
    for t in relative:
        assert t.text.endswith(" ago"), t.text
    assert any(re.match(r"\d+ days? ago$", t.text) for t in relative), \
        [t.text for t in relative]
    page.screenshot("relations_user_times")
    page.assert_no_console_errors()


def test_cached_page_render_time_is_local(page):
    page.open("/cgi-bin/animals/cats/")
    assert_bootstrap_layout(page)
    times = wait_local_times(page)
    assert any(t.text.endswith(" ago") for t in times), [t.text for t in times]
    for t in times:
        assert t.text != t.get_attribute("data-utc")
    page.screenshot("animals_cats")
    page.assert_no_console_errors()


def test_error_pages_share_the_layout(page):
    page.open("/cgi-bin/main/no/such/page")
    assert page.text("h1") == "Page Not Found"
    assert_bootstrap_layout(page)
    assert "alert-warning" in page.find(".error-message").get_attribute("class")
    page.screenshot("error_404")
    # The 404 itself is a console error ("Failed to load resource"): expected.
    page.read_console()
    page.console.clear()

    # A POST without a CSRF token: 400 in the same layout.
    page.open("/cgi-bin/main/")
    page.js("document.getElementById('csrf_token').remove();")
    page.find("input#name").send_keys("nocsrf")
    page.click_through("input[type=submit][name=submit]")
    page.wait_until(lambda: page.find_all("h1") and page.text("h1") == "Bad Request")
    assert "The CSRF token is missing." in page.text(".error-message")
    assert_bootstrap_layout(page)
    page.screenshot("error_400_csrf")
    page.read_console()
    page.console.clear()


def test_navbar_toggler_on_a_narrow_window(page):
    page.driver.set_window_size(480, 900)
    page.open("/cgi-bin/main/")
    toggler = page.find("button.navbar-toggler")
    assert toggler.is_displayed()
    assert not page.find("#navbar-main").is_displayed()
    toggler.click()
    page.wait_until(lambda: page.find("#navbar-main").is_displayed()
                    and "show" in page.find("#navbar-main").get_attribute("class"),
                    "the navbar did not open")
    page.wait_until(lambda: page.find("#navbar-main a[href='/cgi-bin/relations/']")
                    .is_displayed())
    # A dropdown opens too (Popper, in the bundle).
    page.find("#nav-animals").click()
    page.wait_until(lambda: page.find("a.dropdown-item[href='/cgi-bin/animals/dogs/']")
                    .is_displayed(), "the dropdown did not open")
    page.screenshot("navbar_narrow")
    page.click_through("a.dropdown-item[href='/cgi-bin/animals/dogs/']")
    page.wait_until(lambda: page.text("h1") == "Dogs")
    page.assert_no_console_errors()
