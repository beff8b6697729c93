/* SPDX-License-Identifier: ISC */
/*
 * client/transport/http.c - HTTP/1.1 GET with keep-alive over TLS (client/transport/tls.c) or,
 * towards loopback only, plain TCP.  RFC 9112; the parser is in
 * client/transport/http_parse.c.
 */
#include "client/transport/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>

#include "client/transport/http_int.h"
#include "client/transport/tls.h"
#include "port/port.h"

#include "port/ban.h"

#define IN_BUF_SIZE (AU_HTTP_HEADER_MAX + 16384)	/* head + one TLS record */
#define REQ_MAX (AU_HTTP_PATH_MAX + AU_HTTP_HOST_MAX + AU_HTTP_VALIDATOR_MAX + 220)
#define EXTRA_MAX (AU_HTTP_VALIDATOR_MAX + 64)	/* Range + If-Range lines */
#define STALE 1		/* internal: a reused connection closed before answering */

struct au_http {
	char host[AU_HTTP_HOST_MAX + 1];
	struct au_addr addrs[AU_HTTP_ADDRS_MAX];
	size_t naddrs;
	uint16_t port;
	struct au_tls *tls;	/* NULL for plain http */
	struct au_sock *sock;	/* NULL while not connected */
	int64_t deadline;	/* au_monotonic_ms() limit, 0 for none */
	int eof;		/* the peer closed (after the buffered bytes) */
	int clean;		/* ... with a TLS close_notify (or plain http) */
	size_t pos, len;	/* unread bytes are in[pos..len) */
	uint8_t in[IN_BUF_SIZE];
};

/* The body of one response on its way to the caller's sink. */
struct body {
	au_http_sink sink;
	void *arg;
	uint64_t max;
	uint64_t got;
	const char *path;
	int done;	/* the whole response was read: the connection can be reused */
	const struct au_http_place *place;	/* NULL, or zero-copy delivery */
};

/* ---- transport: mbedTLS bio callbacks over port/ sockets ---- */

static int
read_timeout(const struct au_http *c)
{
	int64_t left;

	if (c->deadline == 0)
		return AU_HTTP_READ_TIMEOUT_MS;
	left = c->deadline - au_monotonic_ms();
	if (left <= 0)
		return 0;
	return left < AU_HTTP_READ_TIMEOUT_MS ? (int)left :
	    AU_HTTP_READ_TIMEOUT_MS;
}

static int
bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct au_http *c = ctx;
	int ms = read_timeout(c), n;

	if (ms <= 0)
		return MBEDTLS_ERR_SSL_TIMEOUT;
	au_sock_set_timeout(c->sock, ms);
	n = au_sock_recv(c->sock, buf, len);
	if (n == -2)
		return MBEDTLS_ERR_SSL_TIMEOUT;
	return n < 0 ? MBEDTLS_ERR_NET_RECV_FAILED : n;
}

static int
bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct au_http *c = ctx;
	int n;

	if (c->deadline != 0 && au_monotonic_ms() >= c->deadline)
		return MBEDTLS_ERR_SSL_TIMEOUT;
	n = au_sock_send(c->sock, buf, len);
	return n < 0 ? MBEDTLS_ERR_NET_SEND_FAILED : n;
}

static int
plain_error(const struct au_http *c, int ret, const char *what,
    struct au_diag *diag)
{
	if (ret == MBEDTLS_ERR_SSL_TIMEOUT)
		return au_diag_set(diag, AU_ETIMEOUT, "%s %s: timed out", what,
		    c->host);
	return au_diag_set(diag, AU_ECONNECT, "%s %s: connection lost", what,
	    c->host);
}

static int
io_read(struct au_http *c, uint8_t *buf, size_t len, size_t *n,
    struct au_diag *diag)
{
	int ret;

	if (c->tls != NULL)
		return au_tls_read(c->tls, buf, len, n, &c->clean, diag);
	ret = bio_recv(c, buf, len);
	if (ret < 0)
		return plain_error(c, ret, "read from", diag);
	*n = (size_t)ret;
	c->clean = 1;
	return 0;
}

static int
io_write(struct au_http *c, const uint8_t *buf, size_t len,
    struct au_diag *diag)
{
	size_t off = 0;
	int ret;

	if (c->tls != NULL)
		return au_tls_write(c->tls, buf, len, diag);
	while (off < len) {
		ret = bio_send(c, buf + off, len - off);
		if (ret <= 0)
			return plain_error(c, ret, "write to", diag);
		off += (size_t)ret;
	}
	return 0;
}

static void
disconnect(struct au_http *c, int polite)
{
	if (c->sock == NULL)
		return;
	if (polite && c->tls != NULL)
		au_tls_close_notify(c->tls);
	au_sock_close(c->sock);
	c->sock = NULL;
	c->pos = c->len = 0;
	c->eof = 0;
}

static int
connect_one(struct au_http *c, const struct au_addr *a, struct au_diag *diag)
{
	struct au_diag d = { "", 0 };
	char txt[64];
	int ms = AU_HTTP_CONNECT_TIMEOUT_MS, rc;

	if (c->deadline != 0 && read_timeout(c) < ms)
		ms = read_timeout(c);
	if (ms <= 0)
		return au_diag_set(diag, AU_ETIMEOUT,
		    "deadline passed before connecting to %s", c->host);
	rc = au_sock_connect(a, c->port, ms, &c->sock, diag);
	if (rc != 0)
		return rc;
	c->pos = c->len = 0;
	c->eof = 0;
	if (c->tls == NULL)
		return 0;
	rc = au_tls_handshake(c->tls, c, bio_send, bio_recv, &d);
	if (rc != 0) {
		au_sock_close(c->sock);
		c->sock = NULL;
		au_addr_format(a, txt, sizeof(txt));
		return au_diag_sys(diag, rc, d.sys, "%s port %u: %s", txt,
		    c->port, d.msg);
	}
	return 0;
}

/* Try each validated address in order; the last failure is returned. */
static int
connect_any(struct au_http *c, struct au_diag *diag)
{
	size_t i;
	int rc = AU_ECONNECT;

	for (i = 0; i < c->naddrs; i++) {
		rc = connect_one(c, &c->addrs[i], diag);
		if (rc == 0 || (c->deadline != 0 && read_timeout(c) <= 0))
			return rc;
	}
	return rc;
}

/* Read more bytes into the buffer; sets c->eof when the peer closed. */
static int
fill(struct au_http *c, struct au_diag *diag)
{
	size_t n = 0;
	int rc;

	if (c->pos == c->len) {
		c->pos = c->len = 0;
	} else if (c->len == sizeof(c->in)) {
		memmove(c->in, c->in + c->pos, c->len - c->pos);
		c->len -= c->pos;
		c->pos = 0;
	}
	rc = io_read(c, c->in + c->len, sizeof(c->in) - c->len, &n, diag);
	if (rc != 0)
		return rc;
	c->eof = n == 0;
	c->len += n;
	return 0;
}

/* ---- one exchange ---- */

static int
check_path(const char *path, struct au_diag *diag)
{
	size_t i, n = strlen(path);

	if (n == 0 || path[0] != '/' || n > AU_HTTP_PATH_MAX)
		return au_diag_set(diag, AU_EUSAGE,
		    "request path must start with '/' and have at most %d bytes",
		    AU_HTTP_PATH_MAX);
	for (i = 0; i < n; i++)
		if ((unsigned char)path[i] <= 0x20 ||
		    (unsigned char)path[i] >= 0x7f)
			return au_diag_set(diag, AU_EUSAGE,
			    "request path has a byte that must be "
			    "percent-encoded (offset %zu)", i);
	return 0;
}

static int
send_request(struct au_http *c, const char *path, const char *extra,
    struct au_diag *diag)
{
	char req[REQ_MAX], port[8] = "";
	int n;

	if (c->port != (c->tls != NULL ? 443 : 80))
		(void)snprintf(port, sizeof(port), ":%u", c->port);
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s%s\r\n"
	    "User-Agent: aiupdate/0.1\r\nAccept-Encoding: identity\r\n%s\r\n",
	    path, c->host, port, extra);
	if (n < 0 || (size_t)n >= sizeof(req))
		return au_diag_set(diag, AU_EINTERNAL, "request too long");
	return io_write(c, (const uint8_t *)req, (size_t)n, diag);
}

/* Read the final response head (1xx are skipped).  STALE: see exchange(). */
static int
read_head(struct au_http *c, struct au_http_head *h, int reused,
    struct au_diag *diag)
{
	size_t used;
	int rc, interim = 0;

	for (;;) {
		rc = au_http_parse_head(c->in + c->pos, c->len - c->pos, h,
		    &used, diag);
		if (rc != 0)
			return rc;
		if (used > 0) {
			c->pos += used;
			if (h->status >= 200)
				return 0;
			if (h->status == 101 || ++interim > AU_HTTP_INTERIM_MAX)
				return au_diag_set(diag, AU_EHTTP_STATUS,
				    "HTTP %d from %s", h->status, c->host);
			continue;
		}
		rc = fill(c, diag);
		if (reused && c->len == 0 && interim == 0 &&
		    (rc == AU_ECONNECT || (rc == 0 && c->eof)))
			return STALE;
		if (rc != 0)
			return rc;
		if (c->eof)
			return au_diag_set(diag, AU_EHTTP, "%s closed the "
			    "connection before a complete response head",
			    c->host);
	}
}

/*
 * Connect if needed, send the request, read the head.  A kept-alive
 * connection may have been closed by the server while idle: if it fails
 * before the first response byte, reconnect once and send again (GET is
 * idempotent, RFC 9110 section 9.2.2).
 */
/*
 * Bytes the server sent that no request asked for (HTTP/1.1 has no way to
 * tell them from the next answer): anything buffered, held by TLS, or
 * readable on the socket between a response and the next request.  Such a
 * connection is dropped, never read from again.
 */
static int
unsolicited(struct au_http *c)
{
	return c->sock != NULL && (c->pos != c->len || (c->tls != NULL &&
	    au_tls_pending(c->tls) > 0) || au_sock_readable(c->sock));
}

static int
exchange(struct au_http *c, const char *path, const char *extra,
    struct au_http_head *h, struct au_diag *diag)
{
	int attempt, reused, rc = AU_EINTERNAL;

	for (attempt = 0; attempt < 2; attempt++) {
		if (unsolicited(c))	/* also: the server closed it idle */
			disconnect(c, 0);
		reused = c->sock != NULL;
		if (!reused) {
			rc = connect_any(c, diag);
			if (rc != 0)
				return rc;
		}
		rc = send_request(c, path, extra, diag);
		if (rc == 0)
			rc = read_head(c, h, reused, diag);
		if (rc == 0)
			return 0;
		disconnect(c, 0);
		if (!reused || (rc != STALE && rc != AU_ECONNECT))
			return rc;
	}
	return rc == STALE ? AU_ECONNECT : rc;
}

static int
truncated(const struct body *b, uint64_t length, uint64_t left,
    struct au_diag *diag)
{
	return au_diag_set(diag, AU_EHTTP, "body of %s truncated: connection "
	    "closed after %llu of %llu bytes", b->path,
	    (unsigned long long)(length - left), (unsigned long long)length);
}

static int
consumer_stopped(const struct body *b, int rc, struct au_diag *diag)
{
	return au_diag_set(diag, rc, "download of %s stopped by its consumer: "
	    "%s", b->path, au_strerror(rc));
}

static int
deliver(struct body *b, const uint8_t *p, size_t n, struct au_diag *diag)
{
	size_t ok = n;
	int rc;

	if ((uint64_t)n > b->max - b->got)
		ok = (size_t)(b->max - b->got);
	if (ok > 0) {
		rc = b->sink(b->arg, p, ok);
		if (rc != 0)
			return consumer_stopped(b, rc, diag);
		b->got += ok;
	}
	if (ok < n)
		return au_diag_set(diag, AU_ETOOBIG, "body of %s is larger "
		    "than the cap of %llu bytes", b->path,
		    (unsigned long long)b->max);
	return 0;
}

/*
 * The next body bytes (at most left, all within the cap) read straight into
 * the consumer's buffer (struct au_http_place): no copy through c->in.
 */
static int
read_placed(struct au_http *c, struct body *b, uint64_t length,
    uint64_t *left, struct au_diag *diag)
{
	uint8_t *dst;
	size_t cap, n = 0;
	int rc;

	rc = b->place->space(b->arg, &dst, &cap);
	if (rc != 0)
		return consumer_stopped(b, rc, diag);
	if ((uint64_t)cap > *left)
		cap = (size_t)*left;
	rc = io_read(c, dst, cap, &n, diag);
	if (rc != 0)
		return rc;
	if (n == 0) {
		c->eof = 1;
		return truncated(b, length, *left, diag);
	}
	rc = b->place->done(b->arg, n);
	b->got += n;
	*left -= n;
	return rc != 0 ? consumer_stopped(b, rc, diag) : 0;
}

static int
body_length(struct au_http *c, uint64_t length, struct body *b,
    struct au_diag *diag)
{
	uint64_t left = length;
	size_t n;
	int rc;

	while (left > 0) {
		if (c->pos == c->len && b->place != NULL &&
		    left <= b->max - b->got) {
			rc = read_placed(c, b, length, &left, diag);
			if (rc != 0)
				return rc;
			continue;
		}
		if (c->pos == c->len) {
			rc = fill(c, diag);
			if (rc != 0)
				return rc;
			if (c->eof)
				return truncated(b, length, left, diag);
		}
		n = c->len - c->pos;
		if ((uint64_t)n > left)
			n = (size_t)left;
		rc = deliver(b, c->in + c->pos, n, diag);
		c->pos += n;
		left -= n;
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
body_chunked(struct au_http *c, struct body *b, struct au_diag *diag)
{
	struct au_http_chunked d;
	const uint8_t *data;
	size_t used, dlen;
	int rc;

	au_http_chunked_init(&d);
	while (!au_http_chunked_done(&d)) {
		if (c->pos == c->len) {
			rc = fill(c, diag);
			if (rc != 0)
				return rc;
			if (c->eof)
				return au_diag_set(diag, AU_EHTTP, "chunked body "
				    "of %s truncated after %llu bytes", b->path,
				    (unsigned long long)b->got);
		}
		rc = au_http_chunked_feed(&d, c->in + c->pos, c->len - c->pos,
		    &used, &data, &dlen, diag);
		if (rc != 0)
			return rc;
		c->pos += used;
		if (dlen > 0 && (rc = deliver(b, data, dlen, diag)) != 0)
			return rc;
	}
	return 0;
}

/* No length given: the body ends when the server closes (RFC 9112 6.3). */
static int
body_close(struct au_http *c, struct body *b, struct au_diag *diag)
{
	int rc;

	for (;;) {
		if (c->pos < c->len) {
			rc = deliver(b, c->in + c->pos, c->len - c->pos, diag);
			c->pos = c->len;
			if (rc != 0)
				return rc;
		}
		rc = fill(c, diag);
		if (rc != 0)
			return rc;
		if (c->eof && !c->clean)	/* a cut could forge the end */
			return au_diag_set(diag, AU_EHTTP, "body of %s ended "
			    "by a TCP close without TLS close_notify", b->path);
		if (c->eof)
			return 0;
	}
}

static int
read_body(struct au_http *c, const struct au_http_head *h, struct body *b,
    struct au_diag *diag)
{
	if (h->framing == AU_HTTP_FRAME_CHUNKED)
		return body_chunked(c, b, diag);
	if (h->framing == AU_HTTP_FRAME_CLOSE)
		return body_close(c, b, diag);
	return body_length(c, h->length, b, diag);
}

static int
discard(void *arg, const uint8_t *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	return 0;
}

static int
body_done(struct body *b, int rc)
{
	b->done = rc == 0;
	return rc;
}

/*
 * Read a small error body away to keep the connection (a 404 is expected:
 * TUF 5.3 probes N+1.root.json); else drop it.  Sets b->done when the
 * response was read to its end.
 */
static void
drain(struct au_http *c, struct au_http_head *h, struct body *b)
{
	struct body d = { discard, NULL, AU_HTTP_DRAIN_MAX, 0, b->path, 0, NULL };

	if (h->framing == AU_HTTP_FRAME_CLOSE ||
	    (h->framing == AU_HTTP_FRAME_LENGTH && h->length > d.max) ||
	    read_body(c, h, &d, NULL) != 0)
		h->close = 1;
	else
		b->done = 1;
}

static int
handle_response(struct au_http *c, struct au_http_head *h, struct body *b,
    struct au_diag *diag)
{
	if (h->status == 200) {
		if (h->framing == AU_HTTP_FRAME_LENGTH && h->length > b->max)
			return au_diag_set(diag, AU_ETOOBIG, "%s on %s: "
			    "Content-Length %llu is over the cap of %llu bytes",
			    b->path, c->host, (unsigned long long)h->length,
			    (unsigned long long)b->max);
		return body_done(b, read_body(c, h, b, diag));
	}
	drain(c, h, b);
	if (h->status == 404)
		return au_diag_set(diag, AU_ENOTFOUND, "HTTP 404 for %s on %s",
		    b->path, c->host);
	return au_diag_set(diag, AU_EHTTP_STATUS, "HTTP %d for %s on %s%s",
	    h->status, b->path, c->host, h->status / 100 == 3 &&
	    h->status != 304 ? " (redirects are not followed)" : "");
}

int
au_http_get(struct au_http *c, const char *path, uint64_t max_bytes,
    au_http_sink sink, void *arg, uint64_t *got, struct au_diag *diag)
{
	struct body b = { sink, arg, max_bytes, 0, path, 0, NULL };
	struct au_http_head h;
	int rc;

	rc = check_path(path, diag);
	if (rc == 0)
		rc = exchange(c, path, "", &h, diag);
	if (rc == 0)
		rc = handle_response(c, &h, &b, diag);
	if (!b.done || h.close || unsolicited(c))
		disconnect(c, b.done);
	if (got != NULL)
		*got = b.got;
	return rc;
}

/* ---- resumable GET (RFC 9110 sections 13.1.5 and 14) ---- */

/* A 206 continues exactly the bytes held, up to the end of the artifact. */
static int
range_fits(const struct au_http_head *h, uint64_t offset, uint64_t total)
{
	return h->has_range && h->range_first == offset &&
	    h->range_total == total && h->range_last + 1 == total &&
	    (h->framing != AU_HTTP_FRAME_LENGTH ||
	    h->length == total - offset);
}

static int
resume_refused(struct au_http *c, struct au_http_head *h, struct body *b,
    struct au_http_resume *r, struct au_diag *diag)
{
	r->range_refused = 1;
	drain(c, h, b);
	return au_diag_set(diag, AU_EHTTP, "HTTP %d for %s on %s does not "
	    "continue the %llu bytes held (Content-Range %llu-%llu/%llu)",
	    h->status, b->path, c->host, (unsigned long long)r->offset,
	    (unsigned long long)h->range_first,
	    (unsigned long long)h->range_last,
	    (unsigned long long)h->range_total);
}

static int
handle_resume(struct au_http *c, struct au_http_head *h, struct body *b,
    struct au_http_resume *r, au_http_start_fn start,
    struct au_diag *diag)
{
	int rc;

	if (r->offset > 0 && (h->status == 416 ||
	    (h->status == 206 && !range_fits(h, r->offset, b->max))))
		return resume_refused(c, h, b, r, diag);
	if (h->status != 200 && !(h->status == 206 && r->offset > 0))
		return handle_response(c, h, b, diag);
	if (h->status == 200 && h->framing == AU_HTTP_FRAME_LENGTH &&
	    h->length > b->max)
		return handle_response(c, h, b, diag);
	r->resumed = h->status == 206;
	if (r->resumed)
		b->max -= r->offset;
	(void)snprintf(r->validator_out, sizeof(r->validator_out), "%s",
	    h->etag[0] ? h->etag : h->last_modified);
	rc = start(b->arg, r);
	if (rc != 0)
		return au_diag_set(diag, rc, "download of %s stopped by its "
		    "consumer: %s", b->path, au_strerror(rc));
	return body_done(b, read_body(c, h, b, diag));
}

int
au_http_get_resume(struct au_http *c, const char *path, uint64_t total,
    struct au_http_resume *r, au_http_start_fn start, au_http_sink sink,
    void *arg, uint64_t *got, struct au_diag *diag)
{
	struct body b = { sink, arg, total, 0, path, 0, r->place };
	struct au_http_head h;
	char extra[EXTRA_MAX] = "";
	int rc;

	r->resumed = 0;
	r->range_refused = 0;
	r->validator_out[0] = '\0';
	if (r->offset > total ||
	    (r->offset > 0 && !au_http_validator_ok(r->validator)))
		r->offset = 0;	/* nothing usable held: a plain GET */
	if (r->offset > 0)
		(void)snprintf(extra, sizeof(extra), "Range: bytes=%llu-\r\n"
		    "If-Range: %s\r\n", (unsigned long long)r->offset,
		    r->validator);
	rc = check_path(path, diag);
	if (rc == 0)
		rc = exchange(c, path, extra, &h, diag);
	if (rc == 0)
		rc = handle_resume(c, &h, &b, r, start, diag);
	if (!b.done || h.close || unsolicited(c))
		disconnect(c, b.done);
	if (got != NULL)
		*got = b.got;
	return rc;
}

/* ---- a GET with the caller's header lines and verdict (http.h) ---- */

int
au_http_request(struct au_http *c, const char *path, const char *extra,
    au_http_head_fn on_head, void *harg, au_http_sink sink, void *arg,
    uint64_t *got, struct au_diag *diag)
{
	struct body b = { sink, arg, 0, 0, path, 0, NULL };
	struct au_http_head h;
	int rc;

	rc = check_path(path, diag);
	if (rc == 0)
		rc = exchange(c, path, extra, &h, diag);
	if (rc == 0) {
		rc = on_head(harg, &h, &b.max, diag);
		if (rc == 0)
			rc = body_done(&b, read_body(c, &h, &b, diag));
		else if (h.status >= 300)	/* keeps it after a 404 */
			drain(c, &h, &b);
	}
	if (!b.done || h.close || unsolicited(c))
		disconnect(c, b.done);
	if (got != NULL)
		*got = b.got;
	return rc;
}

/* ---- open / close ---- */

int
au_http_open(const struct au_endpoint *ep, struct au_http **out,
    struct au_diag *diag)
{
	struct au_http *c;
	int rc;

	rc = au_http_check_endpoint(ep, diag);
	if (rc != 0)
		return rc;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	memcpy(c->host, ep->host, strlen(ep->host) + 1);
	memcpy(c->addrs, ep->addrs, ep->naddrs * sizeof(ep->addrs[0]));
	c->naddrs = ep->naddrs;
	c->port = ep->port;
	c->deadline = ep->deadline_ms;
	if (ep->auth != AU_TLS_NONE_PLAIN_HTTP)
		rc = au_tls_new(ep, &c->tls, diag);
	if (rc == 0)
		rc = connect_any(c, diag);
	if (rc != 0) {
		au_http_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

void
au_http_close(struct au_http *c)
{
	if (c == NULL)
		return;
	disconnect(c, 1);
	au_tls_free(c->tls);
	free(c);
}

void
au_http_set_deadline(struct au_http *c, int64_t deadline_ms)
{
	c->deadline = deadline_ms;
}

const char *
au_http_auth_used(const struct au_http *c)
{
	if (c->tls == NULL)
		return "none (plain http)";
	return au_tls_auth_used(c->tls);
}

void
au_http_peer(const struct au_http *c, struct au_tls_peer *out)
{
	au_tls_peer_info(c != NULL ? c->tls : NULL, out);
}

/* ---- other request kinds (client/transport/http_int.h) ---- */

int
au_http_int_exchange(struct au_http *c, const uint8_t *req, size_t len,
    struct au_http_head *h, struct au_diag *diag)
{
	int rc;

	if (unsolicited(c))
		disconnect(c, 0);
	if (c->sock == NULL && (rc = connect_any(c, diag)) != 0)
		return rc;
	rc = io_write(c, req, len, diag);
	if (rc == 0)
		rc = read_head(c, h, 0, diag);
	if (rc != 0)
		disconnect(c, 0);
	return rc;
}

int
au_http_int_body(struct au_http *c, const struct au_http_head *h,
    uint64_t max, au_http_sink sink, void *arg, const char *what,
    struct au_diag *diag)
{
	struct body b = { sink, arg, max, 0, what, 0, NULL };
	int rc = body_done(&b, read_body(c, h, &b, diag));

	if (!b.done || h->close || unsolicited(c))
		disconnect(c, b.done);
	return rc;
}

const char *
au_http_int_host(const struct au_http *c, uint16_t *port, int *tls)
{
	*port = c->port;
	*tls = c->tls != NULL;
	return c->host;
}
