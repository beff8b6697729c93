/* SPDX-License-Identifier: ISC */
/*
 * repo/cmd_signraw.c - `aiupdate-repo sign-raw DIR ROLE FILE`, for tests:
 * re-sign the (hand-edited) "signed" part of a metadata file with ROLE's key
 * and rewrite the envelope, so tests can craft rollback or mix-and-match
 * metadata that carries valid signatures.  No check of any kind.
 */
#include "repo/repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/json.h"
#include "port/port.h"

#include "port/ban.h"

static int
role_ok(const char *role)
{
	size_t i;

	for (i = 0; i < sizeof(au_repo_roles) / sizeof(au_repo_roles[0]); i++)
		if (strcmp(role, au_repo_roles[i]) == 0)
			return 1;
	return 0;
}

/* Read FILE and return its "signed" object (new reference). */
static int
read_signed(const char *file, json_t **out, struct au_diag *diag)
{
	uint8_t *buf = NULL;
	json_t *doc = NULL, *s;
	size_t len = 0;
	int rc;

	if ((rc = au_file_read_all(file, AU_REPO_META_MAX, &buf, &len, diag)) != 0)
		return rc;
	rc = au_json_parse(buf, len, AU_REPO_META_MAX, &doc, diag);
	free(buf);
	if (rc != 0)
		return au_diag_set(diag, AU_EUSAGE, "%s is not valid JSON", file);
	s = json_object_get(doc, "signed");
	if (!json_is_object(s)) {
		json_decref(doc);
		return au_diag_set(diag, AU_EUSAGE, "%s has no \"signed\" object", file);
	}
	*out = json_incref(s);
	json_decref(doc);
	return 0;
}

int
au_repo_cmd_sign_raw(int argc, char **argv, struct au_diag *diag)
{
	struct au_signkey *key = NULL;
	const char *pos[3];
	json_t *s = NULL;
	char *text = NULL, sha[65];
	size_t len = 0;
	int rc;

	if ((rc = au_repo_args(argc, argv, NULL, 0, pos, 3, 3, diag)) != 0)
		return rc;
	if (!role_ok(pos[1]))
		return au_diag_set(diag, AU_EUSAGE, "ROLE must be root, targets, "
		    "snapshot or timestamp, not \"%s\"", pos[1]);
	if ((rc = read_signed(pos[2], &s, diag)) != 0)
		return rc;
	rc = au_repo_key_load(pos[0], pos[1], &key, diag);
	if (rc == 0)
		rc = au_repo_envelope(s, &key, 1, &text, &len, diag);
	if (rc == 0)
		rc = au_file_replace(pos[2], text, len, 0644, diag);
	if (rc == 0) {
		au_repo_sha256_hex(text, len, sha);
		printf("length=%zu sha256=%s\n", len, sha);
	}
	au_signkey_free(key);
	free(text);
	json_decref(s);
	return rc;
}
