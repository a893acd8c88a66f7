/* skeleton.h — the files of a new application (`manage new`, `flagon
 * new`): every file under cli/skeleton/ compiled into the program as C
 * data by tools/embed-templates.sh (the Makefile writes
 * $(BUILD)/gen/skeleton.c), so the tool needs no file of Flagon's tree.
 * Their names and texts hold the placeholders cmd_new.c fills in:
 * @APP@ (the application's C name), @APP_UPPER@ (the same in capitals,
 * for include guards) and @BLUEPRINT@ (the first blueprint's name). */
#ifndef FL_CLI_SKELETON_H
#define FL_CLI_SKELETON_H

#include "base/embedded.h"

/* Every file of cli/skeleton/, dot files included, sorted by name; ends
 * with { NULL, NULL }. */
extern const fl_embedded_file fl_cli_skeleton_files[];

#endif
