/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_delta.c - delta updates (client/fetch/delta.h, issue 13)
 * against an in-memory source: the new file built bit-exact from local
 * chunks and ranges, a wrong chunk fetched again then refused, a modified
 * store file not trusted, a cut resumed, the fallbacks (no local version,
 * ranges ignored, a share over max_share, an index of another length), a
 * wrong but signed index unable to install wrong bytes, and the local table.
 */
#include "client/fetch/delta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client/fetch/delta_int.h"
#include "keys/digest.h"
#include "manifest/cdc.h"
#include "manifest/tuf.h"
#include "port/port.h"
#include "port/text.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

#define NAME "m.bin"
#define LEN (3u << 20)

static char root[256];

/* The repository as served: the artifact and its index. */
struct fake {
	const uint8_t *file;
	size_t flen;
	uint8_t *idx;
	size_t ilen;
	int ignore;		/* answer 200 to a range */
	int tamper;		/* responses still to corrupt at tamper_at */
	uint64_t tamper_at;
	int64_t cut_after;	/* AU_ECONNECT after this many bytes (-1: no) */
	uint64_t served;
	int requests;
	int index_gets;
	char if_range[80];	/* the validator of the last range request */
	int short_once;		/* the next long range ends halfway, "ok" */
	int bad206;		/* every range answered unusably (416) */
};

static uint64_t
rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
fill(uint8_t *p, size_t n, uint64_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(rng(&seed) >> 24);
}

static void
sha(const void *p, size_t n, uint8_t out[32])
{
	struct au_sha256 h;

	au_sha256_init(&h);
	au_sha256_update(&h, p, n);
	au_sha256_final(&h, out);
}

static void
expect_of(const uint8_t *p, size_t n, struct au_stage_expect *ex)
{
	memset(ex, 0, sizeof(*ex));
	ex->length = n;
	ex->has_sha256 = 1;
	sha(p, n, ex->sha256);
}

struct mem {
	const uint8_t *p;
	size_t n, at;
};

static int
mem_read(void *arg, uint8_t *buf, size_t cap, size_t *got)
{
	struct mem *m = arg;
	size_t k = m->n - m->at < cap ? m->n - m->at : cap;

	memcpy(buf, m->p + m->at, k);
	m->at += k;
	*got = k;
	return 0;
}

static int
index_of(const uint8_t *p, size_t n, uint8_t **out, size_t *len)
{
	struct mem m = { p, n, 0 };
	struct au_diag d;

	return au_cidx_build(mem_read, &m, out, len, &d);
}

static int
stage_put(struct au_store *s, const char *name, const uint8_t *p, size_t n,
    char hex[65], struct au_diag *d)
{
	struct au_stage_expect ex;
	struct au_stage *st = NULL;
	int rc;

	expect_of(p, n, &ex);
	rc = au_stage_begin(s, &ex, &st, d);
	if (rc == 0)
		rc = au_stage_write(st, p, n, d);
	if (rc != 0) {
		au_stage_abort(st);
		return rc;
	}
	return au_stage_commit(st, name, hex, d);
}

static int
fake_index(void *arg, struct au_store *s, const char *file, const char *name,
    const struct au_stage_expect *ex, char hash_hex[65], uint64_t *moved,
    struct au_diag *diag)
{
	struct fake *f = arg;
	struct au_stage *st = NULL;
	int rc;

	*moved = 0;
	if (strcmp(file, NAME ".cidx") != 0)
		return au_diag_set(diag, AU_ENOTFOUND, "only the index here");
	f->index_gets++;
	rc = au_stage_begin(s, ex, &st, diag);
	if (rc == 0)
		rc = au_stage_write(st, f->idx, f->ilen, diag);
	if (rc != 0) {
		au_stage_abort(st);
		return rc;
	}
	*moved = f->ilen;
	return au_stage_commit(st, name, hash_hex, diag);
}

static int
fake_range(void *farg, const char *file, struct au_http_range *r,
    au_http_sink sink, void *arg, uint64_t *got, struct au_diag *diag)
{
	struct fake *f = farg;
	uint8_t buf[10000];
	uint64_t at;
	size_t k;
	int rc;

	*got = 0;
	f->requests++;
	(void)snprintf(f->if_range, sizeof(f->if_range), "%s",
	    r->validator != NULL ? r->validator : "");
	if (strcmp(file, NAME) != 0 || r->last >= f->flen || r->first > r->last)
		return au_diag_set(diag, AU_EUSAGE, "bad range");
	(void)snprintf(r->validator_out, sizeof(r->validator_out), "\"e1\"");
	if (f->bad206)
		return au_diag_set(diag, AU_EHTTP, "HTTP 416 with Content-Range "
		    "0-0/0 to a request for bytes %llu-%llu",
		    (unsigned long long)r->first, (unsigned long long)r->last);
	if (f->short_once && r->last - r->first > 100000) {
		f->short_once = 0;	/* a chunked 206 that ends early */
		r->last = r->first + (r->last - r->first) / 2;
	}
	if (f->ignore) {
		r->ignored = 1;
		return au_diag_set(diag, AU_EHTTP_STATUS, "HTTP 200");
	}
	for (at = r->first; at <= r->last; at += k) {
		k = r->last + 1 - at < sizeof(buf) ? r->last + 1 - at :
		    sizeof(buf);
		if (f->cut_after >= 0 && f->served + k > (uint64_t)f->cut_after)
			return au_diag_set(diag, AU_ECONNECT, "cut");
		memcpy(buf, f->file + at, k);
		if (f->tamper > 0 && f->tamper_at >= at && f->tamper_at < at + k) {
			buf[f->tamper_at - at] ^= 1;
			f->tamper--;
		}
		f->served += k;
		rc = sink(arg, buf, k);
		if (rc != 0)
			return rc;
		*got += k;
	}
	return 0;
}

/* The test bed: a store with v1 current, and a source serving v2. */
struct bed {
	struct au_store *s;
	struct fake f;
	struct au_config cfg;
	struct au_target itg;
	struct au_stage_expect ex;
	uint8_t *v1, *v2;
	char v1hex[65];
};

static int
bed_up(struct bed *b, int install_v1)
{
	struct au_diag d = { "", 0 };

	memset(b, 0, sizeof(*b));
	if (harness_tmpdir(root, sizeof(root), "au-test-delta") == NULL ||
	    au_store_open(root, &b->s, &d) != 0)
		return -1;
	b->v1 = malloc(LEN);
	b->v2 = malloc(LEN);
	if (b->v1 == NULL || b->v2 == NULL)
		return -1;
	fill(b->v1, LEN, 1);
	/* v2: 100 bytes inserted near the start (every offset shifts), one
	 * region of 100 KiB changed in the middle, the tail cut by 100 */
	memcpy(b->v2, b->v1, 4096);
	fill(b->v2 + 4096, 100, 2);
	memcpy(b->v2 + 4196, b->v1 + 4096, LEN - 4196);
	fill(b->v2 + LEN / 2, 100 << 10, 3);
	if (install_v1 && (stage_put(b->s, NAME, b->v1, LEN, b->v1hex, &d) != 0 ||
	    au_store_switch(b->s, NAME, b->v1hex, &d) != 0)) {
		fprintf(stderr, "  v1: %s\n", d.msg);
		return -1;
	}
	b->f.file = b->v2;
	b->f.flen = LEN;
	b->f.cut_after = -1;
	if (index_of(b->v2, LEN, &b->f.idx, &b->f.ilen) != 0)
		return -1;
	b->itg.length = b->f.ilen;
	b->itg.has_sha256 = 1;
	sha(b->f.idx, b->f.ilen, b->itg.sha256);
	expect_of(b->v2, LEN, &b->ex);
	b->cfg.delta_max_share = 70;
	return 0;
}

static void
bed_down(struct bed *b)
{
	au_store_free(b->s);
	free(b->v1);
	free(b->v2);
	free(b->f.idx);
	if (au_remove_tree(root, NULL) != 0)
		fprintf(stderr, "  cannot remove %s\n", root);
}

static int
run(struct bed *b, struct au_delta_report *rep, char hex[65],
    struct au_diag *d)
{
	struct au_delta_job j = { { fake_index, fake_range, &b->f }, b->s, &b->cfg, NAME, NAME, &b->ex,
	    NAME ".cidx", NAME ".cidx", &b->itg, NULL, NULL };

	memset(rep, 0, sizeof(*rep));
	return au_delta_fetch(&j, rep, hex, d);
}

/* store/<hex>/m.bin holds exactly want[0..n) */
static int
stored_is(const char *hex, const uint8_t *want, size_t n)
{
	char p[512];
	uint8_t *buf = NULL;
	size_t len = 0;
	int same;

	(void)snprintf(p, sizeof(p), "%s/store/%s/" NAME, root, hex);
	if (au_file_read_all(p, n + 1, &buf, &len, NULL) != 0)
		return 0;
	same = len == n && memcmp(buf, want, n) == 0;
	free(buf);
	return same;
}

static int
partial_count(void)
{
	char p[512], cmd[600];
	FILE *fp;
	int n = -1;

	(void)snprintf(p, sizeof(p), "%s/partial", root);
	(void)snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -c part", p);
	fp = popen(cmd, "r");
	if (fp != NULL && fscanf(fp, "%d", &n) != 1)
		n = -1;
	if (fp != NULL)
		pclose(fp);
	return n;
}

static void
want_hex(const struct bed *b, char out[65])
{
	au_hex_encode(b->ex.sha256, 32, out);
}

TEST(builds_bit_exact_and_moves_a_fraction)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65] = "", want[65];

	REQUIRE(bed_up(&b, 1) == 0);
	CHECK_EQ(run(&b, &rep, hex, &d), 0);
	want_hex(&b, want);
	CHECK_STR(hex, want);
	CHECK(stored_is(hex, b.v2, LEN));
	CHECK_EQ(rep.used, 1);
	CHECK_EQ(rep.reused + rep.fetched - b.f.ilen, LEN);
	/* changed: 100 KiB + 100 bytes, each touching a chunk or two */
	CHECK(rep.fetched - b.f.ilen < 1400u << 10);
	CHECK(rep.fetched >= (100u << 10));
	CHECK(rep.to_move + b.f.ilen == rep.fetched);
	CHECK(b.f.requests <= 4);	/* adjacent chunks merged */
	CHECK_EQ(b.f.index_gets, 1);
	CHECK_EQ(partial_count(), 0);
	fprintf(stderr, "    %llu of %u bytes fetched (index %zu), %d ranges\n",
	    (unsigned long long)rep.fetched, LEN, b.f.ilen, b.f.requests);
	bed_down(&b);
}

/* Attacker pass: a range answer that ends early is not the server's
 * artifact being wrong (13) but an unusable answer: a full download. */
TEST(short_range_body_falls_back)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65] = "";

	REQUIRE(bed_up(&b, 1) == 0);
	b.f.short_once = 1;
	CHECK_EQ(run(&b, &rep, hex, &d), AU_DELTA_FALLBACK);
	CHECK(strstr(rep.why, "range body ended after") != NULL);
	bed_down(&b);
}

/* Attacker pass: a mirror answering every range wrongly (416) must not
 * block the target on every run: the first run falls back. */
TEST(unusable_range_answers_fall_back)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65] = "";

	REQUIRE(bed_up(&b, 1) == 0);
	b.f.bad206 = 1;
	CHECK_EQ(run(&b, &rep, hex, &d), AU_DELTA_FALLBACK);
	CHECK(strstr(rep.why, "range request was unusable") != NULL);
	bed_down(&b);
}

/* Attacker pass: an index whose bytes are already an installed target's
 * store object is not discarded with the attempt. */
TEST(index_that_is_an_installed_target_stays)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65] = "", ihex[65] = "", p[600];
	struct au_stat st;

	REQUIRE(bed_up(&b, 1) == 0);
	REQUIRE(stage_put(b.s, NAME ".cidx", b.f.idx, b.f.ilen, ihex, &d) == 0);
	REQUIRE(au_store_switch(b.s, NAME ".cidx", ihex, &d) == 0);
	(void)snprintf(p, sizeof(p), "%s/store/%s/" NAME ".cidx", root, ihex);
	REQUIRE(au_stat(p, &st, &d) == 0 && st.type == AU_FT_FILE);
	CHECK_EQ(run(&b, &rep, hex, &d), 0);
	CHECK(au_stat(p, &st, &d) == 0 && st.type == AU_FT_FILE);
	bed_down(&b);
}

TEST(no_local_version_falls_back)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65];

	REQUIRE(bed_up(&b, 0) == 0);
	CHECK_EQ(run(&b, &rep, hex, &d), AU_DELTA_FALLBACK);
	CHECK(strstr(rep.why, "no local version") != NULL);
	CHECK_EQ(b.f.requests, 0);
	CHECK_EQ(rep.fetched, 0);	/* a first install fetches no index */
	bed_down(&b);
}

TEST(ranges_ignored_falls_back)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65];

	REQUIRE(bed_up(&b, 1) == 0);
	b.f.ignore = 1;
	CHECK_EQ(run(&b, &rep, hex, &d), AU_DELTA_FALLBACK);
	CHECK(strstr(rep.why, "ignores range") != NULL);
	CHECK_EQ(b.f.requests, 1);
	bed_down(&b);
}

TEST(max_share_falls_back)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65];

	REQUIRE(bed_up(&b, 1) == 0);
	b.cfg.delta_max_share = 20;
	CHECK_EQ(run(&b, &rep, hex, &d), 0);	/* ~11% to move */
	bed_down(&b);
	REQUIRE(bed_up(&b, 1) == 0);
	fill(b.v2, LEN, 9);	/* every byte new */
	free(b.f.idx);
	REQUIRE(index_of(b.v2, LEN, &b.f.idx, &b.f.ilen) == 0);
	b.itg.length = b.f.ilen;
	sha(b.f.idx, b.f.ilen, b.itg.sha256);
	expect_of(b.v2, LEN, &b.ex);
	CHECK_EQ(run(&b, &rep, hex, &d), AU_DELTA_FALLBACK);
	CHECK(strstr(rep.why, "max_share") != NULL);
	CHECK_EQ(b.f.requests, 0);
	b.cfg.delta_max_share = 0;
	CHECK_EQ(run(&b, &rep, hex, &d), AU_DELTA_FALLBACK);
	CHECK(strstr(rep.why, "off") != NULL);
	bed_down(&b);
}

TEST(wrong_chunk_fetched_again_once)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65] = "", want[65];

	REQUIRE(bed_up(&b, 1) == 0);
	b.f.tamper = 1;
	b.f.tamper_at = LEN / 2 + 10;
	CHECK_EQ(run(&b, &rep, hex, &d), 0);
	want_hex(&b, want);
	CHECK_STR(hex, want);
	CHECK(stored_is(hex, b.v2, LEN));
	CHECK_EQ(b.f.tamper, 0);
	bed_down(&b);
}

TEST(wrong_chunk_twice_fails_and_keeps_nothing)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65] = "", want[65];

	REQUIRE(bed_up(&b, 1) == 0);
	b.f.tamper = 2;
	b.f.tamper_at = LEN / 2 + 10;
	CHECK_EQ(run(&b, &rep, hex, &d), AU_EART_HASH);
	CHECK(strstr(d.msg, "twice") != NULL);
	want_hex(&b, want);
	CHECK(!au_store_has(b.s, want));
	CHECK_EQ(partial_count(), 0);
	bed_down(&b);
}

/* A signed index that describes other bytes (here: v1's, same length):
 * every chunk comes from the local file and hashes right, and still the
 * whole file's signed hash refuses the result. */
TEST(wrong_signed_index_installs_nothing)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65] = "", want[65];

	REQUIRE(bed_up(&b, 1) == 0);
	free(b.f.idx);
	REQUIRE(index_of(b.v1, LEN, &b.f.idx, &b.f.ilen) == 0);
	b.itg.length = b.f.ilen;
	sha(b.f.idx, b.f.ilen, b.itg.sha256);
	CHECK_EQ(run(&b, &rep, hex, &d), AU_EART_HASH);
	want_hex(&b, want);
	CHECK(!au_store_has(b.s, want));
	CHECK_EQ(partial_count(), 0);
	bed_down(&b);
}

TEST(index_of_another_length_falls_back)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65];

	REQUIRE(bed_up(&b, 1) == 0);
	free(b.f.idx);
	REQUIRE(index_of(b.v2, LEN - 1, &b.f.idx, &b.f.ilen) == 0);
	b.itg.length = b.f.ilen;
	sha(b.f.idx, b.f.ilen, b.itg.sha256);
	CHECK_EQ(run(&b, &rep, hex, &d), AU_DELTA_FALLBACK);
	CHECK(strstr(rep.why, "index refused") != NULL);
	/* an index whose bytes are not the signed ones: refused unread */
	b.itg.sha256[0] ^= 1;
	CHECK_EQ(run(&b, &rep, hex, &d), AU_DELTA_FALLBACK);
	CHECK(strstr(rep.why, "index refused") != NULL);
	CHECK_EQ(b.f.requests, 0);
	bed_down(&b);
}

/* The store file changed in place after it was installed: its chunks are
 * hashed again as they are copied, the changed ones fetched instead. */
TEST(modified_store_file_not_trusted)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65] = "", want[65], p[512];
	uint64_t base;
	FILE *fp;

	REQUIRE(bed_up(&b, 1) == 0);
	CHECK_EQ(run(&b, &rep, hex, &d), 0);
	base = rep.fetched;
	bed_down(&b);
	REQUIRE(bed_up(&b, 1) == 0);
	(void)snprintf(p, sizeof(p), "%s/store/%s/" NAME, root, b.v1hex);
	REQUIRE(chmod(p, 0600) == 0);
	fp = fopen(p, "r+b");	/* in place: same inode, same length */
	REQUIRE(fp != NULL);
	CHECK_EQ(fseek(fp, LEN - 100000, SEEK_SET), 0);
	CHECK_EQ(fputc(0x55 ^ b.v1[LEN - 100000], fp), 0x55 ^ b.v1[LEN - 100000]);
	CHECK_EQ(fclose(fp), 0);
	CHECK_EQ(run(&b, &rep, hex, &d), 0);
	want_hex(&b, want);
	CHECK_STR(hex, want);
	CHECK(stored_is(hex, b.v2, LEN));
	/* the changed chunk came from the server: more fetched than before */
	CHECK(rep.fetched >= base + 1);
	bed_down(&b);
}

/* Chunked, then changed between the chunking and the copy: a file that
 * changes under the delta is caught by the hash at the copy. */
TEST(changed_between_chunking_and_copy)
{
	struct au_delta_table *t = NULL;
	struct au_diag d = { "", 0 };
	struct au_file *f = NULL;
	uint8_t *buf = malloc(1u << 20), id[32];
	size_t it = 0, n = 0;
	uint64_t off;
	char p[512];

	REQUIRE(buf != NULL);
	REQUIRE(harness_tmpdir(root, sizeof(root), "au-test-delta") != NULL);
	fill(buf, 1u << 20, 5);
	(void)snprintf(p, sizeof(p), "%s/f", root);
	REQUIRE(au_file_create(p, 0600, &f, &d) == 0);
	CHECK_EQ(au_file_write(f, buf, 1u << 20, &d), 0);
	CHECK_EQ(au_file_close(f), 0);
	REQUIRE(au_file_open_read(p, &f, &d) == 0);
	REQUIRE(au_delta_table_build(f, 1u << 20, &t, &d) == 0);
	CHECK(au_delta_table_count(t) >= 4);
	CHECK(au_delta_table_bytes(t) >= 12 * au_delta_table_count(t));
	CHECK(au_delta_table_bytes(t) < 1024);	/* 12 bytes a chunk */
	/* the first chunk is found at offset 0 by its id */
	{
		struct au_cdc c;
		int cut = 0;
		size_t k = 0;

		au_cdc_init(&c);
		while (!cut)
			k += au_cdc_scan(&c, buf + k, (1u << 20) - k, &cut);
		sha(buf, k, id);
	}
	while (au_delta_table_next(t, id, &it, &off))
		n += off == 0;
	CHECK_EQ(n, 1);
	id[31] ^= 1;	/* same 48-bit key: still a candidate (hash decides) */
	it = 0;
	CHECK_EQ(au_delta_table_next(t, id, &it, &off), 1);
	id[0] ^= 1;
	it = 0;
	CHECK_EQ(au_delta_table_next(t, id, &it, &off), 0);
	au_delta_table_free(t);
	au_file_close(f);
	free(buf);
	if (au_remove_tree(root, NULL) != 0)
		fprintf(stderr, "  cannot remove %s\n", root);
}

/* The local file changes after it was chunked (a cached index would be in
 * this state): the copy hashes each chunk again and fetches the changed
 * one instead of copying it. */
TEST(copy_rehashes_what_the_table_found)
{
	struct au_delta_report rep;
	struct au_delta_index *x = calloc(1, sizeof(*x));
	struct au_delta_table *t = NULL;
	struct au_delta_build bd;
	struct au_diag d = { "", 0 };
	struct au_file *lf = NULL, *f = NULL;
	struct bed b;
	char p[512], hex[65], want[65];
	uint8_t head[AU_CIDX_HEAD];
	uint64_t before;
	size_t got;
	FILE *fp;

	REQUIRE(x != NULL);
	REQUIRE(bed_up(&b, 1) == 0);
	struct au_delta_job j = { { fake_index, fake_range, &b.f }, b.s, &b.cfg, NAME, NAME, &b.ex,
	    NAME ".cidx", NAME ".cidx", &b.itg, NULL, NULL };
	(void)snprintf(p, sizeof(p), "%s/store/%s/" NAME, root, b.v1hex);
	REQUIRE(au_file_open_read(p, &lf, &d) == 0);
	REQUIRE(au_delta_table_build(lf, LEN, &t, &d) == 0);
	/* now the store file changes in place, early in the file */
	REQUIRE(chmod(p, 0600) == 0);
	fp = fopen(p, "r+b");
	REQUIRE(fp != NULL);
	CHECK_EQ(fseek(fp, 200000, SEEK_SET), 0);
	CHECK(fputc(b.v1[200000] ^ 0x5a, fp) != EOF);
	CHECK_EQ(fclose(fp), 0);
	/* the index as a file */
	(void)snprintf(p, sizeof(p), "%s/idx", root);
	REQUIRE(au_file_create(p, 0600, &f, &d) == 0);
	CHECK_EQ(au_file_write(f, b.f.idx, b.f.ilen, &d), 0);
	CHECK_EQ(au_file_close(f), 0);
	REQUIRE(au_file_open_read(p, &x->f, &d) == 0);
	REQUIRE(au_file_read(x->f, head, sizeof(head), &got, &d) == 0);
	REQUIRE(au_cidx_head_parse(head, b.f.ilen, &x->head, &d) == 0);
	memset(&bd, 0, sizeof(bd));
	memset(&rep, 0, sizeof(rep));
	bd.j = &j;
	bd.rep = &rep;
	bd.idx = x;
	bd.local = lf;
	bd.table = t;
	REQUIRE(au_stage_resume(b.s, &b.ex, &bd.st, &d) == 0);
	REQUIRE(au_delta_plan(&bd, &rep.to_move, &d) == 0);
	before = rep.to_move;
	CHECK_EQ(au_delta_build_run(&bd, &d), 0);
	/* the chunk holding byte 200000 was planned local, then fetched */
	CHECK(rep.fetched >= before + AU_CDC_MIN);
	CHECK_EQ(rep.fetched + rep.reused, LEN);
	CHECK_EQ(au_stage_commit(bd.st, NAME, hex, &d), 0);
	want_hex(&b, want);
	CHECK_STR(hex, want);
	CHECK(stored_is(hex, b.v2, LEN));
	au_file_close(x->f);
	au_file_close(lf);
	au_delta_table_free(t);
	free(x);
	bed_down(&b);
}

/* The table's in-place sort and lookup over many entries, duplicates too. */
TEST(table_finds_every_entry)
{
	struct au_delta_table *t = NULL;
	struct au_diag d = { "", 0 };
	uint8_t id[32];
	uint64_t seed = 7, off;
	size_t i, it, found = 0, twice = 0;

	REQUIRE(au_delta_table_new(5000ull * AU_CDC_AVG, &t, &d) == 0);
	for (i = 0; i < 5000; i++) {
		seed = 7 + i % 4000;	/* ids 4000..4999 repeat 0..999 */
		fill(id, 32, seed);
		REQUIRE(au_delta_table_add(t, id, i * 1000ull + (1ull << 40),
		    &d) == 0);
	}
	au_delta_table_sort(t);
	CHECK_EQ(au_delta_table_count(t), 5000);
	for (i = 0; i < 4000; i++) {
		size_t n = 0;

		fill(id, 32, 7 + i);
		it = 0;
		while (au_delta_table_next(t, id, &it, &off)) {
			n++;
			CHECK(off == i * 1000ull + (1ull << 40) ||
			    off == (i + 4000) * 1000ull + (1ull << 40));
		}
		found += n > 0;
		twice += n == 2;
	}
	CHECK_EQ(found, 4000);
	CHECK_EQ(twice, 1000);
	fill(id, 32, 99999);
	it = 0;
	CHECK_EQ(au_delta_table_next(t, id, &it, &off), 0);
	au_delta_table_free(t);
	(void)seed;
}

/* A full download left 1,000,001 bytes (its end inside a chunk) and its
 * ETag: the delta continues after them, fetching the cut chunk whole and
 * writing its tail, and sends that ETag in If-Range. */
TEST(continues_a_full_downloads_partial)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct au_stage *st = NULL;
	struct bed b;
	char hex[65] = "", want[65];

	REQUIRE(bed_up(&b, 1) == 0);
	REQUIRE(au_stage_resume(b.s, &b.ex, &st, &d) == 0);
	REQUIRE(au_stage_restart(st, "\"e1\"", &d) == 0);
	REQUIRE(au_stage_write(st, b.v2, 1000001, &d) == 0);
	au_stage_suspend(st);
	CHECK_EQ(run(&b, &rep, hex, &d), 0);
	want_hex(&b, want);
	CHECK_STR(hex, want);
	CHECK(stored_is(hex, b.v2, LEN));
	CHECK_STR(b.f.if_range, "\"e1\"");
	CHECK(rep.reused + 1000001 < LEN);
	CHECK_EQ(partial_count(), 0);
	bed_down(&b);
}

/* Cut mid-way: the bytes built stay in partial/, the next run re-hashes
 * them and continues; nothing of the old version changed meanwhile. */
TEST(cut_then_resumed)
{
	struct au_delta_report rep;
	struct au_diag d = { "", 0 };
	struct bed b;
	char hex[65] = "", want[65], cur[65], prev[65];
	uint64_t first;

	/* an uncut run says how many bytes the ranges carry: cut at 3/4 */
	REQUIRE(bed_up(&b, 1) == 0);
	CHECK_EQ(run(&b, &rep, hex, &d), 0);
	first = b.f.served;
	bed_down(&b);
	REQUIRE(bed_up(&b, 1) == 0);
	b.f.cut_after = (int64_t)(first * 3 / 4);
	CHECK_EQ(run(&b, &rep, hex, &d), AU_ECONNECT);
	first = rep.to_move;
	CHECK_EQ(partial_count(), 1);
	REQUIRE(au_store_get(b.s, NAME, cur, prev, NULL, 0, &d) == 0);
	CHECK_STR(cur, b.v1hex);
	b.f.cut_after = -1;
	b.f.served = 0;
	CHECK_EQ(run(&b, &rep, hex, &d), 0);
	want_hex(&b, want);
	CHECK_STR(hex, want);
	CHECK(stored_is(hex, b.v2, LEN));
	/* the second run continued: it fetched only what was not held */
	CHECK(rep.to_move < first);
	CHECK(b.f.served <= rep.to_move);
	CHECK(rep.reused < LEN / 2 + (300u << 10));
	fprintf(stderr, "    to move %llu, after the cut %llu\n",
	    (unsigned long long)first, (unsigned long long)rep.to_move);
	CHECK_EQ(partial_count(), 0);
	bed_down(&b);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(builds_bit_exact_and_moves_a_fraction);
	RUN(no_local_version_falls_back);
	RUN(short_range_body_falls_back);
	RUN(unusable_range_answers_fall_back);
	RUN(index_that_is_an_installed_target_stays);
	RUN(ranges_ignored_falls_back);
	RUN(max_share_falls_back);
	RUN(wrong_chunk_fetched_again_once);
	RUN(wrong_chunk_twice_fails_and_keeps_nothing);
	RUN(wrong_signed_index_installs_nothing);
	RUN(index_of_another_length_falls_back);
	RUN(modified_store_file_not_trusted);
	RUN(changed_between_chunking_and_copy);
	RUN(copy_rehashes_what_the_table_found);
	RUN(table_finds_every_entry);
	RUN(continues_a_full_downloads_partial);
	RUN(cut_then_resumed);
	return harness_done();
}
