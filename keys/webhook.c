/* SPDX-License-Identifier: ISC */
/* keys/webhook.c - Standard Webhooks v1 (HMAC-SHA256) and v1a (Ed25519) signatures. */
#include "keys/webhook.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "port/ban.h"

#define MAC_BYTES crypto_auth_hmacsha256_BYTES	/* 32 */
#define ED_SIG_BYTES crypto_sign_BYTES		/* 64 */
#define TS_DIGITS_MAX 19			/* int64 seconds, no sign */
#define B64_MAX 128				/* one entry's base64 text */

static const char SECRET_PREFIX[] = "whsec_";
static const char PK_PREFIX[] = "whpk_";

/* Whether id is 1..AU_WEBHOOK_ID_MAX visible ASCII bytes. */
static int
id_ok(const char *id)
{
	size_t i;

	if (id == NULL || id[0] == '\0')
		return 0;
	for (i = 0; id[i] != '\0'; i++)
		if (i >= AU_WEBHOOK_ID_MAX || id[i] < 0x21 || id[i] > 0x7e)
			return 0;
	return 1;
}

/*
 * Decode exactly want bytes of standard padded base64 from b64[n] into out.
 * Returns 0, or -1 when the text is not that.
 */
static int
b64_exact(const char *b64, size_t n, uint8_t *out, size_t want)
{
	size_t got = 0;
	const char *end = NULL;

	if (sodium_base642bin(out, want, b64, n, NULL, &got, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	if (got != want || end != b64 + n)
		return -1;
	return 0;
}

/* The signed content id "." ts "." body in a new buffer (public data). */
static int
content(const char *id, const char *ts, const uint8_t *body, size_t len,
    uint8_t **out, size_t *outlen, struct au_diag *d)
{
	size_t il = strlen(id), tl = strlen(ts);
	uint8_t *buf = malloc(il + tl + 2 + len + 1);

	if (buf == NULL)
		return au_diag_set(d, AU_ENOMEM, "webhook: out of memory");
	memcpy(buf, id, il);
	buf[il] = '.';
	memcpy(buf + il + 1, ts, tl);
	buf[il + 1 + tl] = '.';
	if (len > 0)
		memcpy(buf + il + tl + 2, body, len);
	*out = buf;
	*outlen = il + tl + 2 + len;
	return AU_OK;
}

static void
hmac(const uint8_t *secret, size_t slen, const uint8_t *msg, size_t mlen,
    uint8_t mac[MAC_BYTES])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, secret, slen);
	crypto_auth_hmacsha256_update(&st, msg, mlen);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof(st));
}

int
au_webhook_secret_parse(const char *text, uint8_t *out, size_t cap,
    size_t *len, struct au_diag *d)
{
	uint8_t tmp[AU_WEBHOOK_SECRET_MAX + 1];
	size_t n, pl = sizeof(SECRET_PREFIX) - 1, got = 0;
	const char *end = NULL;
	int rc;

	if (cap < AU_WEBHOOK_SECRET_MAX || out == NULL || len == NULL)
		return au_diag_set(d, AU_EINTERNAL, "webhook secret: buffer too small");
	if (text == NULL || sodium_init() < 0)
		return au_diag_set(d, AU_EINTERNAL, "webhook secret: no text or no libsodium");
	n = strnlen(text, AU_WEBHOOK_SECRET_TEXT_MAX + 1);
	if (n > AU_WEBHOOK_SECRET_TEXT_MAX)
		return au_diag_set(d, AU_ECONFIG,
		    "webhook secret: longer than %d characters", AU_WEBHOOK_SECRET_TEXT_MAX);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
	    text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (n < pl || memcmp(text, SECRET_PREFIX, pl) != 0)
		return au_diag_set(d, AU_ECONFIG,
		    "webhook secret: does not start with \"whsec_\"");
	rc = sodium_base642bin(tmp, sizeof(tmp), text + pl, n - pl, NULL, &got,
	    &end, sodium_base64_VARIANT_ORIGINAL);
	if (rc != 0 || end != text + n) {
		rc = au_diag_set(d, AU_ECONFIG,
		    "webhook secret: not padded standard base64 after \"whsec_\", "
		    "or over %d bytes", AU_WEBHOOK_SECRET_MAX);
	} else if (got < AU_WEBHOOK_SECRET_MIN || got > AU_WEBHOOK_SECRET_MAX) {
		rc = au_diag_set(d, AU_ECONFIG,
		    "webhook secret: %zu bytes, not %d..%d", got,
		    AU_WEBHOOK_SECRET_MIN, AU_WEBHOOK_SECRET_MAX);
	} else {
		memcpy(out, tmp, got);
		*len = got;
		rc = AU_OK;
	}
	sodium_memzero(tmp, sizeof(tmp));
	return rc;
}

int
au_webhook_pk_format(const uint8_t pk[AU_WEBHOOK_PK_BYTES],
    char out[AU_WEBHOOK_PK_TEXT])
{
	size_t pl = sizeof(PK_PREFIX) - 1;

	if (sodium_init() < 0)
		return AU_EINTERNAL;
	memcpy(out, PK_PREFIX, pl);
	sodium_bin2base64(out + pl, AU_WEBHOOK_PK_TEXT - pl, pk,
	    AU_WEBHOOK_PK_BYTES, sodium_base64_VARIANT_ORIGINAL);
	return AU_OK;
}

int
au_webhook_pk_parse(const char *text, uint8_t pk[AU_WEBHOOK_PK_BYTES],
    struct au_diag *d)
{
	uint8_t tmp[AU_WEBHOOK_PK_BYTES];
	size_t pl = sizeof(PK_PREFIX) - 1, n;

	if (text == NULL || sodium_init() < 0)
		return au_diag_set(d, AU_ECONFIG, "device key: missing");
	n = strnlen(text, AU_WEBHOOK_PK_TEXT);
	if (n < pl || memcmp(text, PK_PREFIX, pl) != 0)
		return au_diag_set(d, AU_ECONFIG,
		    "device key: does not start with \"whpk_\"");
	if (n >= AU_WEBHOOK_PK_TEXT ||
	    b64_exact(text + pl, n - pl, tmp, sizeof(tmp)) != 0)
		return au_diag_set(d, AU_ECONFIG,
		    "device key: not \"whpk_\" and the base64 of 32 bytes");
	memcpy(pk, tmp, sizeof(tmp));
	return AU_OK;
}

/* Append "VER,B64(bin)" (with a leading space unless first) to out at *at. */
static int
append_entry(char *out, size_t outsz, size_t *at, const char *ver,
    const uint8_t *bin, size_t binlen)
{
	size_t b64len = sodium_base64_ENCODED_LEN(binlen,
	    sodium_base64_VARIANT_ORIGINAL);	/* includes the NUL */
	size_t need = (*at > 0) + strlen(ver) + 1 + b64len;
	int n;

	if (*at + need > outsz)
		return -1;
	n = snprintf(out + *at, outsz - *at, "%s%s,", *at > 0 ? " " : "", ver);
	if (n < 0 || (size_t)n >= outsz - *at)
		return -1;
	*at += (size_t)n;
	sodium_bin2base64(out + *at, outsz - *at, bin, binlen,
	    sodium_base64_VARIANT_ORIGINAL);
	*at += b64len - 1;
	return 0;
}

/* Check the arguments of au_webhook_sign(); 0 or an error code. */
static int
sign_args(const char *id, int64_t ts, size_t len, size_t secret_len,
    const uint8_t *ed_sk, struct au_diag *d)
{
	if (secret_len == 0 && ed_sk == NULL)
		return au_diag_set(d, AU_EINTERNAL, "webhook sign: no key given");
	if (!id_ok(id))
		return au_diag_set(d, AU_EINTERNAL,
		    "webhook sign: id empty, over %d bytes or not visible ASCII",
		    AU_WEBHOOK_ID_MAX);
	if (ts < 0)
		return au_diag_set(d, AU_EINTERNAL, "webhook sign: negative timestamp");
	if (secret_len != 0 && (secret_len < AU_WEBHOOK_SECRET_MIN ||
	    secret_len > AU_WEBHOOK_SECRET_MAX))
		return au_diag_set(d, AU_EINTERNAL,
		    "webhook sign: secret of %zu bytes", secret_len);
	if (len > AU_WEBHOOK_BODY_MAX)
		return au_diag_set(d, AU_ETOOBIG,
		    "webhook sign: body of %zu bytes over %d", len, AU_WEBHOOK_BODY_MAX);
	if (sodium_init() < 0)
		return au_diag_set(d, AU_EINTERNAL, "webhook sign: libsodium init failed");
	return AU_OK;
}

int
au_webhook_sign(const char *id, int64_t ts, const uint8_t *body, size_t len,
    const uint8_t *secret, size_t secret_len, const uint8_t *ed_sk,
    char *out, size_t outsz, struct au_diag *d)
{
	char tsbuf[TS_DIGITS_MAX + 2], hdr[AU_WEBHOOK_SIGN_MAX];
	uint8_t mac[MAC_BYTES], sig[ED_SIG_BYTES], *msg = NULL;
	size_t mlen = 0, at = 0;
	int rc;

	rc = sign_args(id, ts, len, secret_len, ed_sk, d);
	if (rc != AU_OK)
		return rc;
	(void)snprintf(tsbuf, sizeof(tsbuf), "%" PRId64, ts);
	rc = content(id, tsbuf, body, len, &msg, &mlen, d);
	if (rc != AU_OK)
		return rc;
	if (ed_sk != NULL &&
	    (crypto_sign_detached(sig, NULL, msg, mlen, ed_sk) != 0 ||
	    append_entry(hdr, sizeof(hdr), &at, "v1a", sig, sizeof(sig)) != 0)) {
		rc = au_diag_set(d, AU_EINTERNAL, "webhook sign: Ed25519 failed");
		goto out;
	}
	if (secret_len > 0) {
		hmac(secret, secret_len, msg, mlen, mac);
		if (append_entry(hdr, sizeof(hdr), &at, "v1", mac, sizeof(mac)) != 0) {
			rc = au_diag_set(d, AU_EINTERNAL, "webhook sign: header overflow");
			goto out;
		}
	}
	if (at + 1 > outsz) {
		rc = au_diag_set(d, AU_EINTERNAL,
		    "webhook sign: output buffer of %zu bytes, %zu needed", outsz, at + 1);
		goto out;
	}
	memcpy(out, hdr, at + 1);
out:
	sodium_memzero(mac, sizeof(mac));
	free(msg);
	return rc;
}

/* Parse ts_text (1..19 decimal digits) and judge it against now. */
static int
judge_ts(const char *ts_text, int64_t now, struct au_diag *d)
{
	int64_t ts = 0;
	size_t i;

	if (ts_text == NULL || ts_text[0] == '\0')
		return au_diag_set(d, AU_EWEBHOOK_STALE, "webhook-timestamp missing");
	for (i = 0; ts_text[i] != '\0'; i++) {
		if (i >= TS_DIGITS_MAX || ts_text[i] < '0' || ts_text[i] > '9' ||
		    ts > (INT64_MAX - (ts_text[i] - '0')) / 10)
			return au_diag_set(d, AU_EWEBHOOK_STALE,
			    "webhook-timestamp is not a decimal integer of 64 bits");
		ts = ts * 10 + (ts_text[i] - '0');
	}
	if (ts < now - AU_WEBHOOK_TOLERANCE_S || ts > now + AU_WEBHOOK_TOLERANCE_S)
		return au_diag_set(d, AU_EWEBHOOK_STALE,
		    "webhook-timestamp %" PRId64 " is %" PRId64 " s from now "
		    "(tolerance %d s)", ts, ts - now, AU_WEBHOOK_TOLERANCE_S);
	return AU_OK;
}

/* Whether one "VER,B64" entry e[n] verifies over msg. */
static int
entry_ok(const char *e, size_t n, const uint8_t *msg, size_t mlen,
    const uint8_t *secret, size_t secret_len, const uint8_t *ed_pk)
{
	uint8_t got[ED_SIG_BYTES], want[MAC_BYTES];
	int ok = 0;

	if (n > 3 && memcmp(e, "v1,", 3) == 0 && secret_len > 0) {
		if (n - 3 <= B64_MAX && b64_exact(e + 3, n - 3, got, MAC_BYTES) == 0) {
			hmac(secret, secret_len, msg, mlen, want);
			ok = sodium_memcmp(got, want, MAC_BYTES) == 0;
		}
	} else if (n > 4 && memcmp(e, "v1a,", 4) == 0 && ed_pk != NULL) {
		if (n - 4 <= B64_MAX &&
		    b64_exact(e + 4, n - 4, got, ED_SIG_BYTES) == 0)
			ok = crypto_sign_verify_detached(got, msg, mlen, ed_pk) == 0;
	}
	sodium_memzero(want, sizeof(want));
	return ok;
}

/* Check the arguments of au_webhook_verify() other than the timestamp. */
static int
verify_args(const char *id, const char *sig_header, size_t len,
    size_t secret_len, const uint8_t *ed_pk, struct au_diag *d)
{
	if (secret_len == 0 && ed_pk == NULL)
		return au_diag_set(d, AU_EWEBHOOK_SIG, "webhook verify: no key accepted");
	if (!id_ok(id))
		return au_diag_set(d, AU_EWEBHOOK_SIG,
		    "webhook-id empty, over %d bytes or not visible ASCII",
		    AU_WEBHOOK_ID_MAX);
	if (sig_header == NULL || sig_header[0] == '\0' ||
	    strnlen(sig_header, AU_WEBHOOK_SIG_MAX + 1) > AU_WEBHOOK_SIG_MAX)
		return au_diag_set(d, AU_EWEBHOOK_SIG,
		    "webhook-signature empty or over %d bytes", AU_WEBHOOK_SIG_MAX);
	if (len > AU_WEBHOOK_BODY_MAX)
		return au_diag_set(d, AU_ETOOBIG,
		    "webhook body of %zu bytes over %d", len, AU_WEBHOOK_BODY_MAX);
	if (sodium_init() < 0)
		return au_diag_set(d, AU_EINTERNAL, "webhook verify: libsodium init failed");
	return AU_OK;
}

int
au_webhook_verify(const char *id, const char *ts_text, const char *sig_header,
    const uint8_t *body, size_t len, const uint8_t *secret, size_t secret_len,
    const uint8_t *ed_pk, int64_t now, struct au_diag *d)
{
	uint8_t *msg = NULL;
	size_t mlen = 0, i = 0, n;
	int rc;

	rc = judge_ts(ts_text, now, d);
	if (rc != AU_OK)
		return rc;
	rc = verify_args(id, sig_header, len, secret_len, ed_pk, d);
	if (rc != AU_OK)
		return rc;
	rc = content(id, ts_text, body, len, &msg, &mlen, d);
	if (rc != AU_OK)
		return rc;
	rc = AU_EWEBHOOK_SIG;
	while (sig_header[i] != '\0') {
		if (sig_header[i] == ' ') {
			i++;
			continue;
		}
		n = strcspn(sig_header + i, " ");
		if (entry_ok(sig_header + i, n, msg, mlen, secret, secret_len, ed_pk)) {
			rc = AU_OK;
			break;
		}
		i += n;
	}
	free(msg);
	if (rc != AU_OK)
		return au_diag_set(d, rc, "webhook-signature: no %s%s%s entry verifies",
		    secret_len > 0 ? "v1" : "",
		    secret_len > 0 && ed_pk != NULL ? " or " : "",
		    ed_pk != NULL ? "v1a" : "");
	return AU_OK;
}
