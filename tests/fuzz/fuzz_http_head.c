/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_http_head.c - libFuzzer target for the HTTP/1.1 response
 * head parser (client/transport/http.h au_http_parse_head, RFC 9112 sections 4-6).
 *
 * The input is a server's bytes.  Checks beyond "no crash": a complete head
 * reports a length within the input and AU_HTTP_HEADER_MAX, a status in
 * 100..599 and a known framing; feeding the input in two parts never yields
 * a different answer (the client reads the socket in arbitrary pieces); a
 * complete head parses identically with trailing body bytes cut off; the
 * range verdict (client/transport/http_range.h au_http_range_check, issue
 * 13) accepts a head only when it is a 206 of exactly the range asked (the
 * head's own Content-Range, or one from the input's last bytes), flags a
 * 200 and nothing else as "ranges ignored".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/transport/http.h"
#include "client/transport/http_range.h"

#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
range_verdict(const struct au_http_head *h, const uint8_t *data, size_t size)
{
	struct au_http_range r;
	struct au_diag d;
	int rc;

	memset(&r, 0, sizeof(r));
	if (h->has_range && data[size - 1] % 2 == 0) {
		r.first = h->range_first;
		r.last = h->range_last;
		r.total = h->range_total;
	} else {
		r.first = data[size - 1];
		r.last = r.first + data[0];
		r.total = r.last + 1 + data[size / 2];
	}
	rc = au_http_range_check(h, &r, &d);
	if (r.ignored != (h->status == 200))
		abort();
	if (rc == 0 && (h->status != 206 || !h->has_range ||
	    h->range_first != r.first || h->range_last != r.last ||
	    h->range_total != r.total || h->framing == AU_HTTP_FRAME_CLOSE ||
	    (h->framing == AU_HTTP_FRAME_LENGTH &&
	    h->length != r.last - r.first + 1)))
		abort();
	if (rc > 0)
		abort();
}

static void
same_head(const struct au_http_head *a, const struct au_http_head *b)
{
	if (a->status != b->status || a->minor != b->minor ||
	    a->framing != b->framing || a->length != b->length ||
	    a->close != b->close || a->head_len != b->head_len)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct au_http_head h, h2;
	struct au_diag d;
	size_t used = 0, used2 = 0;
	int rc, rc2;

	memset(&d, 0, sizeof(d));
	memset(&h, 0, sizeof(h));
	rc = au_http_parse_head(data, size, &h, &used, &d);
	if (rc < 0)
		return 0;
	if (used == 0)
		return 0;	/* needs more bytes */
	if (used > size || used > AU_HTTP_HEADER_MAX || used != h.head_len)
		abort();
	if (h.status < 100 || h.status > 599)
		abort();
	if (h.framing != AU_HTTP_FRAME_LENGTH &&
	    h.framing != AU_HTTP_FRAME_CHUNKED && h.framing != AU_HTTP_FRAME_CLOSE)
		abort();
	/* The head alone, without what follows it, parses the same. */
	memset(&h2, 0, sizeof(h2));
	rc2 = au_http_parse_head(data, used, &h2, &used2, &d);
	if (rc2 != 0 || used2 != used)
		abort();
	same_head(&h, &h2);
	range_verdict(&h, data, size);
	/* Any strict prefix of a complete head is "need more" or an error, never complete. */
	if (used > 1) {
		rc2 = au_http_parse_head(data, used - 1, &h2, &used2, &d);
		if (rc2 == 0 && used2 != 0)
			abort();
	}
	return 0;
}
