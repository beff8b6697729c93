/* SPDX-License-Identifier: ISC */
/* tests/unit/test_state.c - state file: round trip, first run, corruption. */
#include "client/install/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

static char root[256], path[300];
static struct au_state a, b;

static const char H1[] =
    "1111111111111111111111111111111111111111111111111111111111111111";
static const char H2[] =
    "2222222222222222222222222222222222222222222222222222222222222222";

static void
fresh(void)
{
	if (harness_tmpdir(root, sizeof(root), "au-test-state") == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/state.json", root);
}

static void
cleanup(void)
{
	if (au_remove_tree(root, NULL) != 0)
		fprintf(stderr, "  cannot remove %s\n", root);
}

static int
write_text(const char *text, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL)
		return -1;
	fwrite(text, 1, len, fp);
	fclose(fp);
	return 0;
}

static void
fill(struct au_state *st)
{
	struct au_state_target *t;

	memset(st, 0, sizeof(*st));
	t = au_state_find(st, "models/eng.traineddata", 1);
	t->version = 7;
	t->prev_version = 6;
	memcpy(t->hash, H1, 65);
	memcpy(t->prev_hash, H2, 65);
	t->installed_at = 1790000000;
	t = au_state_find(st, "policies/p.tar.gz", 1);
	t->version = 1;
	t->installed_at = 1790000001;
	st->last_run = 1790000002;
	st->last_result = -700;
	snprintf(st->last_message, sizeof(st->last_message),
	    "health check failed \"quoted\"\twith tab \xc3\xa9");
}

TEST(missing_file_is_empty_state)
{
	struct au_diag d = { "", 0 };

	fresh();
	memset(&a, 0x5a, sizeof(a));
	CHECK_EQ(au_state_load(path, &a, &d), 0);
	CHECK_EQ(a.n, 0);
	CHECK_EQ(a.last_run, 0);
	cleanup();
}

/*
 * au_state_load writes only the targets held (not the whole 173 KiB
 * struct, issue 15): loaded into a struct full of garbage, the state is
 * the file's, a target added afterwards starts clean, and saving it gives
 * the bytes a clean struct gives.
 */
TEST(load_into_garbage_is_the_files_state)
{
	struct au_diag d = { "", 0 };
	struct au_state_target *t;
	uint8_t *f1 = NULL, *f2 = NULL;
	size_t n1 = 0, n2 = 0;

	fresh();
	fill(&a);
	CHECK_EQ(au_state_save(path, &a, &d), 0);
	memset(&b, 0xa5, sizeof(b));
	CHECK_EQ(au_state_load(path, &b, &d), 0);
	CHECK_EQ(b.n, 2);
	CHECK_EQ(b.last_run, 1790000002);
	CHECK(au_state_find(&b, "models/eng.traineddata", 0) != NULL);
	t = au_state_find(&b, "models/new.bin", 1);
	REQUIRE(t != NULL);
	CHECK_EQ(t->version, -1);
	CHECK_EQ(t->nbad, 0);
	CHECK_EQ(t->nolder, 0);
	CHECK_STR(t->hash, "");
	CHECK_STR(t->provenance, "");
	CHECK_EQ(au_state_save(path, &b, &d), 0);
	REQUIRE(au_file_read_all(path, AU_STATE_MAX_BYTES, &f1, &n1, &d) == 0);
	fill(&a);
	REQUIRE(au_state_find(&a, "models/new.bin", 1) != NULL);
	CHECK_EQ(au_state_save(path, &a, &d), 0);
	REQUIRE(au_file_read_all(path, AU_STATE_MAX_BYTES, &f2, &n2, &d) == 0);
	CHECK(n1 == n2 && memcmp(f1, f2, n1) == 0);
	free(f1);
	free(f2);
	/* a missing file after a loaded one: the empty state */
	CHECK_EQ(au_unlink(path, &d), 0);
	CHECK_EQ(au_state_load(path, &b, &d), 0);
	CHECK_EQ(b.n, 0);
	CHECK_EQ(b.last_result, 0);
	CHECK_STR(b.last_message, "");
	cleanup();
}

TEST(round_trip)
{
	struct au_diag d = { "", 0 };
	struct au_state_target *t;

	fresh();
	fill(&a);
	CHECK_EQ(au_state_mark_bad(&a, "policies/p.tar.gz", H2), 0);
	CHECK_EQ(au_state_save(path, &a, &d), 0);
	CHECK_EQ(au_state_load(path, &b, &d), 0);
	CHECK_EQ(b.n, 2);
	CHECK_EQ(b.last_run, 1790000002);
	CHECK_EQ(b.last_result, -700);
	/* control and non-ASCII bytes become '?' so the file stays JSON */
	CHECK_STR(b.last_message, "health check failed \"quoted\"?with tab ??");
	t = au_state_find(&b, "models/eng.traineddata", 0);
	REQUIRE(t != NULL);
	CHECK_EQ(t->version, 7);
	CHECK_EQ(t->prev_version, 6);
	CHECK_STR(t->hash, H1);
	CHECK_STR(t->prev_hash, H2);
	CHECK_EQ(t->installed_at, 1790000000);
	t = au_state_find(&b, "policies/p.tar.gz", 0);
	REQUIRE(t != NULL);
	CHECK_EQ(t->prev_version, -1);
	CHECK_STR(t->hash, "");
	CHECK(au_state_is_bad(&b, "policies/p.tar.gz", H2));
	CHECK(!au_state_is_bad(&b, "policies/p.tar.gz", H1));
	CHECK(!au_state_is_bad(&b, "models/eng.traineddata", H2));
	CHECK(au_state_find(&b, "nope", 0) == NULL);
	/* saving again replaces the file; no temp file left */
	CHECK_EQ(au_state_save(path, &b, &d), 0);
	CHECK(access(path, F_OK) == 0);
	{
		char tmp[320];

		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		CHECK(access(tmp, F_OK) != 0);
	}
	cleanup();
}

/* The start of a format 2 file with one target, open for more members. */
#define T2 "{\"format\":2,\"last_run\":1,\"last_result\":0," \
    "\"last_message\":\"\",\"targets\":[{\"name\":\"a\"," \
    "\"version\":1,\"prev_version\":0,\"hash\":\"\"," \
    "\"prev_hash\":\"\",\"installed_at\":0,\"bad\":[],"
#define H1L "1111111111111111111111111111111111111111111111111111111111111111"

TEST(corrupt_files_refused)
{
	static const char *const bad[] = {
		"",
		"{\"format\":1,\"last_run\":1,\"last_result\":0,",
		"garbage",
		"[]",
		"{\"format\":3,\"last_run\":1,\"last_result\":0,"
		    "\"last_message\":\"\",\"targets\":[]}",
		"{\"format\":0,\"last_run\":1,\"last_result\":0,"
		    "\"last_message\":\"\",\"targets\":[]}",
		/* format 2 members in a format 1 file */
		"{\"format\":1,\"last_run\":1,\"last_result\":0,"
		    "\"last_message\":\"\",\"targets\":[{\"name\":\"a\","
		    "\"version\":1,\"prev_version\":0,\"hash\":\"\","
		    "\"prev_hash\":\"\",\"installed_at\":0,\"bad\":[],"
		    "\"min_version\":1}]}",
		/* format 2: negative floor, bad trial, bad older */
		T2 "\"min_version\":-1}]}",
		T2 "\"min_version\":\"3\"}]}",
		T2 "\"trial\":{\"since\":5}}]}",
		T2 "\"trial\":{\"since\":5,\"runs\":-1}}]}",
		T2 "\"trial\":{\"since\":5,\"runs\":0,\"x\":1}}]}",
		T2 "\"trial\":true}]}",
		T2 "\"older\":[{\"version\":1,\"hash\":\"\"}]}]}",
		T2 "\"older\":[{\"version\":1}]}]}",
		T2 "\"older\":{}}]}",
		T2 "\"older\":[{\"version\":1,\"hash\":\"" H1L "\","
		    "\"extra\":0}]}]}",
		"{\"format\":1,\"last_run\":1,\"last_result\":0,"
		    "\"last_message\":\"\",\"targets\":[],\"extra\":1}",
		"{\"format\":1,\"format\":1,\"last_run\":1,\"last_result\":0,"
		    "\"last_message\":\"\",\"targets\":[]}",
		"{\"format\":1,\"last_run\":\"1\",\"last_result\":0,"
		    "\"last_message\":\"\",\"targets\":[]}",
		"{\"format\":1,\"last_run\":1,\"last_result\":0,"
		    "\"last_message\":\"\",\"targets\":[{\"name\":\"a\","
		    "\"version\":1,\"prev_version\":0,\"hash\":\"xyz\","
		    "\"prev_hash\":\"\",\"installed_at\":0,\"bad\":[]}]}",
	};
	struct au_diag d = { "", 0 };
	size_t i;
	char *text;
	long len;
	FILE *fp;

	fresh();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		REQUIRE(write_text(bad[i], strlen(bad[i])) == 0);
		fill(&a);
		d.msg[0] = '\0';
		CHECK_EQ(au_state_load(path, &a, &d), AU_EINTERNAL);
		CHECK(strstr(d.msg, "corrupt") != NULL);
		CHECK_EQ(a.n, 2);	/* output untouched */
	}
	/* a real saved file cut short */
	fill(&a);
	REQUIRE(au_state_save(path, &a, &d) == 0);
	fp = fopen(path, "rb");
	REQUIRE(fp != NULL);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fclose(fp);
	REQUIRE(len > 10);
	REQUIRE(truncate(path, len / 2) == 0);
	CHECK_EQ(au_state_load(path, &b, &d), AU_EINTERNAL);
	/* over the size cap */
	text = malloc(AU_STATE_MAX_BYTES + 2);
	REQUIRE(text != NULL);
	memset(text, ' ', AU_STATE_MAX_BYTES + 1);
	REQUIRE(write_text(text, AU_STATE_MAX_BYTES + 1) == 0);
	free(text);
	CHECK_EQ(au_state_load(path, &b, &d), AU_EINTERNAL);
	cleanup();
}

TEST(find_and_bad_list)
{
	char h[65];
	int i;

	memset(&a, 0, sizeof(a));
	CHECK(au_state_find(&a, "", 1) == NULL);
	CHECK(au_state_find(&a, NULL, 1) == NULL);
	for (i = 0; i < AU_STATE_MAX_TARGETS; i++) {
		snprintf(h, sizeof(h), "t%d", i);
		CHECK(au_state_find(&a, h, 1) != NULL);
	}
	CHECK(au_state_find(&a, "one-too-many", 1) == NULL);
	CHECK(au_state_find(&a, "t3", 1) == &a.t[3]);
	CHECK_EQ(au_state_mark_bad(&a, "one-too-many", H1), AU_EINTERNAL);
	CHECK_EQ(au_state_mark_bad(&a, "t1", "nothex"), AU_EINTERNAL);
	/* the newest AU_STATE_MAX_BAD are kept */
	for (i = 0; i < AU_STATE_MAX_BAD + 2; i++) {
		memset(h, '0' + i, 64);
		h[64] = '\0';
		CHECK_EQ(au_state_mark_bad(&a, "t1", h), 0);
		CHECK_EQ(au_state_mark_bad(&a, "t1", h), 0);
	}
	CHECK_EQ(a.t[1].nbad, AU_STATE_MAX_BAD);
	memset(h, '0', 64);
	CHECK(!au_state_is_bad(&a, "t1", h));
	memset(h, '0' + AU_STATE_MAX_BAD + 1, 64);
	CHECK(au_state_is_bad(&a, "t1", h));
}

/* A file written by the format 1 code (before trials, floors, keep). */
TEST(format_1_file_still_loads)
{
	static const char old[] = "{\"format\":1,\"last_run\":5,"
	    "\"last_result\":0,\"last_message\":\"\",\"targets\":[{\"name\":"
	    "\"m\",\"version\":2,\"prev_version\":1,\"hash\":\"" H1L "\","
	    "\"prev_hash\":\"\",\"installed_at\":7,\"bad\":[]}]}";
	struct au_diag d = { "", 0 };
	struct au_state_target *t;
	char buf[4096];
	FILE *fp;
	size_t n;

	fresh();
	REQUIRE(write_text(old, strlen(old)) == 0);
	REQUIRE(au_state_load(path, &a, &d) == 0);
	t = au_state_find(&a, "m", 0);
	REQUIRE(t != NULL);
	CHECK_EQ(t->version, 2);
	CHECK_EQ(t->min_version, -1);
	CHECK_EQ(t->trial, 0);
	CHECK_EQ(t->nolder, 0);
	/* saved again as format 2, with no optional member it does not need */
	REQUIRE(au_state_save(path, &a, &d) == 0);
	fp = fopen(path, "rb");
	REQUIRE(fp != NULL);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	CHECK(strstr(buf, "\"format\": 2") != NULL);
	CHECK(strstr(buf, "min_version") == NULL);
	CHECK(strstr(buf, "trial") == NULL);
	CHECK(strstr(buf, "older") == NULL);
	cleanup();
}

TEST(trial_floor_and_older_round_trip)
{
	struct au_diag d = { "", 0 };
	struct au_state_target *t;

	fresh();
	fill(&a);
	t = au_state_find(&a, "models/eng.traineddata", 0);
	REQUIRE(t != NULL);
	CHECK_EQ(t->min_version, -1);	/* au_state_find's default */
	t->min_version = 5;
	t->trial = 1;
	t->trial_since = 1790000000;
	t->trial_runs = 2;
	t->nolder = 2;
	t->older[0].version = 5;
	memcpy(t->older[0].hash, H2, 65);
	t->older[1].version = 4;
	memcpy(t->older[1].hash, H1, 65);
	REQUIRE(au_state_save(path, &a, &d) == 0);
	REQUIRE(au_state_load(path, &b, &d) == 0);
	t = au_state_find(&b, "models/eng.traineddata", 0);
	REQUIRE(t != NULL);
	CHECK_EQ(t->min_version, 5);
	CHECK_EQ(t->trial, 1);
	CHECK_EQ(t->trial_since, 1790000000);
	CHECK_EQ(t->trial_runs, 2);
	CHECK_EQ(t->nolder, 2);
	CHECK_EQ(t->older[0].version, 5);
	CHECK_STR(t->older[0].hash, H2);
	CHECK_EQ(t->older[1].version, 4);
	CHECK_STR(t->older[1].hash, H1);
	t = au_state_find(&b, "policies/p.tar.gz", 0);
	REQUIRE(t != NULL);
	CHECK_EQ(t->min_version, -1);
	CHECK_EQ(t->trial, 0);
	cleanup();
}

TEST(push_older_keeps_newest)
{
	struct au_state_target t;
	char h[65];
	int i;

	memset(&t, 0, sizeof(t));
	t.prev_version = -1;
	au_state_push_older(&t, 3);	/* no previous: nothing to push */
	CHECK_EQ(t.nolder, 0);
	for (i = 1; i <= AU_STATE_MAX_OLDER + 3; i++) {
		memset(h, 'a' + (i % 6), 64);
		h[64] = '\0';
		memcpy(t.prev_hash, h, 65);
		t.prev_version = i;
		au_state_push_older(&t, AU_STATE_MAX_OLDER + 5);
	}
	CHECK_EQ(t.nolder, AU_STATE_MAX_OLDER);
	CHECK_EQ(t.older[0].version, AU_STATE_MAX_OLDER + 3);
	CHECK_EQ(t.older[AU_STATE_MAX_OLDER - 1].version, 4);
	au_state_push_older(&t, 2);	/* keep lowered: trimmed */
	CHECK_EQ(t.nolder, 2);
	CHECK_EQ(t.older[1].version, AU_STATE_MAX_OLDER + 3);
	au_state_push_older(&t, 0);
	CHECK_EQ(t.nolder, 0);
}

TEST(older_hashes_for_gc)
{
	char out[4][65];
	struct au_state_target *t;

	memset(&a, 0, sizeof(a));
	t = au_state_find(&a, "x", 1);
	t->nolder = 2;
	memcpy(t->older[0].hash, H1, 65);
	memcpy(t->older[1].hash, H2, 65);
	t = au_state_find(&a, "y", 1);
	t->nolder = 1;
	memcpy(t->older[0].hash, H2, 65);
	CHECK_EQ(au_state_older_hashes(&a, out, 4), 3);
	CHECK_STR(out[0], H1);
	CHECK_STR(out[2], H2);
	CHECK_EQ(au_state_older_hashes(&a, out, 1), 1);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(missing_file_is_empty_state);
	RUN(load_into_garbage_is_the_files_state);
	RUN(round_trip);
	RUN(corrupt_files_refused);
	RUN(find_and_bad_list);
	RUN(format_1_file_still_loads);
	RUN(trial_floor_and_older_round_trip);
	RUN(push_older_keeps_newest);
	RUN(older_hashes_for_gc);
	return harness_done();
}
