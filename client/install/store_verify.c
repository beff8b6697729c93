/* SPDX-License-Identifier: ISC */
/*
 * client/install/store_verify.c - what a store entry must hold before it is
 * used again (store.h au_store_reuse; issue 12, finding 3): a raw file its
 * signed length and SHA-256, a bundle the manifest written when it was
 * installed (store/<hash>.manifest: every path, and every file's size and
 * SHA-256 as extracted).
 *
 * Manifest format (text, one entry a line, sorted by path, strictly
 * increasing; paths are bundle names, so never hold a newline):
 *
 *   aiupdate-manifest 1 <sha256 hex of the archive>
 *   d <path>
 *   f <size> <sha256 hex> <path>
 */
#include "client/install/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/digest.h"
#include "client/install/bundle.h"
#include "client/install/store_int.h"
#include "port/port.h"
#include "port/text.h"

#include "port/ban.h"

#define HEADER "aiupdate-manifest 1 "
#define BAD 1			/* the entry does not hold what it should */
#define NEEDNAME 2		/* a good raw entry without the asked base name */

struct au_store_list {
	char **line;		/* "d PATH" / "f SIZE HEX PATH", malloc'd */
	size_t n, cap;
};

/* ---- writing ---- */

int
au_store_list_new(struct au_store_list **out, struct au_diag *diag)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : au_diag_set(diag, AU_ENOMEM, "out of memory");
}

void
au_store_list_free(struct au_store_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->line[i]);
	free(l->line);
	free(l);
}

int
au_store_list_entry(void *arg, const char *name, int is_dir, uint64_t size,
    const uint8_t *sha256, struct au_diag *diag)
{
	struct au_store_list *l = arg;
	char hex[65], **nl;
	size_t n = strlen(name) + 100;

	if (l->n == l->cap) {
		nl = realloc(l->line, (l->cap ? l->cap * 2 : 64) *
		    sizeof(*nl));
		if (nl == NULL)
			return au_diag_set(diag, AU_ENOMEM, "out of memory");
		l->line = nl;
		l->cap = l->cap ? l->cap * 2 : 64;
	}
	if ((l->line[l->n] = malloc(n)) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	if (is_dir) {
		(void)snprintf(l->line[l->n++], n, "d %s", name);
		return 0;
	}
	au_hex_encode(sha256, 32, hex);
	(void)snprintf(l->line[l->n++], n, "f %llu %s %s",
	    (unsigned long long)size, hex, name);
	return 0;
}

/* The path part of a line. */
static const char *
line_path(const char *line)
{
	const char *p = line + 2;

	if (line[0] == 'f') {
		p = strchr(p, ' ');
		p = p ? strchr(p + 1, ' ') : NULL;
		return p ? p + 1 : "";
	}
	return p;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(line_path(*(char *const *)a),
	    line_path(*(char *const *)b));
}

int
au_store_list_write(struct au_store *s, struct au_store_list *l,
    const char *hex, char path[PMAX], struct au_diag *diag)
{
	struct au_file *f = NULL;
	size_t i;
	int rc;

	qsort(l->line, l->n, sizeof(*l->line), by_path);
	rc = au_store_tmp_name(s, "mf", path, diag);
	if (rc == 0)
		rc = au_file_create(path, 0644, &f, diag);
	if (rc == 0)
		rc = au_file_write(f, HEADER, strlen(HEADER), diag);
	if (rc == 0)
		rc = au_file_write(f, hex, 64, diag);
	for (i = 0; rc == 0 && i < l->n; i++) {
		rc = au_file_write(f, "\n", 1, diag);
		if (rc == 0)
			rc = au_file_write(f, l->line[i], strlen(l->line[i]),
			    diag);
	}
	if (rc == 0)
		rc = au_file_write(f, "\n", 1, diag);
	if (rc == 0)
		rc = au_file_sync(f, diag);
	if (au_file_close(f) != 0 && rc == 0)
		rc = au_diag_set(diag, AU_EIO, "close %s", path);
	return rc;
}

int
au_store_manifest_path(const struct au_store *s, const char *hex,
    char out[PMAX], struct au_diag *diag)
{
	char leaf[80];

	(void)snprintf(leaf, sizeof(leaf), "%.64s.manifest", hex);
	return au_store_join(out, s->store, leaf, diag);
}

/* ---- checking ---- */

/* SHA-256 of the file at path (size bytes expected) into hex. */
static int
hash_file(const char *path, char hex[65], struct au_diag *diag)
{
	struct au_sha256 h;
	struct au_file *f = NULL;
	uint8_t *buf, d[32];
	size_t got = 0;
	int rc;

	buf = malloc(65536);
	if (buf == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	au_sha256_init(&h);
	rc = au_file_open_read(path, &f, diag);
	while (rc == 0 && (rc = au_file_read(f, buf, 65536, &got, diag)) ==
	    0 && got > 0)
		au_sha256_update(&h, buf, got);
	(void)au_file_close(f);
	free(buf);
	if (rc == 0) {
		au_sha256_final(&h, d);
		au_hex_encode(d, 32, hex);
	}
	return rc;
}

/* A regular file of this size and hash at path: 0, BAD, or an error. */
static int
file_holds(const char *path, uint64_t size, const char *want,
    struct au_diag *diag)
{
	struct au_stat st;
	char got[65];
	int rc;

	rc = au_stat(path, &st, diag);
	if (rc != 0)
		return rc;
	if (st.type != AU_FT_FILE || st.size != size) {
		au_diag_set(diag, 0, "%s: missing, not a file or not %llu "
		    "bytes", path, (unsigned long long)size);
		return BAD;
	}
	rc = hash_file(path, got, diag);
	if (rc != 0)
		return rc;
	if (strcmp(got, want) != 0) {
		au_diag_set(diag, 0, "%s: sha256 %s, recorded %s", path, got,
		    want);
		return BAD;
	}
	return 0;
}

struct walk {
	const char *dir;
	size_t n;		/* entries seen */
	int depth, bad;
	struct au_diag *diag;
};

static int
count_visit(const char *name, void *arg)
{
	struct walk *w = arg, sub;
	char path[PMAX];
	struct au_stat st;
	int rc;

	rc = au_store_join(path, w->dir, name, w->diag);
	if (rc == 0)
		rc = au_stat(path, &st, w->diag);
	if (rc != 0)
		return rc;
	w->n++;
	if (st.type == AU_FT_DIR && w->depth < AU_BUNDLE_MAX_DEPTH) {
		sub = *w;
		sub.dir = path;
		sub.n = 0;
		sub.depth++;
		rc = au_dir_list(path, count_visit, &sub, w->diag);
		w->n += sub.n;
		w->bad |= sub.bad;
		return rc;
	}
	if (st.type != AU_FT_FILE)
		w->bad = 1;
	return 0;
}

/* The number of entries under dir (files and directories), or BAD. */
static int
count_tree(const char *dir, size_t *n, struct au_diag *diag)
{
	struct walk w = { dir, 0, 0, 0, diag };
	int rc = au_dir_list(dir, count_visit, &w, diag);

	if (rc == 0 && w.bad) {
		au_diag_set(diag, 0, "%s holds something not a file or a "
		    "directory", dir);
		return BAD;
	}
	*n = w.n;
	return rc;
}

/* One manifest line against the tree: 0, BAD or an error. */
static int
check_line(const char *dir, char *line, const char *prev,
    struct au_diag *diag)
{
	char path[PMAX], hex[65];
	unsigned long long size;
	struct au_stat st;
	const char *name = line_path(line);
	int rc, k = 0;

	if ((line[0] != 'd' && line[0] != 'f') || line[1] != ' ' ||
	    au_bundle_name_unsafe(name) != NULL ||
	    (prev != NULL && strcmp(line_path(prev), name) >= 0) ||
	    (line[0] == 'f' && (sscanf(line, "f %llu %64[0-9a-f]%n", &size,
	    hex, &k) != 2 || line + k + 1 != name || !au_store_hash_ok(hex)))) {
		au_diag_set(diag, 0, "malformed manifest line");
		return BAD;
	}
	rc = au_store_join(path, dir, name, diag);
	if (rc != 0 || line[0] == 'f')
		return rc ? rc : file_holds(path, size, hex, diag);
	rc = au_stat(path, &st, diag);
	if (rc == 0 && st.type != AU_FT_DIR) {
		au_diag_set(diag, 0, "%s: not a directory", path);
		return BAD;
	}
	return rc;
}

/* A bundle entry against its manifest (NUL-terminated text m). */
static int
check_manifest(const char *dir, const char *hex, char *m,
    struct au_diag *diag)
{
	char *line, *next, *prev = NULL;
	size_t lines = 0, n = 0;
	int rc = 0;

	if (strncmp(m, HEADER, strlen(HEADER)) != 0 ||
	    strncmp(m + strlen(HEADER), hex, 64) != 0 ||
	    m[strlen(HEADER) + 64] != '\n') {
		au_diag_set(diag, 0, "manifest of another entry, or damaged");
		return BAD;
	}
	for (line = m + strlen(HEADER) + 65; rc == 0 && *line != '\0';
	    line = next + 1) {
		next = strchr(line, '\n');
		if (next == NULL) {
			au_diag_set(diag, 0, "manifest cut short");
			return BAD;
		}
		*next = '\0';
		rc = check_line(dir, line, prev, diag);
		prev = line;
		lines++;
	}
	if (rc == 0)
		rc = count_tree(dir, &n, diag);
	if (rc == 0 && n != lines) {
		au_diag_set(diag, 0, "%zu entries, %zu in the manifest", n,
		    lines);
		return BAD;
	}
	return rc;
}

struct names {
	char name[AU_STORE_RAW_NAMES][PMAX];
	size_t n;
};

static int
names_visit(const char *name, void *arg)
{
	struct names *o = arg;

	if (o->n < AU_STORE_RAW_NAMES)
		(void)snprintf(o->name[o->n], sizeof(o->name[0]), "%s", name);
	o->n++;
	return 0;
}

/*
 * A raw entry: one file per base name of the raw targets of these bytes,
 * each of the signed length and hash.  NEEDNAME when all are good but base
 * (not NULL) is not among them.
 */
static int
check_raw(const char *dir, const char *hex, uint64_t length,
    const char *base, struct au_diag *diag)
{
	struct names *o = calloc(1, sizeof(*o));
	char path[PMAX];
	size_t i;
	int rc, found = base == NULL;

	if (o == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	rc = au_dir_list(dir, names_visit, o, diag);
	if (rc == 0 && (o->n == 0 || o->n > AU_STORE_RAW_NAMES)) {
		au_diag_set(diag, 0, "%zu entries, 1 to %d expected (no manifest)",
		    o->n, AU_STORE_RAW_NAMES);
		rc = BAD;
	}
	for (i = 0; rc == 0 && i < o->n; i++) {
		rc = au_store_join(path, dir, o->name[i], diag);
		if (rc == 0)
			rc = file_holds(path, length, hex, diag);
		if (base != NULL && strcmp(o->name[i], base) == 0)
			found = 1;
	}
	free(o);
	return rc == 0 && !found ? NEEDNAME : rc;
}

/* 0 when store/<hex> holds what it should, BAD when not, or an error. */
static int
check_entry(struct au_store *s, const char *hex, uint64_t length, int bundle,
    const char *base, struct au_diag *diag)
{
	char dir[PMAX], mpath[PMAX];
	struct au_stat st;
	uint8_t *m = NULL;
	size_t len = 0;
	int rc;

	rc = au_store_join(dir, s->store, hex, diag);
	if (rc == 0)
		rc = au_store_manifest_path(s, hex, mpath, diag);
	if (rc == 0)
		rc = au_stat(mpath, &st, diag);
	if (rc != 0)
		return rc;
	/* the kind comes from the target asked for, never from the store */
	if (!bundle && st.type == AU_FT_NONE)
		return check_raw(dir, hex, length, base, diag);
	if (!bundle) {
		au_diag_set(diag, 0, "%s beside a raw entry", mpath);
		return BAD;
	}
	if (st.type != AU_FT_FILE) {
		au_diag_set(diag, 0, "%s is not a file", mpath);
		return BAD;
	}
	rc = au_file_read_all(mpath, AU_STORE_MANIFEST_MAX, &m, &len, diag);
	if (rc == AU_ETOOBIG) {
		au_diag_set(diag, 0, "%s is too large", mpath);
		return BAD;
	}
	if (rc == 0 && memchr(m, '\0', len) != NULL) {
		au_diag_set(diag, 0, "%s holds a NUL byte", mpath);
		rc = BAD;
	}
	if (rc == 0)
		rc = check_manifest(dir, hex, (char *)m, diag);
	free(m);
	return rc;
}

int
au_store_discard(struct au_store *s, const char *hex, struct au_diag *diag)
{
	char dir[PMAX], away[PMAX], mpath[PMAX];
	int rc;

	rc = au_store_check_hash(hex, diag);
	if (rc == 0)
		rc = au_store_join(dir, s->store, hex, diag);
	if (rc == 0)
		rc = au_store_manifest_path(s, hex, mpath, diag);
	if (rc != 0 || !au_store_has(s, hex))
		return rc;
	rc = au_store_tmp_name(s, "discard", away, diag);
	if (rc == 0)
		rc = au_rename(dir, away, diag);
	if (rc == 0)
		rc = au_unlink(mpath, diag);	/* missing (a raw file) is fine */
	if (rc == 0)
		rc = au_dir_sync(s->store, diag);
	if (rc == 0)
		best_effort(au_remove_tree(away, NULL));
	return rc;
}

int
au_store_reuse(struct au_store *s, const char *hash_hex, uint64_t length,
    int bundle, const char *base, struct au_diag *diag)
{
	struct au_diag why = { "", 0 };
	int rc;

	if (!au_store_has(s, hash_hex))
		return 0;
	rc = check_entry(s, hash_hex, length, bundle, bundle ? NULL : base, &why);
	if (rc == 0)
		return 1;
	if (rc == NEEDNAME)
		return 2;
	if (rc != BAD) {
		if (diag != NULL)
			*diag = why;
		return rc;
	}
	au_log(AU_LOG_WARN, "store/%s does not hold what was installed there "
	    "(%s): removed, to be fetched again", hash_hex, why.msg);
	rc = au_store_discard(s, hash_hex, diag);
	return rc ? rc : 0;
}
