/* SPDX-License-Identifier: ISC */
/* tests/unit/test_dns.c - rdata parsers of client/dns.c (no network). */
#include "client/dns.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "port/port.h"
#include "tests/unit/harness.h"

#include "port/ban.h"

/* SRV 10 20 8443 Repo.Example.ORG. */
static const uint8_t srv_ok[] = {
	0, 10, 0, 20, 0x20, 0xfb,
	4, 'R', 'e', 'p', 'o', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'O', 'R', 'G', 0,
};

TEST(srv_parses_and_lowercases)
{
	uint16_t p = 0, w = 0, port = 0;
	char t[AU_DNS_HOST_MAX];

	REQUIRE(au_dns_parse_srv(srv_ok, sizeof(srv_ok), &p, &w, &port, t,
	    sizeof(t)) == 0);
	CHECK_EQ(p, 10);
	CHECK_EQ(w, 20);
	CHECK_EQ(port, 8443);
	CHECK_STR(t, "repo.example.org");
}

TEST(srv_root_target_is_dot)
{
	static const uint8_t rd[] = { 0, 0, 0, 0, 0, 0, 0 };
	uint16_t p, w, port;
	char t[8];

	REQUIRE(au_dns_parse_srv(rd, sizeof(rd), &p, &w, &port, t, sizeof(t)) == 0);
	CHECK_STR(t, ".");
	CHECK_EQ(port, 0);
}

TEST(srv_truncated_every_length_refused)
{
	uint16_t p, w, port;
	char t[AU_DNS_HOST_MAX];

	for (size_t n = 0; n < sizeof(srv_ok); n++)
		CHECK_EQ(au_dns_parse_srv(srv_ok, n, &p, &w, &port, t, sizeof(t)),
		    AU_EDNS_MALFORMED);
}

TEST(srv_trailing_byte_refused)
{
	uint8_t rd[sizeof(srv_ok) + 1];
	uint16_t p, w, port;
	char t[AU_DNS_HOST_MAX];

	memcpy(rd, srv_ok, sizeof(srv_ok));
	rd[sizeof(srv_ok)] = 0;
	CHECK_EQ(au_dns_parse_srv(rd, sizeof(rd), &p, &w, &port, t, sizeof(t)),
	    AU_EDNS_MALFORMED);
}

TEST(srv_compression_pointer_refused)
{
	static const uint8_t rd[] = { 0, 1, 0, 1, 1, 187, 0xc0, 12 };
	uint16_t p, w, port;
	char t[AU_DNS_HOST_MAX];

	CHECK_EQ(au_dns_parse_srv(rd, sizeof(rd), &p, &w, &port, t, sizeof(t)),
	    AU_EDNS_MALFORMED);
}

TEST(srv_bad_label_chars_refused)
{
	/* "a/b", "a b", a NUL byte, a dot inside a label */
	static const uint8_t bad[4][6] = {
		{ 3, 'a', '/', 'b', 0 }, { 3, 'a', ' ', 'b', 0 },
		{ 3, 'a', 0, 'b', 0 }, { 3, 'a', '.', 'b', 0 },
	};
	uint8_t rd[16] = { 0, 1, 0, 1, 1, 187 };
	uint16_t p, w, port;
	char t[AU_DNS_HOST_MAX];

	for (int i = 0; i < 4; i++) {
		memcpy(rd + 6, bad[i], 5);
		CHECK_EQ(au_dns_parse_srv(rd, 11, &p, &w, &port, t, sizeof(t)),
		    AU_EDNS_MALFORMED);
	}
	memcpy(rd + 6, "\003a_b\000", 5);	/* underscore is fine */
	CHECK_EQ(au_dns_parse_srv(rd, 11, &p, &w, &port, t, sizeof(t)), 0);
}

TEST(srv_label_over_63_refused)
{
	uint8_t rd[6 + 1 + 64 + 1] = { 0, 1, 0, 1, 1, 187, 64 };
	uint16_t p, w, port;
	char t[AU_DNS_HOST_MAX];

	memset(rd + 7, 'a', 64);
	CHECK_EQ(au_dns_parse_srv(rd, sizeof(rd), &p, &w, &port, t, sizeof(t)),
	    AU_EDNS_MALFORMED);
}

TEST(srv_name_over_255_refused)
{
	uint8_t rd[6 + 5 * 52 + 1] = { 0, 1, 0, 1, 1, 187 };
	uint16_t p, w, port;
	char t[512];
	size_t o = 6;

	for (int i = 0; i < 5; i++) {	/* 5 labels of 51 = 260 wire bytes */
		rd[o++] = 51;
		memset(rd + o, 'a', 51);
		o += 51;
	}
	rd[o++] = 0;
	CHECK_EQ(au_dns_parse_srv(rd, o, &p, &w, &port, t, sizeof(t)),
	    AU_EDNS_MALFORMED);
}

TEST(srv_small_target_buffer_refused_untouched)
{
	uint16_t p = 7, w = 7, port = 7;
	char t[8] = "keep";

	CHECK_EQ(au_dns_parse_srv(srv_ok, sizeof(srv_ok), &p, &w, &port, t,
	    sizeof(t)), AU_EDNS_MALFORMED);
	CHECK_STR(t, "keep");
	CHECK_EQ(port, 7);
}

TEST(tlsa_dane_ee_sha256)
{
	uint8_t rd[35] = { 3, 1, 1 };
	struct au_tlsa t;

	for (int i = 0; i < 32; i++)
		rd[3 + i] = (uint8_t)i;
	REQUIRE(au_dns_parse_tlsa(rd, sizeof(rd), &t) == 0);
	CHECK_EQ(t.usage, 3);
	CHECK_EQ(t.selector, 1);
	CHECK_EQ(t.mtype, 1);
	CHECK_EQ(t.len, 32);
	CHECK(memcmp(t.data, rd + 3, 32) == 0);
}

TEST(tlsa_lengths_checked)
{
	uint8_t rd[3 + 65] = { 3, 1, 1 };
	struct au_tlsa t;

	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 31, &t), AU_EDNS_MALFORMED);
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 33, &t), AU_EDNS_MALFORMED);
	CHECK_EQ(au_dns_parse_tlsa(rd, 3, &t), AU_EDNS_MALFORMED);
	CHECK_EQ(au_dns_parse_tlsa(rd, 2, &t), AU_EDNS_MALFORMED);
	rd[2] = 2;
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 64, &t), 0);
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 32, &t), AU_EDNS_MALFORMED);
	rd[2] = 0;	/* full data: only up to 64 bytes fit */
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 10, &t), 0);
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 65, &t), AU_EDNS_MALFORMED);
}

static size_t
txt(uint8_t *rd, const char *const *strs)
{
	size_t o = 0;

	for (; *strs != NULL; strs++) {
		rd[o++] = (uint8_t)strlen(*strs);
		memcpy(rd + o, *strs, strlen(*strs));
		o += strlen(*strs);
	}
	return o;
}

TEST(txt_path_found_among_strings)
{
	static const char *const s[] = { "v=1", "path=/repo/v1%2Fx", "x=y", NULL };
	uint8_t rd[256];
	char p[AU_DNS_PATH_MAX];
	size_t n = txt(rd, s);

	REQUIRE(au_dns_parse_txt_path(rd, n, p, sizeof(p)) == 0);
	CHECK_STR(p, "/repo/v1%2Fx");
}

TEST(txt_no_path_is_nodata)
{
	static const char *const s[] = { "v=1", "pathx=/a", "", NULL };
	uint8_t rd[64];
	char p[8] = "keep";

	CHECK_EQ(au_dns_parse_txt_path(rd, txt(rd, s), p, sizeof(p)), AU_EDNS_NODATA);
	CHECK_STR(p, "keep");
	CHECK_EQ(au_dns_parse_txt_path(rd, 0, p, sizeof(p)), AU_EDNS_MALFORMED);
}

TEST(txt_bad_paths_refused)
{
	static const char *const bad[] = {
		"path=", "path=repo", "path=/a b", "path=/a\"b", "path=/a?x",
		"path=/a#f", "path=/a%2", "path=/a%zz", "path=/a\\b", "path=/\x01",
		"path=/\xc3\xa9", NULL,
	};
	uint8_t rd[64];
	char p[AU_DNS_PATH_MAX];

	for (int i = 0; bad[i] != NULL; i++) {
		const char *one[2] = { bad[i], NULL };

		if (au_dns_parse_txt_path(rd, txt(rd, one), p, sizeof(p)) !=
		    AU_EDNS_MALFORMED) {
			fprintf(stderr, "  accepted: %s\n", bad[i]);
			CHECK(0);
		}
	}
}

TEST(txt_two_paths_in_one_record_refused)
{
	static const char *const s[] = { "path=/a", "path=/b", NULL };
	uint8_t rd[64];
	char p[AU_DNS_PATH_MAX];

	CHECK_EQ(au_dns_parse_txt_path(rd, txt(rd, s), p, sizeof(p)),
	    AU_EDNS_MALFORMED);
}

TEST(txt_truncated_string_refused)
{
	static const char *const s[] = { "path=/abc", NULL };
	uint8_t rd[64];
	char p[AU_DNS_PATH_MAX];
	size_t n = txt(rd, s);

	for (size_t k = 1; k < n; k++)
		CHECK_EQ(au_dns_parse_txt_path(rd, k, p, sizeof(p)), AU_EDNS_MALFORMED);
	CHECK_EQ(au_dns_parse_txt_path(rd, n, p, sizeof(p)), 0);
}

TEST(txt_path_limits)
{
	uint8_t rd[256];
	char p[AU_DNS_PATH_MAX];
	char s1[256];
	const char *one[2] = { s1, NULL };

	/* one string holds 255 bytes: "path=" and a 250-byte path */
	memcpy(s1, "path=/", 6);
	memset(s1 + 6, 'a', 249);
	s1[255] = '\0';
	REQUIRE(au_dns_parse_txt_path(rd, txt(rd, one), p, sizeof(p)) == 0);
	CHECK_EQ(strlen(p), 250);
	CHECK_EQ(au_dns_parse_txt_path(rd, txt(rd, one), p, 250),
	    AU_EDNS_MALFORMED);	/* buffer one byte too small */
	CHECK_EQ(au_dns_parse_txt_path(rd, txt(rd, one), p, 251), 0);
}

/* A response: header, question, one A, RRSIG(A), RRSIG(AAAA), RRSIG(A). */
static size_t
build_msg(uint8_t *m)
{
	static const uint8_t head[] = {
		0x12, 0x34, 0x81, 0xa0, 0, 1, 0, 4, 0, 0, 0, 0,
		4, 'r', 'e', 'p', 'o', 3, 'o', 'r', 'g', 0, 0, 1, 0, 1,
		0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 127, 0, 0, 1,
	};
	size_t o = sizeof(head);

	memcpy(m, head, o);
	for (int k = 0; k < 3; k++) {
		static const uint8_t sig[] = {
			0xc0, 12, 0, 46, 0, 1, 0, 0, 1, 44, 0, 24,
			0, 1, 15, 2, 0, 0, 1, 44,
			0x6a, 0x6b, 0x6c, 0x6d,	/* expiration */
			0x60, 0, 0, 0, 0x12, 0x34, 3, 'o', 'r', 'g', 0,
			0xaa,	/* one byte of signature */
		};
		memcpy(m + o, sig, sizeof(sig));
		if (k == 1) {	/* second RRSIG covers AAAA, expires earlier */
			m[o + 13] = 28;
			m[o + 20] = 0x10;
		}
		if (k == 2)	/* third covers A again, expires later */
			m[o + 20] = 0x7a;
		o += sizeof(sig);
	}
	return o;
}

TEST(rrsig_expiry_of_covered_type)
{
	uint8_t m[256];
	size_t n = build_msg(m);
	int64_t e = -1;

	REQUIRE(au_dns_rrsig_expiry(m, n, 1, &e) == 0);
	CHECK_EQ(e, 0x6a6b6c6d);
	REQUIRE(au_dns_rrsig_expiry(m, n, 28, &e) == 0);
	CHECK_EQ(e, 0x106b6c6d);
	REQUIRE(au_dns_rrsig_expiry(m, n, 33, &e) == 0);
	CHECK_EQ(e, 0);
}

TEST(rrsig_expiry_truncated_refused)
{
	uint8_t m[256];
	size_t n = build_msg(m);
	int64_t e = 5;

	for (size_t k = 0; k < n; k++)
		CHECK_EQ(au_dns_rrsig_expiry(m, k, 1, &e), AU_EDNS_MALFORMED);
	CHECK_EQ(e, 5);
}

/* A context on a real trust anchor file; nothing below sends a query. */
static struct au_dns *
ctx_with_ta(const char *resolver, int *err)
{
	static const char ta[] = "aiutest.\tIN\tDS\t1904 15 2 d2d94eb46b0abcf8"
	    "8329fbf03f1f308c1697287af4acd048f2618a3e5d9106ce\n";
	char path[64];
	uint8_t rnd[8];
	struct au_dns *d = NULL;

	if (au_random(rnd, sizeof(rnd), NULL) != 0)
		return NULL;
	snprintf(path, sizeof(path), "/tmp/test_dns_%02x%02x%02x%02x.ds",
	    rnd[0], rnd[1], rnd[2], rnd[3]);
	if (au_file_replace(path, ta, sizeof(ta) - 1, 0600, NULL) != 0)
		return NULL;
	*err = au_dns_new(path, resolver, &d, NULL);
	if (au_unlink(path, NULL) != 0)
		*err = 1;
	return d;
}

TEST(new_refuses_bad_resolver_and_anchor)
{
	static const char *const bad[] = { "foo@53", "127.0.0.1@", "127.0.0.1@0",
	    "127.0.0.1@65536", "127.0.0.1@53x", "@53", "::1@-1", NULL };
	struct au_dns *d = NULL;
	struct au_diag dg;
	int err = 0;

	for (int i = 0; bad[i] != NULL; i++) {
		d = ctx_with_ta(bad[i], &err);
		CHECK(d == NULL);
		CHECK_EQ(err, AU_EDNS_RESOLVER);
		au_dns_free(d);
	}
	CHECK_EQ(au_dns_new("/nonexistent/ta.ds", "127.0.0.1@53", &d, &dg),
	    AU_EDNS_RESOLVER);
	CHECK(strstr(dg.msg, "/nonexistent/ta.ds") != NULL);
	CHECK_EQ(au_dns_new("", NULL, &d, NULL), AU_EDNS_RESOLVER);
	d = ctx_with_ta("::1@5353", &err);
	CHECK_EQ(err, 0);
	CHECK(d != NULL);
	au_dns_free(d);
}

TEST(discover_refuses_bad_domain_before_any_query)
{
	static const char *const bad[] = { "", ".", "a..b", "a b.org",
	    "x.org/evil", "a.\xc3\xa9", NULL };
	char longname[300];
	struct au_service s;
	struct au_diag dg;
	struct au_dns *d;
	int err = 0;

	d = ctx_with_ta("127.0.0.1@1", &err);
	REQUIRE(d != NULL);
	for (int i = 0; bad[i] != NULL; i++)
		CHECK_EQ(au_dns_discover(d, bad[i], &s, &dg), AU_EDNS_MALFORMED);
	memset(longname, 'a', sizeof(longname));
	for (int i = 60; i < 299; i += 61)
		longname[i] = '.';
	longname[239] = '\0';	/* 239 characters: one over the limit */
	CHECK_EQ(au_dns_discover(d, longname, &s, &dg), AU_EDNS_MALFORMED);
	CHECK(strstr(dg.msg, "238") != NULL);
	CHECK_EQ(au_dns_discover(NULL, "x.org", &s, NULL), AU_EINTERNAL);
	au_dns_free(d);
}

int
main(void)
{
	RUN(srv_parses_and_lowercases);
	RUN(srv_root_target_is_dot);
	RUN(srv_truncated_every_length_refused);
	RUN(srv_trailing_byte_refused);
	RUN(srv_compression_pointer_refused);
	RUN(srv_bad_label_chars_refused);
	RUN(srv_label_over_63_refused);
	RUN(srv_name_over_255_refused);
	RUN(srv_small_target_buffer_refused_untouched);
	RUN(tlsa_dane_ee_sha256);
	RUN(tlsa_lengths_checked);
	RUN(txt_path_found_among_strings);
	RUN(txt_no_path_is_nodata);
	RUN(txt_bad_paths_refused);
	RUN(txt_two_paths_in_one_record_refused);
	RUN(txt_truncated_string_refused);
	RUN(txt_path_limits);
	RUN(rrsig_expiry_of_covered_type);
	RUN(rrsig_expiry_truncated_refused);
	RUN(new_refuses_bad_resolver_and_anchor);
	RUN(discover_refuses_bad_domain_before_any_query);
	return harness_done();
}
