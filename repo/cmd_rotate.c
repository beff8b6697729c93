/* SPDX-License-Identifier: ISC */
/*
 * repo/cmd_rotate.c - `aiupdate-repo rotate DIR ROLE [--threshold N]
 * [--add-key FILE.pub] [--remove-key KEYID] [--new-key] [--expires D]`:
 * change the keys or threshold of a top-level role in root version N+1,
 * signed by a threshold of the old root keys and of the new ones (TUF 1.0
 * section 5.3.4), then re-sign what the role signs (targets, snapshot and
 * timestamp through `publish`) so that the repository stays consistent.
 *
 * Order: every check and signature in memory first (new key files are
 * written first because signing reads keys from DIR/keys, and removed
 * again on failure), then N+1.root.json and root.json, then the re-signed
 * metadata, timestamp last, then repo.json.
 */
#include "repo/repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/key_json.h"
#include "manifest/json.h"
#include "port/port.h"

#include "port/ban.h"

#define KEYID_PREFIX_MIN 8	/* hex digits of --remove-key at least */

enum { O_THRESHOLD, O_ADD, O_REMOVE, O_NEW, O_EXPIRES, O_COUNT };

struct rotate {
	const char *dir;
	const char *role;
	struct au_repo_opt opt[O_COUNT];
	int64_t now;
	json_t *state, *cur, *next;	/* repo.json; current and next root signed */
	json_t *keyids;			/* next.roles[role].keyids (borrowed) */
	char *cur_text, *text;		/* current and new root envelopes */
	size_t cur_len, len;
	char created[2][AU_REPO_PATH_MAX];	/* files to remove on failure */
	char new_prefix[AU_REPO_PATH_MAX];	/* --new-key: DIR/keys/ROLE-ID16 */
	char removed[65], added[65];
	int root_written;		/* from then on, keep the new key files */
};

/* A keyid from the root being edited; "" when it is not a string. */
static const char *
idstr(const json_t *id)
{
	return json_is_string(id) ? json_string_value(id) : "";
}

static int
role_ok(const char *role)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (strcmp(role, au_repo_roles[i]) == 0)
			return 1;
	return 0;
}

/* Index of the keyid in rt->keyids matching prefix (full or unique). */
static int
find_keyid(const struct rotate *rt, const char *prefix, size_t *index,
    struct au_diag *diag)
{
	size_t i, n = strlen(prefix), hits = 0;
	const json_t *id;

	if (n < KEYID_PREFIX_MIN || n > 64 || strspn(prefix,
	    "0123456789abcdef") != n)
		return au_diag_set(diag, AU_EUSAGE, "--remove-key %s: give the keyid "
		    "(at least %d lowercase hex digits; `aiupdate-repo status` lists "
		    "them)", prefix, KEYID_PREFIX_MIN);
	json_array_foreach(rt->keyids, i, id) {
		if (strncmp(idstr(id), prefix, n) == 0) {
			*index = i;
			hits++;
		}
	}
	if (hits != 1)
		return au_diag_set(diag, AU_EUSAGE, "--remove-key %s: %s keyid of "
		    "role %s starts with it", prefix, hits ? "more than one" : "no",
		    rt->role);
	return 0;
}

static int
remove_key(struct rotate *rt, struct au_diag *diag)
{
	size_t i = 0;
	int rc;

	if ((rc = find_keyid(rt, rt->opt[O_REMOVE].value, &i, diag)) != 0)
		return rc;
	(void)snprintf(rt->removed, sizeof(rt->removed), "%s",
	    idstr(json_array_get(rt->keyids, i)));
	if (json_array_remove(rt->keyids, i) != 0)
		return au_diag_set(diag, AU_EINTERNAL, "removing a keyid failed");
	return 0;
}

/* List keyobj (new reference, stolen) under keyid in next.keys and the role. */
static int
list_key(struct rotate *rt, const char *keyid, json_t *keyobj,
    struct au_diag *diag)
{
	const json_t *id;
	size_t i;

	json_array_foreach(rt->keyids, i, id) {
		if (strcmp(idstr(id), keyid) == 0) {
			json_decref(keyobj);
			return au_diag_set(diag, AU_EUSAGE, "key %.16s... is already a "
			    "%s key", keyid, rt->role);
		}
	}
	if (json_object_set_new(json_object_get(rt->next, "keys"), keyid,
	    keyobj) != 0 || json_array_append_new(rt->keyids,
	    json_string(keyid)) != 0)
		return au_diag_set(diag, AU_ENOMEM, "building the new root failed");
	return 0;
}

/* Read and check FILE.pub: a key object a device can verify with. */
static int
read_pub(const char *file, json_t **out, char keyid[65], struct au_diag *diag)
{
	struct au_key *k = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if ((rc = au_file_read_all(file, AU_REPO_PUBKEY_MAX, &buf, &len, diag)) != 0)
		return rc;
	rc = au_json_parse(buf, len, AU_REPO_PUBKEY_MAX, out, diag);
	free(buf);
	if (rc == 0 && (rc = au_key_parse(*out, &k, diag)) == 0 &&
	    au_key_type(k) == AU_KEY_UNSUPPORTED)
		rc = AU_EMETA_MALFORMED;
	au_key_free(k);
	if (rc == 0)
		rc = au_key_id(*out, keyid, diag);
	if (rc != 0 && rc != AU_ENOMEM)
		rc = au_diag_set(diag, AU_EUSAGE, "--add-key %s is not a public key "
		    "object of a supported type (as keys/*.pub)", file);
	return rc;
}

/* Keep a copy of an added public key in DIR/keys unless one is there. */
static int
keep_pub(struct rotate *rt, const json_t *pub, const char *keyid,
    struct au_diag *diag)
{
	char name[AU_REPO_KEYNAME_MAX], rel[AU_REPO_KEYNAME_MAX + 32], *text = NULL;
	size_t len = 0;
	int rc;

	if ((rc = au_repo_pub_find(rt->dir, keyid, name, diag)) != 0 || name[0])
		return rc;
	(void)snprintf(rel, sizeof(rel), "keys/%s-%.16s.pub", rt->role, keyid);
	if ((rc = au_repo_path(rt->created[1], sizeof(rt->created[1]), rt->dir,
	    rel, diag)) != 0 || (rc = au_json_canonical(pub, &text, &len, diag)) != 0)
		return rc;
	rc = au_file_replace(rt->created[1], text, len, 0644, diag);
	free(text);
	return rc;
}

static int
add_key(struct rotate *rt, struct au_diag *diag)
{
	json_t *pub = NULL;
	int rc;

	if ((rc = read_pub(rt->opt[O_ADD].value, &pub, rt->added, diag)) != 0) {
		json_decref(pub);
		return rc;
	}
	if ((rc = list_key(rt, rt->added, json_incref(pub), diag)) == 0)
		rc = keep_pub(rt, pub, rt->added, diag);
	json_decref(pub);
	return rc;
}

/* --new-key: DIR/keys/ROLE-ID16.key (0600) and .pub, listed for the role. */
static int
new_key(struct rotate *rt, struct au_diag *diag)
{
	char base[AU_REPO_PATH_MAX], rel[64], keyid[65];
	char path[AU_REPO_PATH_MAX + 8];
	uint8_t *buf = NULL;
	json_t *pub = NULL;
	size_t len = 0;
	int rc;

	(void)snprintf(rel, sizeof(rel), "keys/%s", rt->role);
	if ((rc = au_repo_path(base, sizeof(base), rt->dir, rel, diag)) != 0 ||
	    (rc = au_repo_key_create(base, 1, keyid, rt->new_prefix,
	    sizeof(rt->new_prefix), diag)) != 0)
		return rc;
	(void)snprintf(rt->created[0], sizeof(rt->created[0]), "%s",
	    rt->new_prefix);
	(void)snprintf(path, sizeof(path), "%s.pub", rt->new_prefix);
	if ((rc = au_file_read_all(path, AU_REPO_PUBKEY_MAX, &buf, &len, diag)) == 0)
		rc = au_json_parse(buf, len, AU_REPO_PUBKEY_MAX, &pub, diag);
	free(buf);
	if (rc != 0) {
		json_decref(pub);
		return rc;
	}
	return list_key(rt, keyid, pub, diag);
}

static int
set_threshold(struct rotate *rt, struct au_diag *diag)
{
	json_t *r = json_object_get(json_object_get(rt->next, "roles"), rt->role);
	const char *text = rt->opt[O_THRESHOLD].value;
	size_t nkeys = json_array_size(rt->keyids);
	char *end = NULL;
	long t = -1;

	if (text != NULL) {
		t = strtol(text, &end, 10);
		if (end == text || *end != '\0' || t < 1 || t > AU_TUF_MAX_ROLE_KEYS)
			return au_diag_set(diag, AU_EUSAGE, "--threshold %s: give an "
			    "integer from 1 to %d", text, AU_TUF_MAX_ROLE_KEYS);
		if (json_object_set_new(r, "threshold", json_integer(t)) != 0)
			return au_diag_set(diag, AU_ENOMEM, "building the new root failed");
	}
	t = (long)json_integer_value(json_object_get(r, "threshold"));
	if (nkeys == 0 || (size_t)t > nkeys)
		return au_diag_set(diag, AU_EUSAGE, "role %s would have %zu key(s) and "
		    "threshold %ld; it needs at least one key and no more than "
		    "its number of keys as threshold", rt->role, nkeys, t);
	return 0;
}

static int
keyid_used(const json_t *roles, const char *keyid)
{
	const json_t *r, *id;
	const char *name;
	size_t i;

	json_object_foreach((json_t *)roles, name, r) {
		json_array_foreach(json_object_get(r, "keyids"), i, id)
			if (strcmp(idstr(id), keyid) == 0)
				return 1;
	}
	return 0;
}

/* Drop keys no role lists any more (TUF 1.0 section 4.3 "keys"). */
static void
prune_keys(json_t *next)
{
	json_t *keys = json_object_get(next, "keys"), *v;
	const json_t *roles = json_object_get(next, "roles");
	const char *keyid;
	void *tmp;

	json_object_foreach_safe(keys, tmp, keyid, v) {
		if (!keyid_used(roles, keyid))
			(void)json_object_del(keys, keyid);
	}
}

/* The next root's signed part with every requested change. */
static int
build_next(struct rotate *rt, int64_t secs, struct au_diag *diag)
{
	json_t *r;
	int rc = 0;

	if ((rt->next = au_repo_root_next(rt->cur, rt->now, secs)) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "building the new root failed");
	r = json_object_get(json_object_get(rt->next, "roles"), rt->role);
	rt->keyids = json_object_get(r, "keyids");
	if (!json_is_array(rt->keyids))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "the root has no keyids "
		    "for role %s", rt->role);
	if (rt->opt[O_REMOVE].value != NULL)
		rc = remove_key(rt, diag);
	if (rc == 0 && rt->opt[O_ADD].value != NULL)
		rc = add_key(rt, diag);
	if (rc == 0 && rt->opt[O_NEW].value != NULL)
		rc = new_key(rt, diag);
	if (rc == 0)
		rc = set_threshold(rt, diag);
	if (rc == 0)
		prune_keys(rt->next);
	return rc;
}

/* Remove the key files this run created (it failed). */
static void
undo_files(const struct rotate *rt)
{
	char path[AU_REPO_PATH_MAX + 8];

	if (rt->created[0][0] != '\0') {
		(void)snprintf(path, sizeof(path), "%s.key", rt->created[0]);
		if (au_unlink(path, NULL) != 0) {
			/* best effort: the key is listed nowhere */
		}
		(void)snprintf(path, sizeof(path), "%s.pub", rt->created[0]);
		if (au_unlink(path, NULL) != 0) {
			/* best effort */
		}
	}
	if (rt->created[1][0] != '\0' && au_unlink(rt->created[1], NULL) != 0) {
		/* best effort */
	}
}

static void
report(const struct rotate *rt, int64_t version)
{
	const json_t *r = json_object_get(json_object_get(rt->next, "roles"),
	    rt->role), *id;
	size_t i;

	printf("root version %" PRId64 ": role %s threshold %" PRId64 " keyids",
	    version, rt->role, (int64_t)json_integer_value(json_object_get(r,
	    "threshold")));
	json_array_foreach(json_object_get(r, "keyids"), i, id)
		printf(" %.16s", idstr(id));
	printf("\n");
	if (rt->removed[0] != '\0')
		printf("removed key %s; destroy its private key file if this "
		    "machine holds it\n", rt->removed);
	if (rt->new_prefix[0] != '\0')
		printf("new key %s.key (keep it private)\n", rt->new_prefix);
	if (rt->created[1][0] != '\0')
		printf("added key %s: its private key, if this machine is to sign "
		    "with it, goes beside it as .key (mode 0600)\n", rt->created[1]);
}

/* Sign root N+1 and, for another role, what it signs; then write it all. */
static int
sign_and_write(struct rotate *rt, struct au_diag *diag)
{
	struct au_repo_publish *pub = NULL;
	int64_t version = json_integer_value(json_object_get(rt->next, "version"));
	int rc;

	rc = au_repo_root_sign(rt->dir, rt->cur_text, rt->cur_len, rt->cur,
	    rt->next, rt->now, &rt->text, &rt->len, diag);
	if (rc == 0 && strcmp(rt->role, "root") != 0)
		rc = au_repo_publish_prepare(rt->dir, rt->text, rt->len, NULL, 0,
		    &pub, diag);
	if (rc != 0) {
		au_repo_publish_free(pub);
		return rc;
	}
	rc = au_repo_root_write(rt->dir, version, rt->text, rt->len, diag);
	rt->root_written = 1;	/* even half written: the files may be listed */
	if (rc == 0)
		rc = pub != NULL ? au_repo_publish_commit(pub, version, diag) :
		    au_repo_state_save_root(rt->dir, rt->state, version, diag);
	if (rc == 0) {
		report(rt, version);
		if (pub != NULL)
			au_repo_publish_report(pub);
	}
	au_repo_publish_free(pub);
	return rc;
}

static int
parse(struct rotate *rt, int argc, char **argv, int64_t *secs,
    struct au_diag *diag)
{
	static const char *const names[O_COUNT] = { "--threshold", "--add-key",
	    "--remove-key", "--new-key", "--expires" };
	const char *pos[2];
	int i, rc;

	for (i = 0; i < O_COUNT; i++) {
		rt->opt[i].name = names[i];
		rt->opt[i].takes_value = i != O_NEW;
	}
	if ((rc = au_repo_args(argc, argv, rt->opt, O_COUNT, pos, 2, 2, diag)) != 0)
		return rc;
	rt->dir = pos[0];
	rt->role = pos[1];
	if (!role_ok(rt->role))
		return au_diag_set(diag, AU_EUSAGE, "ROLE must be root, targets, "
		    "snapshot or timestamp, not \"%s\"", rt->role);
	if (rt->opt[O_THRESHOLD].value == NULL && rt->opt[O_ADD].value == NULL &&
	    rt->opt[O_REMOVE].value == NULL && rt->opt[O_NEW].value == NULL)
		return au_diag_set(diag, AU_EUSAGE, "rotate: nothing to change; give "
		    "--new-key, --add-key, --remove-key or --threshold (to renew the "
		    "root alone: aiupdate-repo root)");
	*secs = AU_REPO_ROOT_EXPIRES;
	if (rt->opt[O_EXPIRES].value != NULL &&
	    ((rc = au_repo_duration(rt->opt[O_EXPIRES].value, secs, diag)) != 0 ||
	    *secs <= 0))
		return rc != 0 ? rc : au_diag_set(diag, AU_EUSAGE, "--expires %s: "
		    "a root must expire in the future", rt->opt[O_EXPIRES].value);
	return 0;
}

int
au_repo_cmd_rotate(int argc, char **argv, struct au_diag *diag)
{
	struct rotate *rt = calloc(1, sizeof(*rt));
	int64_t secs = 0;
	int rc;

	if (rt == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	rt->now = au_now();
	rc = parse(rt, argc, argv, &secs, diag);
	if (rc == 0)
		rc = au_repo_state_load(rt->dir, &rt->state, diag);
	if (rc == 0)
		rc = au_repo_root_load(rt->dir, rt->state, &rt->cur_text,
		    &rt->cur_len, &rt->cur, diag);
	if (rc == 0)
		rc = build_next(rt, secs, diag);
	if (rc == 0)
		rc = sign_and_write(rt, diag);
	if (rc != 0 && !rt->root_written)
		undo_files(rt);
	json_decref(rt->state);
	json_decref(rt->cur);
	json_decref(rt->next);
	free(rt->cur_text);
	free(rt->text);
	free(rt);
	return rc;
}
