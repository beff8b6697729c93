/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_outbox.c - client/report/outbox: order, the counter,
 * the count and byte bounds (oldest dropped first, counted in the next
 * report), settled and kept sends, corrupt entries and leftovers, the lock,
 * and the two parsers' negatives.
 */
#include "client/report/outbox.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

static const struct au_outbox_limits roomy = { 64, 1u << 20 };

/* The builder: a small body naming its counter and dropped number. */
struct built {
	size_t pad;		/* extra bytes in each body */
	uint64_t last_dropped;
	int fail;
};

static int
build(void *arg, uint64_t counter, uint64_t dropped, const char *id,
    char **body, size_t *len, struct au_diag *diag)
{
	struct built *b = arg;
	char *s;
	int n;

	if (b->fail)
		return au_diag_set(diag, AU_ENOMEM, "builder failed");
	s = malloc(128 + b->pad);
	if (s == NULL)
		return AU_ENOMEM;
	n = snprintf(s, 128, "{\"counter\":%" PRIu64 ",\"dropped\":%" PRIu64
	    ",\"id\":\"%s\"}", counter, dropped, id);
	memset(s + n, ' ', b->pad);
	*body = s;
	*len = (size_t)n + b->pad;
	b->last_dropped = dropped;
	return 0;
}

/* The sender: records counters; answers script[i] for the i-th call. */
struct sent {
	uint64_t counters[32];
	size_t n;
	const int *script;	/* NULL: always SENT */
	size_t nscript;
};

static int
sendfn(void *arg, const char *id, const uint8_t *body, size_t len, int *err,
    struct au_diag *diag)
{
	struct sent *s = arg;
	unsigned long long c = 0;
	int v = AU_OUTBOX_SENT;

	(void)id;
	(void)len;
	(void)diag;
	if (sscanf((const char *)body, "{\"counter\":%llu", &c) == 1 && s->n < 32)
		s->counters[s->n] = c;
	if (s->script != NULL && s->n < s->nscript)
		v = s->script[s->n];
	s->n++;
	if (v == AU_OUTBOX_KEEP)
		*err = AU_ECONNECT;
	return v;
}

static char *
scratch(char *buf, size_t size)
{
	return harness_tmpdir(buf, size, "test_outbox");
}

static size_t
entries(const char *dir)
{
	char cmd[600], line[64];
	size_t n = 0;
	FILE *p;

	(void)snprintf(cmd, sizeof(cmd), "ls %s/outbox | grep -c '\\.report$'", dir);
	p = popen(cmd, "r");
	if (p != NULL && fgets(line, sizeof(line), p) != NULL)
		n = (size_t)strtoul(line, NULL, 10);
	if (p != NULL)
		pclose(p);
	return n;
}

static int
add(const char *dir, const struct au_outbox_limits *lim, struct built *b,
    struct au_outbox_stats *st)
{
	struct au_diag d;

	return au_outbox_add(dir, lim, build, b, st, &d);
}

TEST(added_reports_flush_in_order)
{
	char dir[512];
	struct built b = { 0, 0, 0 };
	struct sent s = { { 0 }, 0, NULL, 0 };
	struct au_outbox_stats st;
	struct au_diag d;
	int i;

	REQUIRE(scratch(dir, sizeof(dir)) != NULL);
	for (i = 1; i <= 3; i++) {
		REQUIRE(add(dir, &roomy, &b, &st) == 0);
		CHECK_EQ(st.counter, (uint64_t)i);
		CHECK_EQ(st.queued, (size_t)i);
		CHECK_EQ(strlen(st.report_id), 32);
	}
	CHECK_EQ(entries(dir), 3);
	REQUIRE(au_outbox_flush(dir, sendfn, &s, &st, &d) == 0);
	CHECK_EQ(s.n, 3);
	CHECK(s.counters[0] == 1 && s.counters[1] == 2 && s.counters[2] == 3);
	CHECK_EQ(st.sent, 3);
	CHECK_EQ(st.queued, 0);
	CHECK_EQ(entries(dir), 0);
	/* the counter goes on after the outbox emptied */
	REQUIRE(add(dir, &roomy, &b, &st) == 0);
	CHECK_EQ(st.counter, 4);
}

TEST(count_bound_drops_oldest_and_says_so)
{
	char dir[512];
	struct built b = { 0, 0, 0 };
	struct sent s = { { 0 }, 0, NULL, 0 };
	struct au_outbox_limits two = { 2, 1u << 20 };
	struct au_outbox_stats st;
	struct au_diag d;

	REQUIRE(scratch(dir, sizeof(dir)) != NULL);
	REQUIRE(add(dir, &two, &b, &st) == 0);
	REQUIRE(add(dir, &two, &b, &st) == 0);
	CHECK_EQ(b.last_dropped, 0);
	REQUIRE(add(dir, &two, &b, &st) == 0);
	CHECK_EQ(st.evicted, 1);
	CHECK_EQ(b.last_dropped, 1);	/* the new report counts the drop */
	CHECK_EQ(entries(dir), 2);
	REQUIRE(au_outbox_flush(dir, sendfn, &s, &st, &d) == 0);
	CHECK(s.n == 2 && s.counters[0] == 2 && s.counters[1] == 3);
	/* counted once: the next report says 0 again */
	REQUIRE(add(dir, &two, &b, &st) == 0);
	CHECK_EQ(b.last_dropped, 0);
}

TEST(byte_bound_drops_oldest)
{
	char dir[512];
	struct built b = { 25000, 0, 0 };
	struct au_outbox_limits small = { 64, 65536 };
	struct au_outbox_stats st;

	REQUIRE(scratch(dir, sizeof(dir)) != NULL);
	REQUIRE(add(dir, &small, &b, &st) == 0);
	REQUIRE(add(dir, &small, &b, &st) == 0);
	CHECK_EQ(st.evicted, 0);
	REQUIRE(add(dir, &small, &b, &st) == 0);	/* 3 x 25 KB > 64 KiB */
	CHECK_EQ(st.evicted, 1);
	CHECK_EQ(b.last_dropped, 1);
	CHECK_EQ(entries(dir), 2);
	CHECK(st.queued_bytes <= small.max_bytes);
}

TEST(too_big_or_failed_body_queues_nothing)
{
	char dir[512];
	struct built big = { AU_OUTBOX_BODY_MAX, 0, 0 }, bad = { 0, 0, 1 };
	struct built ok = { 0, 0, 0 };
	struct au_outbox_stats st;

	REQUIRE(scratch(dir, sizeof(dir)) != NULL);
	CHECK_EQ(add(dir, &roomy, &big, &st), AU_ETOOBIG);
	CHECK_EQ(add(dir, &roomy, &bad, &st), AU_ENOMEM);
	CHECK_EQ(entries(dir), 0);
	REQUIRE(add(dir, &roomy, &ok, &st) == 0);
	CHECK_EQ(st.counter, 1);	/* no counter used by the failures */
}

TEST(keep_stops_the_flush_and_order_holds)
{
	static const int script[] = { AU_OUTBOX_SENT, AU_OUTBOX_KEEP };
	char dir[512];
	struct built b = { 0, 0, 0 };
	struct sent s = { { 0 }, 0, script, 2 }, s2 = { { 0 }, 0, NULL, 0 };
	struct au_outbox_stats st;
	struct au_diag d;
	int i;

	REQUIRE(scratch(dir, sizeof(dir)) != NULL);
	for (i = 0; i < 3; i++)
		REQUIRE(add(dir, &roomy, &b, &st) == 0);
	REQUIRE(au_outbox_flush(dir, sendfn, &s, &st, &d) == 0);
	CHECK_EQ(s.n, 2);	/* the third waits behind the second */
	CHECK_EQ(st.sent, 1);
	CHECK_EQ(st.send_err, AU_ECONNECT);
	CHECK_EQ(st.queued, 2);
	REQUIRE(au_outbox_flush(dir, sendfn, &s2, &st, &d) == 0);
	CHECK(s2.n == 2 && s2.counters[0] == 2 && s2.counters[1] == 3);
}

TEST(refused_is_dropped_and_counted_duplicate_is_not)
{
	static const int script[] = { AU_OUTBOX_REFUSED, AU_OUTBOX_DUPLICATE,
		AU_OUTBOX_SENT };
	char dir[512];
	struct built b = { 0, 0, 0 };
	struct sent s = { { 0 }, 0, script, 3 };
	struct au_outbox_stats st;
	struct au_diag d;
	int i;

	REQUIRE(scratch(dir, sizeof(dir)) != NULL);
	for (i = 0; i < 3; i++)
		REQUIRE(add(dir, &roomy, &b, &st) == 0);
	REQUIRE(au_outbox_flush(dir, sendfn, &s, &st, &d) == 0);
	CHECK(st.refused == 1 && st.duplicate == 1 && st.sent == 1);
	CHECK_EQ(entries(dir), 0);
	REQUIRE(add(dir, &roomy, &b, &st) == 0);
	CHECK_EQ(b.last_dropped, 1);
}

static int
write_file(const char *dir, const char *name, const char *text)
{
	char path[700];

	(void)snprintf(path, sizeof(path), "%s/outbox/%s", dir, name);
	return au_file_replace(path, text, strlen(text), 0600, NULL);
}

TEST(corrupt_entry_is_dropped_never_sent)
{
	char dir[512], path[700];
	struct built b = { 0, 0, 0 };
	struct sent s = { { 0 }, 0, NULL, 0 };
	struct au_outbox_stats st;
	struct au_diag d;
	struct au_stat sb;

	REQUIRE(scratch(dir, sizeof(dir)) != NULL);
	REQUIRE(add(dir, &roomy, &b, &st) == 0);
	REQUIRE(add(dir, &roomy, &b, &st) == 0);
	/* entry 1 truncated: its length says more than the file holds */
	REQUIRE(write_file(dir, "00000000000000000001.report",
	    "aiupdate-outbox 1 0123456789abcdef0123456789abcdef 99\n{}") == 0);
	/* a crash's leftover temp file */
	REQUIRE(write_file(dir, "00000000000000000003.report.tmp", "half") == 0);
	REQUIRE(au_outbox_flush(dir, sendfn, &s, &st, &d) == 0);
	CHECK_EQ(st.corrupt, 1);
	CHECK(s.n == 1 && s.counters[0] == 2);
	(void)snprintf(path, sizeof(path), "%s/outbox/00000000000000000003.report.tmp", dir);
	CHECK(au_stat(path, &sb, NULL) == 0 && sb.type == AU_FT_NONE);
	REQUIRE(add(dir, &roomy, &b, &st) == 0);
	CHECK_EQ(b.last_dropped, 1);
	CHECK_EQ(st.counter, 3);
}

TEST(counter_never_below_the_newest_entry)
{
	char dir[512], path[700];
	struct built b = { 0, 0, 0 };
	struct au_outbox_stats st;

	REQUIRE(scratch(dir, sizeof(dir)) != NULL);
	REQUIRE(add(dir, &roomy, &b, &st) == 0);
	REQUIRE(add(dir, &roomy, &b, &st) == 0);
	/* the state file damaged: the counter goes on from the entries */
	(void)snprintf(path, sizeof(path), "%s/outbox/state", dir);
	REQUIRE(au_file_replace(path, "garbage", 7, 0644, NULL) == 0);
	REQUIRE(add(dir, &roomy, &b, &st) == 0);
	CHECK_EQ(st.counter, 3);
}

TEST(a_second_run_is_locked_out)
{
	char dir[512], path[700];
	struct built b = { 0, 0, 0 };
	struct au_outbox_stats st;
	struct au_lock *lk = NULL;

	REQUIRE(scratch(dir, sizeof(dir)) != NULL);
	REQUIRE(add(dir, &roomy, &b, &st) == 0);
	(void)snprintf(path, sizeof(path), "%s/outbox/lock", dir);
	REQUIRE(au_lock_take(path, &lk, NULL) == 0);
	/* flock locks are per open file: a second take in this process conflicts */
	CHECK_EQ(add(dir, &roomy, &b, &st), AU_ELOCKED);
	au_lock_release(lk);
	CHECK_EQ(add(dir, &roomy, &b, &st), 0);
}

TEST(flush_of_a_missing_outbox_is_empty)
{
	char dir[512];
	struct sent s = { { 0 }, 0, NULL, 0 };
	struct au_outbox_stats st;
	struct au_diag d;

	REQUIRE(scratch(dir, sizeof(dir)) != NULL);
	CHECK_EQ(au_outbox_flush(dir, sendfn, &s, &st, &d), 0);
	CHECK_EQ(s.n, 0);
}

static int
parse(const char *text)
{
	char id[AU_OUTBOX_ID_LEN + 1];
	size_t off = 0, blen = 0;

	return au_outbox_entry_parse((const uint8_t *)text, strlen(text), id,
	    &off, &blen);
}

TEST(entry_parser_negatives)
{
	char id[AU_OUTBOX_ID_LEN + 1];
	const char *good = "aiupdate-outbox 1 0123456789abcdef0123456789abcdef 2\n{}";
	size_t off = 0, blen = 0;

	REQUIRE(au_outbox_entry_parse((const uint8_t *)good, strlen(good), id,
	    &off, &blen) == 0);
	CHECK_STR(id, "0123456789abcdef0123456789abcdef");
	CHECK(off == strlen(good) - 2 && blen == 2);
	CHECK(parse("aiupdate-outbox 1 0123456789abcdef0123456789abcdef 3\n{}") != 0);
	CHECK(parse("aiupdate-outbox 1 0123456789abcdef0123456789abcdef 1\n{}") != 0);
	CHECK(parse("aiupdate-outbox 2 0123456789abcdef0123456789abcdef 2\n{}") != 0);
	CHECK(parse("aiupdate-outbox 1 0123456789ABCDEF0123456789abcdef 2\n{}") != 0);
	CHECK(parse("aiupdate-outbox 1 0123456789abcdef0123456789abcde 2\n{}") != 0);
	CHECK(parse("aiupdate-outbox 1 0123456789abcdef0123456789abcdef 0\n") != 0);
	CHECK(parse("aiupdate-outbox 1 0123456789abcdef0123456789abcdef +2\n{}") != 0);
	CHECK(parse("aiupdate-outbox 1 0123456789abcdef0123456789abcdef 2") != 0);
	CHECK(parse("") != 0);
}

TEST(state_parser_negatives)
{
	uint64_t c = 0, dr = 0;

	CHECK(au_outbox_state_parse((const uint8_t *)"counter 7\ndropped 2\n", 20,
	    &c, &dr) == 0 && c == 7 && dr == 2);
	CHECK(au_outbox_state_parse((const uint8_t *)"counter 7\ndropped 2", 19,
	    &c, &dr) != 0);
	CHECK(au_outbox_state_parse((const uint8_t *)"counter -7\ndropped 2\n", 21,
	    &c, &dr) != 0);
	CHECK(au_outbox_state_parse((const uint8_t *)"dropped 2\ncounter 7\n", 20,
	    &c, &dr) != 0);
	CHECK(au_outbox_state_parse((const uint8_t *)"counter 7\ndropped 2\nx", 21,
	    &c, &dr) != 0);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(added_reports_flush_in_order);
	RUN(count_bound_drops_oldest_and_says_so);
	RUN(byte_bound_drops_oldest);
	RUN(too_big_or_failed_body_queues_nothing);
	RUN(keep_stops_the_flush_and_order_holds);
	RUN(refused_is_dropped_and_counted_duplicate_is_not);
	RUN(corrupt_entry_is_dropped_never_sent);
	RUN(counter_never_below_the_newest_entry);
	RUN(a_second_run_is_locked_out);
	RUN(flush_of_a_missing_outbox_is_empty);
	RUN(entry_parser_negatives);
	RUN(state_parser_negatives);
	return harness_done();
}
