/* SPDX-License-Identifier: ISC */
/* client/install/switch.c - the current/previous pointers of a target (store.h). */
#include "client/install/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/install/store_int.h"
#include "port/port.h"

#include "port/ban.h"

/* ---- pointers: targets/<name>/{current,previous} ---- */

/* The relative link text from targets/<name>/ to store/<hex>. */
static int
link_text(const char *name, const char *hex, char out[PMAX])
{
	size_t ups = 2, n = 0, i;
	const char *p;
	int w;

	for (p = name; *p != '\0'; p++)
		ups += *p == '/';
	for (i = 0; i < ups; i++, n += 3)
		memcpy(out + n, "../", 3);
	w = snprintf(out + n, PMAX - n, "store/%s", hex);
	return (w < 0 || (size_t)w >= PMAX - n) ? AU_EINSTALL : 0;
}

/* Read one pointer: hex receives its hash, or "" when the link is absent. */
int
au_store_read_ptr(const char *path, char hex[65], struct au_diag *diag)
{
	char buf[PMAX];
	struct au_stat st;
	size_t n;
	int rc;

	rc = au_stat(path, &st, diag);
	if (rc != 0)
		return rc;
	if (st.type == AU_FT_NONE) {
		hex[0] = '\0';
		return 0;
	}
	if (st.type == AU_FT_LINK)
		rc = au_readlink(path, buf, sizeof(buf), diag);
	else
		rc = AU_EINSTALL;
	n = rc == 0 ? strlen(buf) : 0;
	if (rc == 0 && (n < 71 || memcmp(buf + n - 71, "/store/", 7) != 0 ||
	    !au_store_hash_ok(buf + n - 64)))
		rc = AU_EINSTALL;
	if (rc == AU_EINSTALL)
		return au_diag_set(diag, rc, "%s is not a link into store/; "
		    "remove it and run again", path);
	if (rc == 0)
		memcpy(hex, buf + n - 64, 65);
	return rc;
}

/* Atomically set dir/leaf to point at store/<hex>: link leaf.tmp, rename. */
static int
set_ptr(const char *dir, const char *leaf, const char *name, const char *hex,
    struct au_diag *diag)
{
	char text[PMAX], tmp[PMAX], path[PMAX], tleaf[32];
	int rc;

	(void)snprintf(tleaf, sizeof(tleaf), "%s.tmp", leaf);
	if (link_text(name, hex, text) != 0)
		return au_diag_set(diag, AU_EINSTALL, "link text too long");
	rc = au_store_join(tmp, dir, tleaf, diag);
	if (rc == 0)
		rc = au_store_join(path, dir, leaf, diag);
	if (rc == 0)
		rc = au_unlink(tmp, diag);
	if (rc == 0)
		rc = au_symlink(text, tmp, diag);
	if (rc == 0)
		rc = au_rename(tmp, path, diag);
	if (rc == 0)
		rc = au_dir_sync(dir, diag);
	return rc;
}

/* targets/<name> path, plus current and previous inside it. */
struct tpaths {
	char dir[PMAX], cur[PMAX], prev[PMAX];
};

static int
target_paths(const struct au_store *s, const char *name, struct tpaths *tp,
    struct au_diag *diag)
{
	int rc = au_store_check_name(name, diag);

	if (rc == 0)
		rc = au_store_join(tp->dir, s->targets, name, diag);
	if (rc == 0)
		rc = au_store_join(tp->cur, tp->dir, "current", diag);
	if (rc == 0)
		rc = au_store_join(tp->prev, tp->dir, "previous", diag);
	return rc;
}

/* mkdir -p targets/<name>, then fsync each level from targets/ down. */
static int
make_target_dir(const struct au_store *s, const char *name,
    const char *dir, struct au_diag *diag)
{
	char path[PMAX];
	size_t base = strlen(s->targets) + 1, i;
	int rc;

	rc = au_mkdir_p(dir, 0755, diag);
	if (rc == 0)
		rc = au_dir_sync(s->targets, diag);
	memcpy(path, dir, strlen(dir) + 1);
	for (i = base; rc == 0 && name[i - base] != '\0'; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		rc = au_dir_sync(path, diag);
		path[i] = '/';
	}
	return rc;
}

int
au_store_switch(struct au_store *s, const char *name, const char *hash_hex,
    struct au_diag *diag)
{
	struct tpaths tp;
	char cur[65];
	int rc;

	rc = target_paths(s, name, &tp, diag);
	if (rc == 0)
		rc = au_store_check_hash(hash_hex, diag);
	if (rc != 0)
		return rc;
	if (!au_store_has(s, hash_hex))
		return au_diag_set(diag, AU_EINSTALL, "%.200s: store/%s is not "
		    "installed", name, hash_hex);
	rc = make_target_dir(s, name, tp.dir, diag);
	if (rc == 0)
		rc = au_store_read_ptr(tp.cur, cur, diag);
	if (rc != 0 || strcmp(cur, hash_hex) == 0)
		return rc;
	if (cur[0] != '\0')
		rc = set_ptr(tp.dir, "previous", name, cur, diag);
	if (rc == 0)
		rc = set_ptr(tp.dir, "current", name, hash_hex, diag);
	return rc;
}

int
au_store_rollback(struct au_store *s, const char *name, struct au_diag *diag)
{
	struct tpaths tp;
	char cur[65], prev[65];
	int rc;

	rc = target_paths(s, name, &tp, diag);
	if (rc == 0)
		rc = au_store_read_ptr(tp.cur, cur, diag);
	if (rc == 0)
		rc = au_store_read_ptr(tp.prev, prev, diag);
	if (rc != 0)
		return rc;
	if (prev[0] == '\0')
		return au_diag_set(diag, AU_EINSTALL, "%.200s: no previous "
		    "version to roll back to", name);
	if (!au_store_has(s, prev))
		return au_diag_set(diag, AU_EINSTALL, "%.200s: previous version "
		    "store/%s is gone", name, prev);
	rc = set_ptr(tp.dir, "current", name, prev, diag);
	if (rc == 0 && cur[0] != '\0')
		rc = set_ptr(tp.dir, "previous", name, cur, diag);
	return rc;
}

int
au_store_set_previous(struct au_store *s, const char *name,
    const char *hash_hex, struct au_diag *diag)
{
	struct tpaths tp;
	int rc;

	rc = target_paths(s, name, &tp, diag);
	if (rc != 0)
		return rc;
	if (hash_hex[0] == '\0') {
		rc = au_unlink(tp.prev, diag);
		return rc == 0 ? au_dir_sync(tp.dir, diag) : rc;
	}
	rc = au_store_check_hash(hash_hex, diag);
	if (rc == 0 && !au_store_has(s, hash_hex))
		return au_diag_set(diag, AU_EINSTALL, "%.200s: store/%s is not "
		    "installed", name, hash_hex);
	return rc == 0 ? set_ptr(tp.dir, "previous", name, hash_hex, diag) : rc;
}

int
au_store_get(struct au_store *s, const char *name, char cur[65],
    char prev[65], char *path, size_t psize, struct au_diag *diag)
{
	struct tpaths tp;
	char c[65], p[65];
	int rc;

	rc = target_paths(s, name, &tp, diag);
	if (rc == 0)
		rc = au_store_read_ptr(tp.cur, c, diag);
	if (rc == 0)
		rc = au_store_read_ptr(tp.prev, p, diag);
	if (rc != 0)
		return rc;
	if (path != NULL && strlen(tp.cur) >= psize)
		return au_diag_set(diag, AU_EINTERNAL, "path buffer too small "
		    "for %s", tp.cur);
	memcpy(cur, c, 65);
	memcpy(prev, p, 65);
	if (path != NULL)
		memcpy(path, tp.cur, strlen(tp.cur) + 1);
	return 0;
}

int
au_store_remove_current(struct au_store *s, const char *name,
    struct au_diag *diag)
{
	struct tpaths tp;
	int rc;

	rc = target_paths(s, name, &tp, diag);
	if (rc == 0)
		rc = au_unlink(tp.cur, diag);
	if (rc == 0)
		rc = au_dir_sync(tp.dir, diag);
	return rc;
}

