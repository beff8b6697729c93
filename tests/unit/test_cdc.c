/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_cdc.c - the chunker (manifest/cdc.h) and the chunk index
 * (manifest/chunk_index.h): the gear table's origin, cuts independent of
 * buffer boundaries, chunk sizes, the average, an insertion's reach, a
 * known-answer vector computed by an independent Python implementation, the
 * index of a real file, and every refusal of the head and record parsers.
 */
#include "manifest/cdc.h"
#include "manifest/chunk_index.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys/digest.h"
#include "port/port.h"
#include "port/text.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

/* SplitMix64 (cdc.h gives the steps): the gear table's generator, and the
 * test data's (its words little-endian, as tests/tools/mkmodel.py). */
static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z;

	*s += 0x9e3779b97f4a7c15ULL;
	z = *s;
	z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ z >> 27) * 0x94d049bb133111ebULL;
	return z ^ z >> 31;
}

static uint8_t *
random_bytes(uint64_t seed, size_t n)
{
	uint8_t *b = malloc(n + 8);
	uint64_t v;
	size_t i;
	int k;

	if (b == NULL)
		return NULL;
	for (i = 0; i < n; i += 8) {
		v = splitmix(&seed);
		for (k = 0; k < 8; k++)
			b[i + (size_t)k] = (uint8_t)(v >> (8 * k));
	}
	return b;
}

#define MAXCUTS 4096

/* Chunk lengths of buf, scanned in pieces of the given sizes (cycled;
 * NULL: one piece).  Returns the number of chunks, or -1. */
static int
cuts(const uint8_t *buf, size_t len, const size_t *piece, size_t npiece,
    uint32_t *out)
{
	struct au_cdc c;
	size_t pos = 0, end, k, p = 0;
	uint64_t n = 0;
	int cut, count = 0;

	au_cdc_init(&c);
	while (pos < len) {
		end = piece == NULL ? len : pos + piece[p++ % npiece];
		if (end > len)
			end = len;
		while (pos < end) {
			k = au_cdc_scan(&c, buf + pos, end - pos, &cut);
			if (k == 0 || k > end - pos || (!cut && k != end - pos))
				return -1;
			pos += k;
			n += k;
			if (cut) {
				if (count == MAXCUTS)
					return -1;
				out[count++] = (uint32_t)n;
				n = 0;
			}
		}
	}
	if (n > 0 && count < MAXCUTS)
		out[count++] = (uint32_t)n;
	return count;
}

/* An au_cidx_read_fn over memory, in reads of at most `step` bytes. */
struct mem {
	const uint8_t *b;
	size_t len, pos, step;
	int fail_at;	/* read number that fails with AU_EIO; -1 none */
	int reads;
};

static int
mem_read(void *arg, uint8_t *buf, size_t cap, size_t *got)
{
	struct mem *m = arg;
	size_t n = m->len - m->pos;

	if (m->reads++ == m->fail_at)
		return AU_EIO;
	if (n > cap)
		n = cap;
	if (m->step > 0 && n > m->step)
		n = m->step;
	memcpy(buf, m->b + m->pos, n);
	m->pos += n;
	*got = n;
	return 0;
}

TEST(gear_table_is_splitmix64_of_the_documented_seed)
{
	uint64_t s = AU_CDC_GEAR_SEED;
	int i, same = 1;

	for (i = 0; i < 256; i++)
		if (au_cdc_gear[i] != splitmix(&s))
			same = 0;
	CHECK(same);
}

/* Python (tests/tools/cdc_ref.py, an independent implementation that
 * hashes every byte: no skipping) on SplitMix64 seed 1, 2 MiB. */
TEST(known_answer_from_the_reference_implementation)
{
	static const uint32_t want[] = { 44002, 28787, 72831, 70897, 65061,
		58246, 51313, 70612, 75337, 95697, 37442, 64663, 27089, 55818,
		92954, 104247, 102784, 16707, 20433, 78076, 75080, 70565, 66550,
		24457, 67142, 75992, 19219, 90409, 25221, 68755, 47595, 31708,
		38223, 28417, 18146, 116677 };
	static const char want_idx[] =
	    "6d7848be45f915cde0b33dd5c64e0828b3aac0853e037c48a2dc4235ed015ab9";
	const size_t len = 2u << 20;
	uint8_t *b = random_bytes(1, len), *idx = NULL, md[32];
	uint32_t got[MAXCUTS];
	struct mem m = { b, len, 0, 0, -1, 0 };
	struct au_sha256 h;
	char hex[65];
	size_t idx_len = 0;
	int n;

	REQUIRE(b != NULL);
	n = cuts(b, len, NULL, 0, got);
	CHECK_EQ(n, (int)(sizeof(want) / sizeof(want[0])));
	CHECK(n > 0 && memcmp(got, want, sizeof(want)) == 0);
	CHECK_EQ(au_cidx_build(mem_read, &m, &idx, &idx_len, NULL), 0);
	CHECK_EQ(idx_len, 64 + 36 * 36);
	if (idx != NULL) {
		au_sha256_init(&h);
		au_sha256_update(&h, idx, idx_len);
		au_sha256_final(&h, md);
		au_hex_encode(md, 32, hex);
		CHECK_STR(hex, want_idx);
	}
	free(idx);
	free(b);
}

TEST(cuts_do_not_depend_on_buffer_boundaries)
{
	const size_t len = 6u << 20;
	uint8_t *b = random_bytes(7, len);
	static uint32_t whole[MAXCUTS], split[MAXCUTS];
	size_t piece[64];
	uint64_t s = 99;
	int n, m, round, i;

	REQUIRE(b != NULL);
	n = cuts(b, len, NULL, 0, whole);
	REQUIRE(n > 10);
	for (round = 0; round < 8; round++) {
		for (i = 0; i < 64; i++) {	/* 1 byte to 300 KiB, mixed */
			uint64_t r = splitmix(&s);
			piece[i] = round == 0 ? 1 + r % 7 :
			    1 + r % (r & 1 ? 300000 : 70000);
		}
		m = cuts(b, len, piece, 64, split);
		CHECK_EQ(m, n);
		CHECK(m == n && memcmp(whole, split, sizeof(uint32_t) *
		    (size_t)n) == 0);
	}
	free(b);
}

TEST(chunks_lie_within_min_and_max_but_the_last)
{
	static uint32_t c[MAXCUTS];
	const size_t len = 16u << 20;
	uint8_t *b = random_bytes(3, len);
	uint64_t sum = 0;
	int n, i, ok = 1;

	REQUIRE(b != NULL);
	/* Runs of one value (never cut by the hash): forced cuts at max. */
	memset(b + (4u << 20), 0, 2u << 20);
	memset(b + (8u << 20), 0xa5, 1u << 20);
	n = cuts(b, len, NULL, 0, c);
	REQUIRE(n > 0);
	for (i = 0; i < n; i++) {
		sum += c[i];
		if (c[i] > AU_CDC_MAX || c[i] == 0 ||
		    (i + 1 < n && c[i] < AU_CDC_MIN))
			ok = 0;
	}
	CHECK(ok);
	CHECK_EQ(sum, len);
	free(b);
}

TEST(average_is_near_64_kib_on_random_data)
{
	static uint32_t c[MAXCUTS];
	const size_t len = 64u << 20;
	uint8_t *b = random_bytes(11, len);
	double avg;
	int n;

	REQUIRE(b != NULL);
	n = cuts(b, len, NULL, 0, c);
	REQUIRE(n > 1);
	avg = (double)len / n;
	printf("# %d chunks of 64 MiB random: average %.0f bytes\n", n, avg);
	/* ~57 KiB (cdc.h): the minimum and the tail mask balance near AVG. */
	CHECK(avg > 50.0 * 1024 && avg < 72.0 * 1024);
	free(b);
}

/* Chunks (by SHA-256) of b that also occur in a: a count. */
struct ids {
	uint8_t (*md)[32];
	size_t n, cap;
};

static int
collect(void *arg, uint64_t off, uint32_t len, const uint8_t sha256[32])
{
	struct ids *s = arg;

	(void)off;
	(void)len;
	if (s->n == s->cap)
		return AU_ETOOBIG;
	memcpy(s->md[s->n++], sha256, 32);
	return 0;
}

static size_t
shared(const struct ids *a, const struct ids *b)
{
	size_t i, j, k = 0;

	for (i = 0; i < b->n; i++)
		for (j = 0; j < a->n; j++)
			if (memcmp(b->md[i], a->md[j], 32) == 0) {
				k++;
				break;
			}
	return k;
}

TEST(an_insertion_near_the_start_keeps_the_later_chunks)
{
	const size_t len = 8u << 20, ins = 777;
	uint8_t *a = random_bytes(5, len), *b = malloc(len + ins);
	static uint8_t mda[MAXCUTS][32], mdb[MAXCUTS][32];
	struct ids ia = { mda, 0, MAXCUTS }, ib = { mdb, 0, MAXCUTS };
	struct mem ma = { a, len, 0, 0, -1, 0 };
	struct mem mb = { b, len + ins, 0, 0, -1, 0 };
	size_t k;

	REQUIRE(a != NULL && b != NULL);
	memcpy(b, a, 5000);
	memset(b + 5000, 0x42, ins);
	memcpy(b + 5000 + ins, a + 5000, len - 5000);
	CHECK_EQ(au_cidx_stream(mem_read, &ma, collect, &ia, NULL), 0);
	CHECK_EQ(au_cidx_stream(mem_read, &mb, collect, &ib, NULL), 0);
	k = shared(&ia, &ib);
	printf("# %zu of %zu chunks kept after inserting %zu bytes\n", k,
	    ib.n, ins);
	CHECK(ib.n > 50 && k + 2 >= ib.n);
	free(a);
	free(b);
}

/* The chunks au_cidx_stream reports are the bytes at their offsets. */
struct verify {
	const uint8_t *b;
	uint64_t next;
	int bad;
};

static int
verify_chunk(void *arg, uint64_t off, uint32_t len, const uint8_t sha256[32])
{
	struct verify *v = arg;
	struct au_sha256 h;
	uint8_t md[32];

	au_sha256_init(&h);
	au_sha256_update(&h, v->b + off, len);
	au_sha256_final(&h, md);
	if (off != v->next || memcmp(md, sha256, 32) != 0)
		v->bad = 1;
	v->next = off + len;
	return 0;
}

TEST(stream_of_a_real_file_matches_memory)
{
	const size_t len = (3u << 20) + 12345;
	uint8_t *b = random_bytes(13, len), *fi = NULL, *mi = NULL;
	size_t fl = 0, ml = 0;
	struct mem m = { NULL, len, 0, 4099, -1, 0 };
	struct verify v = { NULL, 0, 0 };
	struct au_cidx_file src = { NULL, NULL };
	struct au_cidx_head h;
	char dir[256], path[300];

	REQUIRE(b != NULL);
	m.b = v.b = b;
	REQUIRE(harness_tmpdir(dir, sizeof(dir), "au-test-cdc") != NULL);
	REQUIRE(au_path_join(path, sizeof(path), dir, "model.bin") == 0);
	REQUIRE(au_file_replace(path, b, len, 0644, NULL) == 0);
	REQUIRE(au_file_open_read(path, &src.f, NULL) == 0);
	CHECK_EQ(au_cidx_build(au_cidx_file_read, &src, &fi, &fl, NULL), 0);
	CHECK_EQ(au_file_rewind(src.f, NULL), 0);
	CHECK_EQ(au_cidx_stream(au_cidx_file_read, &src, verify_chunk, &v,
	    NULL), 0);
	au_file_close(src.f);
	CHECK(!v.bad && v.next == len);
	CHECK_EQ(au_cidx_build(mem_read, &m, &mi, &ml, NULL), 0);	/* odd reads */
	CHECK(fi != NULL && mi != NULL && fl == ml && memcmp(fi, mi, fl) == 0);
	CHECK_EQ(au_cidx_check(fi, fl, &h, NULL), 0);
	CHECK_EQ(h.file_length, len);
	CHECK_EQ(fl, 64 + 36 * (size_t)h.count);
	CHECK_EQ(au_unlink(path, NULL), 0);
	CHECK_EQ(au_rmdir(dir, NULL), 0);
	free(fi);
	free(mi);
	free(b);
}

TEST(empty_stream_has_no_chunk)
{
	struct mem m = { (const uint8_t *)"", 0, 0, 0, -1, 0 };
	uint8_t *idx = NULL;
	size_t len = 0;
	struct au_cidx_head h;

	CHECK_EQ(au_cidx_build(mem_read, &m, &idx, &len, NULL), 0);
	CHECK_EQ(len, AU_CIDX_HEAD);
	CHECK(idx != NULL && au_cidx_check(idx, len, &h, NULL) == 0);
	CHECK_EQ(h.count, 0);
	CHECK_EQ(h.file_length, 0);
	free(idx);
}

static int
stop_at_third(void *arg, uint64_t off, uint32_t len, const uint8_t sha256[32])
{
	int *n = arg;

	(void)off;
	(void)len;
	(void)sha256;
	return ++*n == 3 ? 7 : 0;
}

TEST(stream_returns_the_reader_and_callback_errors)
{
	const size_t len = 2u << 20;
	uint8_t *b = random_bytes(1, len), *idx = (uint8_t *)"x";
	struct mem m = { b, len, 0, 16384, 6, 0 };
	size_t il = 5;
	int n = 0;

	REQUIRE(b != NULL);
	/* Reads of 16 KiB, the seventh fails: two chunks (44,002 and
	 * 28,787 B: the known answer's) then EIO. */
	CHECK_EQ(au_cidx_stream(mem_read, &m, stop_at_third, &n, NULL),
	    AU_EIO);
	CHECK_EQ(n, 2);
	m.step = 0;
	m.pos = 0;
	m.reads = 0;
	m.fail_at = -1;
	n = 0;
	CHECK_EQ(au_cidx_stream(mem_read, &m, stop_at_third, &n, NULL), 7);
	CHECK_EQ(n, 3);
	m.pos = 0;
	m.reads = 0;
	m.fail_at = 1;
	CHECK_EQ(au_cidx_build(mem_read, &m, &idx, &il, NULL), AU_EIO);
	CHECK(idx != NULL && idx[0] == 'x' && il == 5);	/* untouched */
	free(b);
}

/* A valid head of `count` chunks over `flen` bytes. */
static void
head(uint8_t out[AU_CIDX_HEAD], uint64_t flen, uint32_t count)
{
	struct au_cidx_head h = { flen, count, 0, 0, 0 };

	au_cidx_head_write(out, &h);
}

static int
parse(const uint8_t b[AU_CIDX_HEAD], uint64_t index_len)
{
	struct au_cidx_head h = { 77, 77, 77, 77, 77 };
	struct au_diag d;
	int rc = au_cidx_head_parse(b, index_len, &h, &d);

	if (rc != 0 && (h.file_length != 77 || h.count != 77))
		return 1;	/* output touched on error */
	if (rc != 0)
		printf("# refused: %s\n", d.msg);
	return rc;
}

#define ILEN(n) (64 + 36 * (uint64_t)(n))

TEST(head_parse_accepts_a_written_head)
{
	uint8_t b[AU_CIDX_HEAD];
	struct au_cidx_head h;

	head(b, 1000000, 14);
	CHECK(memcmp(b, "AUCIDX1\n", 8) == 0);
	CHECK_EQ(b[32], 1);
	CHECK_EQ(au_cidx_head_parse(b, ILEN(14), &h, NULL), 0);
	CHECK_EQ(h.file_length, 1000000);
	CHECK_EQ(h.count, 14);
	CHECK(h.min == AU_CDC_MIN && h.avg == AU_CDC_AVG && h.max == AU_CDC_MAX);
	head(b, 0, 0);
	CHECK_EQ(au_cidx_head_parse(b, 64, &h, NULL), 0);
	head(b, 1, 1);
	CHECK_EQ(au_cidx_head_parse(b, ILEN(1), &h, NULL), 0);
	head(b, 4ull * AU_CDC_MAX, 4);		/* all at max */
	CHECK_EQ(au_cidx_head_parse(b, ILEN(4), &h, NULL), 0);
	head(b, 4ull * AU_CDC_MIN + 1, 5);	/* all at min, a 1-byte last */
	CHECK_EQ(au_cidx_head_parse(b, ILEN(5), &h, NULL), 0);
}

TEST(head_parse_refuses_each_malformed_field)
{
	uint8_t b[AU_CIDX_HEAD];
	int i, off;

	head(b, 1000000, 14);
	b[0] = 'B';
	CHECK_EQ(parse(b, ILEN(14)), AU_EMETA_MALFORMED);	/* magic */
	head(b, 1000000, 14);
	b[7] = 0;
	CHECK_EQ(parse(b, ILEN(14)), AU_EMETA_MALFORMED);
	for (off = 20; off < 32; off++) {	/* min, avg, max, each byte */
		head(b, 1000000, 14);
		b[off] ^= 1;
		CHECK_EQ(parse(b, ILEN(14)), AU_EMETA_MALFORMED);
	}
	head(b, 1000000, 14);
	b[32] = 2;					/* hash_alg */
	CHECK_EQ(parse(b, ILEN(14)), AU_EMETA_MALFORMED);
	b[32] = 0;
	CHECK_EQ(parse(b, ILEN(14)), AU_EMETA_MALFORMED);
	for (i = 33; i < AU_CIDX_HEAD; i++) {		/* each zero byte */
		head(b, 1000000, 14);
		b[i] = 0x80;
		CHECK_EQ(parse(b, ILEN(14)), AU_EMETA_MALFORMED);
	}
	head(b, 1000000, 14);				/* index_len */
	CHECK_EQ(parse(b, ILEN(14) - 1), AU_EMETA_MALFORMED);
	CHECK_EQ(parse(b, ILEN(14) + 36), AU_EMETA_MALFORMED);
	CHECK_EQ(parse(b, 64), AU_EMETA_MALFORMED);
	head(b, 1000000, 0);				/* no chunk, bytes */
	CHECK_EQ(parse(b, 64), AU_EMETA_MALFORMED);
	head(b, 0, 1);					/* a chunk, no byte */
	CHECK_EQ(parse(b, ILEN(1)), AU_EMETA_MALFORMED);
	head(b, 4ull * AU_CDC_MAX + 1, 4);		/* count * max < len */
	CHECK_EQ(parse(b, ILEN(4)), AU_EMETA_MALFORMED);
	head(b, 4ull * AU_CDC_MIN - 1, 5);		/* > len / min + 1 */
	CHECK_EQ(parse(b, ILEN(5)), AU_EMETA_MALFORMED);
	head(b, 1ull << 40, 0xffffffffu);		/* the largest count */
	CHECK_EQ(parse(b, ILEN(0xffffffffu)), AU_EMETA_MALFORMED);
	head(b, ~0ull, 0xffffffffu);			/* 2^64 - 1 bytes */
	CHECK_EQ(parse(b, ILEN(0xffffffffu)), AU_EMETA_MALFORMED);
}

TEST(record_parse_refuses_zero_and_over_max)
{
	uint8_t r[AU_CIDX_REC], md[32], got[32];
	uint32_t len = 5;

	memset(md, 0xab, 32);
	au_cidx_rec_write(r, AU_CDC_MAX, md);
	CHECK(r[0] == 0 && r[1] == 4 && r[2] == 0 && r[3] == 0);  /* BE */
	CHECK_EQ(au_cidx_rec_parse(r, &len, got, NULL), 0);
	CHECK(len == AU_CDC_MAX && memcmp(got, md, 32) == 0);
	au_cidx_rec_write(r, 1, md);
	CHECK_EQ(au_cidx_rec_parse(r, &len, got, NULL), 0);
	CHECK_EQ(len, 1);
	len = 5;
	au_cidx_rec_write(r, 0, md);
	CHECK_EQ(au_cidx_rec_parse(r, &len, got, NULL), AU_EMETA_MALFORMED);
	au_cidx_rec_write(r, AU_CDC_MAX + 1, md);
	CHECK_EQ(au_cidx_rec_parse(r, &len, got, NULL), AU_EMETA_MALFORMED);
	au_cidx_rec_write(r, 0xffffffffu, md);
	CHECK_EQ(au_cidx_rec_parse(r, &len, got, NULL), AU_EMETA_MALFORMED);
	CHECK_EQ(len, 5);
}

TEST(check_refuses_a_wrong_sum_a_short_chunk_and_a_short_buffer)
{
	uint8_t idx[64 + 36 * 3], md[32] = { 0 };
	struct au_cidx_head h = { 3 * 20000, 3, 0, 0, 0 };

	au_cidx_head_write(idx, &h);
	au_cidx_rec_write(idx + 64, 20000, md);
	au_cidx_rec_write(idx + 100, 20000, md);
	au_cidx_rec_write(idx + 136, 20000, md);
	CHECK_EQ(au_cidx_check(idx, sizeof(idx), NULL, NULL), 0);
	au_cidx_rec_write(idx + 136, 19999, md);	/* sum one short */
	CHECK_EQ(au_cidx_check(idx, sizeof(idx), NULL, NULL),
	    AU_EMETA_MALFORMED);
	au_cidx_rec_write(idx + 100, 10000, md);	/* a short middle one */
	au_cidx_rec_write(idx + 136, 30000, md);
	CHECK_EQ(au_cidx_check(idx, sizeof(idx), NULL, NULL),
	    AU_EMETA_MALFORMED);
	au_cidx_rec_write(idx + 100, 30000, md);	/* a short last one */
	au_cidx_rec_write(idx + 136, 10000, md);
	CHECK_EQ(au_cidx_check(idx, sizeof(idx), NULL, NULL), 0);
	au_cidx_rec_write(idx + 136, 0, md);		/* a bad record */
	CHECK_EQ(au_cidx_check(idx, sizeof(idx), NULL, NULL),
	    AU_EMETA_MALFORMED);
	CHECK_EQ(au_cidx_check(idx, 63, NULL, NULL), AU_EMETA_MALFORMED);
	CHECK_EQ(au_cidx_check(idx, sizeof(idx) - 1, NULL, NULL),
	    AU_EMETA_MALFORMED);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(gear_table_is_splitmix64_of_the_documented_seed);
	RUN(known_answer_from_the_reference_implementation);
	RUN(cuts_do_not_depend_on_buffer_boundaries);
	RUN(chunks_lie_within_min_and_max_but_the_last);
	RUN(average_is_near_64_kib_on_random_data);
	RUN(an_insertion_near_the_start_keeps_the_later_chunks);
	RUN(stream_of_a_real_file_matches_memory);
	RUN(empty_stream_has_no_chunk);
	RUN(stream_returns_the_reader_and_callback_errors);
	RUN(head_parse_accepts_a_written_head);
	RUN(head_parse_refuses_each_malformed_field);
	RUN(record_parse_refuses_zero_and_over_max);
	RUN(check_refuses_a_wrong_sum_a_short_chunk_and_a_short_buffer);
	return harness_done();
}
