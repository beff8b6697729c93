/* SPDX-License-Identifier: ISC */
/* tests/fuzz/fuzz_dns_tlsa.c - TLSA and TXT rdata. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "client/discover/dns.h"
#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct au_tlsa t;
	char path[AU_DNS_PATH_MAX];

	if (au_dns_parse_tlsa(data, size, &t) == 0 &&
	    (t.len == 0 || t.len > sizeof(t.data) || t.len != size - 3))
		__builtin_trap();
	if (au_dns_parse_txt_path(data, size, path, sizeof(path)) == 0 &&
	    (path[0] != '/' || strlen(path) >= sizeof(path)))
		__builtin_trap();
	return 0;
}
