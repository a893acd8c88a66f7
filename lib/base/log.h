/* log.h — one-line log records on stderr (Flask's app.logger).
 *
 * Each record is one line: "2026-11-22T05:40:47Z ERROR main[1234]: text".
 * Under lighttpd and Apache, stderr goes to the server's error log.  Control
 * characters in the text are written as '?', so client input copied into a
 * log line can never forge a second record.
 */
#ifndef FL_LOG_H
#define FL_LOG_H

/* Log levels, lowest first (logging.DEBUG .. logging.ERROR). */
typedef enum fl_log_level {
	FL_LOG_DEBUG,
	FL_LOG_INFO,
	FL_LOG_WARNING,
	FL_LOG_ERROR,
	FL_LOG_LEVEL__MAX
} fl_log_level;

/* fl_log_init — name the program in every record ("main", "manage") and set
 * the lowest level written (records below it are dropped). */
void fl_log_init(const char *program, fl_log_level min_level);

/* fl_log — write one record at `level`; printf-style format. */
void fl_log(fl_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* fl_debug, fl_info, fl_warning, fl_error — app.logger.debug(...) and
 * friends: fl_log at that level. */
#define fl_debug(...) fl_log(FL_LOG_DEBUG, __VA_ARGS__)
#define fl_info(...) fl_log(FL_LOG_INFO, __VA_ARGS__)
#define fl_warning(...) fl_log(FL_LOG_WARNING, __VA_ARGS__)
#define fl_error(...) fl_log(FL_LOG_ERROR, __VA_ARGS__)

#endif
