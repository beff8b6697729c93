/* SPDX-License-Identifier: ISC */
/* tests/fuzz/fuzz_timestamp.c - libFuzzer target: timestamp verification (TUF 5.4). */
#include "tests/fuzz/fuzz_tuf.h"
#include "port/ban.h"

static void
feed(const uint8_t *p, size_t n)
{
	struct au_trusted *t = trusted(&base.root);
	int unchanged;

	if (t == NULL)
		abort();
	if (au_trusted_update_timestamp(t, p, n, NOW, &unchanged, NULL) == 0)
		(void)au_trusted_update_snapshot(t, base.sn.p, base.sn.len, NOW, NULL);
	/* over a trusted timestamp: rollback and equal-version paths */
	(void)au_trusted_update_timestamp(t, base.ts.p, base.ts.len, NOW, NULL, NULL);
	(void)au_trusted_update_timestamp(t, p, n, NOW, &unchanged, NULL);
	au_trusted_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blob b;

	fuzz_init();
	feed(data, size);
	b = resigned(data, size, AU_TIMESTAMP_MAX_BYTES, TS);
	if (b.p != NULL)
		feed(b.p, b.len);
	blob_free(&b);
	return 0;
}
