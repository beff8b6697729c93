/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_report.c - the collector's intake (fleet/ingest.c): the
 * webhook headers and the report body as received, judged and stored
 * into an in-memory SQLite database (fleet/db.c).  Input: one mode byte,
 * then ID "\n" TIMESTAMP "\n" SIGNATURE "\n" BODY.  Mode bit 0 set: the
 * body is signed here with the enrolled device's key (id and timestamp
 * taken from the input when they parse, else "m" and now), so bodies
 * reach the shape check and the store, not only the signature check.
 */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/db.h"
#include "fleet/ingest.h"
#include "keys/webhook.h"
#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1795996800

static struct fleet_db *db;
static struct fleet_keys keys;
static uint8_t sk[64];

static void
setup(void)
{
	uint8_t pk[32], seed[32] = { 7 };

	if (sodium_init() < 0 || fleet_db_open(":memory:", &db, NULL) != AU_OK)
		abort();
	crypto_sign_seed_keypair(pk, sk, seed);
	if (fleet_db_enroll(db, "dev-a", pk, NOW, NULL) != AU_OK ||
	    fleet_db_enroll(db, "dev-h", NULL, NOW, NULL) != AU_OK ||
	    au_webhook_secret_parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	    keys.secret, sizeof(keys.secret), &keys.secret_len, NULL) != AU_OK)
		abort();
}

/* The next line of *p..end as a new NUL-terminated string. */
static char *
line(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = nl != NULL ? (size_t)(nl - *p) : (size_t)(end - *p);
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, *p, n);
	s[n] = '\0';
	*p += n + (nl != NULL);
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data + (size > 0), *end = data + size;
	char *id, *ts, *sig, sigbuf[AU_WEBHOOK_SIGN_MAX];
	struct fleet_request r;
	struct fleet_verdict v;
	struct au_diag d;

	if (db == NULL)
		setup();
	id = line(&p, end);
	ts = line(&p, end);
	sig = line(&p, end);
	r = (struct fleet_request){ .id = id, .timestamp = ts, .signature = sig,
	    .content_type = "application/json", .body = p,
	    .len = (size_t)(end - p) };
	if (size > 0 && (data[0] & 1) && r.len <= AU_WEBHOOK_BODY_MAX) {
		if (au_webhook_sign(id, NOW, p, r.len, NULL, 0, sk, sigbuf,
		    sizeof(sigbuf), NULL) != AU_OK)
			r.id = "m";
		if (au_webhook_sign(r.id, NOW, p, r.len, NULL, 0, sk, sigbuf,
		    sizeof(sigbuf), NULL) == AU_OK) {
			r.signature = sigbuf;
			r.timestamp = "1795996800";
		}
	}
	if (size > 0 && (data[0] & 2))
		r.content_type = NULL;
	if (fleet_ingest(db, &keys, &r, NOW, &v, &d) != AU_OK)
		abort();	/* the in-memory database never fails */
	if (v.status != 200 && v.status != 400 && v.status != 401 &&
	    v.status != 409 && v.status != 413)
		abort();	/* 500 would be the collector's own failure */
	free(id);
	free(ts);
	free(sig);
	return 0;
}
