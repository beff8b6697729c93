/* SPDX-License-Identifier: ISC */
/* repo/cmd_init.c - `aiupdate-repo init DIR`: keys, repo.json and root version 1. */
#include "repo/repo.h"

#include <stdio.h>
#include <stdlib.h>

#include "manifest/json.h"
#include "manifest/tuf.h"
#include "port/port.h"

#include "port/ban.h"

static const char *const init_dirs[] = {
	"staged", "public/metadata", "public/targets",
};

/* Refuse a directory that already holds a repository or keys. */
static int
check_fresh(const char *dir, struct au_diag *diag)
{
	static const char *const marks[] = { "repo.json", "keys/root.key" };
	char path[AU_REPO_PATH_MAX];
	struct au_stat st;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		if ((rc = au_repo_path(path, sizeof(path), dir, marks[i], diag)) != 0 ||
		    (rc = au_stat(path, &st, diag)) != 0)
			return rc;
		if (st.type != AU_FT_NONE)
			return au_diag_set(diag, AU_ECONFIG, "%s is already initialised "
			    "(%s exists); refusing to overwrite its keys", dir, path);
	}
	return 0;
}

static int
make_dirs(const char *dir, struct au_diag *diag)
{
	char path[AU_REPO_PATH_MAX];
	size_t i;
	int rc;

	if ((rc = au_mkdir_p(dir, 0755, diag)) != 0 ||
	    (rc = au_repo_path(path, sizeof(path), dir, "keys", diag)) != 0 ||
	    (rc = au_mkdir_p(path, 0700, diag)) != 0)
		return rc;
	for (i = 0; i < sizeof(init_dirs) / sizeof(init_dirs[0]); i++)
		if ((rc = au_repo_path(path, sizeof(path), dir, init_dirs[i], diag)) != 0 ||
		    (rc = au_mkdir_p(path, 0755, diag)) != 0)
			return rc;
	return 0;
}

/* Write DIR/keys/ROLE.pub (canonical public key object). */
static int
write_pub(const char *dir, const char *role, const json_t *pub,
    struct au_diag *diag)
{
	char rel[64], path[AU_REPO_PATH_MAX], *text = NULL;
	size_t len = 0;
	int rc;

	if (snprintf(rel, sizeof(rel), "keys/%s.pub", role) >= (int)sizeof(rel))
		return au_diag_set(diag, AU_EINTERNAL, "role name too long");
	if ((rc = au_repo_path(path, sizeof(path), dir, rel, diag)) != 0 ||
	    (rc = au_json_canonical(pub, &text, &len, diag)) != 0)
		return rc;
	rc = au_file_replace(path, text, len, 0644, diag);
	free(text);
	return rc;
}

/* Generate ROLE's key, store it, and list it in the root's keys and roles. */
static int
make_role_key(const char *dir, const char *role, json_t *root,
    struct au_signkey **out, struct au_diag *diag)
{
	char rel[64], path[AU_REPO_PATH_MAX], keyid[65];
	struct au_signkey *k = NULL;
	json_t *pub = NULL;
	int rc;

	if (snprintf(rel, sizeof(rel), "keys/%s.key", role) >= (int)sizeof(rel))
		return au_diag_set(diag, AU_EINTERNAL, "role name too long");
	if ((rc = au_repo_path(path, sizeof(path), dir, rel, diag)) != 0 ||
	    (rc = au_signkey_generate(&k, diag)) != 0)
		return rc;
	if ((rc = au_signkey_save(k, path, diag)) != 0 ||
	    (rc = au_repo_key_json(k, &pub, diag)) != 0 ||
	    (rc = write_pub(dir, role, pub, diag)) != 0 ||
	    (rc = au_repo_keyid(k, keyid, diag)) != 0)
		goto out;
	if (json_object_set(json_object_get(root, "keys"), keyid, pub) != 0 ||
	    json_object_set_new(json_object_get(root, "roles"), role,
	    json_pack("{s:[s], s:i}", "keyids", keyid, "threshold", 1)) != 0)
		rc = au_diag_set(diag, AU_ENOMEM, "building root.json failed");
out:
	json_decref(pub);
	if (rc == 0)
		*out = k;
	else
		au_signkey_free(k);
	return rc;
}

/* The root's "signed" part without keys yet (TUF 1.0 section 4.3). */
static json_t *
root_skeleton(int64_t now)
{
	return json_pack("{s:s, s:s, s:b, s:i, s:o, s:{}, s:{}}",
	    "_type", "root", "spec_version", AU_REPO_SPEC_VERSION,
	    "consistent_snapshot", 0, "version", 1,
	    "expires", au_repo_expires(now, AU_REPO_ROOT_EXPIRES),
	    "keys", "roles");
}

/* Self-check, then write 1.root.json and root.json. */
static int
write_root(const char *dir, const char *text, size_t len, int64_t now,
    struct au_diag *diag)
{
	static const char *const names[] = { "public/metadata/1.root.json",
	    "public/metadata/root.json" };
	char path[AU_REPO_PATH_MAX];
	struct au_trusted *t = NULL;
	size_t i;
	int rc;

	rc = au_trusted_new((const uint8_t *)text, len, &t, diag);
	if (rc == 0)
		rc = au_trusted_check_root(t, now, diag);
	au_trusted_free(t);
	for (i = 0; rc == 0 && i < sizeof(names) / sizeof(names[0]); i++)
		if ((rc = au_repo_path(path, sizeof(path), dir, names[i], diag)) == 0)
			rc = au_file_replace(path, text, len, 0644, diag);
	return rc;
}

static int
save_initial_state(const char *dir, struct au_diag *diag)
{
	json_t *st = json_pack("{s:i, s:{s:i, s:i, s:i, s:i}, s:{}}", "format", 1,
	    "versions", "root", 1, "targets", 0, "snapshot", 0, "timestamp", 0,
	    "targets");
	int rc;

	if (st == NULL)
		return au_diag_set(diag, AU_ENOMEM, "building repo.json failed");
	rc = au_repo_state_save(dir, st, diag);
	json_decref(st);
	return rc;
}

/* Create the four role keys and sign root version 1 into text. */
static int
build_root(const char *dir, int64_t now, char **text, size_t *len,
    struct au_diag *diag)
{
	struct au_signkey *keys[4] = { NULL, NULL, NULL, NULL };
	json_t *root = root_skeleton(now);
	size_t i;
	int rc = 0;

	if (root == NULL)
		return au_diag_set(diag, AU_ENOMEM, "building root.json failed");
	for (i = 0; rc == 0 && i < 4; i++)
		rc = make_role_key(dir, au_repo_roles[i], root, &keys[i], diag);
	if (rc == 0)
		rc = au_repo_envelope(root, keys, 1, text, len, diag);	/* root key */
	for (i = 0; i < 4; i++)
		au_signkey_free(keys[i]);
	json_decref(root);
	return rc;
}

int
au_repo_cmd_init(int argc, char **argv, struct au_diag *diag)
{
	const char *pos[1];
	int64_t now = au_now();
	char *text = NULL;
	size_t len = 0;
	int rc;

	if ((rc = au_repo_args(argc, argv, NULL, 0, pos, 1, 1, diag)) != 0 ||
	    (rc = check_fresh(pos[0], diag)) != 0 ||
	    (rc = make_dirs(pos[0], diag)) != 0)
		return rc;
	rc = build_root(pos[0], now, &text, &len, diag);
	if (rc == 0)
		rc = write_root(pos[0], text, len, now, diag);
	if (rc == 0)
		rc = save_initial_state(pos[0], diag);
	free(text);
	if (rc == 0)
		printf("initialised %s: keys in %s/keys (keep them offline), root "
		    "version 1 in %s/public/metadata/root.json\n", pos[0], pos[0], pos[0]);
	return rc;
}
