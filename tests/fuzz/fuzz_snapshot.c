/* SPDX-License-Identifier: ISC */
/* tests/fuzz/fuzz_snapshot.c - libFuzzer target: snapshot verification (TUF 5.5). */
#include "tests/fuzz/fuzz_tuf.h"
#include "port/ban.h"

static struct blob ts_nohash;	/* names snapshot v1 without length or hashes */

static void
feed(const uint8_t *p, size_t n)
{
	struct au_trusted *t = trusted(&base.root);

	if (t == NULL || upd_ts(t, &ts_nohash, NULL) != 0)
		abort();
	if (au_trusted_update_snapshot(t, p, n, NOW, NULL) == 0) {
		(void)au_trusted_update_targets(t, base.tg.p, base.tg.len, NOW, NULL);
		(void)au_trusted_check_chain(t, NOW, NULL);
	}
	(void)au_trusted_load_local_snapshot(t, p, n, NOW, NULL);
	au_trusted_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blob b;

	fuzz_init();
	if (ts_nohash.p == NULL)
		ts_nohash = seal(ts_signed(1, FUT, 1, NULL), TS, -1);
	feed(data, size);
	b = resigned(data, size, AU_SNAPSHOT_MAX_BYTES, SN);
	if (b.p != NULL)
		feed(b.p, b.len);
	blob_free(&b);
	return 0;
}
