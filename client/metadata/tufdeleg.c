/* SPDX-License-Identifier: ISC */
/*
 * client/metadata/tufdeleg.c - the delegated targets walk of the TUF client (TUF 1.0
 * section 5.6.7; python-tuf ngclient Updater._preorder_depth_first_walk and
 * _load_targets): fetch, verify and store delegated roles on demand.
 */
#include "client/metadata/tufclient.h"
#include "client/metadata/tufclient_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "port/text.h"
#include "port/ban.h"

struct visit {
	const char *role, *parent;	/* borrowed from loaded metadata */
};

int
au_tuf_role_file(const char *role, int64_t version, char *buf, size_t size)
{
	char tmp[AU_TUF_FILE_MAX + 1];
	size_t n;
	int k = 0;

	if (version > 0)
		k = snprintf(tmp, sizeof(tmp), "%lld.", (long long)version);
	if (k < 0 || (size_t)k >= sizeof(tmp))
		return AU_ETOOBIG;
	/* Python's urllib.parse.quote(role, safe=""), room kept for ".json". */
	if (au_pct_encode(tmp, sizeof(tmp) - 5, (size_t)k, role, "") != 0)
		return AU_ETOOBIG;
	n = strlen(tmp);
	memcpy(tmp + n, ".json", 6);
	n += 5;
	if (n + 1 > size)
		return AU_ETOOBIG;
	memcpy(buf, tmp, n + 1);
	return 0;
}

/* Keep verified delegated bytes (file = local name); store now in EACH mode. */
static int
keep_delegated(struct au_tuf_client *c, const char *file, uint8_t *buf,
    size_t len, struct au_diag *diag)
{
	struct dfresh *nd;
	size_t cap;

	if (c->ndfresh == c->dcap) {
		cap = c->dcap ? 2 * c->dcap : 8;
		if ((nd = realloc(c->dfresh, cap * sizeof(*nd))) == NULL) {
			free(buf);
			return au_diag_set(diag, AU_ENOMEM, "out of memory");
		}
		c->dfresh = nd;
		c->dcap = cap;
	}
	nd = &c->dfresh[c->ndfresh++];
	(void)snprintf(nd->file, sizeof(nd->file), "%s", file);
	nd->buf = buf;
	nd->len = len;
	if (c->mode == AU_TUF_PERSIST_EACH)
		return tuf_store_file(c, file, buf, len, diag);
	return 0;
}

/* The stored copy of a delegated role: 0 when it verifies as current. */
static int
load_local_delegated(struct au_tuf_client *c, const char *role,
    const char *parent, const char *file)
{
	char path[AU_TUF_PATH_MAX + AU_TUF_FILE_MAX + 2];
	struct au_diag d;
	uint8_t *buf = NULL;
	size_t len;
	int rc;

	if (au_path_join(path, sizeof(path), c->metadir, file) != 0)
		return AU_ETOOBIG;
	rc = au_file_read_all(path, AU_TARGETS_MAX_BYTES, &buf, &len, &d);
	if (rc == 0)
		rc = au_trusted_update_delegated(c->trusted, role, parent, buf,
		    len, c->now, &d);
	free(buf);
	if (rc != 0)
		au_log(AU_LOG_DEBUG, "stored %s metadata is not current: %s",
		    role, d.msg);
	return rc;
}

/* python-tuf _load_targets: the local copy if current, else the repository's. */
static int
load_delegated(struct au_tuf_client *c, const char *role, const char *parent,
    struct au_diag *diag)
{
	char file[AU_TUF_FILE_MAX + 1], rfile[AU_TUF_FILE_MAX + 1];
	int64_t mlen, v;
	uint8_t *buf = NULL;
	size_t len, cap = AU_TARGETS_MAX_BYTES;
	int rc;

	if (au_trusted_has_role(c->trusted, role))	/* cached: this edge */
		return au_trusted_verify_delegated(c->trusted, role, parent,
		    diag);
	v = au_trusted_role_meta(c->trusted, role, &mlen);
	if (au_tuf_role_file(role, 0, file, sizeof(file)) != 0 ||
	    au_tuf_role_file(role, au_trusted_consistent_snapshot(c->trusted) ?
	    v : 0, rfile, sizeof(rfile)) != 0)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "role \"%.64s...\": name too long for a file name", role);
	if (load_local_delegated(c, role, parent, file) == 0)
		return 0;
	if (v < 0)	/* let the trusted set say what is wrong */
		return au_trusted_update_delegated(c->trusted, role, parent,
		    (const uint8_t *)"", 0, c->now, diag);
	if (mlen >= 0 && (uint64_t)mlen < cap)
		cap = (size_t)mlen;
	rc = tuf_fetch(c, rfile, cap, &buf, &len, diag);
	if (rc == AU_ENOTFOUND)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "%s is missing from the repository", rfile);
	if (rc != 0)
		return rc;
	rc = au_trusted_update_delegated(c->trusted, role, parent, buf, len,
	    c->now, diag);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	return keep_delegated(c, file, buf, len, diag);
}

static int
push(struct visit **st, size_t *n, size_t *cap, const char *role,
    const char *parent)
{
	struct visit *ns;
	size_t nc;

	if (*n == *cap) {
		nc = *cap ? 2 * *cap : 16;
		if ((ns = realloc(*st, nc * sizeof(*ns))) == NULL)
			return AU_ENOMEM;
		*st = ns;
		*cap = nc;
	}
	(*st)[*n].role = role;
	(*st)[(*n)++].parent = parent;
	return 0;
}

static int
seen(const char *const *visited, size_t n, const char *role)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(visited[i], role) == 0)
			return 1;
	return 0;
}

/* Push the delegations of role that cover name, first one on top. */
static int
push_children(struct au_tuf_client *c, const char *role, const char *name,
    struct visit **st, size_t *n, size_t *cap)
{
	struct au_delegation kids[AU_TUF_MAX_DELEGATIONS];
	size_t nk = 0;

	if (au_trusted_role_delegations(c->trusted, role, name, kids,
	    AU_TUF_MAX_DELEGATIONS, &nk) != 0)
		return AU_EINTERNAL;
	if (nk > 0 && kids[nk - 1].terminating)
		*n = 0;		/* 5.6.7.2.1: no backtracking past it */
	while (nk > 0) {
		nk--;
		if (push(st, n, cap, kids[nk].name, role) != 0)
			return AU_ENOMEM;
	}
	return 0;
}

int
au_tuf_find_target(struct au_tuf_client *c, const char *name,
    struct au_target *out, struct au_diag *diag)
{
	const char *visited[AU_TUF_MAX_VISITS];
	struct visit *st = NULL, v;
	size_t n = 0, cap = 0, nvis = 0;
	int found = 0, rc = push(&st, &n, &cap, "targets", "root");

	while (rc == 0 && n > 0 && nvis < AU_TUF_MAX_VISITS) {
		v = st[--n];
		if (seen(visited, nvis, v.role))
			continue;	/* a cycle, or a role reached twice */
		if (strcmp(v.role, "targets") != 0 &&
		    (rc = load_delegated(c, v.role, v.parent, diag)) != 0)
			break;
		rc = au_trusted_role_target(c->trusted, v.role, v.parent, name,
		    out, diag);
		if (rc == 0)
			found = 1;
		if (rc != AU_EMETA_NOTARGET)
			break;	/* found, or an error */
		visited[nvis++] = v.role;
		rc = push_children(c, v.role, name, &st, &n, &cap);
	}
	free(st);
	if (rc == AU_ENOMEM)
		return au_diag_set(diag, rc, "out of memory");
	if (rc == 0 && !found)
		rc = au_diag_set(diag, AU_EMETA_NOTARGET, "target \"%s\" is in "
		    "none of the %zu targets roles visited (at most %d)", name,
		    nvis, AU_TUF_MAX_VISITS);
	return rc;
}
