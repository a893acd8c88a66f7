/* embedded.h — files compiled into a program as C data by
 * tools/embed-templates.sh, so that the program needs no file of
 * Flagon's tree at run time: the framework's templates
 * (web/embedded_internal.h) and the skeleton of a new application
 * (cli/skeleton.h).  The generated tables are sorted by name and end with
 * { NULL, NULL }. */
#ifndef FL_EMBEDDED_H
#define FL_EMBEDDED_H

#include <stddef.h>   /* NULL, which ends the generated tables */

/* One embedded file (static data). */
typedef struct fl_embedded_file {
	const char *name;           /* its path relative to the embedded folder:
	                               "bootstrap/base.html", "cgi-bin/@BLUEPRINT@.c" */
	const char *source;         /* its text, byte for byte the file's, NUL-terminated */
} fl_embedded_file;

#endif
