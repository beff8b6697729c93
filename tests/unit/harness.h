/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/harness.h - a tiny test harness.  Each test executable defines
 * tests with TEST(name), starts main(int argc, char **argv) with
 * harness_args(argc, argv), lists the tests through RUN(name), and ends with
 * `return harness_done();`, which prints the line "N passed, N failed".
 * CHECK() records a failure and goes on; REQUIRE() also leaves the test.
 *
 * Command line: no argument runs every test; NAME... runs only those (a name
 * no RUN() knows counts as a failure); -l lists the names.  Works from any
 * directory: fixtures are found under harness_srcdir(), scratch directories
 * made by harness_tmpdir() under $TMPDIR.
 */
#ifndef AU_HARNESS_H
#define AU_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HARNESS_MAX_NAMES 64	/* test names given on one command line */

static int harness_pass, harness_fail, harness_cur_failed;
static int harness_list, harness_nsel;
static char **harness_sel;
static unsigned char harness_hit[HARNESS_MAX_NAMES];

/* Take the command line: test names to run, or -l. */
static inline void
harness_args(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		harness_list = 1;
		return;
	}
	if (argc - 1 > HARNESS_MAX_NAMES) {
		fprintf(stderr, "at most %d test names\n", HARNESS_MAX_NAMES);
		exit(2);
	}
	harness_sel = argv + 1;
	harness_nsel = argc - 1;
}

/* Whether RUN(name) runs: listed (-l prints it instead), or no names given. */
static inline int
harness_wanted(const char *name)
{
	int i;

	if (harness_list) {
		printf("%s\n", name);
		return 0;
	}
	if (harness_nsel == 0)
		return 1;
	for (i = 0; i < harness_nsel; i++) {
		if (strcmp(harness_sel[i], name) == 0) {
			harness_hit[i] = 1;
			return 1;
		}
	}
	return 0;
}

/*
 * The top of the source tree, for fixtures (tests/vectors/...): $AU_SRCDIR
 * when set, else the directory the Makefile compiled in (AU_TEST_SRCDIR),
 * else ".".
 */
static inline const char *
harness_srcdir(void)
{
	const char *s = getenv("AU_SRCDIR");

	if (s != NULL && s[0] != '\0')
		return s;
#ifdef AU_TEST_SRCDIR
	return AU_TEST_SRCDIR;
#else
	return ".";
#endif
}

/*
 * Make a new directory $TMPDIR/NAME.XXXXXX (TMPDIR defaults to /tmp) into
 * buf.  Returns buf, or NULL (message on stderr) if it does not fit or
 * mkdtemp fails.  The test removes it.
 */
/* $TMPDIR, or /tmp when it is unset or empty: the one place tests pick it. */
static inline const char *
harness_tmpbase(void)
{
	const char *t = getenv("TMPDIR");

	return t != NULL && t[0] != '\0' ? t : "/tmp";
}

static inline char *
harness_tmpdir(char *buf, size_t size, const char *name)
{
	const char *t = harness_tmpbase();
	int n;

	n = snprintf(buf, size, "%s/%s.XXXXXX", t, name);
	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "  TMPDIR too long: %s\n", t);
		return NULL;
	}
	if (mkdtemp(buf) == NULL) {
		perror(buf);
		return NULL;
	}
	return buf;
}

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
	if (!harness_wanted(#name)) \
		break; \
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
	int i;

	if (harness_list)
		return 0;
	for (i = 0; i < harness_nsel; i++) {
		if (!harness_hit[i]) {
			printf("not ok - %s (no such test; -l lists them)\n",
			    harness_sel[i]);
			harness_fail++;
		}
	}
	printf("%d passed, %d failed\n", harness_pass, harness_fail);
	return harness_fail ? 1 : 0;
}

#endif
