/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_cidx.c - libFuzzer target: the chunk index parsers
 * (manifest/chunk_index.h) and the chunker (manifest/cdc.h).  Beyond "no
 * crash": what au_cidx_check accepts has a head that au_cidx_head_parse
 * accepts, records that au_cidx_rec_parse accepts and lengths that sum to
 * the head's file_length; writing the parsed head back gives the same 64
 * bytes; the chunker cuts the input at the same places whether it is
 * scanned at once or in pieces of a size taken from the input; and the
 * index au_cidx_build makes of the input, read in such pieces, passes
 * au_cidx_check and describes exactly the input's length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/cdc.h"
#include "manifest/chunk_index.h"
#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
index_invariants(const uint8_t *data, size_t size)
{
	struct au_cidx_head h, h2;
	uint8_t back[AU_CIDX_HEAD], md[32];
	uint64_t sum = 0;
	uint32_t i, n;

	if (size >= AU_CIDX_HEAD &&
	    au_cidx_head_parse(data, size, &h2, NULL) == 0) {
		au_cidx_head_write(back, &h2);
		if (memcmp(back, data, AU_CIDX_HEAD) != 0)
			abort();
	}
	if (au_cidx_check(data, size, &h, NULL) != 0)
		return;
	if (au_cidx_head_parse(data, size, &h2, NULL) != 0 ||
	    size != AU_CIDX_HEAD + (size_t)h.count * AU_CIDX_REC)
		abort();
	for (i = 0; i < h.count; i++) {
		if (au_cidx_rec_parse(data + AU_CIDX_HEAD + (size_t)i *
		    AU_CIDX_REC, &n, md, NULL) != 0 || n == 0 || n > AU_CDC_MAX)
			abort();
		sum += n;
	}
	if (sum != h.file_length)
		abort();
}

/* Cut positions of data, scanned in pieces of `piece` bytes (0: at once),
 * folded into one number. */
static uint64_t
cuts(const uint8_t *data, size_t size, size_t piece)
{
	struct au_cdc c;
	uint64_t acc = 0;
	size_t pos = 0, end, k;
	int cut;

	au_cdc_init(&c);
	while (pos < size) {
		end = piece == 0 || size - pos < piece ? size : pos + piece;
		k = au_cdc_scan(&c, data + pos, end - pos, &cut);
		if (k == 0 || k > end - pos || (!cut && k != end - pos))
			abort();
		pos += k;
		if (cut)
			acc = acc * 1000003u + pos;
	}
	return acc;
}

/* A reader over memory in pieces of `step` bytes. */
struct mem {
	const uint8_t *b;
	size_t len, pos, step;
};

static int
mem_read(void *arg, uint8_t *buf, size_t cap, size_t *got)
{
	struct mem *m = arg;
	size_t n = m->len - m->pos;

	if (n > cap)
		n = cap;
	if (n > m->step)
		n = m->step;
	memcpy(buf, m->b + m->pos, n);
	m->pos += n;
	*got = n;
	return 0;
}

static void
built_invariants(const uint8_t *data, size_t size, size_t step)
{
	struct mem m = { data, size, 0, step };
	struct au_cidx_head h;
	uint8_t *idx = NULL;
	size_t len = 0;

	if (au_cidx_build(mem_read, &m, &idx, &len, NULL) != 0)
		abort();
	if (au_cidx_check(idx, len, &h, NULL) != 0 || h.file_length != size)
		abort();
	free(idx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	index_invariants(data, size);
	if (size > 1 && cuts(data + 1, size - 1, 0) !=
	    cuts(data + 1, size - 1, (size_t)data[0] + 1))
		abort();
	if (size > 1)
		built_invariants(data + 1, size - 1, (size_t)data[0] * 97 + 1);
	return 0;
}
