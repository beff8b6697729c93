/* SPDX-License-Identifier: ISC */
/*
 * keys/webhook.h - Standard Webhooks signatures (https://www.standardwebhooks.com,
 * spec/standard-webhooks.md, "Signature scheme" and "Verifying webhooks").
 *
 * A message is three values: its id (the "webhook-id" header), its Unix
 * timestamp in seconds (the "webhook-timestamp" header, decimal) and the
 * exact body bytes.  The signed content is
 *
 *     id "." timestamp "." body
 *
 * (the timestamp in decimal, as sent).  Two schemes are used:
 *   v1   HMAC-SHA256 under a shared secret ("whsec_" + base64 of 24..64
 *        bytes), the value base64 of the 32-byte MAC;
 *   v1a  Ed25519 (RFC 8032, pure) under a key pair, the public key written
 *        "whpk_" + base64 of 32 bytes, the value base64 of the 64-byte
 *        signature.
 * The "webhook-signature" header is a space-delimited list of
 * "VERSION,BASE64" entries; a receiver accepts the message when any entry of
 * a kind it accepts verifies (so a sender may rotate keys by listing two).
 * Base64 is the standard alphabet with padding (RFC 4648 section 4).
 *
 * libsodium only (crypto_auth_hmacsha256_*, crypto_sign_*); no JSON.  This
 * module is shared by the device (which signs its reports, the one signing
 * operation in the device binary: a report must prove which device sent
 * it) and the collector aiupdate-fleet (which verifies them).  Secret
 * material passed in stays the caller's; every temporary copy made here is
 * wiped with sodium_memzero on every path, and MACs are compared in
 * constant time.
 *
 * Error codes: AU_EWEBHOOK_STALE and AU_EWEBHOOK_SIG (port/err.h) are never
 * an exit status of aiupdate (a report never changes a run's outcome); the
 * collector answers them 400 and 401 (docs/report.md).
 */
#ifndef AU_WEBHOOK_H
#define AU_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

#define AU_WEBHOOK_TOLERANCE_S 300	/* spec: +- 5 minutes around now */
#define AU_WEBHOOK_SIG_MAX 512		/* one webhook-signature header value */
#define AU_WEBHOOK_ID_MAX 128		/* webhook-id bytes (visible ASCII) */
#define AU_WEBHOOK_BODY_MAX 65536	/* body bytes signed or verified */
#define AU_WEBHOOK_SECRET_MIN 24	/* whsec_ secret, decoded bytes */
#define AU_WEBHOOK_SECRET_MAX 64
#define AU_WEBHOOK_SECRET_TEXT_MAX 128	/* whsec_ text, before decoding */
#define AU_WEBHOOK_PK_BYTES 32		/* Ed25519 public key */
#define AU_WEBHOOK_SK_BYTES 64		/* libsodium Ed25519 secret key (seed || pk) */
#define AU_WEBHOOK_PK_TEXT 64		/* room for "whpk_" + 44 base64 + NUL */
/* Room for "v1,<44> v1a,<88>" and its NUL: the largest au_webhook_sign() output. */
#define AU_WEBHOOK_SIGN_MAX 160

/*
 * Parse a shared secret "whsec_" + base64 (trailing spaces, tabs and a
 * newline, as a secret file ends, are ignored) into out[cap]; *len gets the
 * decoded length (AU_WEBHOOK_SECRET_MIN..AU_WEBHOOK_SECRET_MAX).  cap must
 * be at least AU_WEBHOOK_SECRET_MAX.  The secret is written only on
 * success; temporaries are wiped.  diag never holds secret bytes.
 * Errors: AU_ECONFIG (no "whsec_" prefix, not base64, wrong length, text
 * over AU_WEBHOOK_SECRET_TEXT_MAX), AU_EINTERNAL (cap too small).
 */
AU_NODISCARD int au_webhook_secret_parse(const char *text, uint8_t *out,
    size_t cap, size_t *len, struct au_diag *d);

/*
 * Format an Ed25519 public key as "whpk_" + base64 (49 characters) into
 * out[AU_WEBHOOK_PK_TEXT], NUL-terminated.  Public data.
 * Errors: AU_EINTERNAL (libsodium could not initialise).
 */
AU_NODISCARD int au_webhook_pk_format(const uint8_t pk[AU_WEBHOOK_PK_BYTES],
    char out[AU_WEBHOOK_PK_TEXT]);

/*
 * Parse "whpk_" + base64 of exactly 32 bytes into pk (written only on
 * success).  Errors: AU_ECONFIG (prefix, base64 or length wrong).
 */
AU_NODISCARD int au_webhook_pk_parse(const char *text,
    uint8_t pk[AU_WEBHOOK_PK_BYTES], struct au_diag *d);

/*
 * Sign a message: write the webhook-signature header value into out[outsz]
 * (AU_WEBHOOK_SIGN_MAX is always enough), "v1,B64" when secret_len > 0,
 * "v1a,B64" when ed_sk is not NULL, both space-separated (v1a first) when
 * both are given.  id: 1..AU_WEBHOOK_ID_MAX visible ASCII bytes (0x21-0x7e);
 * ts: Unix seconds, >= 0; body: len bytes (<= AU_WEBHOOK_BODY_MAX);
 * secret: secret_len bytes (0: no v1, else AU_WEBHOOK_SECRET_MIN..MAX);
 * ed_sk: a 64-byte libsodium Ed25519 secret key or NULL (no v1a).
 * out is written only on success.
 * Errors: AU_EINTERNAL (neither key given, a bad id, ts < 0, a secret
 * length out of range, outsz too small, libsodium failure), AU_ETOOBIG
 * (body over AU_WEBHOOK_BODY_MAX), AU_ENOMEM.
 */
AU_NODISCARD int au_webhook_sign(const char *id, int64_t ts,
    const uint8_t *body, size_t len, const uint8_t *secret, size_t secret_len,
    const uint8_t *ed_sk, char *out, size_t outsz, struct au_diag *d);

/*
 * Verify a received message (spec "Verifying webhooks"): ts_text is the
 * webhook-timestamp header as received, sig_header the webhook-signature
 * header.  Returns 0 when ts_text is a decimal integer within
 * AU_WEBHOOK_TOLERANCE_S seconds of now (Unix seconds) and any entry of an
 * accepted kind verifies over id "." ts_text "." body: "v1," entries when
 * secret_len > 0 (HMAC compared in constant time), "v1a," entries when
 * ed_pk is not NULL.  Entries of other versions, or of a kind not
 * accepted, are skipped; a malformed entry (no comma, bad base64, wrong
 * length) does not verify but does not hide a later good one.
 * The timestamp is judged first, as the reference libraries do.
 * Errors: AU_EWEBHOOK_STALE (ts_text not 1..19 decimal digits, over
 * INT64_MAX, or outside now +- tolerance), AU_EWEBHOOK_SIG (no entry verifies; an id that is
 * empty, over AU_WEBHOOK_ID_MAX or not visible ASCII; a header empty or
 * over AU_WEBHOOK_SIG_MAX; neither key given), AU_ETOOBIG (body over
 * AU_WEBHOOK_BODY_MAX), AU_ENOMEM, AU_EINTERNAL.
 */
AU_NODISCARD int au_webhook_verify(const char *id, const char *ts_text,
    const char *sig_header, const uint8_t *body, size_t len,
    const uint8_t *secret, size_t secret_len, const uint8_t *ed_pk,
    int64_t now, struct au_diag *d);

#endif
