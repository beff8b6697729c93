/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/harness.h - a tiny test harness.  Each test executable defines
 * tests with TEST(name), lists them in main() through RUN(name), and ends with
 * `return harness_done();`, which prints the line "N passed, N failed".
 * CHECK() records a failure and goes on; REQUIRE() also leaves the test.
 */
#ifndef AU_HARNESS_H
#define AU_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_pass, harness_fail, harness_cur_failed;

#define TEST(name) static void name(void)

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "  FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		harness_cur_failed = 1; \
	} \
} while (0)

#define REQUIRE(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "  FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		harness_cur_failed = 1; \
		return; \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long ha_ = (long long)(a), hb_ = (long long)(b); \
	if (ha_ != hb_) { \
		fprintf(stderr, "  FAIL %s:%d: %s == %s (%lld != %lld)\n", \
		    __FILE__, __LINE__, #a, #b, ha_, hb_); \
		harness_cur_failed = 1; \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *ha_ = (a), *hb_ = (b); \
	if (ha_ == NULL || hb_ == NULL || strcmp(ha_, hb_) != 0) { \
		fprintf(stderr, "  FAIL %s:%d: %s == %s (\"%s\" != \"%s\")\n", \
		    __FILE__, __LINE__, #a, #b, ha_ ? ha_ : "(null)", \
		    hb_ ? hb_ : "(null)"); \
		harness_cur_failed = 1; \
	} \
} while (0)

#define RUN(name) do { \
	harness_cur_failed = 0; \
	name(); \
	if (harness_cur_failed) { \
		harness_fail++; \
		printf("not ok - %s\n", #name); \
	} else { \
		harness_pass++; \
		printf("ok - %s\n", #name); \
	} \
	fflush(stdout); \
} while (0)

static inline int
harness_done(void)
{
	printf("%d passed, %d failed\n", harness_pass, harness_fail);
	return harness_fail ? 1 : 0;
}

#endif
