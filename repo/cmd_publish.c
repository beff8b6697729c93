/* SPDX-License-Identifier: ISC */
/*
 * repo/cmd_publish.c - `aiupdate-repo publish DIR [--expires DURATION]`:
 * sign targets, snapshot and timestamp (TUF 1.0 sections 4.4-4.6) with
 * every private key present for each role, verify them with the client's
 * own code, then copy targets and write metadata.  `rotate` runs the same
 * steps against the new root it is about to write.
 */
#include "repo/repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "manifest/json.h"
#include "manifest/tuf.h"
#include "port/port.h"

#include "port/ban.h"

#define DEFAULT_TIMESTAMP_EXPIRES (7ll * 86400)
#define DEFAULT_EXPIRES (30ll * 86400)	/* snapshot and targets */

enum { R_TARGETS, R_SNAPSHOT, R_TIMESTAMP, R_COUNT };
static const char *const role_name[R_COUNT] = { "targets", "snapshot", "timestamp" };

struct au_repo_publish {
	const char *dir;
	json_t *state;
	int64_t now;
	int unsafe;			/* --unsafe-allow-invalid: not verified */
	char *root;			/* the root envelope the clients will hold */
	size_t root_len;
	json_t *root_signed;		/* its "signed" part */
	int64_t expires[R_COUNT];	/* seconds from now */
	int64_t version[R_COUNT];	/* the versions being published */
	struct au_repo_signers keys[R_COUNT];
	char *text[R_COUNT];		/* signed envelopes */
	size_t len[R_COUNT];
};

/* Common "signed" fields (TUF 1.0 section 4.3ff). */
static json_t *
role_signed(const struct au_repo_publish *p, int r)
{
	return json_pack("{s:s, s:s, s:I, s:o}", "_type", role_name[r],
	    "spec_version", AU_REPO_SPEC_VERSION, "version",
	    (json_int_t)p->version[r], "expires",
	    au_repo_expires(p->now, p->expires[r]));
}

/* Sign `body` (stolen) as role r's "signed" part into p->text[r]. */
static int
sign_role(struct au_repo_publish *p, int r, const char *field, json_t *body,
    struct au_diag *diag)
{
	json_t *s = role_signed(p, r);
	int rc;

	if (s == NULL || body == NULL || json_object_set_new(s, field, body) != 0) {
		json_decref(s);
		return au_diag_set(diag, AU_ENOMEM, "building %s.json failed",
		    role_name[r]);
	}
	rc = au_repo_envelope(s, p->keys[r].key, p->keys[r].n, &p->text[r],
	    &p->len[r], diag);
	json_decref(s);
	return rc;
}

/* targets: {NAME: {length, hashes, custom}} from repo.json. */
static json_t *
targets_body(const json_t *state)
{
	json_t *out = json_object(), *e;
	const char *name;

	json_object_foreach(json_object_get(state, "targets"), name, e) {
		if (out == NULL || json_object_set_new(out, name, json_pack(
		    "{s:O, s:O, s:O}", "length", json_object_get(e, "length"),
		    "hashes", json_object_get(e, "hashes"), "custom",
		    json_object_get(e, "custom"))) != 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static int
sign_all(struct au_repo_publish *p, struct au_diag *diag)
{
	char sha[65];
	int rc;

	rc = sign_role(p, R_TARGETS, "targets", targets_body(p->state), diag);
	if (rc == 0)
		rc = sign_role(p, R_SNAPSHOT, "meta", json_pack("{s:{s:I}}",
		    "targets.json", "version", (json_int_t)p->version[R_TARGETS]), diag);
	if (rc != 0)
		return rc;
	au_repo_sha256_hex(p->text[R_SNAPSHOT], p->len[R_SNAPSHOT], sha);
	return sign_role(p, R_TIMESTAMP, "meta", json_pack("{s:{s:I, s:I, s:{s:s}}}",
	    "snapshot.json", "version", (json_int_t)p->version[R_SNAPSHOT],
	    "length", (json_int_t)p->len[R_SNAPSHOT], "hashes", "sha256", sha), diag);
}

/* The signed target must be exactly what repo.json recorded. */
static int
check_target(const struct au_trusted *t, const char *name, const json_t *e,
    struct au_diag *diag)
{
	const char *want = json_string_value(json_object_get(json_object_get(e,
	    "hashes"), "sha256"));
	struct au_target tg;
	char got[65];
	int rc;

	if ((rc = au_trusted_find_target(t, name, &tg, diag)) != 0)
		return rc;
	got[0] = '\0';
	if (tg.has_sha256)
		sodium_bin2hex(got, sizeof(got), tg.sha256, sizeof(tg.sha256));
	if (tg.length != (uint64_t)json_integer_value(json_object_get(e, "length")) ||
	    want == NULL || strcmp(got, want) != 0)
		rc = au_diag_set(diag, AU_EMETA_HASH, "target %s: the client reads "
		    "another length or sha256 than repo.json records", name);
	au_target_clear(&tg);
	return rc;
}

/* Feed the new metadata through the client's verification, from the root. */
static int
self_verify(const struct au_repo_publish *p, struct au_diag *diag)
{
	struct au_trusted *t = NULL;
	const char *name;
	json_t *e;
	int rc;

	if ((rc = au_trusted_new((const uint8_t *)p->root, p->root_len, &t,
	    diag)) == 0 &&
	    (rc = au_trusted_check_root(t, p->now, diag)) == 0 &&
	    (rc = au_trusted_update_timestamp(t, (const uint8_t *)p->text[R_TIMESTAMP],
	    p->len[R_TIMESTAMP], p->now, NULL, diag)) == 0 &&
	    (rc = au_trusted_update_snapshot(t, (const uint8_t *)p->text[R_SNAPSHOT],
	    p->len[R_SNAPSHOT], p->now, diag)) == 0)
		rc = au_trusted_update_targets(t, (const uint8_t *)p->text[R_TARGETS],
		    p->len[R_TARGETS], p->now, diag);
	json_object_foreach(json_object_get(p->state, "targets"), name, e) {
		if (rc != 0)
			break;
		rc = check_target(t, name, e, diag);
	}
	au_trusted_free(t);
	return rc;
}

/* Copy one staged target to public/targets/NAME, unless it is already there. */
static int
copy_target(const char *dir, const char *name, const json_t *e,
    struct au_diag *diag)
{
	const char *want = json_string_value(json_object_get(json_object_get(e,
	    "hashes"), "sha256"));
	const char *file = json_string_value(json_object_get(e, "file"));
	char src[AU_REPO_PATH_MAX], dst[AU_REPO_PATH_MAX], rel[AU_REPO_PATH_MAX];
	struct au_repo_hashes h;
	struct au_stat st;
	int rc = 0;

	if (want == NULL || file == NULL || strncmp(file, "staged/", 7) != 0 ||
	    strlen(file) != 7 + 64 || strchr(file + 7, '/') != NULL)
		return au_diag_set(diag, AU_ECONFIG, "repo.json entry %s is malformed "
		    "(file must be staged/SHA256)", name);
	if (snprintf(rel, sizeof(rel), "public/targets/%s", name) >= (int)sizeof(rel) ||
	    (rc = au_repo_path(dst, sizeof(dst), dir, rel, diag)) != 0 ||
	    (rc = au_repo_path(src, sizeof(src), dir, file, diag)) != 0 ||
	    (rc = au_stat(dst, &st, diag)) != 0)
		return rc != 0 ? rc : au_diag_set(diag, AU_EUSAGE, "path too long: %s", name);
	if (st.type == AU_FT_FILE && au_repo_copy(dst, NULL, NULL, &h, NULL) == 0 &&
	    strcmp(h.sha256, want) == 0)
		return 0;	/* already published */
	if ((rc = au_repo_mkparents(dst, diag)) != 0)
		return rc;
	return au_repo_copy(src, dst, want, &h, diag);
}

/* Targets first, then targets.json, snapshot.json, timestamp.json last. */
static int
write_all(const struct au_repo_publish *p, struct au_diag *diag)
{
	char rel[64], path[AU_REPO_PATH_MAX];
	const char *name;
	json_t *e;
	int r, rc = 0;

	json_object_foreach(json_object_get(p->state, "targets"), name, e) {
		if ((rc = copy_target(p->dir, name, e, diag)) != 0)
			return rc;
	}
	for (r = 0; rc == 0 && r < R_COUNT; r++) {
		if (snprintf(rel, sizeof(rel), "public/metadata/%s.json",
		    role_name[r]) >= (int)sizeof(rel))
			return au_diag_set(diag, AU_EINTERNAL, "role name too long");
		if ((rc = au_repo_path(path, sizeof(path), p->dir, rel, diag)) == 0)
			rc = au_file_replace(path, p->text[r], p->len[r], 0644, diag);
	}
	return rc;
}

/* The root to sign against: given, or DIR/public/metadata/root.json. */
static int
take_root(struct au_repo_publish *p, const char *root, size_t len,
    struct au_diag *diag)
{
	json_t *doc = NULL;
	int rc;

	if (root == NULL)
		return au_repo_root_load(p->dir, p->state, &p->root, &p->root_len,
		    &p->root_signed, diag);
	if ((p->root = malloc(len + 1)) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "copying the root failed");
	memcpy(p->root, root, len);
	p->root_len = len;
	if ((rc = au_json_parse((const uint8_t *)root, len, AU_ROOT_MAX_BYTES,
	    &doc, diag)) != 0)
		return rc;
	p->root_signed = json_incref(json_object_get(doc, "signed"));
	json_decref(doc);
	if (!json_is_object(p->root_signed))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "the root has no "
		    "\"signed\" object");
	return 0;
}

/* Versions, expiry and keys for this run. */
static int
prepare(struct au_repo_publish *p, const char *expires, int unsafe,
    const char *root, size_t root_len, struct au_diag *diag)
{
	int64_t d = 0;
	int r, rc;

	p->expires[R_TARGETS] = p->expires[R_SNAPSHOT] = DEFAULT_EXPIRES;
	p->expires[R_TIMESTAMP] = DEFAULT_TIMESTAMP_EXPIRES;
	if (expires != NULL) {
		if ((rc = au_repo_duration(expires, &d, diag)) != 0)
			return rc;
		if (d <= 0 && !unsafe)
			return au_diag_set(diag, AU_EUSAGE, "--expires %s would publish "
			    "expired metadata; allowed only with --unsafe-allow-invalid",
			    expires);
		p->expires[R_TARGETS] = p->expires[R_SNAPSHOT] = d;
		p->expires[R_TIMESTAMP] = d;
	}
	if ((rc = au_repo_state_load(p->dir, &p->state, diag)) != 0 ||
	    (rc = take_root(p, root, root_len, diag)) != 0)
		return rc;
	for (r = 0; r < R_COUNT; r++) {
		p->version[r] = au_repo_state_version(p->state, role_name[r]) + 1;
		if ((rc = au_repo_signers_load(p->dir, p->root_signed, role_name[r],
		    1, &p->keys[r], diag)) != 0)
			return rc;
	}
	return 0;
}

static int
record_versions(const struct au_repo_publish *p, int64_t root_version,
    struct au_diag *diag)
{
	json_t *v = json_object_get(p->state, "versions");
	int r;

	for (r = 0; r < R_COUNT; r++)
		if (json_object_set_new(v, role_name[r], json_integer(p->version[r])) != 0)
			return au_diag_set(diag, AU_ENOMEM, "updating repo.json failed");
	if (root_version > 0 &&
	    json_object_set_new(v, "root", json_integer(root_version)) != 0)
		return au_diag_set(diag, AU_ENOMEM, "updating repo.json failed");
	return au_repo_state_save(p->dir, p->state, diag);
}

void
au_repo_publish_free(struct au_repo_publish *p)
{
	int r;

	if (p == NULL)
		return;
	for (r = 0; r < R_COUNT; r++) {
		au_repo_signers_free(&p->keys[r]);
		free(p->text[r]);
	}
	json_decref(p->state);
	json_decref(p->root_signed);
	free(p->root);
	free(p);
}

int
au_repo_publish_prepare(const char *dir, const char *root, size_t root_len,
    const char *expires, int unsafe, struct au_repo_publish **out,
    struct au_diag *diag)
{
	struct au_repo_publish *p = calloc(1, sizeof(*p));
	int rc;

	if (p == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	p->dir = dir;
	p->now = au_now();
	p->unsafe = unsafe;
	rc = prepare(p, expires, unsafe, root, root_len, diag);
	if (rc == 0)
		rc = sign_all(p, diag);
	if (rc == 0 && !unsafe)
		rc = self_verify(p, diag);
	if (rc != 0) {
		au_repo_publish_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int
au_repo_publish_commit(struct au_repo_publish *p, int64_t root_version,
    struct au_diag *diag)
{
	int rc = write_all(p, diag);

	if (rc == 0)
		rc = record_versions(p, root_version, diag);
	return rc;
}

void
au_repo_publish_report(const struct au_repo_publish *p)
{
	printf("published %zu target(s): targets v%" PRId64 ", snapshot v%"
	    PRId64 ", timestamp v%" PRId64 "%s\n",
	    json_object_size(json_object_get(p->state, "targets")),
	    p->version[R_TARGETS], p->version[R_SNAPSHOT], p->version[R_TIMESTAMP],
	    p->unsafe ? " (UNVERIFIED: --unsafe-allow-invalid)" : "");
}

int
au_repo_cmd_publish(int argc, char **argv, struct au_diag *diag)
{
	struct au_repo_opt opts[] = { { "--expires", 1, NULL },
	    { "--unsafe-allow-invalid", 0, NULL } };
	struct au_repo_publish *p = NULL;
	const char *pos[1];
	int rc;

	if ((rc = au_repo_args(argc, argv, opts, 2, pos, 1, 1, diag)) != 0)
		return rc;
	if (opts[1].value != NULL)
		fprintf(stderr, "aiupdate-repo publish: WARNING: "
		    "--unsafe-allow-invalid is a testing aid; devices may refuse "
		    "what it writes\n");
	rc = au_repo_publish_prepare(pos[0], NULL, 0, opts[0].value,
	    opts[1].value != NULL, &p, diag);
	if (rc == 0)
		rc = au_repo_publish_commit(p, 0, diag);
	if (rc == 0)
		au_repo_publish_report(p);
	au_repo_publish_free(p);
	return rc;
}
