/* SPDX-License-Identifier: ISC */
/* client/install/oms_files.c - a model's bytes against its OMS statement (oms_files.h). */
#include "client/install/oms_files.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/digest.h"
#include "port/port.h"
#include "port/tree.h"
#include "port/ban.h"

#define BUF_BYTES 65536

static void
hex_of(const uint8_t *b, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[64] = '\0';
}

/*
 * Hash the file at path in consecutive ranges: res[0..n) sorted by start,
 * which must cover [0, size) exactly (files: one range, end 0 = to EOF).
 */
static int
hash_ranges(const char *path, const char *shown,
    const struct au_oms_resource *const *res, size_t n, int shards,
    enum au_oms_fail *why, struct au_diag *diag)
{
	struct au_file *f = NULL;
	struct au_sha256 h;
	uint8_t *buf = NULL, got[32] = { 0 };
	uint64_t pos = 0;
	size_t i = 0, want, nread = 1;
	char hex[65];
	int rc;

	if ((rc = au_file_open_read(path, &f, diag)) != 0)
		return rc;
	if ((buf = malloc(BUF_BYTES)) == NULL) {
		rc = au_diag_set(diag, AU_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (shards && res[i]->start != pos)
			break;	/* a gap or an overlap: not covered */
		au_sha256_init(&h);
		while (nread > 0 && (!shards || pos < res[i]->end)) {
			want = !shards || res[i]->end - pos > BUF_BYTES ?
			    BUF_BYTES : (size_t)(res[i]->end - pos);
			if ((rc = au_file_read(f, buf, want, &nread, diag)) != 0)
				goto out;
			au_sha256_update(&h, buf, nread);
			pos += nread;
		}
		au_sha256_final(&h, got);
		if (memcmp(got, res[i]->digest, 32) != 0 ||
		    (shards && pos != res[i]->end))	/* public data */
			break;
	}
	if (i == n && (rc = au_file_read(f, buf, 1, &nread, diag)) == 0 &&
	    nread == 0)
		goto out;	/* every range matched, nothing after */
	if (rc == 0) {
		hex_of(got, hex);
		*why = AU_OMS_DIGEST;
		rc = au_diag_set(diag, AU_EART_HASH, "OMS: %.200s differs from "
		    "its signature (resource %.200s: sha256 %s)", shown,
		    i < n ? res[i]->name : res[n - 1]->name, i < n ? hex :
		    "of bytes past the signed ranges");
	}
out:
	free(buf);
	(void)au_file_close(f);
	return rc;
}

int
au_oms_check_file(const struct au_oms_statement *st, const char *path,
    enum au_oms_fail *why, struct au_diag *diag)
{
	const struct au_oms_resource *res, **idx;
	enum au_oms_fail w = AU_OMS_OK;
	size_t n, i;
	int rc;

	res = au_oms_resources(st, &n);
	for (i = 1; i < n; i++)
		if (strcmp(res[i].path, res[0].path) != 0)
			break;
	if (n == 0 || i < n) {
		*why = AU_OMS_MALFORMED;
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS: the signature "
		    "covers %zu files; this target is a single file", n);
	}
	if ((idx = malloc(n * sizeof(*idx))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)	/* shards are listed in order (sorted) */
		idx[i] = &res[i];
	rc = hash_ranges(path, strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 :
	    path, idx, n, au_oms_is_shards(st), &w, diag);
	free(idx);
	if (rc != 0)
		*why = w != AU_OMS_OK ? w : AU_OMS_DIGEST;
	return rc;
}

/* ---- trees ---- */

static int
cmp_res(const void *a, const void *b)
{
	const struct au_oms_resource *x = *(const struct au_oms_resource *const *)a,
	    *y = *(const struct au_oms_resource *const *)b;
	int c = strcmp(x->path, y->path);

	return c != 0 ? c : x->start < y->start ? -1 : x->start > y->start;
}

/* 1 when rel is an ignore_paths entry or below one. */
static int
ignored(const struct au_oms_statement *st, const char *rel)
{
	const char *const *ig;
	size_t n, i, l;

	ig = au_oms_ignore_paths(st, &n);
	for (i = 0; i < n; i++) {
		l = strlen(ig[i]);
		if (strncmp(rel, ig[i], l) == 0 && (rel[l] == '\0' || rel[l] == '/'))
			return 1;
	}
	return 0;
}

/* Merge the sorted files with the sorted resources. */
static int
match(const struct au_oms_statement *st, const char *root,
    const struct au_tree *w,
    const struct au_oms_resource **idx, size_t nres, int allow_unsigned,
    size_t *nunsigned, enum au_oms_fail *why, struct au_diag *diag)
{
	char full[2 * AU_TREE_PATH_MAX + 2];
	size_t f = 0, r = 0, k;
	int c, rc;

	while (f < w->n || r < nres) {
		c = f == w->n ? 1 : r == nres ? -1 :
		    strcmp(w->files[f], idx[r]->path);
		if (c > 0) {
			*why = AU_OMS_MISSING;
			return au_diag_set(diag, AU_EART_HASH, "OMS: signed file "
			    "%.300s is not in the model", idx[r]->path);
		}
		if (c < 0) {
			if (!ignored(st, w->files[f]) && !allow_unsigned) {
				*why = AU_OMS_UNSIGNED;
				return au_diag_set(diag, AU_EART_UNSAFE, "OMS: "
				    "%.300s is not covered by the signature",
				    w->files[f]);
			}
			*nunsigned += !ignored(st, w->files[f]);
			f++;
			continue;
		}
		for (k = r; k < nres && strcmp(idx[k]->path, idx[r]->path) == 0;)
			k++;
		(void)snprintf(full, sizeof(full), "%s/%s", root, w->files[f]);
		rc = hash_ranges(full, w->files[f], idx + r, k - r,
		    au_oms_is_shards(st), why, diag);
		if (rc != 0)
			return rc;
		f++;
		r = k;
	}
	return 0;
}

int
au_oms_check_tree(const struct au_oms_statement *st, const char *dir,
    int allow_unsigned, size_t *unsigned_files, enum au_oms_fail *why,
    struct au_diag *diag)
{
	struct au_tree t;
	const struct au_oms_resource *res, **idx = NULL;
	enum au_oms_fail wy = AU_OMS_OK;
	size_t nres, i, nun = 0;
	int rc;

	res = au_oms_resources(st, &nres);
	rc = au_tree_list(dir, AU_OMS_FILES_MAX, AU_OMS_TREE_DEPTH, &t, diag);
	if (rc != 0)
		return rc;
	if (t.has_other) {
		wy = AU_OMS_UNSIGNED;
		rc = au_diag_set(diag, AU_EART_UNSAFE, "OMS: %.300s is a link or "
		    "a special file", t.other);
	}
	if (rc == 0 && (idx = malloc((nres + 1) * sizeof(*idx))) == NULL)
		rc = au_diag_set(diag, AU_ENOMEM, "out of memory");
	if (rc == 0) {
		for (i = 0; i < nres; i++)
			idx[i] = &res[i];
		qsort(idx, nres, sizeof(*idx), cmp_res);
		rc = match(st, dir, &t, idx, nres, allow_unsigned, &nun, &wy,
		    diag);
	}
	au_tree_free(&t);
	free(idx);
	if (rc != 0) {
		*why = wy != AU_OMS_OK ? wy : AU_OMS_MALFORMED;
		return rc;
	}
	if (unsigned_files != NULL)
		*unsigned_files = nun;
	return 0;
}
