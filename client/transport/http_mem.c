/* SPDX-License-Identifier: ISC */
/* client/transport/http_mem.c - a whole body in memory: au_http_get_mem (http.h) over au_http_get. */
#include "client/transport/http.h"

#include <stdlib.h>
#include <string.h>

#include "port/ban.h"

struct membuf {
	uint8_t *p;
	size_t len, cap;
};

static int
mem_sink(void *arg, const uint8_t *buf, size_t len)
{
	struct membuf *m = arg;
	size_t cap = m->cap ? m->cap : 4096;
	uint8_t *np;

	while (cap - m->len <= len)	/* room for the NUL too */
		cap *= 2;
	if (cap != m->cap) {
		np = realloc(m->p, cap);
		if (np == NULL)
			return AU_ENOMEM;
		m->p = np;
		m->cap = cap;
	}
	memcpy(m->p + m->len, buf, len);
	m->len += len;
	return 0;
}

int
au_http_get_mem(struct au_http *c, const char *path, size_t max_bytes,
    uint8_t **out, size_t *len, struct au_diag *diag)
{
	struct membuf m = { NULL, 0, 0 };
	int rc;

	rc = au_http_get(c, path, max_bytes, mem_sink, &m, NULL, diag);
	if (rc == 0 && m.p == NULL && mem_sink(&m, (const uint8_t *)"", 0) != 0)
		rc = au_diag_set(diag, AU_ENOMEM, "out of memory");
	if (rc != 0) {
		free(m.p);
		return rc;
	}
	m.p[m.len] = '\0';
	*out = m.p;
	*len = m.len;
	return 0;
}
