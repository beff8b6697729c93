/* SPDX-License-Identifier: ISC */
/* tests/fuzz/fuzz_dns_srv.c - SRV rdata and the RRSIG scan of a message. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "client/discover/dns.h"
#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char t[AU_DNS_HOST_MAX], small[8];
	uint16_t p, w, port;
	int64_t e;

	if (au_dns_parse_srv(data, size, &p, &w, &port, t, sizeof(t)) == 0 &&
	    (strlen(t) == 0 || strlen(t) >= sizeof(t)))
		__builtin_trap();
	(void)au_dns_parse_srv(data, size, &p, &w, &port, small, sizeof(small));
	(void)au_dns_rrsig_expiry(data, size, 33, &e);
	return 0;
}
