/* jstring.c — jansson strings made with one cheap UTF-8 check (jstring.h). */
#include "base/jstring.h"

#include <string.h>

#include "base/utf8.h"

json_t *fl_json_stringn(const char *s, size_t len)
{
	if (!s || !fl_utf8_valid(s, len))
		return NULL;
	return json_stringn_nocheck(s, len);
}

json_t *fl_json_string(const char *s)
{
	return s ? fl_json_stringn(s, strlen(s)) : NULL;
}
