/* embedded.h — files compiled into a program as C data by
 * tools/embed-templates.sh, so that the program needs no file of
 * Flagon's tree at run time: the framework's templates
 * (web/embedded_internal.h) and the skeleton of a new application
 * (cli/skeleton.h).  The generated tables are sorted by name and end with
 * { NULL, NULL }. */
#ifndef FL_EMBEDDED_H
#define FL_EMBEDDED_H

#include <stddef.h>   /* NULL, which ends the generated tables */

/* One embedded file: its path relative to the folder that was embedded
 * ("bootstrap/base.html", "cgi-bin/@BLUEPRINT@.c") and its text, byte
 * for byte the file's, NUL-terminated.  Both are static data. */
typedef struct fl_embedded_file {
	const char *name;
	const char *source;
} fl_embedded_file;

#endif
