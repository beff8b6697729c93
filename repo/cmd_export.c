/* SPDX-License-Identifier: ISC */
/*
 * repo/cmd_export.c - `aiupdate-repo export DIR OUT [--target NAME]`: a
 * repository copy for local media (`aiupdate --apply --from OUT`):
 * OUT/metadata/ (every published metadata file, byte for byte) and
 * OUT/targets/ (every published target, or only NAME and the targets
 * NAME's signed custom names: its OMS bundle and its chunk index).  Each target listed
 * in the top-level targets is checked against its signed sha256 while it
 * is copied; devices verify everything again anyway.
 */
#include "repo/repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/json.h"
#include "manifest/tuf.h"
#include "port/port.h"

#include "port/ban.h"

#define EXPORT_DEPTH_MAX 32	/* directory levels under targets/ */

struct walk {
	char src[AU_REPO_PATH_MAX], dst[AU_REPO_PATH_MAX];
	int depth;
	size_t files;
	struct au_diag *diag;
};

static int walk_dir(struct walk *w);

/* One entry of the directory w->src: copy files, descend into directories. */
static int
walk_entry(const char *name, void *arg)
{
	struct walk *w = arg;
	size_t ls = strlen(w->src), ld = strlen(w->dst);
	struct au_repo_hashes h;
	struct au_stat st;
	int rc;

	if (snprintf(w->src + ls, sizeof(w->src) - ls, "/%s", name) >=
	    (int)(sizeof(w->src) - ls) ||
	    snprintf(w->dst + ld, sizeof(w->dst) - ld, "/%s", name) >=
	    (int)(sizeof(w->dst) - ld))
		return au_diag_set(w->diag, AU_EUSAGE, "path too long under %s",
		    w->src);
	rc = au_stat(w->src, &st, w->diag);
	if (rc == 0 && st.type == AU_FT_DIR)
		rc = walk_dir(w);
	else if (rc == 0 && st.type == AU_FT_FILE &&
	    strcmp(name + (strlen(name) > 4 ? strlen(name) - 4 : 0), ".tmp") != 0) {
		rc = au_repo_copy(w->src, w->dst, NULL, &h, w->diag);
		w->files++;
	}
	w->src[ls] = '\0';
	w->dst[ld] = '\0';
	return rc;
}

static int
walk_dir(struct walk *w)
{
	int rc;

	if (++w->depth > EXPORT_DEPTH_MAX)
		return au_diag_set(w->diag, AU_EUSAGE, "%s is nested deeper than "
		    "%d levels", w->src, EXPORT_DEPTH_MAX);
	rc = au_mkdir(w->dst, 0755, w->diag);
	if (rc == 0)
		rc = au_dir_list(w->src, walk_entry, w, w->diag);
	w->depth--;
	return rc;
}

/* Copy the tree src/sub to out/sub; *n counts the files copied. */
static int
copy_tree(const char *src, const char *out, const char *sub, size_t *n,
    struct au_diag *diag)
{
	struct walk w;
	int rc;

	struct au_stat st;

	memset(&w, 0, sizeof(w));
	w.diag = diag;
	if ((rc = au_repo_path(w.src, sizeof(w.src), src, sub, diag)) != 0 ||
	    (rc = au_repo_path(w.dst, sizeof(w.dst), out, sub, diag)) != 0 ||
	    (rc = au_stat(w.src, &st, diag)) != 0)
		return rc;
	if (st.type == AU_FT_NONE)	/* e.g. nothing published yet */
		return au_mkdir(w.dst, 0755, diag);
	rc = walk_dir(&w);
	*n = w.files;
	return rc;
}

/* The targets a target's signed custom names, to go with it: "" when none. */
struct companions {
	char bundle[AU_TARGET_NAME_MAX + 1];	/* custom.oms.bundle */
	char cidx[AU_TARGET_NAME_MAX + 1];	/* custom.chunk_index */
};

/* A companion name from custom into out ("" when absent). */
static int
companion(const char *v, const char *name, const char *what, char *out,
    struct au_diag *diag)
{
	if (v != NULL && strlen(v) > AU_TARGET_NAME_MAX)
		return au_diag_set(diag, AU_EUSAGE, "target %s: %s name too "
		    "long", name, what);
	(void)snprintf(out, AU_TARGET_NAME_MAX + 1, "%s", v != NULL ? v : "");
	return 0;
}

/*
 * The signed sha256 of target name in src/metadata/targets.json, and in
 * *with (may be NULL) the targets its signed custom names: the OMS bundle
 * (custom.oms.bundle, client/install/provenance.h), which a device with
 * [provenance] require needs beside the model, and the chunk index
 * (custom.chunk_index, manifest/chunk_index.h), which lets a device build
 * the file from a local older version when the copy carries it.
 */
static int
signed_sha256(const char *src, const char *name, char out[65],
    struct companions *with, struct au_diag *diag)
{
	char path[AU_REPO_PATH_MAX];
	uint8_t *buf = NULL;
	json_t *doc = NULL, *t;
	const char *h, *b, *c;
	size_t len = 0;
	int rc;

	if ((rc = au_repo_path(path, sizeof(path), src, "metadata/targets.json",
	    diag)) != 0 ||
	    (rc = au_file_read_all(path, AU_REPO_META_MAX, &buf, &len, diag)) != 0)
		return rc;
	rc = au_json_parse(buf, len, AU_REPO_META_MAX, &doc, diag);
	free(buf);
	if (rc != 0)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "%s is not valid JSON",
		    path);
	t = json_object_get(json_object_get(json_object_get(doc, "signed"),
	    "targets"), name);
	h = json_string_value(json_object_get(json_object_get(t, "hashes"),
	    "sha256"));
	b = json_string_value(json_object_get(json_object_get(json_object_get(t,
	    "custom"), "oms"), "bundle"));
	c = json_string_value(json_object_get(json_object_get(t, "custom"),
	    "chunk_index"));
	if (h == NULL || strlen(h) != 64)
		rc = au_diag_set(diag, AU_EUSAGE, "target %s is not in the "
		    "published top-level targets (with a sha256)", name);
	if (rc == 0 && with != NULL &&
	    (rc = companion(b, name, "OMS bundle", with->bundle, diag)) == 0)
		rc = companion(c, name, "chunk index", with->cidx, diag);
	if (rc == 0)
		memcpy(out, h, 65);
	json_decref(doc);
	return rc;
}

/* Copy one target, checked against its signed sha256; *with (may be NULL)
 * receives the targets its custom names. */
static int
copy_one(const char *src, const char *out, const char *name,
    struct companions *with, struct au_diag *diag)
{
	char rel[AU_REPO_PATH_MAX], from[AU_REPO_PATH_MAX], to[AU_REPO_PATH_MAX];
	char sha[65];
	struct au_repo_hashes h;
	int rc;

	if (au_target_name_check(name, diag) != 0)
		return au_diag_set(diag, AU_EUSAGE, "bad target name \"%s\"", name);
	if ((rc = signed_sha256(src, name, sha, with, diag)) != 0)
		return rc;
	if (snprintf(rel, sizeof(rel), "targets/%s", name) >= (int)sizeof(rel) ||
	    au_repo_path(from, sizeof(from), src, rel, diag) != 0 ||
	    au_repo_path(to, sizeof(to), out, rel, diag) != 0)
		return au_diag_set(diag, AU_EUSAGE, "path too long: %s", name);
	if ((rc = au_repo_mkparents(to, diag)) != 0)
		return rc;
	return au_repo_copy(from, to, sha, &h, diag);
}

/* OUT must be new or an empty directory: never mix two copies. */
static int
check_out(const char *out, struct au_diag *diag)
{
	struct au_stat st;
	int rc;

	if ((rc = au_stat(out, &st, diag)) != 0)
		return rc;
	if (st.type == AU_FT_NONE)
		return au_mkdir_p(out, 0755, diag);
	if (st.type != AU_FT_DIR)
		return au_diag_set(diag, AU_EUSAGE, "%s exists and is not a "
		    "directory", out);
	if (au_rmdir(out, NULL) != 0)	/* fails unless empty */
		return au_diag_set(diag, AU_EUSAGE, "%s is not empty; export "
		    "into a new or empty directory", out);
	return au_mkdir(out, 0755, diag);
}

/* The served tree: DIR/public for a publisher directory, else DIR. */
static int
source_dir(const char *dir, char *buf, size_t size, struct au_diag *diag)
{
	char meta[AU_REPO_PATH_MAX];
	struct au_stat st;
	int rc;

	if ((rc = au_repo_path(buf, size, dir, "public", diag)) != 0 ||
	    (rc = au_repo_path(meta, sizeof(meta), buf, "metadata/root.json",
	    diag)) != 0 || (rc = au_stat(meta, &st, diag)) != 0)
		return rc;
	if (st.type == AU_FT_FILE)
		return 0;
	if ((rc = au_repo_path(meta, sizeof(meta), dir, "metadata/root.json",
	    diag)) != 0 || (rc = au_stat(meta, &st, diag)) != 0)
		return rc;
	if (st.type != AU_FT_FILE)
		return au_diag_set(diag, AU_ECONFIG, "%s holds no published "
		    "repository (no public/metadata/root.json); run `aiupdate-repo "
		    "publish` first", dir);
	(void)snprintf(buf, size, "%s", dir);
	return 0;
}

/* --target NAME: NAME and the targets its custom names; *n counts them. */
static int
export_one(const char *src, const char *out, const char *name, size_t *n,
    struct au_diag *diag)
{
	char tdir[AU_REPO_PATH_MAX];
	struct companions with;
	int rc;

	rc = au_repo_path(tdir, sizeof(tdir), out, "targets", diag);
	if (rc == 0)
		rc = au_mkdir(tdir, 0755, diag);
	if (rc == 0)
		rc = copy_one(src, out, name, &with, diag);
	*n = rc == 0;
	/* the model's own signature goes with it ([provenance]) */
	if (rc == 0 && with.bundle[0] != '\0' &&
	    (rc = copy_one(src, out, with.bundle, NULL, diag)) == 0)
		++*n;
	/* and its chunk index: a device with an older version builds the
	 * new one from it and the full file on the stick */
	if (rc == 0 && with.cidx[0] != '\0' &&
	    (rc = copy_one(src, out, with.cidx, NULL, diag)) == 0)
		++*n;
	return rc;
}

int
au_repo_cmd_export(int argc, char **argv, struct au_diag *diag)
{
	struct au_repo_opt opts[] = { { "--target", 1, NULL } };
	char src[AU_REPO_PATH_MAX];
	const char *pos[2];
	size_t nmeta = 0, ntarg = 0;
	int rc;

	if ((rc = au_repo_args(argc, argv, opts, 1, pos, 2, 2, diag)) != 0 ||
	    (rc = source_dir(pos[0], src, sizeof(src), diag)) != 0 ||
	    (rc = check_out(pos[1], diag)) != 0)
		return rc;
	rc = copy_tree(src, pos[1], "metadata", &nmeta, diag);
	if (rc == 0 && opts[0].value != NULL) {
		rc = export_one(src, pos[1], opts[0].value, &ntarg, diag);
	} else if (rc == 0) {
		rc = copy_tree(src, pos[1], "targets", &ntarg, diag);
	}
	if (rc == 0)
		printf("exported %zu metadata file(s) and %zu target file(s) to %s\n",
		    nmeta, ntarg, pos[1]);
	return rc;
}
