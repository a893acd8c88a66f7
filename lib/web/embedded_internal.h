/* embedded_internal.h — the framework's templates compiled into the
 * library: every file under lib/web/templates/ as C data, made at build
 * time by tools/embed-templates.sh into $(BUILD)/gen/web_templates.c, so
 * that no program needs a template file of the framework at run time.
 * The extensions register theirs with fl_tpl_env_add_source (web/bootstrap.h:
 * bootstrap/base.html, bootstrap/utils.html, bootstrap/wtf.html), after the
 * application's own folder: an application's file of the same name wins,
 * as Flask's blueprint template folders come after the application's.
 */
#ifndef FL_EMBEDDED_INTERNAL_H
#define FL_EMBEDDED_INTERNAL_H

#include <stddef.h>

/* One embedded template: its name relative to lib/web/templates/
 * ("bootstrap/base.html") and its source, byte for byte the file's. */
typedef struct fl_embedded_template {
	const char *name;
	const char *source;
} fl_embedded_template;

/* Every file of lib/web/templates/, sorted by name; ends with { NULL, NULL }. */
extern const fl_embedded_template fl_embedded_templates[];

#endif
