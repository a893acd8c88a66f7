/* skeleton.h — the files of a new application (`manage new`, `flagon
 * new`): every file under cli/skeleton/ compiled into the program as C
 * data by tools/embed-templates.sh (the Makefile writes
 * $(BUILD)/gen/skeleton.c), so the tool needs no file of Flagon's tree.
 * Their names and texts hold the placeholders cmd_new.c fills in:
 * @APP@ (the application's C name), @APP_UPPER@ (the same in capitals,
 * for include guards) and @BLUEPRINT@ (the first blueprint's name). */
#ifndef FL_CLI_SKELETON_H
#define FL_CLI_SKELETON_H

#include <stddef.h>

/* One file of the skeleton: its path relative to the application's
 * folder ("cgi-bin/@BLUEPRINT@.c") and its text, byte for byte. */
typedef struct fl_cli_skeleton_file {
	const char *name;
	const char *source;
} fl_cli_skeleton_file;

/* Every file of cli/skeleton/, dot files included, sorted by name; ends
 * with { NULL, NULL }. */
extern const fl_cli_skeleton_file fl_cli_skeleton_files[];

#endif
