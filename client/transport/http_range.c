/* SPDX-License-Identifier: ISC */
/* client/transport/http_range.c - one byte range per GET (http_range.h). */
#include "client/transport/http_range.h"

#include <stdio.h>
#include <string.h>

#include "port/ban.h"

int
au_http_range_check(const struct au_http_head *h, struct au_http_range *r,
    struct au_diag *diag)
{
	uint64_t want = r->last - r->first + 1;

	r->ignored = h->status == 200;
	(void)snprintf(r->validator_out, sizeof(r->validator_out), "%s",
	    h->etag[0] ? h->etag : h->last_modified);
	if (h->status == 200)
		return au_diag_set(diag, AU_EHTTP_STATUS, "HTTP 200 to a range "
		    "request: the server ignores ranges (or the file changed)");
	if (h->status == 404)
		return au_diag_set(diag, AU_ENOTFOUND, "HTTP 404 to a range "
		    "request");
	if (h->status != 206 && h->status != 416)
		return au_diag_set(diag, AU_EHTTP_STATUS, "HTTP %d to a range "
		    "request", h->status);
	if (h->status == 416 || !h->has_range || h->range_first != r->first ||
	    h->range_last != r->last || h->range_total != r->total ||
	    h->framing == AU_HTTP_FRAME_CLOSE ||
	    (h->framing == AU_HTTP_FRAME_LENGTH && h->length != want))
		return au_diag_set(diag, AU_EHTTP, "HTTP %d with Content-Range "
		    "%llu-%llu/%llu (%s) to a request for bytes %llu-%llu/%llu",
		    h->status, (unsigned long long)h->range_first,
		    (unsigned long long)h->range_last,
		    (unsigned long long)h->range_total,
		    h->framing == AU_HTTP_FRAME_CLOSE ? "no length" :
		    h->framing == AU_HTTP_FRAME_CHUNKED ? "chunked" : "sized",
		    (unsigned long long)r->first, (unsigned long long)r->last,
		    (unsigned long long)r->total);
	return 0;
}

static int
on_head(void *harg, const struct au_http_head *h, uint64_t *max,
    struct au_diag *diag)
{
	struct au_http_range *r = harg;
	int rc = au_http_range_check(h, r, diag);

	if (rc == 0)
		*max = r->last - r->first + 1;
	return rc;
}

int
au_http_get_range(struct au_http *c, const char *path,
    struct au_http_range *r, au_http_sink sink, void *arg, uint64_t *got,
    struct au_diag *diag)
{
	char extra[AU_HTTP_VALIDATOR_MAX + 96];
	uint64_t n_got = 0;
	int n, rc;

	r->ignored = 0;
	r->validator_out[0] = '\0';
	if (got != NULL)
		*got = 0;
	if (r->first > r->last || r->last >= r->total)
		return au_diag_set(diag, AU_EUSAGE, "range %llu-%llu outside "
		    "a resource of %llu bytes", (unsigned long long)r->first,
		    (unsigned long long)r->last, (unsigned long long)r->total);
	n = snprintf(extra, sizeof(extra), "Range: bytes=%llu-%llu\r\n%s%s%s",
	    (unsigned long long)r->first, (unsigned long long)r->last,
	    au_http_validator_ok(r->validator) ? "If-Range: " : "",
	    au_http_validator_ok(r->validator) ? r->validator : "",
	    au_http_validator_ok(r->validator) ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(extra))
		return au_diag_set(diag, AU_EINTERNAL, "range request too long");
	rc = au_http_request(c, path, extra, on_head, r, sink, arg, &n_got,
	    diag);
	if (got != NULL)
		*got = n_got;
	/* A chunked 206 may end early: fewer bytes than asked is no answer. */
	if (rc == 0 && n_got != r->last - r->first + 1)
		rc = au_diag_set(diag, AU_EHTTP, "HTTP 206 body of %llu bytes "
		    "to a request for bytes %llu-%llu", (unsigned long long)
		    n_got, (unsigned long long)r->first,
		    (unsigned long long)r->last);
	return rc;
}
