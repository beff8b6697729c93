/* SPDX-License-Identifier: ISC */
/*
 * client/transport/http_post.h - HTTP/1.1 POST of a small body over a
 * connection of client/transport/http.h (RFC 9110 section 9.3.3, RFC 9112),
 * for the device's status reports (client/report/send.h).
 */
#ifndef AU_HTTP_POST_H
#define AU_HTTP_POST_H

#include <stddef.h>
#include <stdint.h>

#include "client/transport/http.h"
#include "port/err.h"

#define AU_HTTP_POST_BODY_MAX 65536	/* request body bytes */
#define AU_HTTP_POST_HEADERS_MAX 1024	/* caller's extra header lines */
#define AU_HTTP_POST_REPLY_MAX 4096	/* response body bytes read (then dropped) */

/*
 * POST len bytes of body (at most AU_HTTP_POST_BODY_MAX) with
 * "Content-Type: content_type" to path (as au_http_get(): starting with
 * '/', URL-safe) on c.  headers: extra header lines, each ending "\r\n"
 * (may be ""; at most AU_HTTP_POST_HEADERS_MAX bytes; printable ASCII,
 * tab, CR LF only).  The request is sent once (never retried: a POST is
 * not idempotent).  On success *status is the final status (200..599,
 * whatever it is: the caller decides; a 3xx redirect is never followed)
 * and the response body, at most AU_HTTP_POST_REPLY_MAX bytes, has been
 * read and dropped.  The connection's deadline (au_http_set_deadline)
 * bounds the whole exchange.
 * Errors: AU_EUSAGE (bad path, headers or content type), AU_ETOOBIG (body
 * over the cap, or a response body over AU_HTTP_POST_REPLY_MAX),
 * AU_ECONNECT, AU_ETLS, AU_ETIMEOUT, AU_EHTTP (malformed response),
 * AU_ENOMEM.
 */
AU_NODISCARD int au_http_post(struct au_http *c, const char *path,
    const char *content_type, const char *headers, const uint8_t *body,
    size_t len, int *status, struct au_diag *diag);

#endif
