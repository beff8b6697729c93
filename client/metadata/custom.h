/* SPDX-License-Identifier: ISC */
/*
 * client/metadata/custom.h - a target's signed "custom" object (TUF 1.0
 * section 4.5: opaque to TUF; these members are this project's
 * convention), parsed once, by one parser, into one struct that the
 * consumers read:
 *
 *   member                type                      read by
 *   "version"             integer >= 0              manifest/tuf.h (au_target.version)
 *   "min_version"         integer >= 0              floor.h: the version floor
 *   "bundle_max_bytes"    integer >= 1              budget.h: extraction budget
 *   "bundle_max_entries"  integer >= 1              budget.h
 *   "device_classes"      array of names            fleet.h: device targeting
 *   "device_tags"         array of names            fleet.h
 *   "rollout"             integer 0..100            fleet.h: staged rollout
 *   "chunk_index"         target name               client/fetch/delta.h: the
 *                                                   target (in the same signed
 *                                                   metadata) holding this
 *                                                   file's chunk index
 *                                                   (docs/chunk-index.md)
 *
 * Unknown members are ignored (a publisher may sign more); a listed member
 * of the wrong type or range refuses the whole object, so every consumer
 * sees the same verdict.  A name is 1..AU_CUSTOM_NAME_MAX bytes of
 * [A-Za-z0-9._-]; a list holds at most AU_CUSTOM_LIST_MAX names.  The
 * chunk_index name follows the one target name policy (manifest/tuf.h
 * au_target_name_check) and is at most AU_TARGET_NAME_MAX bytes.
 */
#ifndef AU_CUSTOM_H
#define AU_CUSTOM_H

#include <stddef.h>
#include <stdint.h>

#include "manifest/tuf.h"	/* AU_TARGET_NAME_MAX */
#include "port/err.h"

#define AU_CUSTOM_MAX 65536		/* bytes of custom JSON looked at */
#define AU_CUSTOM_NAME_MAX 64		/* bytes of one class or tag name */
#define AU_CUSTOM_LIST_MAX 32		/* names in one list */

/* One list member ("device_classes", "device_tags"). */
struct au_custom_list {
	int present;			/* 0: the member is absent */
	size_t n;			/* 0..AU_CUSTOM_LIST_MAX */
	char name[AU_CUSTOM_LIST_MAX][AU_CUSTOM_NAME_MAX + 1];
};

/* The members above, plain values (no pointers); absent ones as noted. */
struct au_custom {
	int64_t min_version;		/* -1 when absent */
	uint64_t bundle_max_bytes;	/* 0 when absent */
	uint64_t bundle_max_entries;	/* 0 when absent */
	struct au_custom_list classes;	/* "device_classes" */
	struct au_custom_list tags;	/* "device_tags" */
	int rollout;			/* -1 when absent */
	char chunk_index[AU_TARGET_NAME_MAX + 1];	/* "" when absent */
};

/*
 * Parse custom_json (the canonical JSON of "custom" as au_target keeps it;
 * NULL: no custom, every member absent) into *out, through the strict
 * intake of manifest/json.h.  *out is written only on success.
 * Errors: AU_EMETA_MALFORMED (over AU_CUSTOM_MAX bytes, not a JSON object,
 * or a member above of the wrong type, range or length; diag names it).
 */
AU_NODISCARD int au_custom_parse(const char *custom_json,
    struct au_custom *out, struct au_diag *diag);

/* 1 when s[0..len) is a valid class or tag name (see above), else 0. */
int au_custom_name_ok(const char *s, size_t len);

#endif
