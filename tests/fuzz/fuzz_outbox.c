/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_outbox.c - the outbox's two parsers (client/report/
 * outbox.h): an entry file and the state file.  Checks: a parsed entry's
 * body lies inside the input and its id is 32 lowercase hex digits.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "client/report/outbox.h"
#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char id[AU_OUTBOX_ID_LEN + 1];
	size_t off = 0, blen = 0, i;
	uint64_t c, d;

	if (au_outbox_entry_parse(data, size, id, &off, &blen) == 0) {
		if (off > size || blen > size - off || off + blen != size ||
		    blen == 0 || blen > AU_OUTBOX_BODY_MAX ||
		    strlen(id) != AU_OUTBOX_ID_LEN)
			__builtin_trap();
		for (i = 0; i < AU_OUTBOX_ID_LEN; i++)
			if (!((id[i] >= '0' && id[i] <= '9') ||
			    (id[i] >= 'a' && id[i] <= 'f')))
				__builtin_trap();
	}
	(void)au_outbox_state_parse(data, size, &c, &d);
	return 0;
}
