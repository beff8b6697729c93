/* SPDX-License-Identifier: ISC */
/*
 * client/transport/http_int.h - the connection primitives of
 * client/transport/http.c for request kinds built in other files
 * (client/transport/http_post.c), so that each has one copy of connect,
 * TLS, the response-head reader and the body framing.  Not for callers
 * outside client/transport/.
 */
#ifndef AU_HTTP_INT_H
#define AU_HTTP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "client/transport/http.h"
#include "port/err.h"

/*
 * Connect if needed (dropping a connection that holds unsolicited bytes),
 * write the len request bytes req (the caller builds the request line,
 * headers and body) and read the final response head into *h (1xx
 * skipped).  No retry: the request may not be idempotent.  On error the
 * connection is closed.  Errors: as au_http_get() before the body.
 */
AU_NODISCARD int au_http_int_exchange(struct au_http *c, const uint8_t *req,
    size_t len, struct au_http_head *h, struct au_diag *diag);

/*
 * Read the body of the response whose head is h: at most max bytes go to
 * sink (AU_ETOOBIG past them); what names the request in messages.  The
 * connection is kept only when the response was read to its end and the
 * server keeps it.  Errors: as au_http_get()'s body.
 */
AU_NODISCARD int au_http_int_body(struct au_http *c,
    const struct au_http_head *h, uint64_t max, au_http_sink sink, void *arg,
    const char *what, struct au_diag *diag);

/* The host name of c (borrowed), its port and whether it speaks TLS. */
const char *au_http_int_host(const struct au_http *c, uint16_t *port, int *tls);

#endif
