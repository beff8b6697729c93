/* SPDX-License-Identifier: ISC */
/*
 * manifest/tuf_name.c - the one policy for target names (tuf.h,
 * au_target_name_check): what a device can look up and install under
 * state_dir/targets/NAME/ (client/install/store.h), and so what its config
 * may track and what the publisher accepts at `aiupdate-repo add`.
 */
#include "manifest/tuf.h"

#include <stdio.h>
#include <string.h>

#include "port/ban.h"

/* Why one '/'-separated component cannot be used, or NULL when it can. */
static const char *
component_problem(const char *p, size_t len)
{
	if (len == 0)
		return "an empty component";
	if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
		return "a \".\" or \"..\" component";
	if ((len == 7 && memcmp(p, "current", 7) == 0) ||
	    (len == 8 && memcmp(p, "previous", 8) == 0))
		return "a component \"current\" or \"previous\" (reserved for "
		    "the version pointers targets/NAME/current and previous)";
	if (len >= 4 && memcmp(p + len - 4, ".tmp", 4) == 0)
		return "a component ending in \".tmp\" (reserved for the "
		    "pointers being replaced)";
	return NULL;
}

/* Why the bytes of name cannot be used, or NULL; *at is the offset. */
static const char *
byte_problem(const char *name, size_t len, size_t *at)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		*at = i;
		if (c == '\\')
			return "a backslash";
		if (c < 0x20 || c == 0x7f)
			return "a control byte";
	}
	return NULL;
}

int
au_target_name_check(const char *name, struct au_diag *diag)
{
	const char *why, *p, *q;
	size_t len, at = 0, depth = 0;

	if (name == NULL || name[0] == '\0')
		return au_diag_set(diag, AU_EMETA_MALFORMED, "target name is empty");
	len = strnlen(name, AU_TARGET_NAME_MAX + 1);
	if (len > AU_TARGET_NAME_MAX)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "target name "
		    "\"%.40s...\" is longer than %d bytes", name,
		    AU_TARGET_NAME_MAX);
	if (name[0] == '/')
		return au_diag_set(diag, AU_EMETA_MALFORMED, "target name "
		    "\"%s\" is an absolute path", name);
	if ((why = byte_problem(name, len, &at)) != NULL)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "target name has "
		    "%s at offset %zu", why, at);
	for (p = name;; p = q + 1) {
		q = strchr(p, '/');
		why = component_problem(p, q != NULL ? (size_t)(q - p) : strlen(p));
		if (why != NULL)
			return au_diag_set(diag, AU_EMETA_MALFORMED, "target name "
			    "\"%s\" has %s", name, why);
		if (++depth > AU_TARGET_NAME_DEPTH)
			return au_diag_set(diag, AU_EMETA_MALFORMED, "target name "
			    "\"%.60s...\" has more than %d components", name,
			    AU_TARGET_NAME_DEPTH);
		if (q == NULL)
			return AU_OK;
	}
}
