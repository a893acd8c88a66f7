#include "base/err.h"

static const char *const fl_errs[FL_ERR__MAX] = {
	[FL_OK] = "success",
	[FL_ENOMEM] = "out of memory",
	[FL_EINVAL] = "invalid input",
	[FL_ERANGE] = "number out of range",
	[FL_ETOOLARGE] = "input too large",
	[FL_EUTF8] = "invalid UTF-8",
	[FL_ENOTFOUND] = "not found",
	[FL_EEXISTS] = "already exists",
	[FL_ECONSTRAINT] = "constraint violated",
	[FL_ENOTABLE] = "no such table",
	[FL_EDB] = "database error",
	[FL_EBUSY] = "database is busy",
	[FL_EBADSIG] = "bad signature",
	[FL_EEXPIRED] = "signature expired",
	[FL_EMALFORMED] = "malformed value",
	[FL_ETEMPLATE] = "template error",
	[FL_EIO] = "I/O error",
	[FL_ECONFIG] = "invalid configuration",
	[FL_ECSRFMISSING] = "The CSRF token is missing.",
	[FL_ECSRFINVALID] = "The CSRF token is invalid.",
	[FL_EMIGRATE] = "migration error",
	[FL_EMAIL] = "mail error",
	[FL_ENUL] = "NUL byte in text",
	[FL_EMULTIPLE] = "multiple rows found",
	[FL_EDISCONNECTED] = "database connection lost",
};

const char *fl_strerror(fl_err err)
{
	if ((unsigned)err >= FL_ERR__MAX || !fl_errs[err])
		return "unknown error";
	return fl_errs[err];
}
