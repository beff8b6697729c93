/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_http_chunked.c - libFuzzer target for the chunked body
 * decoder (client/transport/http.h au_http_chunked_*, RFC 9112 section 7.1).
 *
 * The first input byte picks how the rest is split into pieces (1..256
 * bytes), as a socket would deliver it.  Checks: *used never exceeds what
 * was offered, body bytes always lie inside the consumed bytes, the decoder
 * makes progress, and the decoded body is the same whatever the split
 * (compared with feeding the whole input at once).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/transport/http.h"

#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BODY_MAX 65536

struct run {
	uint8_t body[BODY_MAX];
	size_t blen;
	int rc;
	int done;
	size_t consumed;
};

/* Feed data[0..size) in pieces of `step` bytes; record body, result, state. */
static void
decode(const uint8_t *data, size_t size, size_t step, struct run *r)
{
	struct au_http_chunked dec;
	struct au_diag d;
	size_t off = 0;

	memset(&d, 0, sizeof(d));
	au_http_chunked_init(&dec);
	r->blen = 0;
	r->rc = 0;
	while (off < size && !au_http_chunked_done(&dec)) {
		size_t n = size - off < step ? size - off : step;
		size_t used = 0, dlen = 0;
		const uint8_t *out = NULL;

		r->rc = au_http_chunked_feed(&dec, data + off, n, &used, &out,
		    &dlen, &d);
		if (r->rc < 0)
			break;
		if (used > n)
			abort();
		if (dlen > 0) {
			if (out == NULL || out < data + off ||
			    out + dlen > data + off + used)
				abort();
			if (r->blen + dlen > sizeof(r->body))
				abort();	/* body can never exceed input */
			memcpy(r->body + r->blen, out, dlen);
			r->blen += dlen;
		}
		if (used == 0 && !au_http_chunked_done(&dec))
			abort();	/* bytes offered, none taken: a livelock */
		off += used;
	}
	r->done = au_http_chunked_done(&dec);
	r->consumed = off;
}

static struct run whole, split;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step;

	if (size < 1 || size - 1 > BODY_MAX)
		return 0;
	step = (size_t)data[0] + 1;
	data++;
	size--;
	decode(data, size, size ? size : 1, &whole);
	decode(data, size, step, &split);
	/* Success paths must agree on everything; an error must be an error both ways. */
	if ((whole.rc < 0) != (split.rc < 0))
		abort();
	if (whole.rc == 0) {
		if (whole.done != split.done || whole.blen != split.blen ||
		    memcmp(whole.body, split.body, whole.blen) != 0)
			abort();
		if (whole.done && whole.consumed != split.consumed)
			abort();
	}
	return 0;
}
