/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_tuf.h - shared set-up of the TUF role fuzzers: the unit
 * tests' repository builder (deterministic keys), and re-signing of a
 * fuzzed document so that mutations reach the checks after the signature.
 */
#ifndef AU_FUZZ_TUF_H
#define AU_FUZZ_TUF_H

#include "tests/unit/tuf_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct repo base;	/* version 1 of every role, signed */

static void
fuzz_init(void)
{
	static int done;

	if (done)
		return;
	keys_init();
	repo_make(&base);
	done = 1;
}

/*
 * If data parses as JSON with an object "signed", that object re-signed by
 * key `signer` (b->p NULL otherwise; blob_free after use).
 */
static struct blob
resigned(const uint8_t *data, size_t size, size_t cap, int signer)
{
	struct blob b = { NULL, 0 };
	json_t *doc = NULL, *sg;

	if (au_json_parse(data, size, cap, &doc, NULL) != 0)
		return b;
	sg = json_object_get(doc, "signed");
	if (json_is_object(sg))
		b = seal(json_incref(sg), signer, -1);
	json_decref(doc);
	return b;
}

#endif
