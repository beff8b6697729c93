/* SPDX-License-Identifier: ISC */
/*
 * client/transport/tls.h - the TLS 1.2 client side of client/transport/http.c: mbedTLS 2.28
 * set-up, the handshake, CA and DANE-EE verification (RFC 6698, RFC 7671).
 * Internal to the transport; other modules use client/transport/http.h.
 */
#ifndef AU_TLS_H
#define AU_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "client/report/run_report.h"	/* struct au_tls_peer */
#include "client/transport/endpoint.h"
#include "port/err.h"

struct au_tls;		/* opaque: mbedTLS config + one session, reusable */

/* Transport callbacks in mbedTLS bio shape (return bytes, or MBEDTLS_ERR_*). */
typedef int (*au_tls_send_fn)(void *io, const unsigned char *buf, size_t len);
typedef int (*au_tls_recv_fn)(void *io, unsigned char *buf, size_t len);

/* 1 if the record is one this client can use: DANE-EE (usage 3) or
 * DANE-TA (usage 2), selector 0|1, matching type 0|1|2 (RFC 7671 s5). */
int au_tls_tlsa_usable(const struct au_tlsa *t);

/*
 * Set up a TLS client for ep (host, auth, ca_file, tlsa are copied; the CA
 * bundle is read and parsed now, through port/).  The DRBG is seeded from
 * au_random().  On success *out owns it; release with au_tls_free().
 * Errors: AU_ETLS (DANE required but no usable TLSA record), AU_EUSAGE
 * (too many records),
 * AU_ECONFIG (CA bundle unreadable or without a certificate), AU_ETLS
 * (mbedTLS set-up), AU_ENOMEM.
 */
AU_NODISCARD int au_tls_new(const struct au_endpoint *ep, struct au_tls **out,
    struct au_diag *diag);

void au_tls_free(struct au_tls *t);	/* NULL is fine */

/*
 * Start a fresh session over io (a connected transport) and run the
 * handshake, then check the verification result of ep's auth mode.
 * Wherever the host name is checked (the CA and DANE-TA paths) only the
 * leaf's subjectAltName DNS names count (RFC 9525 section 6.3): a
 * certificate without one is refused even when its Common Name is the
 * host; a deciding DANE-EE match needs no name (RFC 7671 section 5.1).
 * Errors: AU_ETLS (diag: what failed, the verify flags as text, the peer
 * certificate's name and SPKI SHA-256 when it did not match), AU_ETIMEOUT
 * (recv returned MBEDTLS_ERR_SSL_TIMEOUT), AU_ECONNECT (transport failed).
 */
AU_NODISCARD int au_tls_handshake(struct au_tls *t, void *io,
    au_tls_send_fn send, au_tls_recv_fn recv, struct au_diag *diag);

/*
 * Read up to len bytes of application data.  *n = bytes read; *n == 0
 * means the peer closed, with *clean = 1 for a TLS close_notify and 0 for
 * a bare TCP close.  Errors: AU_ETIMEOUT, AU_ECONNECT, AU_ETLS.
 */
AU_NODISCARD int au_tls_read(struct au_tls *t, uint8_t *buf, size_t len,
    size_t *n, int *clean, struct au_diag *diag);

/* Write all len bytes.  Errors: AU_ETIMEOUT, AU_ECONNECT, AU_ETLS. */
AU_NODISCARD int au_tls_write(struct au_tls *t, const uint8_t *buf,
    size_t len, struct au_diag *diag);

/* Send close_notify (best effort) on the current session. */
void au_tls_close_notify(struct au_tls *t);

/* "CA", "DANE-EE", "DANE-TA", "DANE-EE+CA", "DANE-TA+CA" after a
 * handshake, else "". */
const char *au_tls_auth_used(const struct au_tls *t);
/* Decrypted bytes held by the TLS layer that no read has taken yet. */
size_t au_tls_pending(const struct au_tls *t);

/* Fill *out (zeroed, auth NULL, when there was no successful handshake). */
void au_tls_peer_info(const struct au_tls *t, struct au_tls_peer *out);

#endif
