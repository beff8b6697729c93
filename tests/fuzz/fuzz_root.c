/* SPDX-License-Identifier: ISC */
/* tests/fuzz/fuzz_root.c - libFuzzer target: root loading and rotation (TUF 5.2, 5.3). */
#include "tests/fuzz/fuzz_tuf.h"
#include "port/ban.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct au_trusted *t = NULL;
	struct blob b;

	fuzz_init();
	if (au_trusted_new(data, size, &t, NULL) == 0) {
		(void)au_trusted_check_root(t, NOW, NULL);
		au_trusted_free(t);
	}
	b = resigned(data, size, AU_ROOT_MAX_BYTES, R0);
	if (b.p != NULL && (t = trusted(&base.root)) != NULL) {
		(void)au_trusted_update_root(t, b.p, b.len, NULL);
		(void)au_trusted_check_root(t, NOW, NULL);
		(void)au_trusted_update_timestamp(t, base.ts.p, base.ts.len, NOW,
		    NULL, NULL);
		au_trusted_free(t);
	}
	blob_free(&b);
	return 0;
}
