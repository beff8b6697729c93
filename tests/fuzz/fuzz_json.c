/* SPDX-License-Identifier: ISC */
/* tests/fuzz/fuzz_json.c - libFuzzer target: strict JSON intake and canonical JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/json.h"
#include "manifest/tuf.h"
#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = NULL, *back;
	char *c = NULL, *c2 = NULL;
	size_t n, n2;

	if (au_json_parse(data, size, AU_TARGETS_MAX_BYTES, &v, NULL) != 0)
		return 0;
	if (au_json_canonical(v, &c, &n, NULL) == 0 && !has_control(c, n)) {
		/*
		 * Canonical JSON parses back to the same canonical bytes (unless
		 * a string holds a control byte: OLPC canonical JSON writes
		 * those raw, which no strict JSON parser accepts).
		 */
		back = NULL;
		if (au_json_parse((const uint8_t *)c, n, AU_TARGETS_MAX_BYTES, &back,
		    NULL) != 0 || au_json_canonical(back, &c2, &n2, NULL) != 0 ||
		    n2 != n || memcmp(c, c2, n) != 0)
			abort();
		json_decref(back);
		free(c2);
	}
	free(c);
	json_decref(v);
	return 0;
}
