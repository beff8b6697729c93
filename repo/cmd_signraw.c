/* SPDX-License-Identifier: ISC */
/*
 * repo/cmd_signraw.c - `aiupdate-repo sign-raw DIR ROLE FILE [--key KEY]`,
 * a testing aid (hidden from --help; aiupdate-repo(1), TESTING AIDS):
 * re-sign the (hand-edited) "signed" part of a metadata file with every
 * private key present for ROLE in the published root, or with the one
 * private key file KEY, and rewrite the envelope, so tests can craft
 * rollback, mix-and-match or revoked-key metadata that carries valid
 * signatures.  No check of any kind (no threshold either).
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

/* ROLE's keys in the published root, or the key file given. */
static int
load_signers(const char *dir, const char *role, const char *keyfile,
    struct au_repo_signers *keys, struct au_diag *diag)
{
	json_t *state = NULL, *root = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (keyfile != NULL)
		return au_repo_signers_add_file(keyfile, keys, diag);
	if ((rc = au_repo_state_load(dir, &state, diag)) == 0 &&
	    (rc = au_repo_root_load(dir, state, &text, &len, &root, diag)) == 0)
		rc = au_repo_signers_load(dir, root, role, 0, keys, diag);
	json_decref(state);
	json_decref(root);
	free(text);
	return rc;
}

int
au_repo_cmd_sign_raw(int argc, char **argv, struct au_diag *diag)
{
	struct au_repo_opt opts[] = { { "--key", 1, NULL } };
	struct au_repo_signers keys;
	const char *pos[3];
	json_t *s = NULL;
	char *text = NULL, sha[65];
	size_t len = 0;
	int rc;

	memset(&keys, 0, sizeof(keys));
	if ((rc = au_repo_args(argc, argv, opts, 1, pos, 3, 3, diag)) != 0)
		return rc;
	if (!role_ok(pos[1]))
		return au_diag_set(diag, AU_EUSAGE, "ROLE must be root, targets, "
		    "snapshot or timestamp, not \"%s\"", pos[1]);
	if ((rc = read_signed(pos[2], &s, diag)) != 0)
		return rc;
	rc = load_signers(pos[0], pos[1], opts[0].value, &keys, diag);
	if (rc == 0)
		rc = au_repo_envelope(s, keys.key, keys.n, &text, &len, diag);
	if (rc == 0)
		rc = au_file_replace(pos[2], text, len, 0644, diag);
	if (rc == 0) {
		au_repo_sha256_hex(text, len, sha);
		printf("length=%zu sha256=%s\n", len, sha);
	}
	au_repo_signers_free(&keys);
	free(text);
	json_decref(s);
	return rc;
}
