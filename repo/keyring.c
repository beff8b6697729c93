/* SPDX-License-Identifier: ISC */
/*
 * repo/keyring.c - the publisher's private keys, found by keyid: the key of
 * keyid K is DIR/keys/NAME.key beside the DIR/keys/NAME.pub whose keyid
 * (TUF 1.0 section 4.2) is K.  Only the keys a role lists are loaded.
 */
#include "repo/repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/key_json.h"
#include "manifest/json.h"
#include "port/port.h"

#include "port/ban.h"

#define MISSING_MAX 400	/* bytes of the missing-files list in a message */

struct pubscan {
	const char *dir;
	const char *keyid;	/* wanted */
	char *name;		/* out: base name, AU_REPO_KEYNAME_MAX */
	size_t seen;
	int rc;
	struct au_diag *diag;
};

/* keyid of the public key object in DIR/keys/FILE. */
static int
pub_keyid(const char *dir, const char *file, char keyid[65],
    struct au_diag *diag)
{
	char rel[AU_REPO_KEYNAME_MAX + 16], path[AU_REPO_PATH_MAX];
	uint8_t *buf = NULL;
	json_t *obj = NULL;
	size_t len = 0;
	int rc;

	if (snprintf(rel, sizeof(rel), "keys/%s", file) >= (int)sizeof(rel))
		return au_diag_set(diag, AU_ECONFIG, "key file name too long: %s", file);
	if ((rc = au_repo_path(path, sizeof(path), dir, rel, diag)) != 0 ||
	    (rc = au_file_read_all(path, AU_REPO_PUBKEY_MAX, &buf, &len, diag)) != 0)
		return rc;
	rc = au_json_parse(buf, len, AU_REPO_PUBKEY_MAX, &obj, diag);
	free(buf);
	if (rc == 0)
		rc = au_key_id(obj, keyid, diag);
	json_decref(obj);
	if (rc != 0 && rc != AU_ENOMEM)
		rc = au_diag_set(diag, AU_ECONFIG, "%s is not a public key object "
		    "(%s)", path, diag != NULL ? diag->msg : "");
	return rc;
}

static int
scan_one(const char *name, void *arg)
{
	struct pubscan *s = arg;
	size_t n = strlen(name);
	char keyid[65];

	if (n <= 4 || strcmp(name + n - 4, ".pub") != 0)
		return 0;
	if (n - 4 >= AU_REPO_KEYNAME_MAX || ++s->seen > AU_REPO_KEYS_MAX) {
		s->rc = au_diag_set(s->diag, AU_ECONFIG, "%s/keys holds a name over "
		    "%d bytes or more than %d .pub files", s->dir,
		    AU_REPO_KEYNAME_MAX - 1, AU_REPO_KEYS_MAX);
		return 1;
	}
	if ((s->rc = pub_keyid(s->dir, name, keyid, s->diag)) != 0)
		return 1;
	if (strcmp(keyid, s->keyid) != 0)
		return 0;
	/* the first match in directory order; ties are the same key anyway */
	memcpy(s->name, name, n - 4);
	s->name[n - 4] = '\0';
	return 1;
}

int
au_repo_pub_find(const char *dir, const char *keyid,
    char name[AU_REPO_KEYNAME_MAX], struct au_diag *diag)
{
	struct pubscan s = { dir, keyid, name, 0, 0, diag };
	char path[AU_REPO_PATH_MAX];
	int rc;

	name[0] = '\0';
	if ((rc = au_repo_path(path, sizeof(path), dir, "keys", diag)) != 0)
		return rc;
	rc = au_dir_list(path, scan_one, &s, diag);
	if (s.rc != 0)
		return s.rc;
	if (rc == 1)
		return 0;
	return rc;
}

static int
signers_has(const struct au_repo_signers *s, const char *keyid)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->keyid[i], keyid) == 0)
			return 1;
	return 0;
}

/* Add key to s unless its keyid is there already; takes ownership. */
static int
signers_put(struct au_repo_signers *s, struct au_signkey *key,
    const char *keyid, struct au_diag *diag)
{
	if (signers_has(s, keyid)) {
		au_signkey_free(key);
		return 0;
	}
	if (s->n == AU_TUF_MAX_ROLE_KEYS) {
		au_signkey_free(key);
		return au_diag_set(diag, AU_ECONFIG, "more than %d signing keys",
		    AU_TUF_MAX_ROLE_KEYS);
	}
	(void)snprintf(s->keyid[s->n], sizeof(s->keyid[s->n]), "%s", keyid);
	s->key[s->n++] = key;
	return 0;
}

int
au_repo_signers_add_file(const char *path, struct au_repo_signers *s,
    struct au_diag *diag)
{
	struct au_signkey *key = NULL;
	char keyid[65];
	int rc;

	if ((rc = au_signkey_load(path, &key, diag)) != 0)
		return rc;
	if ((rc = au_repo_keyid(key, keyid, diag)) != 0) {
		au_signkey_free(key);
		return rc;
	}
	return signers_put(s, key, keyid, diag);
}

/* Append " PATH" (or a note) to the missing list. */
static void
missing_add(char *list, const char *dir, const char *name, const char *keyid)
{
	size_t used = strlen(list);
	int n;

	if (name[0] != '\0')
		n = snprintf(list + used, MISSING_MAX - used, " %s/keys/%s.key",
		    dir, name);
	else
		n = snprintf(list + used, MISSING_MAX - used, " (keyid %.16s...: "
		    "no .pub in %s/keys either)", keyid, dir);
	if (n < 0 || (size_t)n >= MISSING_MAX - used)
		list[MISSING_MAX - 1] = '\0';
}

/*
 * Load the private key of keyid into s; *found = 0 (and name set, or empty)
 * when DIR/keys has no such key file.
 */
static int
load_keyid(const char *dir, const char *keyid, struct au_repo_signers *s,
    char name[AU_REPO_KEYNAME_MAX], int *found, struct au_diag *diag)
{
	char rel[AU_REPO_KEYNAME_MAX + 16], path[AU_REPO_PATH_MAX], got[65];
	struct au_signkey *key = NULL;
	struct au_stat st;
	int rc;

	*found = 0;
	if (signers_has(s, keyid)) {
		*found = 1;
		return 0;
	}
	if ((rc = au_repo_pub_find(dir, keyid, name, diag)) != 0 || name[0] == '\0')
		return rc;
	(void)snprintf(rel, sizeof(rel), "keys/%s.key", name);
	if ((rc = au_repo_path(path, sizeof(path), dir, rel, diag)) != 0 ||
	    (rc = au_stat(path, &st, diag)) != 0 || st.type == AU_FT_NONE)
		return rc;
	if ((rc = au_signkey_load(path, &key, diag)) != 0)
		return rc;
	if ((rc = au_repo_keyid(key, got, diag)) == 0 && strcmp(got, keyid) != 0)
		rc = au_diag_set(diag, AU_ECONFIG, "%s does not match the public key "
		    "beside it (%s/keys/%s.pub)", path, dir, name);
	if (rc != 0) {
		au_signkey_free(key);
		return rc;
	}
	*found = 1;
	return signers_put(s, key, keyid, diag);
}

int
au_repo_signers_load(const char *dir, const json_t *root_signed,
    const char *role, int need_threshold, struct au_repo_signers *s,
    struct au_diag *diag)
{
	const json_t *r = json_object_get(json_object_get(root_signed, "roles"), role);
	const json_t *ids = json_object_get(r, "keyids"), *id;
	json_int_t threshold = json_integer_value(json_object_get(r, "threshold"));
	char missing[MISSING_MAX] = "", name[AU_REPO_KEYNAME_MAX];
	size_t i, have = 0;
	int found, rc;

	if (!json_is_array(ids) || threshold < 1)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "the root lists no "
		    "keyids or no threshold for role %s", role);
	json_array_foreach(ids, i, id) {
		if (!json_is_string(id))
			return au_diag_set(diag, AU_EMETA_MALFORMED, "role %s: a keyid "
			    "is not a string", role);
		rc = load_keyid(dir, json_string_value(id), s, name, &found, diag);
		if (rc != 0)
			return rc;
		if (found)
			have++;
		else
			missing_add(missing, dir, name, json_string_value(id));
	}
	if (have == 0 || (need_threshold && (json_int_t)have < threshold))
		return au_diag_set(diag, AU_ECONFIG, "role %s needs %lld signature(s) "
		    "but only %zu of its %zu private key(s) are present; missing:%s",
		    role, (long long)(need_threshold ? threshold : 1), have,
		    json_array_size(ids), missing);
	return 0;
}

void
au_repo_signers_free(struct au_repo_signers *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		au_signkey_free(s->key[i]);
	memset(s, 0, sizeof(*s));
}

/* Write path (must not exist) with the canonical public key object of k. */
static int
write_pub(const struct au_signkey *k, const char *path, struct au_diag *diag)
{
	json_t *pub = NULL;
	struct au_stat st;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if ((rc = au_stat(path, &st, diag)) != 0)
		return rc;
	if (st.type != AU_FT_NONE)
		return au_diag_set(diag, AU_ECONFIG, "%s exists; refusing to "
		    "overwrite it", path);
	if ((rc = au_repo_key_json(k, &pub, diag)) == 0 &&
	    (rc = au_json_canonical(pub, &text, &len, diag)) == 0)
		rc = au_file_replace(path, text, len, 0644, diag);
	json_decref(pub);
	free(text);
	return rc;
}

int
au_repo_key_create(const char *base, int suffix_keyid, char keyid[65],
    char *prefix, size_t size, struct au_diag *diag)
{
	char path[AU_REPO_PATH_MAX];
	struct au_signkey *k = NULL;
	int n, rc;

	if ((rc = au_signkey_generate(&k, diag)) != 0)
		return rc;
	if ((rc = au_repo_keyid(k, keyid, diag)) != 0)
		goto out;
	n = suffix_keyid ? snprintf(prefix, size, "%s-%.16s", base, keyid) :
	    snprintf(prefix, size, "%s", base);
	if (n < 0 || (size_t)n >= size ||
	    snprintf(path, sizeof(path), "%s.pub", prefix) >= (int)sizeof(path)) {
		rc = au_diag_set(diag, AU_EUSAGE, "path too long: %s", base);
		goto out;
	}
	if ((rc = write_pub(k, path, diag)) != 0)
		goto out;
	memcpy(path + strlen(path) - 4, ".key", 4);
	if ((rc = au_signkey_save(k, path, diag)) != 0) {
		memcpy(path + strlen(path) - 4, ".pub", 4);
		if (au_unlink(path, NULL) != 0) {
			/* keep the first error */
		}
	}
out:
	au_signkey_free(k);
	return rc;
}
