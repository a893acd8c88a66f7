#!/usr/bin/awk -f
# doxygen-filter.awk — doxygen's INPUT_FILTER for lib/*.h (docs/Doxyfile).
#
# Our headers use plain C comments, not /** */:
#   - the comment at the top of a header documents the file;
#   - a comment on its own line documents what follows it, up to the next
#     blank line ("/* fl_run — start the program ... */ int fl_run(...);",
#     or one comment over a run of macros or members: "/* Keyword
#     arguments of Column(). */" above FL_PRIMARY_KEY, FL_UNIQUE, ...);
#   - a comment after a member or macro on the same line documents that
#     member, every declarator of it ("long min, max;  /* bounds */").
# This filter turns exactly those into doxygen comments as doxygen reads
# the file, on the same lines (/** @file, /**, /**<, and a member group with
# DISTRIBUTE_GROUP_DOC for a comment shared by several declarations), so
# the headers keep their style and an undocumented symbol is really one.
# Section rulers ("/* ---- forms ---- */") and "/* private */" stay plain.
# The file's comment is shown verbatim (its examples and tables keep their
# layout); in the other doc comments the characters doxygen would take for
# commands or HTML (\ @ < > & # $ %) are escaped, so "@cache.cached" and
# "<select>" print as written.
function esc(s,    i, c, out) {
	# One character at a time: gsub's handling of backslashes in its
	# replacement differs between awks (mawk, gawk), a loop does not.
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		out = out (index("\\@<>&#$%", c) ? "\\" c : c)
	}
	return out
}
# Escape a comment's text up to its closing "*/" (kept as is).
function body(line,    j) {
	j = index(line, "*/")
	if (j > 0)
		return esc(substr(line, 1, j - 1)) substr(line, j)
	return esc(line)
}
function emit(s) { out[++n] = s; kind[n] = "" }
# Several declarators on one line ("long min, max;"), commas inside
# parentheses (parameter lists) aside.
function multi(code,    c) {
	c = code
	while (gsub(/\([^()]*\)/, "", c)) ;
	return c ~ /,/ && c ~ /;[ \t]*$/ && c !~ /^[ \t]*#/
}
function is_ruler(rest) {
	return rest ~ /^ *(---|===)/ || rest ~ /^ *private *\*\// || rest ~ /^ *$/
}
BEGIN { incomment = 0; doc = 0; seen_code = 0; n = 0 }
{
	line = $0
	if (incomment) {
		j = index(line, "*/")
		if (doc == 2) {
			if (j > 0) emit(substr(line, 1, j - 1) "@endverbatim @file " substr(line, j))
			else emit(line)
		} else if (doc == 1) {
			emit(j > 0 ? body(line) : esc(line))
		} else
			emit(line)
		if (j > 0) {
			if (doc == 1) kind[n] = "docend"
			incomment = 0; doc = 0
		}
		next
	}
	# A comment opening at the start of the line.
	if (match(line, /^[ \t]*\/\*/) && substr(line, RSTART + RLENGTH, 1) != "*") {
		ind = substr(line, 1, RLENGTH - 2)
		rest = substr(line, RSTART + RLENGTH)
		closes = index(rest, "*/") > 0
		if (rest ~ /^ *private *\*\//) {
			# Members after "/* private */" are not API: hidden up to
			# the end of the struct.
			emit(ind "/** @cond PRIVATE */")
			private = 1
			next
		}
		if (is_ruler(rest)) {
			emit(line)
			if (!closes) { incomment = 1; doc = 0 }
			next
		}
		if (!seen_code) {
			# The file's own comment, shown as written.
			j = index(rest, "*/")
			if (j > 0)
				emit(ind "/** @verbatim " substr(rest, 1, j - 1) "@endverbatim @file " substr(rest, j))
			else
				emit(ind "/** @verbatim " rest)
			seen_code = 1
			if (!closes) { incomment = 1; doc = 2 }
			next
		}
		emit(ind "/**" body(rest))
		kind[n] = closes ? "docone" : "docstart"
		if (!closes) { incomment = 1; doc = 1 }
		next
	}
	# A comment after code on the same line documents that member or macro.
	if ((k = index(line, "/*")) > 0 && substr(line, k + 2, 1) != "*" \
	    && substr(line, 1, k - 1) ~ /[^ \t]/ && substr(line, 1, k - 1) !~ /"/) {
		code = substr(line, 1, k - 1)
		rest = substr(line, k + 2)
		closes = index(rest, "*/") > 0
		seen_code = 1
		if (is_ruler(rest)) {
			emit(line)
			if (!closes) { incomment = 1; doc = 0 }
			next
		}
		if (multi(code) && closes) {
			emit("/**@{*/ " code "/**<" body(rest) " /**@}*/")
			next
		}
		emit(code "/**<" body(rest))
		if (!closes) { incomment = 1; doc = 1 }
		next
	}
	if (line ~ /[^ \t]/) seen_code = 1
	if (private && line ~ /^[ \t]*\}/) { line = "/** @endcond */ " line; private = 0 }
	# A forward declaration ("struct fl_model;") between a comment and
	# what it documents would take the comment: doxygen does not need it.
	if (line ~ /^struct [A-Za-z_0-9]+;[ \t]*$/) line = ""
	emit(line)
}
# A leading doc comment followed by two or more declarations before the
# next blank line (and no struct or enum body among them): wrap comment
# and declarations in a member group so each declaration gets the text.
END {
	i = 1
	while (i <= n) {
		if (kind[i] != "docone" && kind[i] != "docstart") { print out[i]; i++; continue }
		s = i
		e = i
		if (kind[i] == "docstart")
			while (e < n && kind[e] != "docend") e++
		decls = 0; ok = 1
		for (k = e + 1; k <= n && out[k] ~ /[^ \t]/ && out[k] !~ /^[ \t]*\/\*/ \
		     && out[k] !~ /^[ \t]*\}/; k++) {
			if (out[k] ~ /\{[ \t]*$/ || out[k] ~ /^#(if|endif|else|include)/)
				ok = 0
			if (out[k] ~ /;[ \t]*(\/\*.*)?$/ || out[k] ~ /^[ \t]*#[ \t]*define/)
				decls++
		}
		last = k - 1
		if (ok && decls >= 2) {
			# The opening on the comment's line, the closing on the blank
			# line after the run: line numbers stay those of the header.
			print "/**@{*/ " out[s]
			for (m = s + 1; m <= last; m++) print out[m]
			if (last < n && out[last + 1] !~ /[^ \t]/) { print "/**@}*/"; last++ }
			else if (last < n && out[last + 1] ~ /^[ \t]*\}/) out[last + 1] = "/**@}*/ " out[last + 1]
			else print "/**@}*/"
		} else
			for (m = s; m <= last; m++) print out[m]
		i = last + 1
	}
}
