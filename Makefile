# Flagon — build, run and test.  See README.md.
#
#   make               library, blueprints (cgi-bin/*), ./manage
#   make install-deps  install the Debian packages that are missing
#   make run           build, migrate, seed, serve on http://$(HOST):$(PORT)/
#                      (RUNFLAGS=-d: debug, rebuilt and reloaded on change)
#   make run-tutorial  the same for the tutorial's application, flaskr
#                      (http://$(HOST):$(PORT)/cgi-bin/blog/)
#   make test          unit + integration tests; last line "N passed, N failed"
#   make check         the include layering (tools/check-layers.sh), docs-check,
#                      then the same tests built with ASan + UBSan
#   make fuzz          every libFuzzer target for FUZZ_SECONDS each (seeds in
#                      tests/fuzz/corpus/, new inputs and crashes in build/fuzz/)
#   make bench         wrk on loopback: Flagon vs static, the FastCGI limit, Flask
#   make callgrind     instructions per request of each goal page (repeatable)
#   make soak          100,000 mixed requests: no 5xx, flat RSS and fd counts
#   make faults        fault tests (tests/faults/): busy writers, kill -9, full disk
#   make docs          the API reference (doxygen) into docs/api/; docs-check
#                      fails on an undocumented public symbol (part of check)
#   make tutorial      docs/tutorial/*.c into $(BUILD)/tutorial/cgi-bin/ (part of
#                      test; tests/integration/test_tutorial.py serves it)
#   make static        Bootstrap 5 and 3, jQuery, moment.js (npm, pinned in
#                      package-lock.json) copied into htdocs/static/vendor/
#                      (part of `make`)
#   make install       libflagon.a, its headers, flagon.pc and the framework's
#                      templates under $(DESTDIR)$(PREFIX) (default /usr/local),
#                      for applications outside this tree (README.md), and
#                      what their ./manage needs (libflagon-manage.a,
#                      cli/manage.h, flagon-manage.pc) and bin/flagon
#                      (`flagon new PATH`: a new application)
#   make uninstall     remove what `make install` put there

CC      ?= cc
OPT     ?= -O2 -g
SAN     ?=
BUILD   ?= build
# Where the executables go: cgi-bin/<blueprint> and manage under $(OUT).
OUT     ?= .
HOST    ?= 127.0.0.1
PORT    ?= 8080
FUZZ_SECONDS ?= 30
# The databases the tests run against (tests/run.sh): all (SQLite, a private
# MariaDB and a private PostgreSQL), or sqlite, mysql, postgresql, a list.
FLAGON_TEST_DB ?= all
# More options for `manage runserver` under make run / run-tutorial:
# RUNFLAGS=-d (debug and the reloader), -r (the reloader alone).
RUNFLAGS ?=

CFLAGS  = -std=gnu11 $(OPT) $(SAN) -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
          -Ilib -I. -MMD -MP -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
          $(DB_CFLAGS)
LDFLAGS = $(SAN)
# The database servers' client libraries (issue 19): MariaDB Connector/C, libpq.
# Their headers only: the drivers dlopen libmariadb.so.3 and libpq.so.5 when
# DATABASE_URI names their database (data/driver_internal.h), so a SQLite
# site's processes do not map them and their dependencies (issue 20: ~450 kB
# of anonymous memory per process).  dlopen is in libc (glibc >= 2.34).
DB_CFLAGS = -I/usr/include/mariadb -I/usr/include/postgresql
LDLIBS  = -lfcgi -lsqlite3 -ljansson -lssl -lcrypto -lz -lm -lesmtp -lhiredis -ljwt -ldw -lelf
# ./manage's own: editline for `manage shell`'s prompt and history.
MANAGE_LIBS = -ledit
TESTLIBS = -lcmocka

LIB_SRC   := $(sort $(wildcard lib/*/*.c lib/*/*/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
# The framework's templates (lib/web/templates/**) as C data in the library
# (web/embedded_internal.h), made by tools/embed-templates.sh.
TPL_EMBED_SRC := $(sort $(shell find lib/web/templates -type f ! -name '.*'))
TPL_EMBED_C   := $(BUILD)/gen/web_templates.c
TPL_EMBED_OBJ := $(BUILD)/gen/web_templates.o
LIBA      := $(BUILD)/libflagon.a
# The application's shared code (Flasky: models, config keys, send_email,
# demo data), linked into every blueprint and ./manage before the library.
APP_SRC   := $(sort $(wildcard app/*.c))
APP_OBJ   := $(APP_SRC:%.c=$(BUILD)/%.o)
APPA      := $(BUILD)/libapp.a
BP_SRC    := $(sort $(wildcard cgi-bin/*.c))
BP_BIN    := $(BP_SRC:%.c=$(OUT)/%)
CLI_SRC   := $(sort $(wildcard cli/*.c))
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
# The command-line tool of any application (cli/: fl_manage_main), linked
# into each application's manage by the fl_manage function below.
MANAGEA   := $(BUILD)/libmanage.a
MANAGE    := $(OUT)/manage
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:%.c=$(BUILD)/%)
TSUP_SRC  := $(sort $(wildcard tests/integration/*.c))
TSUP_BIN  := $(TSUP_SRC:%.c=$(BUILD)/%)
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
# The tutorial's application, flaskr: its shared code (docs/tutorial/flaskr/,
# as app/ is Flasky's) and one program per blueprint (docs/tutorial/*.c, as
# cgi-bin/*.c), built beside the tests, never into cgi-bin/ (so lighttpd.conf
# does not mount it against the main database).  Its sources include
# "flaskr/flaskr.h": docs/tutorial is their include root.
TUT_SRC   := $(sort $(wildcard docs/tutorial/*.c))
TUT_BIN   := $(TUT_SRC:docs/tutorial/%.c=$(BUILD)/tutorial/cgi-bin/%)
TUT_APP_SRC := $(sort $(wildcard docs/tutorial/flaskr/*.c))
TUT_APPA  := $(BUILD)/libflaskr.a
TUT_MANAGE := $(BUILD)/tutorial/manage


DEB_PACKAGES = gcc make pkg-config libfcgi-dev libsqlite3-dev sqlite3 libjansson-dev libssl-dev \
  zlib1g-dev libcmocka-dev lighttpd apache2 libapache2-mod-fcgid libapache2-mod-xsendfile \
  spawn-fcgi curl \
  python3-flask python3-flaskext.wtf python3-requests python3-pytest \
  clang libclang-rt-14-dev wrk libesmtp-dev python3-aiosmtpd openssl \
  libhiredis-dev redis-server redis-tools libjwt-dev python3-jwt fonts-wqy-zenhei \
  chromium chromium-driver python3-selenium doxygen gunicorn libfcgi-bin valgrind \
  python3-sqlalchemy python3-flask-sqlalchemy python3-alembic python3-flask-migrate \
  libdw-dev libedit-dev python3-dotenv \
  mariadb-server mariadb-client libmariadb-dev postgresql postgresql-client libpq-dev haproxy \
  python3-pymysql python3-psycopg2
# Installed only when there is no npm at all (NodeSource's nodejs ships its
# own npm and conflicts with Debian's npm package).
NODE_PACKAGES = nodejs npm

# Front-end files from the npm registry (package.json pins the versions,
# package-lock.json the tarballs), copied next to our own static files by
# `make static`; node_modules/ and the copies are git-ignored.
#   vendor/bootstrap/   Bootstrap 5 (Flasky's own pages)
#   vendor/bootstrap3/  Bootstrap 3.4.1 (npm alias "bootstrap3"), what
#                       Flask-Bootstrap's bootstrap/base.html links (web/bootstrap.h)
#   vendor/jquery/      jQuery 1.12.4, Flask-Bootstrap's, for Bootstrap 3's scripts
#   vendor/moment/      moment.js, what moment.include_moment() loads (web/moment.h)
VENDOR       := htdocs/static/vendor
VENDOR_FILES := bootstrap/css/bootstrap.min.css bootstrap/css/bootstrap.min.css.map \
                bootstrap/js/bootstrap.bundle.min.js bootstrap/js/bootstrap.bundle.min.js.map \
                $(addprefix bootstrap3/,css/bootstrap.css css/bootstrap.css.map \
                  css/bootstrap.min.css css/bootstrap.min.css.map js/bootstrap.js js/bootstrap.min.js \
                  $(addprefix fonts/glyphicons-halflings-regular.,eot svg ttf woff woff2)) \
                jquery/jquery.js jquery/jquery.min.js jquery/jquery.min.map \
                moment/moment-with-locales.min.js moment/moment-with-locales.min.js.map \
                moment/moment.min.js moment/moment.min.js.map
VENDOR_OUT   := $(VENDOR_FILES:%=$(VENDOR)/%)
# Where each folder of vendor/ comes from in node_modules/.
VENDOR_SRC_bootstrap  := node_modules/bootstrap/dist
VENDOR_SRC_bootstrap3 := node_modules/bootstrap3/dist
VENDOR_SRC_jquery     := node_modules/jquery/dist
VENDOR_SRC_moment     := node_modules/moment/min

.SECONDARY:
.PHONY: all install-deps run run-tutorial test check fuzz bench callgrind soak faults clean unit-bins test-only static \
  docs docs-check tutorial install uninstall

all: $(LIBA) $(BP_BIN) $(MANAGE) static

static: $(VENDOR_OUT)

# The only network access of a build: `npm ci` from the npm registry, when
# node_modules is missing or package-lock.json changed.
node_modules/bootstrap/package.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: run make install-deps" >&2; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

$(VENDOR)/%: node_modules/bootstrap/package.json
	@mkdir -p $(dir $@)
	cp $(VENDOR_SRC_$(firstword $(subst /, ,$*)))/$(patsubst $(firstword $(subst /, ,$*))/%,%,$*) $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ) $(TPL_EMBED_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Rewritten only when the text changes; otherwise only its time is brought
# up to date, or make would run this rule again on every call (and
# `make -q` would never call the library up to date).
$(TPL_EMBED_C): $(TPL_EMBED_SRC) tools/embed-templates.sh
	@mkdir -p $(dir $@)
	tools/embed-templates.sh lib/web/templates > $@.tmp
	@$(FL_REPLACE_IF_CHANGED)

# The recipe line that moves $@.tmp over $@ when they differ, else drops
# $@.tmp and updates $@'s time (see above).
FL_REPLACE_IF_CHANGED = if cmp -s $@.tmp $@; then rm -f $@.tmp; touch -c $@; else mv -f $@.tmp $@; fi

$(TPL_EMBED_OBJ): $(TPL_EMBED_C)
	$(CC) $(CFLAGS) -c $< -o $@

# ---- an application: every program links every blueprint ----
# Each program serves one blueprint but builds the URLs of all of them
# (url_for("session.login") from main; fl_application.blueprints), so it
# links every blueprint object of its application.  A blueprint's source
# is compiled once; $(BUILD)/bp/<dir>/<name>.o is a copy with `main` made
# local, archived with the others; program <name> links its own object (the
# real main) and the archives.  A copy must define no global symbol but
# <name>_blueprint (two programs' helpers would clash otherwise): make the
# rest static.
$(BUILD)/bp/%.o: $(BUILD)/%.o
	@mkdir -p $(dir $@)
	objcopy --localize-symbol=main $< $@
	@extra=$$(nm -g --defined-only $@ | awk '{print $$3}' | grep -v '^__' | grep -vx '$(notdir $*)_blueprint'); \
	if [ -n "$$extra" ]; then \
	  echo "$*.c: a blueprint's source may define only the global $(notdir $*)_blueprint; make these static: $$extra" >&2; \
	  rm -f $@; exit 1; fi

# $(eval $(call fl_application,BLUEPRINT_SOURCES,APP_SOURCES,BINDIR,APP_ARCHIVE,BLUEPRINT_ARCHIVE))
# builds an application: APP_ARCHIVE from its shared sources (app/*.c, where
# its fl_application lists its blueprints), BLUEPRINT_ARCHIVE from the
# blueprint sources (one directory, <name>.c defining <name>_blueprint), and
# BINDIR/<name> for each blueprint.  Link anything else of the application
# (./manage, tests) with $(call fl_app_libs,APP_ARCHIVE,BLUEPRINT_ARCHIVE).
fl_app_libs = -Wl,--start-group $(2) $(1) -Wl,--end-group $(LIBA)
define fl_application
$(4): $$(patsubst %.c,$$(BUILD)/%.o,$(2))
	@rm -f $$@
	ar rcs $$@ $$^
$(5): $$(patsubst %.c,$$(BUILD)/bp/%.o,$(1))
	@rm -f $$@
	ar rcs $$@ $$^
$$(patsubst %.c,$(3)/%,$$(notdir $(1))): $(3)/%: $$(BUILD)/$$(dir $$(firstword $(1)))%.o $(4) $(5) $$(LIBA)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) $$< $$(call fl_app_libs,$(4),$(5)) $$(LDLIBS) -o $$@
endef

$(MANAGEA): $(CLI_OBJ)
	@rm -f $@
	ar rcs $@ $^

# $(eval $(call fl_manage,APP_SYMBOL,MANAGE,APP_ARCHIVE,BLUEPRINT_ARCHIVE))
# builds MANAGE, the application's ./manage: a generated one-line main,
# $(BUILD)/gen/manage_APP_SYMBOL.c, calling fl_manage_main(&APP_SYMBOL, ...)
# (cli/manage.h), linked with every blueprint of the application, so `db
# migrate` sees the models each blueprint declares (fl_blueprint.models).
define fl_manage
$$(BUILD)/gen/manage_$(1).c:
	@mkdir -p $$(dir $$@)
	printf '%s\n' '#include "cli/manage.h"' 'extern const fl_application $(1);' \
	  'int main(int argc, char **argv) { return fl_manage_main(&$(1), argc, argv); }' > $$@
$$(BUILD)/gen/manage_$(1).o: $$(BUILD)/gen/manage_$(1).c
	$$(CC) $$(CFLAGS) -c $$< -o $$@
$(2): $$(BUILD)/gen/manage_$(1).o $$(MANAGEA) $(3) $(4) $$(LIBA)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) $$< $$(MANAGEA) $$(call fl_app_libs,$(3),$(4)) $$(LDLIBS) $$(MANAGE_LIBS) -o $$@
endef

# Flasky: app/*.c, the blueprints of cgi-bin/, built into $(OUT)/cgi-bin/;
# its manage is ./manage.
BPA       := $(BUILD)/libblueprints.a
$(eval $(call fl_application,$(BP_SRC),$(APP_SRC),$(OUT)/cgi-bin,$(APPA),$(BPA)))
$(eval $(call fl_manage,flasky_app,$(MANAGE),$(APPA),$(BPA)))
FLASKY_LIBS = $(call fl_app_libs,$(APPA),$(BPA))

# Every unit test also links tests/unit/support/test_pattern.c: TEST_PATTERN
# (./manage test -k) selects its tests by name.
UNIT_PATTERN_OBJ := $(BUILD)/tests/unit/support/test_pattern.o
$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(UNIT_PATTERN_OBJ) $(APPA) $(BPA) $(LIBA)
	$(CC) $(LDFLAGS) $< $(UNIT_PATTERN_OBJ) $(FLASKY_LIBS) $(LDLIBS) $(TESTLIBS) -o $@

$(BUILD)/tests/integration/%: $(BUILD)/tests/integration/%.o $(APPA) $(BPA) $(LIBA)
	$(CC) $(LDFLAGS) $< $(FLASKY_LIBS) $(LDLIBS) -o $@

# A test application of its own (tests/integration/guestbook/, for
# test_manage_db.py): its blueprint declares a model that only its
# fl_blueprint.models reaches; built with the same two functions as any
# application, its manage into $(BUILD)/tests/guestbook/manage.
GB_SRC    := tests/integration/guestbook/bp/entries.c
GB_APP_SRC := tests/integration/guestbook/app.c
GB_MANAGE := $(BUILD)/tests/guestbook/manage
$(eval $(call fl_application,$(GB_SRC),$(GB_APP_SRC),$(BUILD)/tests/guestbook/cgi-bin,$(BUILD)/libguestbook.a,$(BUILD)/libguestbook-blueprints.a))
$(eval $(call fl_manage,guestbook_app,$(GB_MANAGE),$(BUILD)/libguestbook.a,$(BUILD)/libguestbook-blueprints.a))

unit-bins: $(UNIT_BIN) $(TSUP_BIN) $(GB_MANAGE)

tutorial: $(TUT_BIN) $(TUT_MANAGE)

$(BUILD)/docs/tutorial/%.o: CFLAGS += -Idocs/tutorial

# flaskr: docs/tutorial/flaskr/*.c (its fl_application lists its blueprints),
# the blueprints docs/tutorial/*.c, built into $(BUILD)/tutorial/cgi-bin/;
# its own manage, $(BUILD)/tutorial/manage.
$(eval $(call fl_application,$(TUT_SRC),$(TUT_APP_SRC),$(BUILD)/tutorial/cgi-bin,$(TUT_APPA),$(BUILD)/libflaskr-blueprints.a))
$(eval $(call fl_manage,flaskr_app,$(TUT_MANAGE),$(TUT_APPA),$(BUILD)/libflaskr-blueprints.a))

# The API reference from the headers' comments (docs/Doxyfile).  Warnings
# (an undocumented public symbol, a broken doc comment) are printed and kept
# in build/doxygen-warnings.log; docs-check fails when there is any.
docs:
	@mkdir -p build docs/api
	@doxygen docs/Doxyfile
	@if [ -s build/doxygen-warnings.log ]; then \
	  echo "doxygen warnings (build/doxygen-warnings.log):" >&2; cat build/doxygen-warnings.log >&2; \
	fi
	@echo "API reference: docs/api/index.html"

docs-check: docs
	@if [ -s build/doxygen-warnings.log ]; then \
	  echo "docs-check: $$(wc -l < build/doxygen-warnings.log) doxygen warning(s): document every public symbol (see above)" >&2; \
	  exit 1; \
	fi
	@echo "docs-check: every public symbol is documented"

install-deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v npm >/dev/null || { \
	  echo "installing: $(NODE_PACKAGES)"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(NODE_PACKAGES); }

run: install-deps all
	./manage db upgrade
	./manage seed --if-empty
	FLAGON_BUILD_CMD="make BUILD=$(BUILD) OUT=$(OUT) all" ./manage runserver -h $(HOST) -p $(PORT) $(RUNFLAGS)

# The tutorial's application, flaskr (docs/tutorial.md), on a database and
# an upload folder of its own: its manage applies its migrations, then runs
# lighttpd serving its two blueprints (/cgi-bin/auth/, /cgi-bin/blog/)
# instead of Flasky's.  Under RUNFLAGS=-d its reloader rebuilds flaskr too.
FLASKR_ENV = DATABASE_URI=sqlite:///var/flaskr.sqlite UPLOAD_FOLDER=var/flaskr-uploads
run-tutorial: install-deps all tutorial
	@mkdir -p var/flaskr-uploads
	$(FLASKR_ENV) $(TUT_MANAGE) db upgrade
	$(FLASKR_ENV) FLAGON_BIN=$(abspath $(BUILD))/tutorial FLAGON_BUILD_CMD="make BUILD=$(BUILD) OUT=$(OUT) all tutorial" \
	  $(TUT_MANAGE) runserver -h $(HOST) -p $(PORT) $(RUNFLAGS)

test: install-deps
	@$(MAKE) --no-print-directory all unit-bins tutorial
	@$(MAKE) --no-print-directory test-only

# Runs the tests against what $(BUILD) and $(OUT) hold.
test-only:
	@FLAGON_TEST_DB=$(FLAGON_TEST_DB) FLAGON_BUILD=$(BUILD) FLAGON_OUT=$(OUT) tests/run.sh

check: install-deps
	@tools/check-layers.sh
	@$(MAKE) --no-print-directory docs-check
	@$(MAKE) --no-print-directory BUILD=build/asan OUT=build/asan OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  all unit-bins tutorial test-only

# fuzz_template also starts from the Jinja corpus (tests/jinja/cases).
FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE -g -O1 -Ilib -I. $(DB_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -Wall -Wextra -Wno-unused-parameter
fuzz: install-deps $(TPL_EMBED_C)
	@mkdir -p build/fuzz
	@set -e; for f in $(FUZZ_SRC); do \
	  n=$$(basename $$f .c); \
	  clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $$f $(LIB_SRC) $(TPL_EMBED_C) $(LDLIBS) -o build/fuzz/$$n; \
	  mkdir -p tests/fuzz/corpus/$$n build/fuzz/corpus/$$n; \
	  echo "== $$n ($(FUZZ_SECONDS) s)"; \
	  build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -artifact_prefix=build/fuzz/$$n- \
	    build/fuzz/corpus/$$n tests/fuzz/corpus/$$n $$(test $$n != fuzz_template || echo tests/jinja/cases) \
	    >build/fuzz/$$n.log 2>&1 \
	    || { tail -40 build/fuzz/$$n.log; exit 1; }; \
	  tail -1 build/fuzz/$$n.log; \
	done

# bench/fcgi_limit.c: the FastCGI ceiling `make bench` compares with (SPEC §8).
$(BUILD)/bench/fcgi_limit: bench/fcgi_limit.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror $< -lfcgi -o $@

bench: install-deps all $(BUILD)/bench/fcgi_limit
	@FLAGON_BUILD=$(BUILD) FLAGON_OUT=$(OUT) tests/bench.sh

# Instructions per request of every page the performance goals name
# (callgrind; repeatable on a busy machine, unlike make bench).
callgrind: install-deps all
	@/usr/bin/python3 bench/instructions.py

# 100,000 mixed requests, 4 FastCGI processes per blueprint: no 5xx, flat
# RSS, no descriptor growth (tests/soak.py; SOAK_REQUESTS to change).
soak: install-deps all
	@FLAGON_BUILD=$(BUILD) FLAGON_OUT=$(OUT) /usr/bin/python3 tests/soak.py

# Fault injection (tests/faults/): concurrent writers, kill -9 mid-write,
# a full disk.  Opt-in; not part of `make test`.
faults: install-deps all
	@FLAGON_BUILD=$(BUILD) FLAGON_OUT=$(OUT) /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/faults

# ---- make install, make uninstall ----
# Flagon for applications outside this tree, under $(DESTDIR)$(PREFIX):
#   lib/libflagon.a              the library (built here if needed)
#   lib/pkgconfig/flagon.pc      from lib/flagon.pc.in: cflags and libs
#   include/flagon/              flagon.h and every public header of lib/,
#                                in their folders (base/arena.h, web/app.h…)
#   share/flagon/templates/      the framework's templates (below)
#   share/flagon/static/         the script those templates use (moment.js)
#   lib/libflagon-manage.a       ./manage's commands (cli/, fl_manage_main),
#   include/flagon/cli/manage.h  lib/pkgconfig/flagon-manage.pc: an
#                                application's manage.c links them
#   bin/flagon                   `flagon new PATH` (cli/flagon/flagon.c)
# DESTDIR stages the whole tree elsewhere (packaging); flagon.pc still
# names $(PREFIX).  include/flagon/ and share/flagon/templates/ are
# Flagon's alone, so install replaces them whole: a header renamed since an
# earlier install does not linger.
PREFIX         ?= /usr/local
INSTALL        ?= install
FLAGON_VERSION := 0.1.0
# Headers by wildcard, so a new or split header is installed too; the
# internal ones (*/internal.h, *_internal.h) are shared between a module's
# own files, and no public header may include them (test_install.py checks).
INSTALL_HDR    := lib/flagon.h $(filter-out %/internal.h %_internal.h,\
                  $(sort $(wildcard lib/*/*.h lib/*/*/*.h)))
# The templates every application needs from the framework: the macros that
# render what the library builds (fl_make_form_context → quick_form,
# fl_pagination_to_json → render_pagination, timestamps → moment).
# (Flask-Bootstrap's bootstrap/*.html need no file: lib/web/templates/ is
# compiled into libflagon.a.)
# base.html, error.html, 404/500.html, confirm.html and the pages are
# Flasky's own: its navbar and title, links to /cgi-bin/main/.
INSTALL_TPL    := templates/_forms.html templates/_pagination.html templates/_moment.html
INSTALL_STATIC := htdocs/static/moment.js

install: $(LIBA)
	$(INSTALL) -d '$(DESTDIR)$(PREFIX)/lib/pkgconfig' '$(DESTDIR)$(PREFIX)/share/flagon/static'
	$(INSTALL) -m 644 $(LIBA) '$(DESTDIR)$(PREFIX)/lib/libflagon.a'
	rm -rf '$(DESTDIR)$(PREFIX)/include/flagon' '$(DESTDIR)$(PREFIX)/share/flagon/templates'
	@set -e; for h in $(INSTALL_HDR); do \
	  d='$(DESTDIR)$(PREFIX)/include/flagon/'$$(dirname $${h#lib/}); \
	  $(INSTALL) -d "$$d"; $(INSTALL) -m 644 $$h "$$d/"; \
	done; \
	echo "installed $(words $(INSTALL_HDR)) headers into $(DESTDIR)$(PREFIX)/include/flagon/"
	$(INSTALL) -d '$(DESTDIR)$(PREFIX)/share/flagon/templates'
	$(INSTALL) -m 644 $(INSTALL_TPL) '$(DESTDIR)$(PREFIX)/share/flagon/templates/'
	$(INSTALL) -m 644 $(INSTALL_STATIC) '$(DESTDIR)$(PREFIX)/share/flagon/static/'
	$(FL_PC_SED) lib/flagon.pc.in > $(BUILD)/flagon.pc
	$(INSTALL) -m 644 $(BUILD)/flagon.pc '$(DESTDIR)$(PREFIX)/lib/pkgconfig/flagon.pc'
	$(INSTALL) -m 644 $(MANAGEA) '$(DESTDIR)$(PREFIX)/lib/libflagon-manage.a'
	$(FL_PC_SED) cli/flagon-manage.pc.in > $(BUILD)/flagon-manage.pc
	$(INSTALL) -m 644 $(BUILD)/flagon-manage.pc '$(DESTDIR)$(PREFIX)/lib/pkgconfig/flagon-manage.pc'
	$(INSTALL) -d '$(DESTDIR)$(PREFIX)/bin'
	$(INSTALL) -m 755 $(FLAGON_TOOL) '$(DESTDIR)$(PREFIX)/bin/flagon'

uninstall:
	rm -f '$(DESTDIR)$(PREFIX)/lib/libflagon.a' '$(DESTDIR)$(PREFIX)/lib/pkgconfig/flagon.pc'
	rm -f '$(DESTDIR)$(PREFIX)/lib/libflagon-manage.a' \
	  '$(DESTDIR)$(PREFIX)/lib/pkgconfig/flagon-manage.pc' '$(DESTDIR)$(PREFIX)/bin/flagon'
	rm -rf '$(DESTDIR)$(PREFIX)/include/flagon' '$(DESTDIR)$(PREFIX)/share/flagon'

clean:
	rm -rf build $(BP_BIN) $(MANAGE)

-include $(LIB_OBJ:.o=.d) $(TPL_EMBED_OBJ:.o=.d) $(APP_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(BP_SRC:%.c=$(BUILD)/%.d) $(UNIT_SRC:%.c=$(BUILD)/%.d) \
  $(TSUP_SRC:%.c=$(BUILD)/%.d) $(TUT_SRC:%.c=$(BUILD)/%.d) \
  $(TUT_APP_SRC:%.c=$(BUILD)/%.d) $(GB_SRC:%.c=$(BUILD)/%.d) $(GB_APP_SRC:%.c=$(BUILD)/%.d)

# ---- issue 18: `manage new`, `flagon new` (cli/cmd_new.c) ----
# The files of a new application, cli/skeleton/** (dot files too), as C
# data in libmanage.a (cli/skeleton.h), made by tools/embed-templates.sh;
# bin/flagon is cli/flagon/flagon.c with the same cmd_new.o.  make install
# also installs libmanage.a as libflagon-manage.a, cli/manage.h as
# include/flagon/cli/manage.h and flagon-manage.pc, which the skeleton's
# Makefile links an application's ./manage with.
SKEL_SRC      := $(sort $(shell find cli/skeleton -type f))
SKEL_EMBED_C  := $(BUILD)/gen/skeleton.c
SKEL_EMBED_OBJ := $(BUILD)/gen/skeleton.o
FLAGON_TOOL   := $(BUILD)/bin/flagon
FL_PC_SED      = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(FLAGON_VERSION)|g'
INSTALL_HDR   += cli/manage.h
all: $(FLAGON_TOOL)
install: $(MANAGEA) $(FLAGON_TOOL)
$(MANAGEA): $(SKEL_EMBED_OBJ)
$(SKEL_EMBED_C): $(SKEL_SRC) tools/embed-templates.sh
	@mkdir -p $(dir $@)
	tools/embed-templates.sh -a -i cli/skeleton.h -n fl_cli_skeleton_files cli/skeleton > $@.tmp
	@$(FL_REPLACE_IF_CHANGED)
$(SKEL_EMBED_OBJ): $(SKEL_EMBED_C)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD)/cli/flagon/flagon.o: CFLAGS += -DFLAGON_VERSION='"$(FLAGON_VERSION)"'
$(FLAGON_TOOL): $(BUILD)/cli/flagon/flagon.o $(BUILD)/cli/cmd_new.o $(SKEL_EMBED_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@
-include $(BUILD)/cli/flagon/flagon.d $(SKEL_EMBED_OBJ:.o=.d)
