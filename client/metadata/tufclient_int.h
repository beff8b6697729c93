/* SPDX-License-Identifier: ISC */
/*
 * client/metadata/tufclient_int.h - internals shared by client/metadata/tufclient.c and
 * client/metadata/tufdeleg.c.  Not an API.
 */
#ifndef AU_TUFCLIENT_INT_H
#define AU_TUFCLIENT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "client/metadata/tufclient.h"

#define NROLES 4
enum { R_ROOT, R_TIMESTAMP, R_SNAPSHOT, R_TARGETS };

/* A verified delegated role's bytes and its local file name. */
struct dfresh {
	char file[AU_TUF_FILE_MAX + 1];
	uint8_t *buf;
	size_t len;
};

struct au_tuf_client {
	struct au_trusted *trusted;
	char metadir[AU_TUF_PATH_MAX];
	int64_t now;
	au_tuf_fetch_fn fetch;
	void *arg;
	enum au_tuf_persist mode;
	uint8_t *fresh[NROLES];		/* verified bytes not yet stored */
	size_t freshlen[NROLES];
	struct dfresh *dfresh;		/* delegated roles verified, not yet stored */
	size_t ndfresh, dcap;
};

/* Write metadir/file through au_file_replace.  AU_EIO, AU_ENOSPC. */
int tuf_store_file(struct au_tuf_client *c, const char *file,
    const uint8_t *buf, size_t len, struct au_diag *diag);

/* c->fetch, with AU_ETOOBIG turned into AU_EMETA_TOOBIG. */
int tuf_fetch(struct au_tuf_client *c, const char *file, size_t cap,
    uint8_t **buf, size_t *len, struct au_diag *diag);

#endif
