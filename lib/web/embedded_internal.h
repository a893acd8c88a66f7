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

#include "base/embedded.h"

/* Every file of lib/web/templates/, sorted by name; ends with { NULL, NULL }. */
extern const fl_embedded_file fl_embedded_templates[];

#endif
