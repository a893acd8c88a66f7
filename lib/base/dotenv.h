/* dotenv.h — `.env` files, as python-dotenv reads them for Flask's
 * load_dotenv: development settings kept beside the application instead
 * of in the shell.
 *
 * The syntax is python-dotenv's (0.21, parser.py and variables.py):
 *
 *     # a comment
 *     export FLASKY_ADMIN=admin@example.com      # "export " is optional
 *     SECRET_KEY='literal, no ${INTERPOLATION} of escapes but \' and \\'
 *     MAIL_FOOTER="two\nlines"                   # \\ \' \" \a \b \f \n \r \t \v
 *     GREETING="a value over
 *     several lines"
 *     DATABASE_URI=sqlite:///${HOME}/x.sqlite    # ${VAR} and ${VAR:-default}
 *     PLAIN=unquoted value # a comment after whitespace is dropped
 *     FLAG                                       # a key without '=': no value
 *
 * A statement that cannot be parsed is skipped with a warning naming its
 * file and line, as python-dotenv warns and goes on; so is one holding a
 * NUL byte, which no environment variable can.  Whitespace is ASCII
 * whitespace (python-dotenv's \s also takes Unicode spaces).
 */
#ifndef FL_DOTENV_H
#define FL_DOTENV_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

/* One statement of a file. */
typedef struct fl_dotenv_pair {
	char *key;      /* the variable's name (never empty) */
	char *value;    /* its value; NULL for a key without '=' (python-dotenv's None) */
	int line;       /* 1-based line of the statement in its file */
} fl_dotenv_pair;

/* A parsed file: its statements in file order (a key may repeat: the last
 * wins, as in python-dotenv's dict).  Owned by the caller: fl_dotenv_free. */
typedef struct fl_dotenv {
	fl_dotenv_pair *pairs;  /* the statements, `len` of them (malloc'd) */
	size_t len;             /* how many pairs */
	size_t errors;          /* statements skipped as malformed */
} fl_dotenv;

/* fl_dotenv_parse — parse `len` bytes of `text` (NUL bytes allowed; they
 * end nothing) into `out` (initialised here), values raw: quotes and
 * escapes decoded, ${...} not yet expanded (fl_dotenv_interpolate).  A
 * malformed statement is skipped and, when `warn` is non-NULL, reported
 * on it as "FILE:LINE: could not parse statement" (`filename` names the
 * file in that message).  Returns FL_OK, or FL_ENOMEM (out is then empty). */
fl_err fl_dotenv_parse(const char *text, size_t len, const char *filename, FILE *warn,
	fl_dotenv *out);

/* fl_dotenv_interpolate — expand ${NAME} and ${NAME:-DEFAULT} in every
 * value of `d`, in order, as python-dotenv's resolve_variables: NAME is
 * looked up in the environment and among the earlier keys of `d` (their
 * expanded values; a key without value counts as set and empty), the
 * earlier keys first when `override` is non-zero (dotenv_values), the
 * environment first otherwise (load_dotenv, Flask's); unset and no
 * DEFAULT: empty.  Returns FL_OK or FL_ENOMEM. */
fl_err fl_dotenv_interpolate(fl_dotenv *d, int override);

/* fl_dotenv_free — free what `d` holds (d itself is the caller's). */
void fl_dotenv_free(fl_dotenv *d);

/* fl_dotenv_load_file — read the file `path` and set each of its variables
 * (interpolated as load_dotenv does) that the environment does not already
 * hold: the real environment wins.  Malformed statements are reported on
 * stderr and skipped.  Returns 1 when the file was read, 0 when it does
 * not exist, -1 when it cannot be read (reported on stderr). */
int fl_dotenv_load_file(const char *path);

/* fl_dotenv_load — Flask's load_dotenv for the application in `root`:
 * `root`/.env, then `root`/.flagonenv (Flask's .flaskenv), neither
 * overriding a variable already set, so the real environment wins over
 * both and .env over .flagonenv.  Skipped entirely when FLAGON_SKIP_DOTENV
 * is set to a non-empty value other than "0" (Flask's FLASK_SKIP_DOTENV),
 * and when the real environment says APP_CONFIG=production, unless
 * FLAGON_LOAD_DOTENV=1: a deployment is configured by its environment, not
 * by files a developer left in the checkout.  A .env that itself sets
 * APP_CONFIG=production is read (its values apply: it is what chose
 * production).  Called by fl_manage_main and by the programs' start-up
 * (fl_app_new) after the root is found, before the configuration is
 * loaded.  Returns how many files were read (0, 1 or 2). */
int fl_dotenv_load(const char *root);

#endif
