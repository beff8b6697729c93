/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_bundle_pax.c - the tar header pre-pass (client/install/bundle_pax.c):
 * hand-made tars whose pax (x, g) or GNU (L, K) extended headers disagree
 * with their ustar headers, so that a ustar-only reader and a pax-aware one
 * (libarchive) would see different entries.  Each must be refused with
 * AU_EART_UNSAFE, nothing written outside dest; consistent ones extract.
 */
#include "client/install/bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "tests/unit/harness.h"
#include "tests/unit/bundle_fixture.h"

#include "port/ban.h"

static void
fresh(void)
{
	bundle_fixture_fresh("au-test-pax", "arc");
}

/* ---- hand-made tars: extended headers that disagree with the ustar one ---- */

struct tb {
	uint8_t b[16384];
	size_t n;
};

/* One 512-byte header: POSIX ustar magic, or GNU's with gnu != 0. */
static void
tb_hdr(struct tb *t, const char *name, char type, uint64_t size,
    const char *link, int gnu)
{
	uint8_t *h = t->b + t->n;
	unsigned sum = 0;
	size_t i;

	memset(h, 0, 512);
	memcpy(h, name, strlen(name) < 100 ? strlen(name) : 100);
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	snprintf((char *)h + 124, 12, "%011llo",
	    (unsigned long long)(size & 077777777777ULL));
	memcpy(h + 136, "00000000000", 11);
	h[156] = (uint8_t)type;
	if (link != NULL)
		memcpy(h + 157, link, strlen(link));
	memcpy(h + 257, gnu ? "ustar  " : "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	t->n += 512;
}

/* len bytes of data, padded to the block. */
static void
tb_data(struct tb *t, const void *p, size_t len)
{
	memcpy(t->b + t->n, p, len);
	memset(t->b + t->n + len, 0, (512 - len % 512) % 512);
	t->n += (len + 511) / 512 * 512;
}

/* An extended header of type x, g, L or K holding body. */
static void
tb_ext(struct tb *t, char type, const char *body)
{
	tb_hdr(t, type == 'L' || type == 'K' ? "././@LongLink" :
	    "PaxHeaders/x", type, strlen(body), NULL, type == 'L' ||
	    type == 'K');
	tb_data(t, body, strlen(body));
}

/* A pax header (type x or g) of one record "LEN key=value\n". */
static void
tb_pax(struct tb *t, char type, const char *key, const char *value)
{
	char rec[1200];
	size_t n = strlen(key) + strlen(value) + 3, len = n + 1;

	while (len != n + (size_t)snprintf(rec, sizeof(rec), "%zu", len))
		len++;
	snprintf(rec, sizeof(rec), "%zu %s=%s\n", len, key, value);
	tb_ext(t, type, rec);
}

/* Write t (and the end blocks) to arc; extract; expect refusal. */
static int
tb_refused(struct tb *t, const char *word)
{
	struct au_diag d = { "", 0 };
	FILE *fp;
	int rc, ok;

	memset(t->b + t->n, 0, 1024);
	t->n += 1024;
	fresh();
	fp = fopen(arc, "wb");
	if (fp == NULL || fwrite(t->b, 1, t->n, fp) != t->n || fclose(fp))
		abort();
	rc = au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 1 << 20, 100, &d);
	ok = rc == AU_EART_UNSAFE && only_dest_and_arc() &&
	    (word == NULL || strstr(d.msg, word) != NULL);
	if (!ok || getenv("AU_TEST_VERBOSE"))
		fprintf(stderr, "  rc=%d diag=%s\n", rc, d.msg);
	cleanup();
	memset(t, 0, sizeof(*t));
	return ok;
}

/* A pax size= larger than the ustar size: the ustar reader sees "../evil". */
TEST(refuses_pax_size_larger_hiding_a_header)
{
	static struct tb t;

	tb_pax(&t, 'x', "size", "1024");
	tb_hdr(&t, "a.txt", '0', 0, NULL, 0);
	tb_hdr(&t, "../evil", '0', 4, NULL, 0);
	tb_data(&t, "evil", 4);
	CHECK(tb_refused(&t, "size=1024 differs from the ustar size 0"));
}

/* Smaller: libarchive sees a second entry the ustar reader takes as data. */
TEST(refuses_pax_size_smaller_hiding_a_header)
{
	static struct tb t;

	tb_pax(&t, 'x', "size", "0");
	tb_hdr(&t, "a.txt", '0', 1024, NULL, 0);
	tb_hdr(&t, "b.txt", '0', 4, NULL, 0);
	tb_data(&t, "evil", 4);
	CHECK(tb_refused(&t, "size=0 differs"));
}

/* A GNU long name that a ustar header could hold, and another ustar name. */
TEST(refuses_gnu_long_name_disagreeing)
{
	static struct tb t;
	char longname[160];

	tb_ext(&t, 'L', "model/a.bin");
	tb_hdr(&t, "../../evil", '0', 4, NULL, 1);
	tb_data(&t, "evil", 4);
	CHECK(tb_refused(&t, "GNU long name differs"));
	/* too long for ustar: the stand-in must at least be safe */
	memset(longname, 'd', 150);
	longname[150] = '\0';
	tb_ext(&t, 'L', longname);
	tb_hdr(&t, "../evil", '0', 4, NULL, 1);
	tb_data(&t, "evil", 4);
	CHECK(tb_refused(&t, "unsafe ustar stand-in"));
	/* a pax path= and a long name for one entry */
	tb_pax(&t, 'x', "path", "a.bin");
	tb_ext(&t, 'L', "a.bin");
	tb_hdr(&t, "a.bin", '0', 4, NULL, 0);
	tb_data(&t, "good", 4);
	CHECK(tb_refused(&t, "both a pax path= and a GNU long name"));
}

/* Non-ASCII pax path= over a ".." ustar name (ustar cannot hold it). */
TEST(refuses_utf8_pax_path_over_unsafe_ustar_name)
{
	static struct tb t;

	tb_pax(&t, 'x', "path", "caf\xc3\xa9.txt");
	tb_hdr(&t, "../evil.txt", '0', 4, NULL, 0);
	tb_data(&t, "evil", 4);
	CHECK(tb_refused(&t, "unsafe ustar stand-in"));
}

/* Link names: a K record or linkpath= on a file, or one that disagrees. */
TEST(refuses_link_names_disagreeing)
{
	static struct tb t;

	tb_ext(&t, 'K', "/etc/shadow");
	tb_hdr(&t, "a.txt", '0', 4, NULL, 1);
	tb_data(&t, "good", 4);
	CHECK(tb_refused(&t, "link name on an entry that is not a link"));
	tb_pax(&t, 'x', "linkpath", "target");
	tb_hdr(&t, "l", '2', 0, "other", 0);
	CHECK(tb_refused(&t, "pax linkpath= differs"));
}

/* Extended headers that change the layout, or are extracted unsafely. */
TEST(refuses_layout_changing_extended_headers)
{
	static struct tb t;

	tb_pax(&t, 'g', "path", "a.bin");
	tb_hdr(&t, "b.bin", '0', 4, NULL, 0);
	tb_data(&t, "good", 4);
	CHECK(tb_refused(&t, "global header"));
	tb_pax(&t, 'x', "GNU.sparse.name", "a.bin");
	tb_hdr(&t, "b.bin", '0', 4, NULL, 0);
	tb_data(&t, "good", 4);
	CHECK(tb_refused(&t, "sparse"));
	tb_hdr(&t, "../x", 'x', 12, NULL, 0);
	tb_data(&t, "12 comment=\n", 12);
	tb_hdr(&t, "b.bin", '0', 4, NULL, 0);
	tb_data(&t, "good", 4);
	CHECK(tb_refused(&t, "unsafe name of its own"));
	tb_pax(&t, 'x', "size", "x4");
	tb_hdr(&t, "b.bin", '0', 4, NULL, 0);
	tb_data(&t, "good", 4);
	CHECK(tb_refused(&t, "malformed pax size"));
}

/* A header the ustar walk cannot step over (base-256 size): libarchive's
 * entries beyond the walk are refused, so the counts agree. */
TEST(refuses_entries_the_ustar_walk_did_not_see)
{
	static struct tb t;
	uint8_t *h;
	unsigned sum = 0;
	size_t i;

	tb_hdr(&t, "a.bin", '0', 4, NULL, 1);
	tb_data(&t, "good", 4);
	h = t.b + 512 * 2;
	tb_hdr(&t, "b.bin", '0', 4, NULL, 1);
	memset(h + 124, 0, 12);
	h[124] = 0x80;
	h[135] = 4;
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	tb_data(&t, "evil", 4);
	CHECK(tb_refused(&t, "a ustar reader does not"));
}

/*
 * A Sun 'X' header is a pax extended header to libarchive: the pre-pass
 * must not take it for a file.  Here both lists are ("a", 30), ("b", 1024),
 * but a ustar reader's a.txt is the records and libarchive's is "EVIL", and
 * their b differ too: one archive, two trees.
 */
TEST(refuses_sun_x_header_taken_for_a_file)
{
	static struct tb t;
	static const char recs[] = "10 path=a\n11 size=30\n9 c=abcd\n";

	REQUIRE(strlen(recs) == 30);
	tb_hdr(&t, "a", 'X', 30, NULL, 0);
	tb_data(&t, recs, 30);
	tb_hdr(&t, "b", '0', 1024, NULL, 0);
	tb_data(&t, "EVIL-as-libarchive-sees-a.....", 30);
	tb_hdr(&t, "b", '0', 1024, NULL, 0);
	tb_data(&t, "", 0);
	memset(t.b + t.n, 0, 1024);	/* libarchive's b: zeros */
	t.n += 1024;
	CHECK(tb_refused(&t, "header type other than"));
}

/* The same tars, consistent, are accepted (the checks are not too eager). */
TEST(consistent_extended_headers_accepted)
{
	static struct tb t;
	struct au_diag d = { "", 0 };
	char longname[160], rec[200], p[700], buf[8];
	FILE *fp;

	memset(longname, 'd', 150);
	memcpy(longname + 60, "/", 1);
	longname[150] = '\0';
	tb_pax(&t, 'x', "size", "4");
	tb_hdr(&t, "a.bin", '0', 4, NULL, 0);
	tb_data(&t, "good", 4);
	tb_ext(&t, 'L', longname);
	tb_hdr(&t, longname, '0', 4, NULL, 1);
	tb_data(&t, "long", 4);
	snprintf(rec, sizeof(rec), "%s.x", longname);
	tb_pax(&t, 'x', "path", rec);
	tb_hdr(&t, longname, '0', 4, NULL, 0);
	tb_data(&t, "pax!", 4);
	memset(t.b + t.n, 0, 1024);
	t.n += 1024;
	fresh();
	fp = fopen(arc, "wb");
	REQUIRE(fp != NULL && fwrite(t.b, 1, t.n, fp) == t.n && fclose(fp) == 0);
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 1 << 20, 100, &d),
	    0);
	if (d.msg[0] != '\0')
		fprintf(stderr, "  diag: %s\n", d.msg);
	snprintf(p, sizeof(p), "%s/%s.x", dest, longname);
	CHECK_EQ(read_str(p, buf, sizeof(buf)), 4);
	CHECK_STR(buf, "pax!");
	cleanup();
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(refuses_pax_size_larger_hiding_a_header);
	RUN(refuses_pax_size_smaller_hiding_a_header);
	RUN(refuses_gnu_long_name_disagreeing);
	RUN(refuses_utf8_pax_path_over_unsafe_ustar_name);
	RUN(refuses_link_names_disagreeing);
	RUN(refuses_layout_changing_extended_headers);
	RUN(refuses_entries_the_ustar_walk_did_not_see);
	RUN(refuses_sun_x_header_taken_for_a_file);
	RUN(consistent_extended_headers_accepted);
	return harness_done();
}
