/* SPDX-License-Identifier: ISC */
/*
 * client/transport/http_range.h - one byte range of a resource per GET
 * (RFC 9110 section 14: Range, 206 Partial Content, Content-Range; 13.1.5
 * If-Range), on the keep-alive connection of client/transport/http.h, so a
 * delta update (client/fetch/delta.h) fetches many ranges over one TLS
 * session.  Each GET runs under the connection's deadline
 * (au_http_set_deadline): the caller sets one per range.
 *
 * Only a 206 whose Content-Range is exactly the range asked, of the
 * expected total, with a matching Content-Length, is accepted; a 200 means
 * the server ignores ranges (or the If-Range validator no longer matches):
 * not one body byte of it is read, the connection is dropped, and the
 * caller falls back to a full download.  The verdict on a response head is
 * the pure function au_http_range_check(), unit-tested on its own
 * (tests/unit/test_http.c); the Content-Range parser is au_http_parse_head's.
 */
#ifndef AU_HTTP_RANGE_H
#define AU_HTTP_RANGE_H

#include <stdint.h>

#include "client/transport/http.h"
#include "port/err.h"

/* One range request and what its response said. */
struct au_http_range {
	uint64_t first, last;	/* in: bytes first..last (inclusive) */
	uint64_t total;		/* in: the resource's length (signed) */
	const char *validator;	/* in: If-Range value (strong ETag or
				   Last-Modified), NULL or "" for none */
	int ignored;		/* out: 1 = the server answered 200 */
	/* out: this response's strong ETag, else its Last-Modified, else "" */
	char validator_out[AU_HTTP_VALIDATOR_MAX + 1];
};

/*
 * The verdict on the head h of a response to range r (pure; sets
 * r->ignored and r->validator_out): 0 when h is a 206 with Content-Range
 * "bytes FIRST-LAST/TOTAL" exactly r's, framed by a Content-Length of
 * LAST-FIRST+1 or chunked (a close-delimited 206 is refused: a cut could
 * forge its end).  Errors: AU_EHTTP_STATUS with r->ignored = 1 for a 200;
 * AU_EHTTP for a 206 of another range, total or length, and for a 416;
 * AU_ENOTFOUND for a 404; AU_EHTTP_STATUS for any other status.
 */
AU_NODISCARD int au_http_range_check(const struct au_http_head *h,
    struct au_http_range *r, struct au_diag *diag);

/*
 * GET bytes r->first..r->last of path (as au_http_get: starting with '/',
 * URL-safe) with "Range: bytes=FIRST-LAST" and, when r->validator is set
 * (printable ASCII, at most AU_HTTP_VALIDATOR_MAX bytes, else not sent),
 * "If-Range: VALIDATOR"; stream the accepted 206 body to sink, at most
 * LAST-FIRST+1 bytes.  *got (may be NULL) is always set to the bytes given
 * to sink.  The connection is kept for the next request when the response
 * was read to its end (a refused 404/416 is drained as au_http_get does).
 * Errors: AU_EUSAGE (bad path, first > last, last >= total), those of
 * au_http_range_check(), au_http_get's transport errors (AU_ECONNECT,
 * AU_ETLS, AU_ETIMEOUT, AU_EHTTP for a truncated body), or sink's code.
 */
AU_NODISCARD int au_http_get_range(struct au_http *c, const char *path,
    struct au_http_range *r, au_http_sink sink, void *arg, uint64_t *got,
    struct au_diag *diag);

#endif
