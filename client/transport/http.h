/* SPDX-License-Identifier: ISC */
/*
 * client/transport/http.h - a small HTTP/1.1 client over mbedTLS 2.28 (TLS 1.2),
 * RFC 9110 (semantics), RFC 9112 (HTTP/1.1 messages), RFC 6698/7671 (DANE).
 *
 * One struct au_http is one connection to one endpoint, reused for several
 * GETs (keep-alive).  If the server closed an idle connection, the next GET
 * reconnects transparently (once).  Every connection is authenticated:
 * CA chain + host name, or a DNSSEC-secure TLSA record (DANE-EE), or both;
 * plain http is allowed only towards loopback addresses (TUF conformance).
 *
 * The response parser (au_http_parse_head, au_http_chunked_*) is a pure
 * function over bytes, with no I/O, so it can be unit tested and fuzzed.
 */
#ifndef AU_HTTP_H
#define AU_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "client/transport/endpoint.h"	/* struct au_endpoint, enum au_tls_auth */
#include "port/err.h"

#define AU_HTTP_HEADER_MAX 16384	/* status line + all response headers */
#define AU_HTTP_CONNECT_TIMEOUT_MS 10000
#define AU_HTTP_READ_TIMEOUT_MS 30000	/* each read (handshake included) */
#define AU_HTTP_PATH_MAX 2048		/* request target, already URL-safe */
#define AU_HTTP_CHUNK_LINE_MAX 4096	/* chunk-size line incl. extensions */
#define AU_HTTP_DRAIN_MAX 65536		/* body of an error response read to keep the connection */
#define AU_HTTP_INTERIM_MAX 8		/* 1xx responses skipped before the final one */
#define AU_HTTP_VALIDATOR_MAX 200	/* bytes of an ETag or Last-Modified kept */

struct au_http;		/* opaque: one connection */

/*
 * The checks au_http_open() makes before anything else, a pure function of
 * ep (client/transport/http_parse.c): a host name of letters, digits, '-'
 * and '.' of at most AU_HTTP_HOST_MAX bytes, 1 to AU_HTTP_ADDRS_MAX
 * addresses and a port, TLSA records when counted, a known auth mode, and
 * plain http only towards loopback addresses.  Returns 0 or AU_EUSAGE
 * (diag says which).
 */
AU_NODISCARD int au_http_check_endpoint(const struct au_endpoint *ep,
    struct au_diag *diag);

/*
 * Check the endpoint, load the CA bundle, and connect (TCP + TLS handshake
 * with the first address that works).  On success *out owns a new
 * connection; release with au_http_close().
 * Errors: AU_EUSAGE (bad host name, no or too many addresses/TLSA records,
 * plain http to a non-loopback address),
 * AU_ECONFIG (CA bundle unreadable or without a certificate),
 * AU_ECONNECT, AU_ETIMEOUT, AU_ETLS (diag: mbedTLS text and verify flags,
 * e.g. "certificate for other.name, expected repo.x"), AU_ENOMEM.
 */
AU_NODISCARD int au_http_open(const struct au_endpoint *ep,
    struct au_http **out, struct au_diag *diag);

/* Send TLS close_notify if the connection is up, close, free.  NULL is fine. */
void au_http_close(struct au_http *c);

/*
 * Give every later read, write and reconnect of c an overall deadline,
 * deadline_ms on the au_monotonic_ms() clock (0 removes it).  Past it the
 * call fails with AU_ETIMEOUT: the answer to slow-retrieval attacks.
 */
void au_http_set_deadline(struct au_http *c, int64_t deadline_ms);

/* Body sink: return 0 to go on, a negative AU_E* to abort (returned by au_http_get). */
typedef int (*au_http_sink)(void *arg, const uint8_t *buf, size_t len);

/*
 * GET path (starting with '/', already URL-safe: printable ASCII without
 * spaces, at most AU_HTTP_PATH_MAX bytes; the caller percent-encodes) and
 * stream the body of a 200 response to sink.  At most max_bytes body bytes
 * are accepted: the transfer stops and AU_ETOOBIG is returned as soon as
 * byte max_bytes+1 arrives (endless-data attack); when the response
 * announces a Content-Length above max_bytes, nothing is delivered and
 * AU_ETOOBIG returned at once.  *got (may be NULL) is always set to the body
 * bytes delivered to sink, also on error (e.g. for a resume).
 * The request sends Host, User-Agent: aiupdate/0.1, Accept-Encoding: identity.
 * Errors: AU_EUSAGE (bad path), AU_ECONNECT, AU_ETLS, AU_ETIMEOUT, AU_EHTTP
 * (malformed response, truncated body), AU_ENOTFOUND (404),
 * AU_EHTTP_STATUS (any other non-200, redirects included: they are not
 * followed; diag has the status), AU_ETOOBIG, or the sink's own code.
 * After any error the connection is closed; the next GET reconnects.
 */
AU_NODISCARD int au_http_get(struct au_http *c, const char *path,
    uint64_t max_bytes, au_http_sink sink, void *arg, uint64_t *got,
    struct au_diag *diag);

/*
 * Zero-copy body delivery (issue 15): space(arg, &buf, &len) gives the
 * consumer's free buffer for the next body bytes (len > 0), the transport
 * reads (TLS: decrypts) straight into it, and done(arg, n) says how many
 * bytes (n > 0, at most len) landed there.  For those bytes the pair
 * replaces the sink (which still gets bytes already buffered with the
 * head).  Each returns 0, or a negative AU_E* that stops the transfer as a
 * sink's does; arg is the sink's.
 */
struct au_http_place {
	int (*space)(void *arg, uint8_t **buf, size_t *len);
	int (*done)(void *arg, size_t n);
};

/* A resumable GET: what is held, and what the response turned out to be. */
struct au_http_resume {
	uint64_t offset;	/* in: body bytes already held (0: plain GET) */
	const char *validator;	/* in: If-Range value kept from the response
				   that gave those bytes; needed when offset > 0 */
	int resumed;		/* out: 1 = 206 continuing at offset, 0 = full 200 */
	int range_refused;	/* out: a 206 not continuing at offset, or 416 */
	/* out: this response's strong ETag, else its Last-Modified, else "" */
	char validator_out[AU_HTTP_VALIDATOR_MAX + 1];
	/* in, optional: read a Content-Length body into the consumer's
	   buffer (NULL: every byte through the sink, one more copy) */
	const struct au_http_place *place;
};

/* Called once, before the first body byte reaches the sink; non-zero aborts. */
typedef int (*au_http_start_fn)(void *arg, const struct au_http_resume *r);

/*
 * As au_http_get(), resuming a download of total bytes: when r->offset > 0
 * (and r->validator is printable ASCII of at most AU_HTTP_VALIDATOR_MAX
 * bytes; otherwise a plain GET is made) the request carries
 * "Range: bytes=OFFSET-" and "If-Range: VALIDATOR".  A 206 is accepted only
 * when its Content-Range is "bytes OFFSET-(total-1)/total" (and its length
 * matches); a 200 means the whole body follows (the resource changed, or
 * the server ignores ranges).  start(arg, r) is called with r->resumed and
 * r->validator_out set, before any body byte; then at most total - offset
 * (206) or total (200) bytes go to sink, as au_http_get() caps them.
 * A 206 that does not continue at offset, or a 416, sets r->range_refused
 * and fails with AU_EHTTP: the caller starts over with offset 0.
 * Errors: those of au_http_get(), and start's own code.
 */
AU_NODISCARD int au_http_get_resume(struct au_http *c, const char *path,
    uint64_t total, struct au_http_resume *r, au_http_start_fn start,
    au_http_sink sink, void *arg, uint64_t *got, struct au_diag *diag);

/*
 * As au_http_get(), collecting the whole body into a new malloc'd buffer
 * (NUL-terminated for convenience; *len excludes the NUL).  The caller
 * frees *out.  Same errors.
 */
AU_NODISCARD int au_http_get_mem(struct au_http *c, const char *path,
    size_t max_bytes, uint8_t **out, size_t *len, struct au_diag *diag);

/*
 * What authenticated the peer of the last handshake, for reports: "CA",
 * "DANE-EE", "DANE-EE+CA", "none (plain http)"; "" before any handshake.
 * Static string; never NULL.
 */
const char *au_http_auth_used(const struct au_http *c);

/* The TLS peer of the last handshake (client/transport/tls.h), for reports; zeroed
 * for plain http or before any handshake. */
struct au_tls_peer;
void au_http_peer(const struct au_http *c, struct au_tls_peer *out);

/* 1 when v is a validator fit to send back in If-Range: 1 to
 * AU_HTTP_VALIDATOR_MAX bytes of printable ASCII; else 0 (NULL too).
 * (http_parse.c) */
int au_http_validator_ok(const char *v);

/*
 * The low-level hook au_http_get_range() (client/transport/http_range.h) is
 * built on (here, where the connection lives): send GET path with the extra header lines (each
 * ending in CRLF; "" for none), then call on_head(harg, head, &max, diag):
 * returning 0 accepts the response and its body streams to sink, at most
 * max bytes (AU_ETOOBIG past it); any other value is returned as is
 * without reading the body (a 3xx-5xx head is drained within
 * AU_HTTP_DRAIN_MAX to keep the connection; anything else drops it).
 * Errors: as au_http_get, and on_head's.
 */
struct au_http_head;	/* below */
typedef int (*au_http_head_fn)(void *harg, const struct au_http_head *h,
    uint64_t *max, struct au_diag *diag);
AU_NODISCARD int au_http_request(struct au_http *c, const char *path,
    const char *extra, au_http_head_fn on_head, void *harg,
    au_http_sink sink, void *arg, uint64_t *got, struct au_diag *diag);

/* ---- response parser: pure functions over bytes (RFC 9112) ---- */

enum au_http_framing {
	AU_HTTP_FRAME_LENGTH = 0,	/* Content-Length (or no body: 1xx, 204, 304) */
	AU_HTTP_FRAME_CHUNKED,		/* Transfer-Encoding: chunked */
	AU_HTTP_FRAME_CLOSE,		/* neither: body ends when the server closes */
};

struct au_http_head {
	int status;			/* 100..599 */
	int minor;			/* HTTP/1.minor */
	enum au_http_framing framing;
	uint64_t length;		/* body bytes when framing is LENGTH */
	int close;			/* the server closes after this response */
	size_t head_len;		/* bytes of status line + headers + CRLF */
	/* Validators (RFC 9110 8.8): the strong ETag with its quotes ("" when
	 * absent, weak or over AU_HTTP_VALIDATOR_MAX), Last-Modified as sent. */
	char etag[AU_HTTP_VALIDATOR_MAX + 1];
	char last_modified[AU_HTTP_VALIDATOR_MAX + 1];
	/* Content-Range: bytes FIRST-LAST/TOTAL (RFC 9110 14.4), when has_range */
	int has_range;
	uint64_t range_first, range_last, range_total;
};

/*
 * Parse the status line and header block at the start of buf[0..len)
 * (a response to GET).  If the block is complete, *used = its length and
 * *out is written; if more bytes are needed, *used = 0 and *out untouched.
 * Rules: "HTTP/1.x NNN reason" status line, CRLF line ends only, header
 * names are tokens compared case-insensitively, no space before the colon,
 * obs-fold and control bytes refused; Content-Length digits only (a list
 * or repeats of one value are accepted, different values refused);
 * Transfer-Encoding must be exactly "chunked" and never with
 * Content-Length; Connection: close (and HTTP/1.0) sets close; one
 * Content-Range of the form "bytes F-L/T" with F <= L < T (has_range set)
 * or "bytes * /T" (a 416's unsatisfied-range; only range_total set);
 * ETag (strong only) and Last-Modified kept when they fit.
 * Errors: AU_EHTTP (malformed, or no end within AU_HTTP_HEADER_MAX bytes).
 */
AU_NODISCARD int au_http_parse_head(const uint8_t *buf, size_t len,
    struct au_http_head *out, size_t *used, struct au_diag *diag);

/* Decoder state for Transfer-Encoding: chunked (RFC 9112 section 7.1). */
struct au_http_chunked {
	int state;
	uint64_t size;			/* chunk size being read / bytes left */
	unsigned digits;		/* hex digits of the size (max 16) */
	size_t line;			/* bytes of the current size line */
	size_t trailer;			/* bytes of trailer fields so far */
};

void au_http_chunked_init(struct au_http_chunked *d);

/*
 * Feed bytes in[0..len).  On success *used bytes were consumed and, if
 * *data_len > 0, body bytes are at *data (inside in, the last *data_len
 * of the consumed bytes); call again with the rest.  Chunk extensions are
 * ignored and trailer fields skipped (at most AU_HTTP_HEADER_MAX bytes).
 * Errors: AU_EHTTP (bad size line, size over 16 hex digits, size line over
 * AU_HTTP_CHUNK_LINE_MAX, missing CRLF, bare LF, trailer too large).
 */
AU_NODISCARD int au_http_chunked_feed(struct au_http_chunked *d,
    const uint8_t *in, size_t len, size_t *used, const uint8_t **data,
    size_t *data_len, struct au_diag *diag);

/* 1 once the last chunk and the trailer section have been consumed. */
int au_http_chunked_done(const struct au_http_chunked *d);

#endif
