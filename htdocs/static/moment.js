/* moment.js — Flask-Moment's behaviour for Flagon, without moment.js.
 *
 * The server renders every timestamp in UTC (templates/_moment.html):
 *
 *   <time datetime="2026-11-22T06:40:00Z" class="flask-moment" data-format="LLL">…</time>
 *   <time datetime="2026-11-22T06:40:00Z" class="flask-moment" data-relative="true">…</time>
 *
 * This script replaces the text of each with the time in the browser's own
 * time zone and language: an absolute date (Intl.DateTimeFormat, formats
 * named like moment's L, LL, LLL, LLLL, LT, LTS) or a relative one such as
 * "3 minutes ago" (Intl.RelativeTimeFormat).  Relative times are kept current
 * once a minute.  The UTC text stays in the element's title.  Without
 * JavaScript, or for a date it cannot parse, the server's text remains.
 */
(function () {
  "use strict";

  var FORMATS = {
    L: { year: "numeric", month: "2-digit", day: "2-digit" },
    LL: { dateStyle: "long" },
    LLL: { dateStyle: "long", timeStyle: "short" },
    LLLL: { dateStyle: "full", timeStyle: "short" },
    LT: { timeStyle: "short" },
    LTS: { timeStyle: "medium" }
  };

  /* [seconds in the unit, unit], largest first. */
  var UNITS = [
    [365 * 24 * 3600, "year"],
    [30 * 24 * 3600, "month"],
    [7 * 24 * 3600, "week"],
    [24 * 3600, "day"],
    [3600, "hour"],
    [60, "minute"],
    [1, "second"]
  ];

  var relative = null;
  function relativeFormat() {
    if (!relative) {
      relative = new Intl.RelativeTimeFormat(undefined, { numeric: "always", style: "long" });
    }
    return relative;
  }

  function parse(el) {
    var iso = el.getAttribute("datetime");
    if (!iso) {
      return null;
    }
    var t = Date.parse(iso);
    return isNaN(t) ? null : new Date(t);
  }

  /* "3 minutes ago", "in 2 days".  A time up to 5 s ahead of this clock is
   * clock skew between server and browser: "1 second ago", not "in 1 second". */
  function fromNow(date, now) {
    var diff = (date.getTime() - now) / 1000;
    var rtf = relativeFormat();
    if (diff > -45 && diff < 5) {
      return rtf.format(-Math.max(1, Math.round(-diff)), "second");
    }
    var abs = Math.abs(diff);
    for (var i = 0; i < UNITS.length; i++) {
      if (abs >= UNITS[i][0] || i === UNITS.length - 1) {
        var n = Math.round(abs / UNITS[i][0]);
        return rtf.format(diff < 0 ? -n : n, UNITS[i][1]);
      }
    }
  }

  function absolute(date, fmt) {
    var options = FORMATS[fmt] || FORMATS.LLL;
    return new Intl.DateTimeFormat(undefined, options).format(date);
  }

  function render(el) {
    var date = parse(el);
    if (!date) {
      return;
    }
    if (!el.hasAttribute("data-utc")) {
      el.setAttribute("data-utc", el.textContent);
    }
    if (el.getAttribute("data-relative") === "true") {
      el.textContent = fromNow(date, Date.now());
      el.title = absolute(date, "LLLL");
    } else {
      el.textContent = absolute(date, el.getAttribute("data-format") || "LLL");
      el.title = el.getAttribute("data-utc");
    }
    el.classList.add("flask-moment-local");
  }

  function renderAll() {
    var els = document.querySelectorAll("time.flask-moment");
    var refresh = false;
    for (var i = 0; i < els.length; i++) {
      try {
        render(els[i]);
      } catch (e) {
        /* An engine without Intl's newer options: keep the server's text. */
        continue;
      }
      if (els[i].getAttribute("data-relative") === "true") {
        refresh = true;
      }
    }
    return refresh;
  }

  function start() {
    if (renderAll()) {
      window.setInterval(renderAll, 60000);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.flaskMoment = { render: renderAll, fromNow: fromNow };
})();
