"""The Flask book's application (Grinberg, "Flask Web Development",
chapters 3 and 4) as real Flask 2.2 + Flask-WTF run it, rendering the same
templates as tests/integration/bookapp.c: tests/book/templates, then the
framework's lib/web/templates (Flask-Bootstrap's blueprint folder) through
a ChoiceLoader.  Flask-Bootstrap and Flask-Moment are not installed here,
so their template globals are written below as the real extensions produce
them (Flask-Bootstrap 3.3.7.1 with BOOTSTRAP_SERVE_LOCAL, Flask-Moment
1.0.5), pointing at the files Flagon serves locally (web/bootstrap.h,
web/moment.h)."""
import os
from datetime import datetime

from flask import Flask, abort, flash, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape
from wtforms import StringField, SubmitField
from wtforms.fields import HiddenField
from wtforms.validators import DataRequired

BOOTSTRAP_REV = "3.4.1"
BOOTSTRAP_DIRS = {"bootstrap": "vendor/bootstrap3/", "jquery": "vendor/jquery/"}


def bootstrap_find_resource(filename, cdn, use_minified=None, local=True):
    """Flask-Bootstrap's, with BOOTSTRAP_SERVE_LOCAL and revving."""
    if use_minified is None or use_minified:
        filename = "%s.min.%s" % tuple(filename.rsplit(".", 1))
    return url_for("static", filename=BOOTSTRAP_DIRS[cdn] + filename,
                   bootstrap=BOOTSTRAP_REV)


def bootstrap_is_hidden_field(field):
    return isinstance(field, HiddenField)


MOMENT_SCRIPT = '''<script>
moment.locale("en");
function flask_moment_render(elem) {
    const timestamp = moment(elem.dataset.timestamp);
    const func = elem.dataset.function;
    const format = elem.dataset.format;
    const timestamp2 = elem.dataset.timestamp2;
    const no_suffix = elem.dataset.nosuffix;
    const units = elem.dataset.units;
    let args = [];
    if (format)
        args.push(format);
    if (timestamp2)
        args.push(moment(timestamp2));
    if (no_suffix)
        args.push(no_suffix);
    if (units)
        args.push(units);
    elem.textContent = timestamp[func].apply(timestamp, args);
    elem.classList.remove('flask-moment');
    elem.style.display = "";
}
function flask_moment_render_all() {
    const moments = document.querySelectorAll('.flask-moment');
    moments.forEach(function(moment) {
        flask_moment_render(moment);
        const refresh = moment.dataset.refresh;
        if (refresh && refresh > 0) {
            (function(elem, interval) {
                setInterval(function() {
                    flask_moment_render(elem);
                }, interval);
            })(moment, refresh);
        }
    })
}
document.addEventListener("DOMContentLoaded", flask_moment_render_all);
</script>'''


def _parse(ts):
    """Flagon passes DATETIME strings where Flask passes datetimes."""
    if isinstance(ts, str):
        return datetime.fromisoformat(ts.rstrip("Z").replace("T", " "))
    return ts


class moment:
    """flask_moment._moment (1.0.5); the format and units are escaped in
    their attributes (web/moment.h: Flask-Moment inserts them raw)."""

    @classmethod
    def include_moment(cls, version="2.29.4", local_js=None, no_js=None, sri=None,
                       with_locales=True):
        js = ""
        if not no_js:
            src = local_js if local_js is not None else url_for(
                "static", filename="vendor/moment/" + (
                    "moment-with-locales.min.js" if with_locales else "moment.min.js"))
            if sri:
                js = '<script src="%s" integrity="%s" crossorigin="anonymous"></script>\n' % (
                    escape(src), escape(sri))
            else:
                js = '<script src="%s"></script>\n' % escape(src)
        return Markup(js + MOMENT_SCRIPT)

    @staticmethod
    def include_jquery(version=None, local_js=None, sri=None):
        src = local_js or url_for("static", filename="vendor/jquery/jquery.min.js")
        if sri:
            return Markup('<script src="%s" integrity="%s" crossorigin="anonymous">'
                          '</script>\n' % (escape(src), escape(sri)))
        return Markup('<script src="%s"></script>\n' % escape(src))

    @staticmethod
    def locale(language="en", auto_detect=False, customization=None):
        if auto_detect:
            return Markup("<script>\nvar locale = window.navigator.userLanguage || "
                          "window.navigator.language;\nmoment.locale(locale);\n</script>")
        return Markup('<script>\nmoment.locale("%s");\n</script>' % language)

    @staticmethod
    def lang(language):
        return moment.locale(language)

    def __init__(self, timestamp=None, local=False):
        self.timestamp = datetime.utcnow() if timestamp is None else _parse(timestamp)
        self.local = local

    def _iso(self, ts):
        return _parse(ts).strftime("%Y-%m-%dT%H:%M:%S" + ("" if self.local else "Z"))

    def _render(self, func, format=None, timestamp2=None, no_suffix=None, units=None,
                refresh=False):
        t = self._iso(self.timestamp)
        data_values = 'data-function="%s"' % func
        if format:
            data_values += ' data-format="%s"' % escape(format)
        if timestamp2:
            data_values += ' data-timestamp2="%s"' % timestamp2
        if no_suffix:
            data_values += ' data-nosuffix="1"'
        if units:
            data_values += ' data-units="%s"' % escape(units)
        return Markup(('<span class="flask-moment" data-timestamp="{}" {} data-refresh="{}" '
                       'style="display: none">{}</span>').format(
                           t, data_values, int(refresh) * 60000, t))

    def format(self, fmt=None, refresh=False):
        return self._render("format", format=(fmt or ""), refresh=refresh)

    def fromNow(self, no_suffix=False, refresh=False):
        return self._render("fromNow", no_suffix=int(no_suffix), refresh=refresh)

    def fromTime(self, timestamp, no_suffix=False, refresh=False):
        return self._render("from", timestamp2=self._iso(timestamp),
                            no_suffix=int(no_suffix), refresh=refresh)

    def toNow(self, no_suffix=False, refresh=False):
        return self._render("toNow", no_suffix=int(no_suffix), refresh=refresh)

    def toTime(self, timestamp, no_suffix=False, refresh=False):
        return self._render("to", timestamp2=self._iso(timestamp),
                            no_suffix=int(no_suffix), refresh=refresh)

    def calendar(self, refresh=False):
        return self._render("calendar", refresh=refresh)

    def valueOf(self, refresh=False):
        return self._render("valueOf", refresh=refresh)

    def unix(self, refresh=False):
        return self._render("unix", refresh=refresh)

    def diff(self, timestamp, units, refresh=False):
        return self._render("diff", timestamp2=self._iso(timestamp), units=units,
                            refresh=refresh)


class NameForm(FlaskForm):
    name = StringField('What is your name?', validators=[DataRequired()])
    submit = SubmitField('Submit')


def create_app(root):
    """The book's app.py (chapter 4, plus chapter 3's index at /ch3)."""
    app = Flask(__name__, static_folder=os.path.join(root, "htdocs", "static"))
    app.config["SECRET_KEY"] = "hard to guess string"
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(os.path.join(root, "tests", "book", "templates")),
        FileSystemLoader(os.path.join(root, "lib", "web", "templates")),
    ])
    app.jinja_env.globals.update(bootstrap_find_resource=bootstrap_find_resource,
                                 bootstrap_is_hidden_field=bootstrap_is_hidden_field,
                                 moment=moment)

    @app.errorhandler(404)
    def page_not_found(e):
        return render_template('404.html'), 404

    @app.errorhandler(500)
    def internal_server_error(e):
        return render_template('500.html'), 500

    @app.route('/', methods=['GET', 'POST'])
    def index():
        form = NameForm()
        if form.validate_on_submit():
            old_name = session.get('name')
            if old_name is not None and old_name != form.name.data:
                flash('Looks like you have changed your name!')
            session['name'] = form.name.data
            return redirect(url_for('index'))
        return render_template('index.html', form=form, name=session.get('name'))

    @app.route('/ch3')
    def ch3():
        return render_template('ch3/index.html', current_time=datetime.utcnow())

    @app.route('/user/<name>')
    def user(name):
        return render_template('user.html', name=name)

    @app.route('/boom')
    def boom():
        abort(500)

    return app
