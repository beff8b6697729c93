/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_anchor.c - the RFC 5011 tracked trust anchor
 * (client/discover/anchor.h): which files are whole, the working copy, and
 * that only a complete, changed copy is written back.
 */
#include "client/discover/anchor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "tests/unit/harness.h"

#include "port/ban.h"

/* What libunbound 1.17 wrote in tests/integration/dns_matrix.sh. */
static const char autotrust[] =
    "; autotrust trust anchor file\n"
    ";;id: aiutest. 1\n"
    ";;last_queried: 1796410168 ;;Fri Dec  4 18:49:28 2026\n"
    ";;last_success: 1796410168 ;;Fri Dec  4 18:49:28 2026\n"
    ";;next_probe_time: 1796413416 ;;Fri Dec  4 19:43:36 2026\n"
    ";;query_failed: 0\n"
    ";;query_interval: 3600\n"
    ";;retry_time: 3600\n"
    "aiutest.\t300\tIN\tDNSKEY\t257 3 15 zmcRdsqWhmcIjvg69YrALb6Octc7TNyXRs"
    "rZwwA6QNs= ;{id = 38491 (ksk), size = 256b} ;;state=2 [  VALID  ] ;;"
    "count=0 ;;lastchange=1796410168 ;;Fri Dec  4 18:49:28 2026\n";
static const char ds[] = "aiutest.\tIN\tDS\t38491 15 2 94fa0fd675b89829d621"
    "1eb5b49a8e6891a6ccf7ae043e6ef2aa706f042ab2e9\n";

static int
check(const char *s)
{
	return au_anchor_check((const uint8_t *)s, strlen(s));
}

TEST(whole_files_pass)
{
	CHECK_EQ(check(autotrust), 0);
	CHECK_EQ(check(ds), 0);
	CHECK_EQ(check("$ORIGIN .\n. 3600 IN DNSKEY 257 3 8 AwEA AQAB\n"), 0);
	CHECK_EQ(check("example. 3600 IN DS 1 8 1 "
	    "0123456789abcdef0123456789abcdef01234567\n"), 0);
}

TEST(damaged_files_are_refused)
{
	char cut[sizeof(autotrust)];

	CHECK_EQ(au_anchor_check((const uint8_t *)"", 0), -1);
	memcpy(cut, autotrust, sizeof(cut));
	cut[sizeof(autotrust) - 2] = '\0';	/* no final newline */
	CHECK_EQ(check(cut), -1);
	*strstr(cut, "aiutest.\t300") = '\0';	/* the header alone: no key */
	CHECK_EQ(check(cut), -1);
	CHECK(cut[strlen(cut) - 1] == '\n');
	CHECK_EQ(check("; only comments\n\n"), -1);
	CHECK_EQ(check("aiutest. 3600 IN DNSKEY 257 3 15 notbase64!!\n"), -1);
	CHECK_EQ(check("aiutest. 3600 IN DNSKEY 257 4 15 AQAB\n"), -1);
	CHECK_EQ(check("aiutest. IN DS 38491 15 2 94fa0f\n"), -1);	/* short */
	CHECK_EQ(check("aiutest. IN DS 38491 15 2 zz\n"), -1);
	CHECK_EQ(check("aiutest. IN DS 70000 15 2 94\n"), -1);
	CHECK_EQ(check("aiutest. IN A 127.0.0.1\n"), -1);
	CHECK_EQ(check("garbage\n"), -1);
	CHECK_EQ(au_anchor_check((const uint8_t *)"aiutest. IN DS 1 1 1 \0\n",
	    23), -1);
	CHECK_EQ(check("\x01\x02 IN DS 1 1 2 00\n"), -1);
}

static char dir[256], tracked[300];

static int
file_is(const char *path, const char *want)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int ok;

	if (au_file_read_all(path, 1 << 20, &buf, &len, NULL) != 0)
		return 0;
	ok = len == strlen(want) && memcmp(buf, want, len) == 0;
	free(buf);
	return ok;
}

static int
put(const char *path, const char *s)
{
	return au_file_replace(path, s, strlen(s), 0644, NULL);
}

/* The working copy: TRACKED when whole, else the seed; written back only
 * when complete and changed. */
TEST(working_copy_and_write_back)
{
	struct au_anchor *a = NULL;
	struct au_diag d = { "", 0 };
	const uint8_t *seed = (const uint8_t *)ds;
	char work[400];

	snprintf(tracked, sizeof(tracked), "%s/trust-anchor.rfc5011", dir);
	snprintf(work, sizeof(work), "%s.work", tracked);
	/* first run: no TRACKED, the seed */
	REQUIRE(au_anchor_open(tracked, seed, strlen(ds), 0, &a, &d) == 0);
	CHECK_STR(au_anchor_work_path(a), work);
	CHECK_EQ(au_anchor_from_tracked(a), 0);
	CHECK(file_is(work, ds));
	REQUIRE(put(work, autotrust) == 0);	/* what libunbound writes */
	au_anchor_close(a, 1);
	CHECK(file_is(tracked, autotrust));
	/* next run: from TRACKED; libunbound's copy cut by a power cut is
	 * not written back */
	REQUIRE(au_anchor_open(tracked, seed, strlen(ds), 0, &a, &d) == 0);
	CHECK_EQ(au_anchor_from_tracked(a), 1);
	CHECK(file_is(work, autotrust));
	REQUIRE(put(work, "; autotrust trust anchor file\n;;id: aiu") == 0);
	au_anchor_close(a, 1);
	CHECK(file_is(tracked, autotrust));
	/* a damaged TRACKED (empty: a cut before this design) is reseeded */
	REQUIRE(put(tracked, "") == 0);
	REQUIRE(au_anchor_open(tracked, seed, strlen(ds), 0, &a, &d) == 0);
	CHECK_EQ(au_anchor_from_tracked(a), 0);
	CHECK(file_is(work, ds));
	au_anchor_close(a, 1);	/* the seed, unchanged by libunbound */
	CHECK(file_is(tracked, ds));
	/* use_seed: the retry after libunbound refused TRACKED */
	REQUIRE(put(tracked, autotrust) == 0);
	REQUIRE(au_anchor_open(tracked, seed, strlen(ds), 1, &a, &d) == 0);
	CHECK_EQ(au_anchor_from_tracked(a), 0);
	CHECK(file_is(work, ds));
	au_anchor_close(a, 0);	/* keep = 0: nothing written */
	CHECK(file_is(tracked, autotrust));
	au_anchor_close(NULL, 1);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	if (harness_tmpdir(dir, sizeof(dir), "aiu-test-anchor") == NULL)
		return 1;
	RUN(whole_files_pass);
	RUN(damaged_files_are_refused);
	RUN(working_copy_and_write_back);
	if (au_remove_tree(dir, NULL) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return harness_done();
}
