/* SPDX-License-Identifier: ISC */
/*
 * client/transport/http_parse.c - the HTTP/1.1 response parser of client/transport/http.h:
 * status line, header fields, message framing (RFC 9112 sections 4-7); and
 * the endpoint checks of au_http_open.
 * Pure functions over bytes, no I/O: unit tested and fuzzable alone.
 */
#include "client/transport/http.h"

#include <stdio.h>
#include <string.h>

#include "port/port.h"	/* struct au_addr */

#include "port/ban.h"

#define EXCERPT_MAX 48		/* bytes of a bad line quoted in diagnostics */

/* What the header fields said about framing. */
struct fields {
	int have_len;
	uint64_t len;
	int te;			/* Transfer-Encoding fields seen */
	int close;
	int ranges;		/* Content-Range fields seen */
	struct au_http_head *h;	/* validators and Content-Range go here */
};

static int
is_digit(uint8_t ch)
{
	return ch >= '0' && ch <= '9';
}

static int
is_ows(uint8_t ch)
{
	return ch == ' ' || ch == '\t';
}

/* RFC 9110 section 5.6.2 token characters. */
static int
is_tchar(uint8_t ch)
{
	if (is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
		return 1;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static int
is_bad_ctl(uint8_t ch)
{
	return (ch < 0x20 && ch != '\t') || ch == 0x7f;
}

static uint8_t
lower(uint8_t ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (uint8_t)(ch + 32) : ch;
}

/* Case-insensitive compare of p[0..n) with the lower-case word w. */
static int
word_is(const uint8_t *p, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower(p[i]) != (uint8_t)w[i])
			return 0;
	return 1;
}

/* A printable excerpt of untrusted bytes for a diagnostic. */
static const char *
excerpt(char *dst, size_t size, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < size; i++)
		dst[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	dst[i] = '\0';
	return dst;
}

static int
bad(struct au_diag *diag, const char *what, const uint8_t *p, size_t n)
{
	char ex[EXCERPT_MAX];

	return au_diag_set(diag, AU_EHTTP, "malformed HTTP response: %s \"%s\"",
	    what, excerpt(ex, sizeof(ex), p, n));
}

/* Index just past the CRLF CRLF that ends the head, or 0. */
static size_t
head_end(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 3; i < len; i++)
		if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' &&
		    buf[i - 3] == '\r')
			return i + 1;
	return 0;
}

/* Find the CRLF ending the line at `at`; bare CR or LF is refused. */
static int
line_end(const uint8_t *buf, size_t at, size_t end, size_t *eol,
    struct au_diag *diag)
{
	size_t i;

	for (i = at; i < end; i++) {
		if (buf[i] == '\n')
			return bad(diag, "bare LF in line", buf + at, i - at);
		if (buf[i] == '\r') {
			if (i + 1 >= end || buf[i + 1] != '\n')
				return bad(diag, "bare CR in line", buf + at,
				    i - at);
			*eol = i;
			return 0;
		}
	}
	return bad(diag, "unterminated line", buf + at, end - at);
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ] */
static int
parse_status(const uint8_t *p, size_t n, struct au_http_head *h,
    struct au_diag *diag)
{
	size_t i;

	if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || !is_digit(p[7]) ||
	    p[8] != ' ' || !is_digit(p[9]) || !is_digit(p[10]) ||
	    !is_digit(p[11]) || (n > 12 && p[12] != ' '))
		return bad(diag, "status line", p, n);
	h->minor = p[7] - '0';
	h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	if (h->status < 100 || h->status > 599)
		return bad(diag, "status code", p, n);
	for (i = 13; i < n; i++)
		if (is_bad_ctl(p[i]))
			return bad(diag, "control byte in reason", p, n);
	return 0;
}

/* Content-Length = 1*DIGIT; a list of one repeated value is accepted. */
static int
parse_length(const uint8_t *v, size_t n, struct fields *f,
    struct au_diag *diag)
{
	size_t i = 0, digits;
	uint64_t x;

	for (;;) {
		while (i < n && is_ows(v[i]))
			i++;
		for (x = 0, digits = 0; i < n && is_digit(v[i]); i++) {
			if (++digits > 19)
				return bad(diag, "Content-Length too large",
				    v, n);
			x = x * 10 + (uint64_t)(v[i] - '0');
		}
		while (i < n && is_ows(v[i]))
			i++;
		if (digits == 0 || (i < n && v[i] != ','))
			return bad(diag, "Content-Length", v, n);
		if (f->have_len && f->len != x)
			return bad(diag, "Content-Length values differ", v, n);
		f->have_len = 1;
		f->len = x;
		if (i == n)
			return 0;
		i++;		/* the comma */
	}
}

/* Connection = #connection-option; only "close" matters here. */
static void
parse_connection(const uint8_t *v, size_t n, struct fields *f)
{
	size_t i = 0, s, e;

	while (i < n) {
		while (i < n && (is_ows(v[i]) || v[i] == ','))
			i++;
		for (s = i; i < n && v[i] != ','; i++)
			;
		for (e = i; e > s && is_ows(v[e - 1]); e--)
			;
		if (word_is(v + s, e - s, "close"))
			f->close = 1;
	}
}

/* Keep a validator (RFC 9110 8.8) when it fits; a weak ETag is not kept. */
static void
keep_value(char *dst, const uint8_t *v, size_t n, int is_etag)
{
	if (n == 0 || n > AU_HTTP_VALIDATOR_MAX ||
	    (is_etag && (n < 2 || v[0] != '"' || v[n - 1] != '"')))
		return;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* Digits of v[*i..n) up to the byte stop; 1 on success. */
static int
range_num(const uint8_t *v, size_t n, size_t *i, uint8_t stop, uint64_t *out)
{
	size_t digits = 0;
	uint64_t x = 0;

	for (; *i < n && is_digit(v[*i]); (*i)++) {
		if (++digits > 19)
			return 0;
		x = x * 10 + (uint64_t)(v[*i] - '0');
	}
	if (digits == 0 || (stop != 0 && (*i >= n || v[*i] != stop)))
		return 0;
	if (stop != 0)
		(*i)++;
	*out = x;
	return 1;
}

/* Content-Range = "bytes" SP first "-" last "/" complete-length (RFC 9110 14.4) */
static int
parse_range(const uint8_t *v, size_t n, struct fields *f,
    struct au_diag *diag)
{
	struct au_http_head *h = f->h;
	size_t i = 6;

	if (++f->ranges > 1 || n < 6 || memcmp(v, "bytes ", 6) != 0)
		return bad(diag, "Content-Range", v, n);
	if (n > 8 && v[6] == '*' && v[7] == '/') {	/* unsatisfied-range (416) */
		i = 8;
		if (!range_num(v, n, &i, 0, &h->range_total) || i != n)
			return bad(diag, "Content-Range", v, n);
		return 0;
	}
	if (!range_num(v, n, &i, '-', &h->range_first) ||
	    !range_num(v, n, &i, '/', &h->range_last) ||
	    !range_num(v, n, &i, 0, &h->range_total) || i != n ||
	    h->range_last < h->range_first || h->range_last >= h->range_total)
		return bad(diag, "Content-Range", v, n);
	h->has_range = 1;
	return 0;
}

static int
apply_field(const uint8_t *name, size_t nlen, const uint8_t *v, size_t vlen,
    struct fields *f, struct au_diag *diag)
{
	if (word_is(name, nlen, "etag")) {
		keep_value(f->h->etag, v, vlen, 1);
		return 0;
	}
	if (word_is(name, nlen, "last-modified")) {
		keep_value(f->h->last_modified, v, vlen, 0);
		return 0;
	}
	if (word_is(name, nlen, "content-range"))
		return parse_range(v, vlen, f, diag);
	if (word_is(name, nlen, "content-length"))
		return parse_length(v, vlen, f, diag);
	if (word_is(name, nlen, "transfer-encoding")) {
		if (++f->te > 1 || !word_is(v, vlen, "chunked"))
			return bad(diag, "unsupported Transfer-Encoding", v,
			    vlen);
		return 0;
	}
	if (word_is(name, nlen, "connection"))
		parse_connection(v, vlen, f);
	return 0;
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 section 5) */
static int
parse_field(const uint8_t *p, size_t n, struct fields *f,
    struct au_diag *diag)
{
	size_t colon = 0, vs, ve, i;

	if (n > 0 && is_ows(p[0]))
		return bad(diag, "obs-fold (folded header line) refused", p, n);
	while (colon < n && is_tchar(p[colon]))
		colon++;
	if (colon == 0 || colon == n || p[colon] != ':')
		return bad(diag, "header field", p, n);
	for (vs = colon + 1; vs < n && is_ows(p[vs]); vs++)
		;
	for (ve = n; ve > vs && is_ows(p[ve - 1]); ve--)
		;
	for (i = vs; i < ve; i++)
		if (is_bad_ctl(p[i]))
			return bad(diag, "control byte in header field", p, n);
	return apply_field(p, colon, p + vs, ve - vs, f, diag);
}

/* RFC 9112 section 6.3, for a response to GET. */
static int
framing(struct au_http_head *h, const struct fields *f, struct au_diag *diag)
{
	h->close = f->close || h->minor == 0;
	h->framing = AU_HTTP_FRAME_LENGTH;
	h->length = 0;
	if (h->status < 200 || h->status == 204 || h->status == 304)
		return 0;
	if (f->te) {
		if (f->have_len)
			return au_diag_set(diag, AU_EHTTP, "malformed HTTP "
			    "response: both Transfer-Encoding and Content-Length");
		if (h->minor == 0)
			return au_diag_set(diag, AU_EHTTP, "malformed HTTP "
			    "response: Transfer-Encoding in HTTP/1.0");
		h->framing = AU_HTTP_FRAME_CHUNKED;
	} else if (f->have_len) {
		h->length = f->len;
	} else {
		h->framing = AU_HTTP_FRAME_CLOSE;
		h->close = 1;
	}
	return 0;
}

static int
parse_block(const uint8_t *buf, size_t end, struct au_http_head *h,
    struct au_diag *diag)
{
	struct fields f;
	size_t at, eol = 0;
	int rc;

	memset(&f, 0, sizeof(f));
	f.h = h;
	rc = line_end(buf, 0, end, &eol, diag);
	if (rc == 0)
		rc = parse_status(buf, eol, h, diag);
	for (at = eol + 2; rc == 0 && at < end - 2; at = eol + 2) {
		rc = line_end(buf, at, end, &eol, diag);
		if (rc == 0)
			rc = parse_field(buf + at, eol - at, &f, diag);
	}
	if (rc == 0)
		rc = framing(h, &f, diag);
	return rc;
}

int
au_http_parse_head(const uint8_t *buf, size_t len, struct au_http_head *out,
    size_t *used, struct au_diag *diag)
{
	struct au_http_head h;
	size_t end;
	int rc;

	end = head_end(buf, len < AU_HTTP_HEADER_MAX ? len : AU_HTTP_HEADER_MAX);
	if (end == 0) {
		if (len >= AU_HTTP_HEADER_MAX)
			return au_diag_set(diag, AU_EHTTP, "malformed HTTP "
			    "response: header block over %d bytes",
			    AU_HTTP_HEADER_MAX);
		/* Refuse a non-HTTP answer early, not after 16 KiB. */
		if (len > 0 && memcmp(buf, "HTTP/1.", len < 7 ? len : 7) != 0)
			return bad(diag, "status line", buf, len);
		*used = 0;
		return 0;
	}
	memset(&h, 0, sizeof(h));
	rc = parse_block(buf, end, &h, diag);
	if (rc != 0)
		return rc;
	h.head_len = end;
	*out = h;
	*used = end;
	return 0;
}

/* ---- Transfer-Encoding: chunked (RFC 9112 section 7.1) ---- */

enum {
	C_SIZE = 0,		/* hex digits of chunk-size */
	C_SIZE_WS,		/* BWS after the size */
	C_EXT,			/* chunk extensions, ignored */
	C_SIZE_LF,		/* LF ending the size line */
	C_DATA,			/* chunk-data */
	C_DATA_CR,		/* CRLF after chunk-data */
	C_DATA_LF,
	C_TRAILER_START,	/* start of a trailer line or the final CRLF */
	C_TRAILER,		/* inside a trailer field line */
	C_TRAILER_LF,
	C_END_LF,		/* LF of the final CRLF */
	C_DONE,
};

void
au_http_chunked_init(struct au_http_chunked *d)
{
	memset(d, 0, sizeof(*d));
	d->state = C_SIZE;
}

int
au_http_chunked_done(const struct au_http_chunked *d)
{
	return d->state == C_DONE;
}

static int
chunk_err(struct au_diag *diag, const char *what)
{
	return au_diag_set(diag, AU_EHTTP, "malformed chunked body: %s", what);
}

static int
hexval(uint8_t ch)
{
	if (is_digit(ch))
		return ch - '0';
	ch = lower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

static int
step_size(struct au_http_chunked *d, uint8_t ch, struct au_diag *diag)
{
	int v = hexval(ch);

	if (d->state == C_SIZE && v >= 0) {
		if (++d->digits > 16)
			return chunk_err(diag, "chunk size over 16 hex digits");
		d->size = d->size * 16 + (uint64_t)v;
		return 0;
	}
	if (d->digits == 0)
		return chunk_err(diag, "chunk size missing");
	if (ch == '\r')
		d->state = C_SIZE_LF;
	else if (ch == ';')
		d->state = C_EXT;
	else if (is_ows(ch))
		d->state = C_SIZE_WS;
	else
		return chunk_err(diag, "bad byte in chunk size line");
	return 0;
}

static int
step_size_lf(struct au_http_chunked *d, uint8_t ch, struct au_diag *diag)
{
	if (ch != '\n')
		return chunk_err(diag, "chunk size line not ended by CRLF");
	d->state = d->size == 0 ? C_TRAILER_START : C_DATA;
	d->line = 0;
	return 0;
}

static int
step_trailer(struct au_http_chunked *d, uint8_t ch, struct au_diag *diag)
{
	if (++d->trailer > AU_HTTP_HEADER_MAX)
		return chunk_err(diag, "trailer section too large");
	switch (d->state) {
	case C_TRAILER_START:
		if (ch == '\r')
			d->state = C_END_LF;
		else if (is_ows(ch) || is_bad_ctl(ch))
			return chunk_err(diag, "bad trailer field line");
		else
			d->state = C_TRAILER;
		return 0;
	case C_TRAILER:
		if (ch == '\r')
			d->state = C_TRAILER_LF;
		else if (is_bad_ctl(ch))
			return chunk_err(diag, "control byte in trailer");
		return 0;
	case C_TRAILER_LF:
		if (ch != '\n')
			return chunk_err(diag, "bare CR in trailer");
		d->state = C_TRAILER_START;
		return 0;
	default:		/* C_END_LF */
		if (ch != '\n')
			return chunk_err(diag, "bare CR after trailer");
		d->state = C_DONE;
		return 0;
	}
}

/* One byte outside chunk-data. */
static int
step(struct au_http_chunked *d, uint8_t ch, struct au_diag *diag)
{
	if (d->state <= C_SIZE_LF && ++d->line > AU_HTTP_CHUNK_LINE_MAX)
		return chunk_err(diag, "chunk size line too long");
	switch (d->state) {
	case C_SIZE:
	case C_SIZE_WS:
		return step_size(d, ch, diag);
	case C_EXT:
		if (ch == '\r')
			d->state = C_SIZE_LF;
		else if (is_bad_ctl(ch))
			return chunk_err(diag, "control byte in chunk extension");
		return 0;
	case C_SIZE_LF:
		return step_size_lf(d, ch, diag);
	case C_DATA_CR:
		if (ch != '\r')
			return chunk_err(diag, "chunk data longer than its size");
		d->state = C_DATA_LF;
		return 0;
	case C_DATA_LF:
		if (ch != '\n')
			return chunk_err(diag, "chunk data not ended by CRLF");
		d->state = C_SIZE;
		d->size = 0;
		d->digits = 0;
		return 0;
	default:
		return step_trailer(d, ch, diag);
	}
}

int
au_http_chunked_feed(struct au_http_chunked *d, const uint8_t *in, size_t len,
    size_t *used, const uint8_t **data, size_t *data_len,
    struct au_diag *diag)
{
	const uint8_t *span = NULL;
	size_t i = 0, n = 0;
	int rc;

	while (i < len && d->state != C_DONE) {
		if (d->state == C_DATA) {
			n = len - i;
			if ((uint64_t)n > d->size)
				n = (size_t)d->size;
			span = in + i;
			i += n;
			d->size -= n;
			if (d->size == 0)
				d->state = C_DATA_CR;
			break;
		}
		rc = step(d, in[i], diag);
		if (rc != 0)
			return rc;
		i++;
	}
	*used = i;
	*data = span;
	*data_len = n;
	return 0;
}

int
au_http_validator_ok(const char *v)
{
	size_t i, n = v != NULL ? strlen(v) : 0;

	if (n == 0 || n > AU_HTTP_VALIDATOR_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x7f)
			return 0;
	return 1;
}

/* ---- endpoint checks (au_http_check_endpoint) ---- */

static int
is_loopback(const struct au_addr *a)
{
	static const uint8_t v6[16] = { [15] = 1 };

	if (a->family == 4)
		return a->addr[0] == 127;
	return a->family == 6 && memcmp(a->addr, v6, 16) == 0;
}

static int
check_host(const char *host, struct au_diag *diag)
{
	size_t i, n = host != NULL ? strlen(host) : 0;

	if (n == 0 || n > AU_HTTP_HOST_MAX)
		return au_diag_set(diag, AU_EUSAGE, "host name missing or "
		    "longer than %d bytes", AU_HTTP_HOST_MAX);
	for (i = 0; i < n; i++) {
		char ch = host[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
			return au_diag_set(diag, AU_EUSAGE, "host name \"%.64s\""
			    " has a byte other than letters, digits, '-', '.'",
			    host);
	}
	return 0;
}

int
au_http_check_endpoint(const struct au_endpoint *ep, struct au_diag *diag)
{
	size_t i;
	int rc = check_host(ep->host, diag);

	if (rc != 0)
		return rc;
	if (ep->addrs == NULL || ep->naddrs == 0 ||
	    ep->naddrs > AU_HTTP_ADDRS_MAX || ep->port == 0)
		return au_diag_set(diag, AU_EUSAGE, "%s: need 1 to %d addresses"
		    " and a port", ep->host, AU_HTTP_ADDRS_MAX);
	if (ep->ntlsa > 0 && ep->tlsa == NULL)
		return au_diag_set(diag, AU_EUSAGE, "TLSA count without records");
	if ((unsigned)ep->auth > AU_TLS_NONE_PLAIN_HTTP)
		return au_diag_set(diag, AU_EUSAGE, "unknown TLS auth mode %d",
		    (int)ep->auth);
	for (i = 0; ep->auth == AU_TLS_NONE_PLAIN_HTTP && i < ep->naddrs; i++)
		if (!is_loopback(&ep->addrs[i]))
			return au_diag_set(diag, AU_EUSAGE, "plain http to %s "
			    "refused: only loopback addresses may skip TLS",
			    ep->host);
	return 0;
}
