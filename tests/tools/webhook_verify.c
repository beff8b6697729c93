/* SPDX-License-Identifier: ISC */
/*
 * tests/tools/webhook_verify.c - au_webhook_verify() on a message given on
 * the command line, for tests/integration/report.sh (the C side of the
 * interop: every copy the npm library refuses must be refused here too).
 *
 *   webhook_verify ID TIMESTAMP SIGNATURE BODY_FILE (whsec_...|-) (whpk_...|-) [NOW]
 *
 * Exit 0: verified; 1: refused (the reason on stderr); 2: usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/webhook.h"
#include "port/port.h"
#include "port/ban.h"

int
main(int argc, char **argv)
{
	uint8_t secret[AU_WEBHOOK_SECRET_MAX], pk[AU_WEBHOOK_PK_BYTES], *body = NULL;
	size_t slen = 0, len = 0;
	struct au_diag d = { "", 0 };
	int64_t now;
	int rc;

	if (argc < 7 || argc > 8) {
		fprintf(stderr, "usage: webhook_verify ID TS SIG BODY_FILE "
		    "SECRET|- PK|- [NOW]\n");
		return 2;
	}
	now = argc == 8 ? strtoll(argv[7], NULL, 10) : au_now();
	if (au_file_read_all(argv[4], 1u << 20, &body, &len, &d) != 0 ||
	    (strcmp(argv[5], "-") != 0 && au_webhook_secret_parse(argv[5], secret,
	    sizeof(secret), &slen, &d) != 0) ||
	    (strcmp(argv[6], "-") != 0 && au_webhook_pk_parse(argv[6], pk, &d) != 0)) {
		fprintf(stderr, "webhook_verify: %s\n", d.msg);
		free(body);
		return 2;
	}
	rc = au_webhook_verify(argv[1], argv[2], argv[3], body, len, secret, slen,
	    strcmp(argv[6], "-") != 0 ? pk : NULL, now, &d);
	free(body);
	if (rc != 0) {
		fprintf(stderr, "refused: %s: %s\n", au_strerror(rc), d.msg);
		return 1;
	}
	printf("verified\n");
	return 0;
}
