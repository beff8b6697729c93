/* SPDX-License-Identifier: ISC */
/* tests/fuzz/fuzz_anchor.c - the RFC 5011 tracked anchor file check. */
#include <stddef.h>
#include <stdint.h>

#include "client/discover/anchor.h"
#include "port/err.h"

#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int r = au_anchor_check(data, size);

	if (r != 0 && r != -1 && r != AU_ENOMEM)
		__builtin_trap();
	if (r == 0 && (size == 0 || data[size - 1] != '\n'))
		__builtin_trap();	/* accepted a file cut short */
	return 0;
}
