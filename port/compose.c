/* SPDX-License-Identifier: ISC */
/*
 * port/compose.c - the compound file operations of port/port.h
 * (au_mkdir_p, au_file_replace, au_remove_tree), built only from the
 * backend's primitives, so every backend - port/posix.c, and the power-cut
 * injecting port/fault.c, which must count each durable step - shares one
 * copy.
 */
#include "port/port.h"
#include "port/text.h"

#include <stdio.h>
#include <string.h>

#include "port/ban.h"

static int
dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL) {
		if (size < 2)
			return AU_ETOOBIG;
		memcpy(buf, ".", 2);
		return 0;
	}
	n = (size_t)(slash - path);
	if (n == 0)
		n = 1;
	if (n >= size)
		return AU_ETOOBIG;
	memcpy(buf, path, n);
	buf[n] = '\0';
	return 0;
}

int
au_mkdir_p(const char *path, unsigned mode, struct au_diag *diag)
{
	char buf[4096], parent[4096];
	size_t n = strlen(path), i;
	struct au_stat sb;
	int rc, made;

	if (n == 0 || n >= sizeof(buf))
		return au_diag_set(diag, AU_ETOOBIG, "bad path length");
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		made = au_stat(buf, &sb, NULL) == 0 && sb.type == AU_FT_NONE;
		rc = au_mkdir(buf, mode, diag);
		if (rc == 0 && made && dir_of(buf, parent, sizeof(parent)) == 0)
			rc = au_dir_sync(parent, diag);
		buf[i] = i < n ? '/' : '\0';
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
au_file_replace(const char *path, const void *buf, size_t len, unsigned mode,
    struct au_diag *diag)
{
	char tmp[4096], dir[4096];
	struct au_file *f = NULL;
	int rc, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp) ||
	    dir_of(path, dir, sizeof(dir)) != 0)
		return au_diag_set(diag, AU_ETOOBIG, "path too long: %s", path);
	rc = au_unlink(tmp, diag);
	if (rc == 0)
		rc = au_file_create(tmp, mode, &f, diag);
	if (rc != 0)
		return rc;
	rc = au_file_write(f, buf, len, diag);
	if (rc == 0)
		rc = au_file_sync(f, diag);
	if (au_file_close(f) != 0 && rc == 0)
		rc = au_diag_set(diag, AU_EIO, "close %s", tmp);
	if (rc == 0)
		rc = au_rename(tmp, path, diag);
	if (rc == 0)
		rc = au_dir_sync(dir, diag);
	if (rc != 0 && au_unlink(tmp, NULL) != 0)
		au_log(AU_LOG_DEBUG, "cannot remove %s", tmp);
	return rc;
}

struct frm {
	const char *dir;
	struct au_diag *diag;
};

static int
frm_entry(const char *name, void *arg)
{
	struct frm *c = arg;
	char path[4096];

	if (au_path_join(path, sizeof(path), c->dir, name) != 0)
		return au_diag_set(c->diag, AU_ETOOBIG, "path too long");
	return au_remove_tree(path, c->diag);
}

int
au_remove_tree(const char *path, struct au_diag *diag)
{
	struct au_stat st;
	struct frm c = { path, diag };
	int rc;

	rc = au_stat(path, &st, diag);
	if (rc != 0 || st.type == AU_FT_NONE)
		return rc;
	if (st.type != AU_FT_DIR)
		return au_unlink(path, diag);
	rc = au_dir_list(path, frm_entry, &c, diag);
	if (rc != 0)
		return rc;
	return au_rmdir(path, diag);
}
