/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_webhook.c - au_webhook_verify's header parsing (the
 * webhook-timestamp and webhook-signature values as received) and the
 * whsec_/whpk_ text parsers.  Input: TIMESTAMP "\n" SIGNATURE "\n" BODY.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys/webhook.h"
#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of data[n] (fuzz input has no NUL guarantee). */
static char *
dupz(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t secret[24] = "0123456789abcdefghijklmn";
	static const uint8_t pk[32] = { 1, 2, 3 };
	uint8_t sec[AU_WEBHOOK_SECRET_MAX], pkout[32];
	const uint8_t *nl1 = memchr(data, '\n', size), *nl2;
	char *all = dupz(data, size), *ts, *hdr;
	size_t slen = 0;
	struct au_diag d;

	(void)au_webhook_secret_parse(all, sec, sizeof(sec), &slen, &d);
	(void)au_webhook_pk_parse(all, pkout, &d);
	free(all);
	if (nl1 == NULL)
		return 0;
	nl2 = memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - data));
	if (nl2 == NULL)
		return 0;
	ts = dupz(data, (size_t)(nl1 - data));
	hdr = dupz(nl1 + 1, (size_t)(nl2 - nl1 - 1));
	/* Nothing here is signed with these keys: success would be a forgery. */
	if (au_webhook_verify("msg_fuzz", ts, hdr, nl2 + 1,
	    size - (size_t)(nl2 + 1 - data), secret, sizeof(secret), pk,
	    1614265330, &d) == 0)
		__builtin_trap();
	free(ts);
	free(hdr);
	return 0;
}
