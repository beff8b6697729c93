/* SPDX-License-Identifier: ISC */
/* client/fetch/source.c - what every repository source shares (source.h). */
#include "client/fetch/source.h"

#include "port/ban.h"

int
au_source_tuf_fetch(void *arg, const char *file, size_t cap, uint8_t **buf,
    size_t *len, struct au_diag *diag)
{
	struct au_source *src = arg;

	return src->fetch_meta(src, file, cap, buf, len, diag);
}
