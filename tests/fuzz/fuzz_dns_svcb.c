/* SPDX-License-Identifier: ISC */
/* tests/fuzz/fuzz_dns_svcb.c - SVCB/HTTPS rdata (RFC 9460). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "client/discover/dns.h"
#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct au_svcb s;

	if (au_dns_parse_svcb(data, size, &s) == 0 &&
	    (strlen(s.target) == 0 || (s.priority == 0 && s.has_port)))
		__builtin_trap();
	return 0;
}
