/* err.h — the one error enum every fallible Flagon call returns.
 *
 * Functions that can fail return an fl_err: FL_OK (0) on success, one of the
 * codes below otherwise.  fl_strerror() turns a code into a short English
 * text.  The enum ends in a FL_ERR__MAX sentinel that sizes the string table
 * (kcgi's convention).
 */
#ifndef FL_ERR_H
#define FL_ERR_H

/* Error codes: FL_OK or what went wrong. */
typedef enum fl_err {
	FL_OK = 0,
	FL_ENOMEM,        /* out of memory */
	FL_EINVAL,        /* invalid argument or malformed input */
	FL_ERANGE,        /* a number out of range */
	FL_ETOOLARGE,     /* input larger than the configured limit (HTTP 413) */
	FL_EUTF8,         /* input is not valid UTF-8 */
	FL_ENOTFOUND,     /* no such row, key, file, template or route */
	FL_EEXISTS,       /* a unique or primary key constraint was violated */
	FL_ECONSTRAINT,   /* another constraint (NOT NULL, FOREIGN KEY, CHECK) was violated */
	FL_ENOTABLE,      /* the table the statement needs does not exist */
	FL_EDB,           /* any other database error */
	FL_EBUSY,         /* the database stayed locked past the busy timeout */
	FL_EBADSIG,       /* a signature did not verify */
	FL_EEXPIRED,      /* a signature or token is older than allowed */
	FL_EMALFORMED,    /* a signed value, cookie or token could not be decoded */
	FL_ETEMPLATE,     /* a template failed to parse or render */
	FL_EIO,           /* an I/O error (see errno / the log) */
	FL_ECONFIG,       /* an invalid configuration value */
	FL_ECSRFMISSING,  /* "The CSRF token is missing." */
	FL_ECSRFINVALID,  /* "The CSRF token is invalid." */
	FL_EMIGRATE,      /* a migration file or chain is broken */
	FL_EMAIL,         /* a mail could not be sent */
	FL_ENUL,          /* text input holds a NUL byte (a key, a header, a value) */
	FL_EMULTIPLE,     /* more than one row where one was required (MultipleResultsFound) */
	FL_EDISCONNECTED, /* the database server went away (restart, idle timeout, killed): retry later (503) */
	FL_ERR__MAX
} fl_err;

/* fl_strerror — a static, never-NULL English description of `err`.
 * Out-of-range values give "unknown error". */
const char *fl_strerror(fl_err err);

#endif
