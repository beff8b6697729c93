/* SPDX-License-Identifier: ISC */
/* tests/unit/test_dns.c - rdata parsers of client/discover/dns.c (no network). */
#include "client/discover/dns.h"

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
	static uint8_t rd[3 + AU_DNS_TLSA_DATA_MAX + 1] = { 3, 1, 1 };
	static struct au_tlsa t;

	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 31, &t), AU_EDNS_MALFORMED);
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 33, &t), AU_EDNS_MALFORMED);
	CHECK_EQ(au_dns_parse_tlsa(rd, 3, &t), AU_EDNS_MALFORMED);
	CHECK_EQ(au_dns_parse_tlsa(rd, 2, &t), AU_EDNS_MALFORMED);
	rd[2] = 2;
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 64, &t), 0);
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 32, &t), AU_EDNS_MALFORMED);
	rd[2] = 0;	/* full data (3 0 0: a whole certificate) */
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 10, &t), 0);
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + 600, &t), 0);
	CHECK_EQ(t.len, 600);
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + AU_DNS_TLSA_DATA_MAX, &t), 0);
	CHECK_EQ(au_dns_parse_tlsa(rd, 3 + AU_DNS_TLSA_DATA_MAX + 1, &t),
	    AU_EDNS_MALFORMED);
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
	char dir[256], path[300];
	struct au_dns *d = NULL;

	if (harness_tmpdir(dir, sizeof(dir), "test_dns") == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/ta.ds", dir);
	if (au_file_replace(path, ta, sizeof(ta) - 1, 0600, NULL) != 0) {
		if (au_remove_tree(dir, NULL) != 0)
			fprintf(stderr, "  could not remove %s\n", dir);
		return NULL;
	}
	*err = au_dns_new(path, resolver, &d, NULL);
	if (au_remove_tree(dir, NULL) != 0)
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
	/* A missing anchor file is the image's mistake (exit 2), not DNS's. */
	CHECK_EQ(au_dns_new("/nonexistent/ta.ds", "127.0.0.1@53", &d, &dg),
	    AU_ECONFIG);
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


/* HTTPS 1 repo.example.org. alpn=h2,http/1.1 port=8443 ipv4hint=1.2.3.4 */
static const uint8_t svcb_ok[] = {
	0, 1,
	4, 'r', 'e', 'p', 'o', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'o', 'r', 'g', 0,
	0, 1, 0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1',
	0, 3, 0, 2, 0x20, 0xfb,
	0, 4, 0, 4, 1, 2, 3, 4,
};

TEST(svcb_service_mode_parses)
{
	struct au_svcb s;

	REQUIRE(au_dns_parse_svcb(svcb_ok, sizeof(svcb_ok), &s) == 0);
	CHECK_EQ(s.priority, 1);
	CHECK_STR(s.target, "repo.example.org");
	CHECK(s.has_port);
	CHECK_EQ(s.port, 8443);
	CHECK(s.has_alpn);
	CHECK(s.alpn_http11);
	CHECK(!s.no_default_alpn);
	CHECK(!s.mandatory_unknown);
}

TEST(svcb_truncated_every_length_refused)
{
	struct au_svcb s;

	/* Cutting inside a parameter or the name is malformed; cutting
	 * exactly between parameters leaves a valid shorter record. */
	for (size_t n = 0; n < sizeof(svcb_ok); n++) {
		int r = au_dns_parse_svcb(svcb_ok, n, &s);

		if (n == 20 || n == 36 || n == 42)
			CHECK_EQ(r, 0);
		else
			CHECK_EQ(r, AU_EDNS_MALFORMED);
	}
}

TEST(svcb_param_rules)
{
	uint8_t rd[64];
	struct au_svcb s;
	size_t n;

	/* keys out of order: port (3) before alpn (1) */
	static const uint8_t order[] = { 0, 1, 0, 0, 3, 0, 2, 1, 187, 0, 1, 0, 2,
		1, 'x' };
	CHECK_EQ(au_dns_parse_svcb(order, sizeof(order), &s), AU_EDNS_MALFORMED);
	/* duplicate key */
	static const uint8_t dup[] = { 0, 1, 0, 0, 3, 0, 2, 1, 187, 0, 3, 0, 2,
		1, 187 };
	CHECK_EQ(au_dns_parse_svcb(dup, sizeof(dup), &s), AU_EDNS_MALFORMED);
	/* port of 3 bytes; empty alpn string; no-default-alpn with a value */
	static const uint8_t port3[] = { 0, 1, 0, 0, 3, 0, 3, 1, 187, 0 };
	CHECK_EQ(au_dns_parse_svcb(port3, sizeof(port3), &s), AU_EDNS_MALFORMED);
	static const uint8_t alpn0[] = { 0, 1, 0, 0, 1, 0, 1, 0 };
	CHECK_EQ(au_dns_parse_svcb(alpn0, sizeof(alpn0), &s), AU_EDNS_MALFORMED);
	static const uint8_t nd1[] = { 0, 1, 0, 0, 2, 0, 1, 0 };
	CHECK_EQ(au_dns_parse_svcb(nd1, sizeof(nd1), &s), AU_EDNS_MALFORMED);
	/* ipv6hint of 15 bytes */
	memset(rd, 0, sizeof(rd));
	rd[1] = 1;
	rd[4] = 6;
	rd[6] = 15;
	CHECK_EQ(au_dns_parse_svcb(rd, 7 + 15, &s), AU_EDNS_MALFORMED);
	rd[6] = 16;
	CHECK_EQ(au_dns_parse_svcb(rd, 7 + 16, &s), 0);
	/* mandatory=port without port: malformed; mandatory=ech (5) with
	 * ech present: parses, but this client cannot honour it */
	static const uint8_t mand[] = { 0, 1, 0, 0, 0, 0, 2, 0, 3 };
	CHECK_EQ(au_dns_parse_svcb(mand, sizeof(mand), &s), AU_EDNS_MALFORMED);
	static const uint8_t ech[] = { 0, 1, 0, 0, 0, 0, 2, 0, 5, 0, 5, 0, 1,
		0xaa };
	REQUIRE(au_dns_parse_svcb(ech, sizeof(ech), &s) == 0);
	CHECK(s.mandatory_unknown);
	/* mandatory listing key 0 itself */
	static const uint8_t m0[] = { 0, 1, 0, 0, 0, 0, 2, 0, 0 };
	CHECK_EQ(au_dns_parse_svcb(m0, sizeof(m0), &s), AU_EDNS_MALFORMED);
	/* AliasMode: parameters ignored, target kept */
	n = sizeof(svcb_ok);
	memcpy(rd, svcb_ok, n);
	rd[1] = 0;
	REQUIRE(au_dns_parse_svcb(rd, n, &s) == 0);
	CHECK_EQ(s.priority, 0);
	CHECK_STR(s.target, "repo.example.org");
	CHECK(!s.has_port);
	/* compression pointer in the target */
	static const uint8_t ptr[] = { 0, 1, 0xc0, 12 };
	CHECK_EQ(au_dns_parse_svcb(ptr, sizeof(ptr), &s), AU_EDNS_MALFORMED);
}

static uint32_t
seq_rnd(void *arg)
{
	const uint32_t **p = arg;

	return *(*p)++;
}

static void
mk(struct au_dns_target *t, const char *h, uint16_t prio, uint16_t w)
{
	memset(t, 0, sizeof(*t));
	(void)snprintf(t->host, sizeof(t->host), "%s", h);
	t->priority = prio;
	t->weight = w;
}

TEST(srv_order_priority_then_weighted)
{
	struct au_dns_target t[5];
	static const uint32_t r0[] = { 0, 0, 0, 0 };
	static const uint32_t r1[] = { 100, 100, 100, 100 };
	const uint32_t *p;

	mk(&t[0], "c", 20, 0);
	mk(&t[1], "a1", 10, 60);
	mk(&t[2], "a0", 10, 0);
	mk(&t[3], "a2", 10, 40);
	mk(&t[4], "b", 5, 1);
	p = r0;	/* random 0 picks the weight-0 record first */
	au_dns_srv_order(t, 5, seq_rnd, &p);
	CHECK_STR(t[0].host, "b");
	CHECK_STR(t[1].host, "a0");
	CHECK_STR(t[2].host, "a1");
	CHECK_STR(t[3].host, "a2");
	CHECK_STR(t[4].host, "c");
	mk(&t[0], "a1", 10, 60);
	mk(&t[1], "a0", 10, 0);
	mk(&t[2], "a2", 10, 40);
	p = r1;	/* 100 % 101 = 100: the running sum reaches it at a2 */
	au_dns_srv_order(t, 3, seq_rnd, &p);
	CHECK_STR(t[0].host, "a2");
	CHECK_STR(t[1].host, "a1");
	CHECK_STR(t[2].host, "a0");
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
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
	RUN(svcb_service_mode_parses);
	RUN(svcb_truncated_every_length_refused);
	RUN(svcb_param_rules);
	RUN(srv_order_priority_then_weighted);
	return harness_done();
}
