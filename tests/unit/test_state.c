/* SPDX-License-Identifier: ISC */
/* tests/unit/test_state.c - state file: round trip, first run, corruption. */
#include "client/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "port/port.h"
#include "tests/unit/harness.h"

static char root[256], path[300];
static struct au_state a, b;

static const char H1[] =
    "1111111111111111111111111111111111111111111111111111111111111111";
static const char H2[] =
    "2222222222222222222222222222222222222222222222222222222222222222";

static void
fresh(void)
{
	snprintf(root, sizeof(root), "/tmp/au-test-state-XXXXXX");
	if (mkdtemp(root) == NULL)
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

TEST(corrupt_files_refused)
{
	static const char *const bad[] = {
		"",
		"{\"format\":1,\"last_run\":1,\"last_result\":0,",
		"garbage",
		"[]",
		"{\"format\":2,\"last_run\":1,\"last_result\":0,"
		    "\"last_message\":\"\",\"targets\":[]}",
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

int
main(void)
{
	RUN(missing_file_is_empty_state);
	RUN(round_trip);
	RUN(corrupt_files_refused);
	RUN(find_and_bad_list);
	return harness_done();
}
