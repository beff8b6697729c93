/* SPDX-License-Identifier: ISC */
/* tests/unit/test_http.c - the HTTP/1.1 response parser (no network). */
#include "client/transport/http.h"
#include "client/transport/http_range.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/discover/dns.h"
#include "client/transport/tls.h"
#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

static struct au_diag diag;

/* Parse a whole head given as a C string. */
static int
head(const char *s, struct au_http_head *h, size_t *used)
{
	memset(&diag, 0, sizeof(diag));
	return au_http_parse_head((const uint8_t *)s, strlen(s), h, used, &diag);
}

/* Expect AU_EHTTP for s (complete head). */
static int
refused(const char *s)
{
	struct au_http_head h;
	size_t used = 99;
	int rc = head(s, &h, &used);

	if (rc != AU_EHTTP)
		fprintf(stderr, "    not refused (rc %d): %s\n", rc, s);
	return rc == AU_EHTTP && used == 99;
}

TEST(status_line_and_length)
{
	struct au_http_head h;
	size_t used = 0;
	const char *s = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n"
	    "Server: nginx\r\n\r\nbody bytes..";

	REQUIRE(head(s, &h, &used) == 0);
	CHECK_EQ(h.status, 200);
	CHECK_EQ(h.minor, 1);
	CHECK_EQ(h.framing, AU_HTTP_FRAME_LENGTH);
	CHECK_EQ(h.length, 12);
	CHECK_EQ(h.close, 0);
	CHECK_EQ(used, strlen(s) - 12);
	CHECK_EQ(h.head_len, used);
}

TEST(status_variants)
{
	struct au_http_head h;
	size_t used;

	REQUIRE(head("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
	    &h, &used) == 0);
	CHECK_EQ(h.status, 404);
	/* empty reason, with and without the SP */
	CHECK(head("HTTP/1.1 204 \r\n\r\n", &h, &used) == 0);
	CHECK(head("HTTP/1.1 204\r\n\r\n", &h, &used) == 0);
	CHECK_EQ(h.framing, AU_HTTP_FRAME_LENGTH);
	CHECK_EQ(h.length, 0);
	/* HTTP/1.0 closes */
	REQUIRE(head("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n", &h,
	    &used) == 0);
	CHECK_EQ(h.minor, 0);
	CHECK_EQ(h.close, 1);
	/* 1xx has no body */
	REQUIRE(head("HTTP/1.1 100 Continue\r\n\r\n", &h, &used) == 0);
	CHECK_EQ(h.status, 100);
	CHECK_EQ(h.length, 0);
}

TEST(status_line_refused)
{
	CHECK(refused("HTTP/2 200 OK\r\n\r\n"));
	CHECK(refused("HTTP/1.1 20 OK\r\n\r\n"));
	CHECK(refused("HTTP/1.1 2000 OK\r\n\r\n"));
	CHECK(refused("HTTP/1.1 099 Low\r\n\r\n"));
	CHECK(refused("HTTP/1.1 600 High\r\n\r\n"));
	CHECK(refused("HTTP/1.1  200 OK\r\n\r\n"));
	CHECK(refused("http/1.1 200 OK\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 O\001K\r\n\r\n"));
	CHECK(refused("HTTP/1.1 2x0 OK\r\n\r\n"));
	CHECK(refused("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
}

TEST(garbage_refused_before_complete)
{
	struct au_http_head h;
	size_t used = 7;

	/* not HTTP at all: refused at once, not after 16 KiB */
	CHECK_EQ(head("SSH-2.0-Open", &h, &used), AU_EHTTP);
	/* a prefix of a valid head just needs more bytes */
	used = 7;
	CHECK_EQ(head("HTT", &h, &used), 0);
	CHECK_EQ(used, 0);
	used = 7;
	CHECK_EQ(head("HTTP/1.1 200 OK\r\nContent-Le", &h, &used), 0);
	CHECK_EQ(used, 0);
	used = 7;
	CHECK_EQ(au_http_parse_head(NULL, 0, &h, &used, NULL), 0);
	CHECK_EQ(used, 0);
}

TEST(line_endings)
{
	CHECK(refused("HTTP/1.1 200 OK\nContent-Length: 1\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 1\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nX: a\nb\r\n\r\n"));
}

TEST(header_names_case_insensitive)
{
	struct au_http_head h;
	size_t used;

	REQUIRE(head("HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh:   77  \r\n"
	    "CONNECTION: Keep-Alive, CLOSE\r\n\r\n", &h, &used) == 0);
	CHECK_EQ(h.length, 77);
	CHECK_EQ(h.close, 1);
	REQUIRE(head("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n"
	    "Content-Length:5\r\n\r\n", &h, &used) == 0);
	CHECK_EQ(h.close, 0);
	CHECK_EQ(h.length, 5);
	/* "closed" is not "close" */
	REQUIRE(head("HTTP/1.1 200 OK\r\nConnection: closed\r\n"
	    "Content-Length:5\r\n\r\n", &h, &used) == 0);
	CHECK_EQ(h.close, 0);
}

TEST(header_fields_refused)
{
	/* obs-fold */
	CHECK(refused("HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\n"
	    "Content-Length: 1\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nX-A: one\r\n\ttwo\r\n\r\n"));
	/* space before the colon (RFC 9112 section 5.1) */
	CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nBad(Name): x\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nX: nul\001here\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nX: del\177\r\n\r\n"));
}

TEST(obs_text_and_tab_allowed)
{
	struct au_http_head h;
	size_t used;

	CHECK(head("HTTP/1.1 200 OK\r\nX-Note: caf\xc3\xa9\tok\r\n"
	    "Content-Length: 0\r\n\r\n", &h, &used) == 0);
}

TEST(content_length_rules)
{
	struct au_http_head h;
	size_t used;

	REQUIRE(head("HTTP/1.1 200 OK\r\nContent-Length: 42, 42\r\n\r\n",
	    &h, &used) == 0);
	CHECK_EQ(h.length, 42);
	REQUIRE(head("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n"
	    "Content-Length: 42\r\n\r\n", &h, &used) == 0);
	CHECK_EQ(h.length, 42);
	REQUIRE(head("HTTP/1.1 200 OK\r\nContent-Length: "
	    "9999999999999999999\r\n\r\n", &h, &used) == 0);
	CHECK(h.length == 9999999999999999999ull);
	CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n"
	    "Content-Length: 43\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: 42, 43\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: "
	    "99999999999999999999\r\n\r\n"));
}

TEST(transfer_encoding_rules)
{
	struct au_http_head h;
	size_t used;

	REQUIRE(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n",
	    &h, &used) == 0);
	CHECK_EQ(h.framing, AU_HTTP_FRAME_CHUNKED);
	CHECK_EQ(h.close, 0);
	/* request smuggling shapes */
	CHECK(refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Length: 5\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n"
	    "\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"));
	CHECK(refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n"));
	CHECK(refused("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
}

TEST(no_length_means_close)
{
	struct au_http_head h;
	size_t used;

	REQUIRE(head("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", &h, &used) == 0);
	CHECK_EQ(h.framing, AU_HTTP_FRAME_CLOSE);
	CHECK_EQ(h.close, 1);
	/* but 304 and 204 never have a body */
	REQUIRE(head("HTTP/1.1 304 Not Modified\r\n\r\n", &h, &used) == 0);
	CHECK_EQ(h.framing, AU_HTTP_FRAME_LENGTH);
	CHECK_EQ(h.close, 0);
}

TEST(header_cap)
{
	struct au_http_head h;
	size_t used = 5, n = AU_HTTP_HEADER_MAX + 100, i;
	uint8_t *buf = malloc(n);
	const char *start = "HTTP/1.1 200 OK\r\nX-Pad: ";

	REQUIRE(buf != NULL);
	memcpy(buf, start, strlen(start));
	for (i = strlen(start); i < n; i++)
		buf[i] = 'a';
	/* just under the cap: incomplete, not an error */
	CHECK_EQ(au_http_parse_head(buf, AU_HTTP_HEADER_MAX - 1, &h, &used,
	    NULL), 0);
	CHECK_EQ(used, 0);
	CHECK_EQ(au_http_parse_head(buf, AU_HTTP_HEADER_MAX, &h, &used, &diag),
	    AU_EHTTP);
	CHECK(strstr(diag.msg, "16384") != NULL);
	/* a complete head whose end lies past the cap is refused too */
	memcpy(buf + AU_HTTP_HEADER_MAX + 10, "\r\n\r\n", 4);
	CHECK_EQ(au_http_parse_head(buf, n, &h, &used, NULL), AU_EHTTP);
	/* and one ending exactly at the cap is fine */
	memcpy(buf + AU_HTTP_HEADER_MAX - 4, "\r\n\r\n", 4);
	CHECK_EQ(au_http_parse_head(buf, n, &h, &used, NULL), 0);
	CHECK_EQ(used, AU_HTTP_HEADER_MAX);
	free(buf);
}

TEST(diag_excerpt_is_printable)
{
	struct au_http_head h;
	size_t used;
	size_t i;

	CHECK_EQ(head("HTTP/1.1 200 OK\r\nX\033[31m: y\r\n\r\n", &h, &used),
	    AU_EHTTP);
	for (i = 0; diag.msg[i] != '\0'; i++)
		CHECK(diag.msg[i] >= 0x20 && diag.msg[i] < 0x7f);
}

/* ---- chunked ---- */

/* Decode s feeding `step` bytes at a time; returns rc, body in out. */
static int
unchunk(const char *s, size_t step, char *out, size_t outsize,
    size_t *outlen, size_t *consumed)
{
	struct au_http_chunked d;
	const uint8_t *in = (const uint8_t *)s, *data;
	size_t len = strlen(s), at = 0, used, dlen, end, o = 0;
	int rc;

	au_http_chunked_init(&d);
	while (!au_http_chunked_done(&d) && at < len) {
		end = at + step < len ? at + step : len;
		while (at < end && !au_http_chunked_done(&d)) {
			rc = au_http_chunked_feed(&d, in + at, end - at, &used,
			    &data, &dlen, &diag);
			if (rc != 0)
				return rc;
			if (dlen > 0) {
				if (o + dlen > outsize)
					return -9999;
				if (data + dlen != in + at + used)
					return -9998;
				memcpy(out + o, data, dlen);
				o += dlen;
			}
			at += used;
		}
	}
	*outlen = o;
	*consumed = at;
	return au_http_chunked_done(&d) ? 0 : -9997;
}

TEST(chunked_basic_any_split)
{
	const char *s = "5\r\nhello\r\n1;ext=\"v\"\r\n \r\n"
	    "0000A \t;a;b=c\r\n0123456789\r\n0\r\nX-Trailer: t\r\n"
	    "Other: u\r\n\r\nNEXT";
	char out[64];
	size_t n, used, step;

	for (step = 1; step <= strlen(s); step++) {
		REQUIRE(unchunk(s, step, out, sizeof(out), &n, &used) == 0);
		CHECK_EQ(n, 16);
		CHECK(memcmp(out, "hello 0123456789", 16) == 0);
		/* stops right after the final CRLF, "NEXT" untouched */
		CHECK_EQ(used, strlen(s) - 4);
	}
}

TEST(chunked_empty_and_hex_case)
{
	char out[64];
	size_t n, used;

	REQUIRE(unchunk("0\r\n\r\n", 1, out, sizeof(out), &n, &used) == 0);
	CHECK_EQ(n, 0);
	REQUIRE(unchunk("a\r\n0123456789\r\nB\r\nabcdefghijk\r\n0\r\n\r\n",
	    3, out, sizeof(out), &n, &used) == 0);
	CHECK_EQ(n, 21);
}

TEST(chunked_refused)
{
	char out[64];
	size_t n, used;

	/* data longer than its size */
	CHECK_EQ(unchunk("3\r\nabcd\r\n0\r\n\r\n", 1, out, sizeof(out), &n,
	    &used), AU_EHTTP);
	/* bare LF */
	CHECK_EQ(unchunk("3\nabc\r\n0\r\n\r\n", 1, out, sizeof(out), &n,
	    &used), AU_EHTTP);
	CHECK_EQ(unchunk("3\r\nabc\n0\r\n\r\n", 1, out, sizeof(out), &n,
	    &used), AU_EHTTP);
	/* no digits, bad digits, sign, space inside */
	CHECK_EQ(unchunk("\r\nabc\r\n", 1, out, sizeof(out), &n, &used),
	    AU_EHTTP);
	CHECK_EQ(unchunk("g\r\n", 1, out, sizeof(out), &n, &used), AU_EHTTP);
	CHECK_EQ(unchunk("-1\r\n", 1, out, sizeof(out), &n, &used), AU_EHTTP);
	CHECK_EQ(unchunk("1 1\r\n", 1, out, sizeof(out), &n, &used), AU_EHTTP);
	CHECK_EQ(unchunk("0x3\r\n", 1, out, sizeof(out), &n, &used), AU_EHTTP);
	/* more than 16 hex digits (overflow) */
	CHECK_EQ(unchunk("10000000000000000\r\n", 1, out, sizeof(out), &n,
	    &used), AU_EHTTP);
	/* control byte in an extension */
	CHECK_EQ(unchunk("1;a\001\r\nx\r\n0\r\n\r\n", 1, out, sizeof(out), &n,
	    &used), AU_EHTTP);
	/* obs-fold in trailer */
	CHECK_EQ(unchunk("0\r\nA: b\r\n c\r\n\r\n", 1, out, sizeof(out), &n,
	    &used), AU_EHTTP);
	/* truncated: not done */
	CHECK_EQ(unchunk("3\r\nabc\r\n", 1, out, sizeof(out), &n, &used),
	    -9997);
	CHECK_EQ(unchunk("0\r\nTrailer: x\r\n", 2, out, sizeof(out), &n,
	    &used), -9997);
}

TEST(chunked_max_size_accepted_by_parser)
{
	struct au_http_chunked d;
	const uint8_t *data;
	size_t used, dlen;
	const char *s = "FFFFFFFFFFFFFFFF\r\nabc";

	/* 16 digits parse; the byte cap is the caller's job */
	au_http_chunked_init(&d);
	REQUIRE(au_http_chunked_feed(&d, (const uint8_t *)s, strlen(s), &used,
	    &data, &dlen, NULL) == 0);
	CHECK_EQ(used, 21);
	CHECK_EQ(dlen, 3);
	CHECK(data == (const uint8_t *)s + 18);
	CHECK(d.size == UINT64_MAX - 3);
}

static char *
repeat(char ch, size_t n, const char *prefix, const char *suffix)
{
	size_t p = strlen(prefix), s = strlen(suffix);
	char *b = malloc(p + n + s + 1);

	if (b == NULL)
		return NULL;
	memcpy(b, prefix, p);
	memset(b + p, ch, n);
	memcpy(b + p + n, suffix, s + 1);
	return b;
}

TEST(chunked_caps)
{
	char out[8];
	size_t n, used;
	char *s;

	/* size line with extensions over AU_HTTP_CHUNK_LINE_MAX */
	s = repeat('x', AU_HTTP_CHUNK_LINE_MAX, "1;", "\r\na\r\n0\r\n\r\n");
	REQUIRE(s != NULL);
	CHECK_EQ(unchunk(s, 4096, out, sizeof(out), &n, &used), AU_EHTTP);
	free(s);
	/* just under it is fine */
	s = repeat('x', AU_HTTP_CHUNK_LINE_MAX - 5, "1;", "\r\na\r\n0\r\n\r\n");
	REQUIRE(s != NULL);
	CHECK_EQ(unchunk(s, 4096, out, sizeof(out), &n, &used), 0);
	free(s);
	/* trailer section over AU_HTTP_HEADER_MAX */
	s = repeat('y', AU_HTTP_HEADER_MAX, "0\r\nT: ", "\r\n\r\n");
	REQUIRE(s != NULL);
	CHECK_EQ(unchunk(s, 4096, out, sizeof(out), &n, &used), AU_EHTTP);
	free(s);
}

/* ---- TLSA usability (pure) ---- */

TEST(tlsa_usable)
{
	struct au_tlsa t;

	memset(&t, 0, sizeof(t));
	t.usage = 3;
	t.selector = 1;
	t.mtype = 1;
	t.len = 32;
	CHECK(au_tls_tlsa_usable(&t));
	t.len = 31;
	CHECK(!au_tls_tlsa_usable(&t));
	t.mtype = 2;
	t.len = 64;
	CHECK(au_tls_tlsa_usable(&t));
	t.usage = 2;		/* DANE-TA (RFC 7671 section 5.2) */
	CHECK(au_tls_tlsa_usable(&t));
	t.usage = 1;
	CHECK(!au_tls_tlsa_usable(&t));
	t.usage = 3;
	t.selector = 2;
	CHECK(!au_tls_tlsa_usable(&t));
	t.selector = 0;
	t.mtype = 3;
	CHECK(!au_tls_tlsa_usable(&t));
}

/* ---- validators and Content-Range (resumed downloads) ---- */

TEST(validators_kept)
{
	struct au_http_head h;
	size_t used;

	REQUIRE(head("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	    "ETag: \"5f1-abc\"\r\nLast-Modified: Sun, 29 Nov 2026 10:00:00 GMT"
	    "\r\n\r\n", &h, &used) == 0);
	CHECK_STR(h.etag, "\"5f1-abc\"");
	CHECK_STR(h.last_modified, "Sun, 29 Nov 2026 10:00:00 GMT");
	CHECK_EQ(h.has_range, 0);
	/* a weak ETag cannot be used in If-Range (RFC 9110 13.1.5) */
	REQUIRE(head("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	    "ETag: W/\"5f1\"\r\n\r\n", &h, &used) == 0);
	CHECK_STR(h.etag, "");
	REQUIRE(head("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	    "ETag: unquoted\r\n\r\n", &h, &used) == 0);
	CHECK_STR(h.etag, "");
}

TEST(content_range_parsed)
{
	struct au_http_head h;
	size_t used;

	REQUIRE(head("HTTP/1.1 206 Partial Content\r\nContent-Length: 100\r\n"
	    "Content-Range: bytes 4900-4999/5000\r\n\r\n", &h, &used) == 0);
	CHECK_EQ(h.status, 206);
	CHECK_EQ(h.has_range, 1);
	CHECK_EQ(h.range_first, 4900);
	CHECK_EQ(h.range_last, 4999);
	CHECK_EQ(h.range_total, 5000);
	/* 64-bit offsets: past 4 GiB */
	REQUIRE(head("HTTP/1.1 206 Partial Content\r\nContent-Length: 1\r\n"
	    "Content-Range: bytes 5000000000-5000000000/5000000001\r\n\r\n",
	    &h, &used) == 0);
	CHECK(h.range_first == 5000000000ULL);
	CHECK(h.range_total == 5000000001ULL);
	/* a 416 names the length only (RFC 9110 14.4 unsatisfied-range) */
	REQUIRE(head("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\n"
	    "Content-Range: bytes */40000\r\n\r\n", &h, &used) == 0);
	CHECK_EQ(h.has_range, 0);
	CHECK_EQ(h.range_total, 40000);
}

TEST(content_range_refused)
{
	CHECK(refused("HTTP/1.1 206 P\r\nContent-Range: bytes 5-4/10\r\n\r\n"));
	CHECK(refused("HTTP/1.1 206 P\r\nContent-Range: bytes 0-10/10\r\n\r\n"));
	CHECK(refused("HTTP/1.1 206 P\r\nContent-Range: bytes 0-1/*\r\n\r\n"));
	CHECK(refused("HTTP/1.1 206 P\r\nContent-Range: bytes */\r\n\r\n"));
	CHECK(refused("HTTP/1.1 206 P\r\nContent-Range: bytes */1x\r\n\r\n"));
	CHECK(refused("HTTP/1.1 206 P\r\nContent-Range: items 0-1/10\r\n\r\n"));
	CHECK(refused("HTTP/1.1 206 P\r\nContent-Range: bytes 0-1/10 \r\n"
	    "Content-Range: bytes 0-1/10\r\n\r\n"));
	CHECK(refused("HTTP/1.1 206 P\r\nContent-Range: bytes -1-2/10\r\n\r\n"));
	CHECK(refused("HTTP/1.1 206 P\r\nContent-Range: bytes 0-99999999999999999999/1\r\n\r\n"));
}

/* ---- endpoint checks that need no network ---- */

/* Issue 13: a range GET accepts only a 206 of exactly the range asked. */
static int
range_verdict(const char *resp, uint64_t first, uint64_t last,
    uint64_t total, struct au_http_range *r)
{
	struct au_http_head h;
	size_t used;

	memset(r, 0, sizeof(*r));
	r->first = first;
	r->last = last;
	r->total = total;
	if (head(resp, &h, &used) != 0)
		return 1;
	return au_http_range_check(&h, r, &diag);
}

TEST(range_check)
{
	struct au_http_range r;

	CHECK_EQ(range_verdict("HTTP/1.1 206 P\r\nContent-Length: 100\r\n"
	    "ETag: \"v1\"\r\nContent-Range: bytes 4900-4999/5000\r\n\r\n",
	    4900, 4999, 5000, &r), 0);
	CHECK_STR(r.validator_out, "\"v1\"");
	CHECK_EQ(r.ignored, 0);
	CHECK_EQ(range_verdict("HTTP/1.1 206 P\r\nTransfer-Encoding: chunked"
	    "\r\nContent-Range: bytes 0-0/5000\r\n\r\n", 0, 0, 5000, &r), 0);
	/* 200: the server ignores ranges; the caller falls back */
	CHECK_EQ(range_verdict("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n"
	    "\r\n", 0, 99, 5000, &r), AU_EHTTP_STATUS);
	CHECK_EQ(r.ignored, 1);
	/* another range, another total, a wrong length, no length, no range */
	CHECK_EQ(range_verdict("HTTP/1.1 206 P\r\nContent-Length: 100\r\n"
	    "Content-Range: bytes 4800-4899/5000\r\n\r\n", 4900, 4999, 5000,
	    &r), AU_EHTTP);
	CHECK_EQ(r.ignored, 0);
	CHECK_EQ(range_verdict("HTTP/1.1 206 P\r\nContent-Length: 100\r\n"
	    "Content-Range: bytes 4900-4999/5001\r\n\r\n", 4900, 4999, 5000,
	    &r), AU_EHTTP);
	CHECK_EQ(range_verdict("HTTP/1.1 206 P\r\nContent-Length: 99\r\n"
	    "Content-Range: bytes 4900-4999/5000\r\n\r\n", 4900, 4999, 5000,
	    &r), AU_EHTTP);
	CHECK_EQ(range_verdict("HTTP/1.1 206 P\r\n"
	    "Content-Range: bytes 4900-4999/5000\r\n\r\n", 4900, 4999, 5000,
	    &r), AU_EHTTP);
	CHECK_EQ(range_verdict("HTTP/1.1 206 P\r\nContent-Length: 100\r\n"
	    "\r\n", 4900, 4999, 5000, &r), AU_EHTTP);
	CHECK_EQ(range_verdict("HTTP/1.1 416 R\r\nContent-Length: 0\r\n"
	    "Content-Range: bytes */5000\r\n\r\n", 0, 9, 5000, &r), AU_EHTTP);
	CHECK_EQ(range_verdict("HTTP/1.1 404 N\r\nContent-Length: 0\r\n\r\n",
	    0, 9, 5000, &r), AU_ENOTFOUND);
	CHECK_EQ(range_verdict("HTTP/1.1 302 F\r\nContent-Length: 0\r\n\r\n",
	    0, 9, 5000, &r), AU_EHTTP_STATUS);
	CHECK_EQ(r.ignored, 0);
}

TEST(range_request_bounds)
{
	struct au_http_range r;

	memset(&r, 0, sizeof(r));
	r.first = 10;
	r.last = 9;
	r.total = 100;
	/* refused before any I/O: the connection is never touched */
	CHECK_EQ(au_http_get_range(NULL, "/x", &r, NULL, NULL, NULL, &diag),
	    AU_EUSAGE);
	r.first = 0;
	r.last = 100;
	CHECK_EQ(au_http_get_range(NULL, "/x", &r, NULL, NULL, NULL, &diag),
	    AU_EUSAGE);
	CHECK_EQ(au_http_validator_ok("\"abc\""), 1);
	CHECK_EQ(au_http_validator_ok(""), 0);
	CHECK_EQ(au_http_validator_ok(NULL), 0);
	CHECK_EQ(au_http_validator_ok("a\r\nX: y"), 0);
}

TEST(open_refuses_bad_endpoints)
{
	struct au_addr a4, pub;
	struct au_endpoint ep;
	struct au_http *c = NULL;

	REQUIRE(au_addr_parse("127.0.0.1", &a4) == 0);
	REQUIRE(au_addr_parse("192.0.2.1", &pub) == 0);
	memset(&ep, 0, sizeof(ep));
	ep.host = "repo.example";
	ep.addrs = &pub;
	ep.naddrs = 1;
	ep.port = 80;
	ep.auth = AU_TLS_NONE_PLAIN_HTTP;
	CHECK_EQ(au_http_open(&ep, &c, &diag), AU_EUSAGE);
	CHECK(strstr(diag.msg, "loopback") != NULL);
	ep.addrs = &a4;
	ep.host = "bad host";
	CHECK_EQ(au_http_open(&ep, &c, NULL), AU_EUSAGE);
	ep.host = "repo.example";
	ep.naddrs = 0;
	CHECK_EQ(au_http_open(&ep, &c, NULL), AU_EUSAGE);
	ep.naddrs = 1;
	ep.auth = AU_TLS_DANE;	/* no TLSA at all: refused as TLS (exit 11) */
	CHECK_EQ(au_http_open(&ep, &c, &diag), AU_ETLS);
	CHECK(strstr(diag.msg, "DANE required") != NULL);
	ep.auth = AU_TLS_CA;	/* CA bundle missing */
	ep.ca_file = "/nonexistent/ca.pem";
	CHECK_EQ(au_http_open(&ep, &c, &diag), AU_ECONFIG);
	CHECK(c == NULL);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(status_line_and_length);
	RUN(status_variants);
	RUN(status_line_refused);
	RUN(garbage_refused_before_complete);
	RUN(line_endings);
	RUN(header_names_case_insensitive);
	RUN(header_fields_refused);
	RUN(obs_text_and_tab_allowed);
	RUN(content_length_rules);
	RUN(transfer_encoding_rules);
	RUN(no_length_means_close);
	RUN(header_cap);
	RUN(diag_excerpt_is_printable);
	RUN(chunked_basic_any_split);
	RUN(chunked_empty_and_hex_case);
	RUN(chunked_refused);
	RUN(chunked_max_size_accepted_by_parser);
	RUN(chunked_caps);
	RUN(validators_kept);
	RUN(content_range_parsed);
	RUN(content_range_refused);
	RUN(tlsa_usable);
	RUN(range_check);
	RUN(range_request_bounds);
	RUN(open_refuses_bad_endpoints);
	return harness_done();
}
