/* SPDX-License-Identifier: ISC */
/*
 * repo/rootsign.c - the next root version (TUF 1.0 sections 4.3 and 5.3):
 * read the published root, sign root N+1 with a threshold of the old and of
 * the new root keys, check it with the client's own code, write it.
 */
#include "repo/repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/json.h"
#include "port/port.h"

#include "port/ban.h"

int
au_repo_root_load(const char *dir, const json_t *state, char **text,
    size_t *len, json_t **signed_part, struct au_diag *diag)
{
	char path[AU_REPO_PATH_MAX];
	uint8_t *buf = NULL;
	json_t *doc = NULL, *s;
	int64_t want = au_repo_state_version(state, "root"), got;
	int rc;

	if ((rc = au_repo_path(path, sizeof(path), dir, "public/metadata/root.json",
	    diag)) != 0 ||
	    (rc = au_file_read_all(path, AU_ROOT_MAX_BYTES, &buf, len, diag)) != 0)
		return rc;
	if ((rc = au_json_parse(buf, *len, AU_ROOT_MAX_BYTES, &doc, diag)) != 0) {
		free(buf);
		return rc;
	}
	s = json_object_get(doc, "signed");
	got = json_integer_value(json_object_get(s, "version"));
	if (!json_is_object(s) || got != want) {
		json_decref(doc);
		free(buf);
		return au_diag_set(diag, AU_ECONFIG, "%s is root version %" PRId64
		    " but repo.json records version %" PRId64 "; restore the "
		    "newest N.root.json as root.json", path, got, want);
	}
	*signed_part = json_incref(s);
	json_decref(doc);
	*text = (char *)buf;
	return 0;
}

/* What a client holding cur would do with next (5.3), at now. */
static int
client_check(const char *cur, size_t cur_len, const char *next,
    size_t next_len, int64_t now, struct au_diag *diag)
{
	struct au_trusted *t = NULL;
	int rc;

	rc = au_trusted_new((const uint8_t *)cur, cur_len, &t, diag);
	if (rc == 0)
		rc = au_trusted_update_root(t, (const uint8_t *)next, next_len, diag);
	if (rc == 0)
		rc = au_trusted_check_root(t, now, diag);
	au_trusted_free(t);
	if (rc != 0)
		rc = au_diag_set(diag, rc, "the new root would be refused by "
		    "devices: %s", diag != NULL ? diag->msg : "");
	return rc;
}

int
au_repo_root_sign(const char *dir, const char *cur_text, size_t cur_len,
    const json_t *cur_signed, json_t *next_signed, int64_t now, char **out,
    size_t *out_len, struct au_diag *diag)
{
	struct au_repo_signers s;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = au_repo_signers_load(dir, cur_signed, "root", 1, &s, diag);
	if (rc == 0)
		rc = au_repo_signers_load(dir, next_signed, "root", 1, &s, diag);
	if (rc == 0)
		rc = au_repo_envelope(next_signed, s.key, s.n, out, out_len, diag);
	au_repo_signers_free(&s);
	if (rc == 0 && (rc = client_check(cur_text, cur_len, *out, *out_len, now,
	    diag)) != 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int
au_repo_root_write(const char *dir, int64_t version, const char *text,
    size_t len, struct au_diag *diag)
{
	char rel[64], path[AU_REPO_PATH_MAX];
	int rc;

	(void)snprintf(rel, sizeof(rel), "public/metadata/%" PRId64 ".root.json",
	    version);
	if ((rc = au_repo_path(path, sizeof(path), dir, rel, diag)) != 0 ||
	    (rc = au_file_replace(path, text, len, 0644, diag)) != 0 ||
	    (rc = au_repo_path(path, sizeof(path), dir, "public/metadata/root.json",
	    diag)) != 0)
		return rc;
	return au_file_replace(path, text, len, 0644, diag);
}

json_t *
au_repo_root_next(const json_t *cur, int64_t now, int64_t secs)
{
	json_t *next = json_deep_copy(cur);
	json_int_t v = json_integer_value(json_object_get(cur, "version"));

	if (next == NULL || json_object_set_new(next, "version",
	    json_integer(v + 1)) != 0 || json_object_set_new(next, "expires",
	    au_repo_expires(now, secs)) != 0) {
		json_decref(next);
		return NULL;
	}
	return next;
}
