/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_webhook.c - keys/webhook: the Standard Webhooks reference
 * vector (the spec's example, the same value the npm standardwebhooks
 * library computes), a v1a vector computed by node:crypto, and forgeries.
 */
#include "keys/webhook.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "port/ban.h"

/* Standard Webhooks' example (spec and every library's tests). */
#define REF_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define REF_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define REF_TS 1614265330
#define REF_TS_TEXT "1614265330"
#define REF_BODY "{\"test\": 2432232314}"
#define REF_V1 "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
/* node:crypto Ed25519 with the seed 01 02 .. 20 over the same content. */
#define REF_PK "whpk_ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ="
#define REF_V1A "v1a,OVJuLC0iOuaBuQulpz9A/zDgvqV8z8miLUJk2j15ZMONwDNhOvPJ3rO4owAHFyjFq80+pUUjrNfTHAZs1RQnDw=="

static uint8_t secret[AU_WEBHOOK_SECRET_MAX];
static size_t secret_len;
static uint8_t ed_pk[32], ed_sk[64];

static void
setup(void)
{
	uint8_t seed[32];
	int i;

	if (sodium_init() < 0)
		abort();
	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)(i + 1);
	crypto_sign_seed_keypair(ed_pk, ed_sk, seed);
	if (au_webhook_secret_parse(REF_SECRET, secret, sizeof(secret),
	    &secret_len, NULL) != 0)
		abort();
}

static int
verify(const char *id, const char *ts, const char *hdr, const char *body,
    const uint8_t *sec, size_t slen, const uint8_t *pk, int64_t now)
{
	struct au_diag d;

	return au_webhook_verify(id, ts, hdr, (const uint8_t *)body,
	    strlen(body), sec, slen, pk, now, &d);
}

TEST(reference_vector_v1)
{
	char out[AU_WEBHOOK_SIGN_MAX];

	CHECK_EQ(secret_len, 24);
	REQUIRE(au_webhook_sign(REF_ID, REF_TS, (const uint8_t *)REF_BODY,
	    strlen(REF_BODY), secret, secret_len, NULL, out, sizeof(out), NULL) == 0);
	CHECK_STR(out, REF_V1);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1, REF_BODY, secret,
	    secret_len, NULL, REF_TS), 0);
}

TEST(reference_vector_v1a)
{
	char out[AU_WEBHOOK_SIGN_MAX], pk[AU_WEBHOOK_PK_TEXT];
	uint8_t back[32];

	REQUIRE(au_webhook_pk_format(ed_pk, pk) == 0);
	CHECK_STR(pk, REF_PK);
	REQUIRE(au_webhook_pk_parse(pk, back, NULL) == 0);
	CHECK(memcmp(back, ed_pk, 32) == 0);
	REQUIRE(au_webhook_sign(REF_ID, REF_TS, (const uint8_t *)REF_BODY,
	    strlen(REF_BODY), NULL, 0, ed_sk, out, sizeof(out), NULL) == 0);
	CHECK_STR(out, REF_V1A);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1A, REF_BODY, NULL, 0,
	    ed_pk, REF_TS), 0);
}

TEST(both_kinds_in_one_header)
{
	char out[AU_WEBHOOK_SIGN_MAX];

	REQUIRE(au_webhook_sign(REF_ID, REF_TS, (const uint8_t *)REF_BODY,
	    strlen(REF_BODY), secret, secret_len, ed_sk, out, sizeof(out), NULL) == 0);
	CHECK_STR(out, REF_V1A " " REF_V1);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, out, REF_BODY, secret, secret_len,
	    NULL, REF_TS), 0);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, out, REF_BODY, NULL, 0, ed_pk,
	    REF_TS), 0);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, out, REF_BODY, secret, secret_len,
	    ed_pk, REF_TS), 0);
}

TEST(tampered_body_id_timestamp)
{
	const char *hs[] = { REF_V1, REF_V1A };
	int i;

	for (i = 0; i < 2; i++) {
		const uint8_t *s = i == 0 ? secret : NULL;
		size_t sl = i == 0 ? secret_len : 0;
		const uint8_t *pk = i == 1 ? ed_pk : NULL;

		CHECK_EQ(verify(REF_ID, REF_TS_TEXT, hs[i], "{\"test\": 2432232315}",
		    s, sl, pk, REF_TS), AU_EWEBHOOK_SIG);
		CHECK_EQ(verify(REF_ID, REF_TS_TEXT, hs[i], REF_BODY " ", s, sl,
		    pk, REF_TS), AU_EWEBHOOK_SIG);
		CHECK_EQ(verify("msg_p5jXN8AQM9LWM0D4loKWxJeK", REF_TS_TEXT, hs[i],
		    REF_BODY, s, sl, pk, REF_TS), AU_EWEBHOOK_SIG);
		CHECK_EQ(verify(REF_ID, "1614265331", hs[i], REF_BODY, s, sl, pk,
		    REF_TS), AU_EWEBHOOK_SIG);
		/* The same number with a leading zero is other signed bytes. */
		CHECK_EQ(verify(REF_ID, "01614265330", hs[i], REF_BODY, s, sl, pk,
		    REF_TS), AU_EWEBHOOK_SIG);
	}
}

TEST(stale_and_malformed_timestamps)
{
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1, REF_BODY, secret,
	    secret_len, NULL, REF_TS + 300), 0);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1, REF_BODY, secret,
	    secret_len, NULL, REF_TS - 300), 0);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1, REF_BODY, secret,
	    secret_len, NULL, REF_TS + 301), AU_EWEBHOOK_STALE);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1, REF_BODY, secret,
	    secret_len, NULL, REF_TS - 301), AU_EWEBHOOK_STALE);
	CHECK_EQ(verify(REF_ID, "", REF_V1, REF_BODY, secret, secret_len, NULL,
	    REF_TS), AU_EWEBHOOK_STALE);
	CHECK_EQ(verify(REF_ID, "+1614265330", REF_V1, REF_BODY, secret,
	    secret_len, NULL, REF_TS), AU_EWEBHOOK_STALE);
	CHECK_EQ(verify(REF_ID, "1614265330 ", REF_V1, REF_BODY, secret,
	    secret_len, NULL, REF_TS), AU_EWEBHOOK_STALE);
	CHECK_EQ(verify(REF_ID, "-1", REF_V1, REF_BODY, secret, secret_len,
	    NULL, -1), AU_EWEBHOOK_STALE);
	CHECK_EQ(verify(REF_ID, "99999999999999999999", REF_V1, REF_BODY,
	    secret, secret_len, NULL, REF_TS), AU_EWEBHOOK_STALE);
	/* 19 digits over INT64_MAX: refused without overflow (UBSan found it) */
	CHECK_EQ(verify(REF_ID, "9999999999999999999", REF_V1, REF_BODY,
	    secret, secret_len, NULL, REF_TS), AU_EWEBHOOK_STALE);
	CHECK_EQ(verify(REF_ID, "9223372036854775807", REF_V1, REF_BODY,
	    secret, secret_len, NULL, REF_TS), AU_EWEBHOOK_STALE);
	/* Stale is judged before the signature, as the reference libraries do. */
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, "v1,garbage", REF_BODY, secret,
	    secret_len, NULL, REF_TS + 1000), AU_EWEBHOOK_STALE);
	CHECK_EQ(verify(REF_ID, NULL, REF_V1, REF_BODY, secret, secret_len,
	    NULL, REF_TS), AU_EWEBHOOK_STALE);
}

TEST(wrong_key)
{
	uint8_t other[AU_WEBHOOK_SECRET_MAX], pk2[32], sk2[64];
	size_t olen = 0;

	REQUIRE(au_webhook_secret_parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx",
	    other, sizeof(other), &olen, NULL) == 0);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1, REF_BODY, other, olen, NULL,
	    REF_TS), AU_EWEBHOOK_SIG);
	crypto_sign_keypair(pk2, sk2);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1A, REF_BODY, NULL, 0, pk2,
	    REF_TS), AU_EWEBHOOK_SIG);
	/* A kind the receiver does not accept does not count. */
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1, REF_BODY, NULL, 0, ed_pk,
	    REF_TS), AU_EWEBHOOK_SIG);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1A, REF_BODY, secret,
	    secret_len, NULL, REF_TS), AU_EWEBHOOK_SIG);
	/* The HMAC value as an Ed25519 entry, and the reverse. */
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", REF_BODY,
	    secret, secret_len, ed_pk, REF_TS), AU_EWEBHOOK_SIG);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, NULL, REF_BODY, secret, secret_len,
	    ed_pk, REF_TS), AU_EWEBHOOK_SIG);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1, REF_BODY, NULL, 0, NULL,
	    REF_TS), AU_EWEBHOOK_SIG);
}

TEST(several_signatures_in_one_header)
{
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT,
	    "v1,Ceb0RLe/7TxR+tVd/pc9pEvyqbnq5uK6hsdqSGIQJaM= " REF_V1, REF_BODY,
	    secret, secret_len, NULL, REF_TS), 0);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT,
	    "v2,abc v1 v1, v1,!!!! v1,AAAA  " REF_V1A "  ", REF_BODY, NULL, 0,
	    ed_pk, REF_TS), 0);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1 " v1a,AAAA", REF_BODY,
	    secret, secret_len, ed_pk, REF_TS), 0);
	/* Only bad entries. */
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT,
	    "v1,Ceb0RLe/7TxR+tVd/pc9pEvyqbnq5uK6hsdqSGIQJaM= v2,x", REF_BODY,
	    secret, secret_len, ed_pk, REF_TS), AU_EWEBHOOK_SIG);
	/* An entry with its base64 unpadded, or with a trailing byte. */
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT,
	    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", REF_BODY, secret,
	    secret_len, NULL, REF_TS), AU_EWEBHOOK_SIG);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, REF_V1 "x", REF_BODY, secret,
	    secret_len, NULL, REF_TS), AU_EWEBHOOK_SIG);
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, "  ", REF_BODY, secret,
	    secret_len, NULL, REF_TS), AU_EWEBHOOK_SIG);
}

TEST(limits)
{
	char big[AU_WEBHOOK_SIG_MAX + 64], out[AU_WEBHOOK_SIGN_MAX];
	char longid[AU_WEBHOOK_ID_MAX + 2];
	uint8_t *body = calloc(1, AU_WEBHOOK_BODY_MAX + 1);
	struct au_diag d;

	REQUIRE(body != NULL);
	memset(big, ' ', sizeof(big));
	memcpy(big + sizeof(big) - 1 - strlen(REF_V1), REF_V1, strlen(REF_V1));
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ(verify(REF_ID, REF_TS_TEXT, big, REF_BODY, secret, secret_len,
	    NULL, REF_TS), AU_EWEBHOOK_SIG);
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	CHECK_EQ(verify(longid, REF_TS_TEXT, REF_V1, REF_BODY, secret,
	    secret_len, NULL, REF_TS), AU_EWEBHOOK_SIG);
	CHECK_EQ(verify("msg id", REF_TS_TEXT, REF_V1, REF_BODY, secret,
	    secret_len, NULL, REF_TS), AU_EWEBHOOK_SIG);
	CHECK_EQ(au_webhook_verify(REF_ID, REF_TS_TEXT, REF_V1, body,
	    AU_WEBHOOK_BODY_MAX + 1, secret, secret_len, NULL, REF_TS, &d),
	    AU_ETOOBIG);
	CHECK_EQ(au_webhook_sign(REF_ID, REF_TS, body, AU_WEBHOOK_BODY_MAX + 1,
	    secret, secret_len, NULL, out, sizeof(out), &d), AU_ETOOBIG);
	CHECK_EQ(au_webhook_sign(REF_ID, REF_TS, body, AU_WEBHOOK_BODY_MAX,
	    secret, secret_len, ed_sk, out, sizeof(out), &d), 0);
	CHECK_EQ(au_webhook_sign(REF_ID, REF_TS, body, 1, NULL, 0, NULL, out,
	    sizeof(out), &d), AU_EINTERNAL);
	CHECK_EQ(au_webhook_sign(longid, REF_TS, body, 1, secret, secret_len,
	    NULL, out, sizeof(out), &d), AU_EINTERNAL);
	CHECK_EQ(au_webhook_sign(REF_ID, REF_TS, body, 1, secret, secret_len,
	    ed_sk, out, 100, &d), AU_EINTERNAL);
	CHECK_EQ(au_webhook_sign(REF_ID, REF_TS, body, 1, secret, 16, NULL, out,
	    sizeof(out), &d), AU_EINTERNAL);
	free(body);
}

TEST(secret_and_key_text)
{
	uint8_t out[AU_WEBHOOK_SECRET_MAX], pk[32];
	size_t len = 0;
	struct au_diag d;

	CHECK_EQ(au_webhook_secret_parse(REF_SECRET "\n", out, sizeof(out),
	    &len, &d), 0);
	CHECK_EQ(len, 24);
	CHECK_EQ(au_webhook_secret_parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", out,
	    sizeof(out), &len, &d), AU_ECONFIG);
	CHECK_EQ(au_webhook_secret_parse("whsec_MfKQ9r8GKYqr", out, sizeof(out),
	    &len, &d), AU_ECONFIG);	/* 12 bytes */
	CHECK_EQ(au_webhook_secret_parse("whsec_MfKQ9r8GKYqrTwjUPD8I*PZIo2LaLaSw",
	    out, sizeof(out), &len, &d), AU_ECONFIG);
	CHECK_EQ(au_webhook_secret_parse("whsec_"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    out, sizeof(out), &len, &d), AU_ECONFIG);	/* 69 bytes */
	CHECK_EQ(au_webhook_secret_parse(REF_SECRET, out, 16, &len, &d),
	    AU_EINTERNAL);
	CHECK_EQ(au_webhook_pk_parse("whpk_ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60Elm",
	    pk, &d), AU_ECONFIG);
	CHECK_EQ(au_webhook_pk_parse("ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ=",
	    pk, &d), AU_ECONFIG);
	CHECK_EQ(au_webhook_pk_parse("whpk_ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ=A",
	    pk, &d), AU_ECONFIG);
	CHECK_EQ(au_webhook_pk_parse(NULL, pk, &d), AU_ECONFIG);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	setup();
	RUN(reference_vector_v1);
	RUN(reference_vector_v1a);
	RUN(both_kinds_in_one_header);
	RUN(tampered_body_id_timestamp);
	RUN(stale_and_malformed_timestamps);
	RUN(wrong_key);
	RUN(several_signatures_in_one_header);
	RUN(limits);
	RUN(secret_and_key_text);
	return harness_done();
}
