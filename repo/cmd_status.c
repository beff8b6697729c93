/* SPDX-License-Identifier: ISC */
/*
 * repo/cmd_status.c - `aiupdate-repo status DIR`: what the repository
 * publishes now, read from DIR/public/metadata: every top-level role's
 * version, expiry, threshold and key ids (from root.json, TUF 1.0 section
 * 4.3), and every target with its version and fleet restrictions.
 */
#include "repo/repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/json.h"
#include "manifest/tuf.h"
#include "port/port.h"

#include "port/ban.h"

/* The "signed" part of DIR/public/metadata/ROLE.json (new reference). */
static int
load_signed(const char *dir, const char *role, json_t **out,
    struct au_diag *diag)
{
	char rel[64], path[AU_REPO_PATH_MAX];
	uint8_t *buf = NULL;
	json_t *doc = NULL;
	size_t len = 0;
	int rc;

	if (snprintf(rel, sizeof(rel), "public/metadata/%s.json", role) >=
	    (int)sizeof(rel))
		return au_diag_set(diag, AU_EINTERNAL, "role name too long");
	if ((rc = au_repo_path(path, sizeof(path), dir, rel, diag)) != 0 ||
	    (rc = au_file_read_all(path, AU_REPO_META_MAX, &buf, &len, diag)) != 0)
		return rc;
	rc = au_json_parse(buf, len, AU_REPO_META_MAX, &doc, diag);
	free(buf);
	if (rc != 0)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "%s is not valid "
		    "JSON", path);
	*out = json_incref(json_object_get(doc, "signed"));
	json_decref(doc);
	if (!json_is_object(*out)) {
		json_decref(*out);
		return au_diag_set(diag, AU_EMETA_MALFORMED, "%s has no \"signed\" "
		    "object", path);
	}
	return 0;
}

static void
print_role(const char *role, const json_t *sig, const json_t *root, int64_t now)
{
	const json_t *r = json_object_get(json_object_get(root, "roles"), role);
	const char *exp = json_string_value(json_object_get(sig, "expires"));
	const json_t *k;
	int64_t t = 0;
	size_t i;

	printf("%-10s version %-4" PRId64 " expires %s", role,
	    (int64_t)json_integer_value(json_object_get(sig, "version")),
	    exp != NULL ? exp : "?");
	if (exp != NULL && au_time_parse(exp, &t) == 0)
		printf(t <= now ? " (EXPIRED)" : " (in %" PRId64 " days)",
		    (t - now) / 86400);
	printf("  threshold %" PRId64 "  keyids",
	    (int64_t)json_integer_value(json_object_get(r, "threshold")));
	json_array_foreach(json_object_get(r, "keyids"), i, k)
		printf(" %s", json_string_value(k));
	printf("\n");
}

static void
print_list(const json_t *custom, const char *key)
{
	const json_t *arr = json_object_get(custom, key), *v;
	size_t i;

	if (!json_is_array(arr))
		return;
	printf(" %s=", key);
	json_array_foreach(arr, i, v)
		printf("%s%s", i ? "," : "", json_string_value(v));
}

static void
print_targets(const json_t *targets)
{
	const json_t *e, *custom;
	const char *name;

	json_object_foreach(json_object_get((json_t *)targets, "targets"), name, e) {
		custom = json_object_get(e, "custom");
		printf("target %s version=%" PRId64 " length=%" PRId64, name,
		    (int64_t)json_integer_value(json_object_get(custom, "version")),
		    (int64_t)json_integer_value(json_object_get(e, "length")));
		if (json_object_get(custom, "rollout") != NULL)
			printf(" rollout=%" PRId64 "%%", (int64_t)json_integer_value(
			    json_object_get(custom, "rollout")));
		print_list(custom, "device_classes");
		print_list(custom, "device_tags");
		if (json_is_string(json_object_get(custom, "chunk_index")))
			printf(" chunk_index=%s", json_string_value(
			    json_object_get(custom, "chunk_index")));
		printf("\n");
	}
}

int
au_repo_cmd_status(int argc, char **argv, struct au_diag *diag)
{
	json_t *sig[4] = { NULL, NULL, NULL, NULL };
	const char *pos[1];
	int64_t now = au_now();
	int rc, i;

	if ((rc = au_repo_args(argc, argv, NULL, 0, pos, 1, 1, diag)) != 0)
		return rc;
	for (i = 0; rc == 0 && i < 4; i++)
		rc = load_signed(pos[0], au_repo_roles[i], &sig[i], diag);
	if (rc == AU_EIO && i == 1)
		rc = au_diag_set(diag, AU_ECONFIG, "%s has no published root "
		    "(public/metadata/root.json); run `aiupdate-repo init`", pos[0]);
	else if (rc == AU_EIO)
		rc = au_diag_set(diag, AU_ECONFIG, "%s: public/metadata/%s.json "
		    "cannot be read; run `aiupdate-repo publish` first", pos[0],
		    au_repo_roles[i - 1]);
	if (rc == 0) {
		printf("repository %s\n", pos[0]);
		for (i = 0; i < 4; i++)
			print_role(au_repo_roles[i], sig[i], sig[0], now);
		printf("consistent_snapshot %s\n", json_is_true(json_object_get(
		    sig[0], "consistent_snapshot")) ? "true" : "false");
		print_targets(sig[1]);
	}
	for (i = 0; i < 4; i++)
		json_decref(sig[i]);
	return rc;
}
