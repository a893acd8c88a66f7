#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static const char *const level_names[FL_LOG_LEVEL__MAX] = {
	"DEBUG", "INFO", "WARNING", "ERROR",
};

static const char *log_program = "flagon";
static fl_log_level log_min = FL_LOG_INFO;

void fl_log_init(const char *program, fl_log_level min_level)
{
	if (program)
		log_program = program;
	log_min = min_level;
}

void fl_log(fl_log_level level, const char *fmt, ...)
{
	if (level < log_min || level >= FL_LOG_LEVEL__MAX)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One fprintf so the record reaches the log as one write. */
	fprintf(stderr, "%s %s %s[%ld]: %s\n", when, level_names[level],
		log_program, (long)getpid(), msg);
	fflush(stderr);
}
