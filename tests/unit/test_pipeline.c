/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_pipeline.c - the download pipeline's ring between two
 * threads (client/fetch/pipeline.h): order, integrity, the consumer's errors,
 * cancellation.  Also built with -fsanitize=thread (see README "Testing").
 */
#include "client/fetch/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

/* Byte i of the test stream. */
static uint8_t
pattern(uint64_t i)
{
	return (uint8_t)((i * 2654435761u) >> 13);
}

struct sink {
	uint64_t seen;		/* bytes consumed, all checked against pattern() */
	int bad;		/* a byte out of order or a piece too large */
	int calls;
	uint64_t fail_at;	/* return AU_ENOSPC once seen reaches this */
	int calls_after_fail;
	int failed;
	struct au_sem *gate;	/* when set: the first call posts started, */
	struct au_sem *started;	/* then waits on gate */
};

static int
consume(void *arg, const uint8_t *buf, size_t len, struct au_diag *diag)
{
	struct sink *s = arg;
	size_t i;

	if (s->gate != NULL && s->calls == 0) {
		au_sem_post(s->started);
		au_sem_wait(s->gate);
	}
	s->calls++;
	if (s->failed)
		s->calls_after_fail++;
	if (len == 0 || len > AU_PIPE_SLOT_BYTES)
		s->bad = 1;
	for (i = 0; i < len; i++)
		if (buf[i] != pattern(s->seen + i))
			s->bad = 1;
	s->seen += len;
	if (s->fail_at > 0 && s->seen >= s->fail_at) {
		s->failed = 1;
		return au_diag_set(diag, AU_ENOSPC, "write: disk full (test)");
	}
	return 0;
}

/* Push total bytes of the pattern in pieces of varying size. */
static int
push_all(struct au_pipe *p, uint64_t total, uint64_t *pushed)
{
	static uint8_t buf[100000];
	uint64_t off = 0, lcg = 12345;
	size_t n, i;
	int rc = 0;

	while (rc == 0 && off < total) {
		lcg = lcg * 6364136223846793005u + 1442695040888963407u;
		n = 1 + (size_t)((lcg >> 33) % sizeof(buf));
		if (n > total - off)
			n = (size_t)(total - off);
		for (i = 0; i < n; i++)
			buf[i] = pattern(off + i);
		rc = au_pipe_push(p, buf, n);
		off += n;
	}
	*pushed = off;
	return rc;
}

TEST(in_order_whatever_the_split)
{
	struct sink s = { 0 };
	struct au_pipe *p = NULL;
	struct au_diag d = { "", 0 };
	uint64_t total = 3 * AU_PIPE_SLOT_BYTES * AU_PIPE_SLOTS + 12345, n;

	REQUIRE(au_pipe_new(consume, &s, &p, &d) == 0);
	CHECK_EQ(push_all(p, total, &n), 0);
	CHECK_EQ(au_pipe_finish(p, &d), 0);
	CHECK_EQ(s.seen, total);	/* the last partial slot too */
	CHECK(!s.bad);
	/* full slots only, except the last */
	CHECK_EQ(s.calls, (int)((total + AU_PIPE_SLOT_BYTES - 1) /
	    AU_PIPE_SLOT_BYTES));
}

/*
 * Zero-copy filling (au_pipe_space / au_pipe_commit, as TLS decrypts into
 * the ring): pieces of any size up to the space offered, and commits of 0,
 * arrive in order, in full slots but the last; every slot offered is
 * page-aligned at its start (the consumer may write it with O_DIRECT).
 */
TEST(space_and_commit_fill_in_order)
{
	struct sink s = { 0 };
	struct au_pipe *p = NULL;
	struct au_diag d = { "", 0 };
	uint64_t total = 2 * AU_PIPE_SLOT_BYTES * AU_PIPE_SLOTS + 777, off = 0;
	uint64_t lcg = 99;
	uint8_t *buf;
	size_t len, n, i;
	int aligned = 1;

	REQUIRE(au_pipe_new(consume, &s, &p, &d) == 0);
	while (off < total) {
		REQUIRE(au_pipe_space(p, &buf, &len) == 0);
		REQUIRE(len > 0 && len <= AU_PIPE_SLOT_BYTES);
		if (len == AU_PIPE_SLOT_BYTES &&
		    (uintptr_t)buf % AU_FILE_DIRECT_ALIGN != 0)
			aligned = 0;
		lcg = lcg * 6364136223846793005u + 1442695040888963407u;
		n = (size_t)((lcg >> 33) % 20000);	/* 0 too */
		if (n > len)
			n = len;
		if (n > total - off)
			n = (size_t)(total - off);
		for (i = 0; i < n; i++)
			buf[i] = pattern(off + i);
		REQUIRE(au_pipe_commit(p, n) == 0);
		off += n;
	}
	CHECK_EQ(au_pipe_finish(p, &d), 0);
	CHECK_EQ(s.seen, total);
	CHECK(!s.bad);
	CHECK(aligned);
	CHECK_EQ(s.calls, (int)((total + AU_PIPE_SLOT_BYTES - 1) /
	    AU_PIPE_SLOT_BYTES));
}

TEST(nothing_pushed)
{
	struct sink s = { 0 };
	struct au_pipe *p = NULL;

	REQUIRE(au_pipe_new(consume, &s, &p, NULL) == 0);
	CHECK_EQ(au_pipe_push(p, (const uint8_t *)"", 0), 0);
	CHECK_EQ(au_pipe_finish(p, NULL), 0);
	CHECK_EQ(s.calls, 0);
	REQUIRE(au_pipe_new(consume, &s, &p, NULL) == 0);
	CHECK_EQ(au_pipe_cancel(p, NULL), 0);
	CHECK_EQ(au_pipe_cancel(NULL, NULL), 0);
	CHECK_EQ(s.calls, 0);
}

/* ENOSPC in the worker: the reader learns it, stops, gets the diag. */
TEST(consumer_error_stops_the_reader)
{
	struct sink s = { 0 };
	struct au_pipe *p = NULL;
	struct au_diag d = { "", 0 };
	uint64_t n;

	s.fail_at = 200000;
	REQUIRE(au_pipe_new(consume, &s, &p, &d) == 0);
	CHECK_EQ(push_all(p, 64u << 20, &n), AU_ENOSPC);
	CHECK(n < (64u << 20));	/* stopped long before the end */
	CHECK(n <= s.fail_at + (AU_PIPE_SLOTS + 1) * AU_PIPE_SLOT_BYTES +
	    100000);
	CHECK_EQ(au_pipe_finish(p, &d), AU_ENOSPC);
	CHECK(strstr(d.msg, "disk full (test)") != NULL);
	CHECK_EQ(s.calls_after_fail, 0);	/* never called again */
	CHECK(!s.bad);
}

/* The consumer fails on the last, partial slot: au_pipe_finish says so. */
TEST(error_in_the_last_piece)
{
	struct sink s = { 0 };
	struct au_pipe *p = NULL;
	struct au_diag d = { "", 0 };
	uint64_t n;

	s.fail_at = AU_PIPE_SLOT_BYTES + 10;
	REQUIRE(au_pipe_new(consume, &s, &p, &d) == 0);
	CHECK_EQ(push_all(p, AU_PIPE_SLOT_BYTES + 10, &n), 0);
	CHECK_EQ(au_pipe_finish(p, &d), AU_ENOSPC);
	CHECK_EQ(s.seen, AU_PIPE_SLOT_BYTES + 10);
}

static void
open_gate(void *arg)
{
	struct au_sem **gate = arg;
	int64_t until = au_monotonic_ms() + 100;

	while (au_monotonic_ms() < until)	/* let the caller reach cancel */
		;
	au_sem_post(*gate);
}

/*
 * A full ring and a consumer stuck in its first call: cancel returns once
 * that call ends, and the three queued slots are dropped, not consumed.
 * One try could see the gate open before cancel began (a 100 ms stall of
 * this thread): up to three tries, a cancel that drops nothing fails all.
 */
static int
cancel_once(void)
{
	static uint8_t buf[AU_PIPE_SLOT_BYTES];
	struct sink s = { 0 };
	struct au_pipe *p = NULL;
	struct au_thread *t = NULL;
	uint64_t i;
	int rc;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = pattern(i);
	if (au_sem_new(0, &s.gate, NULL) != 0)
		return -1;
	rc = au_sem_new(0, &s.started, NULL);
	if (rc == 0)
		rc = au_pipe_new(consume, &s, &p, NULL);
	for (i = 0; rc == 0 && i < AU_PIPE_SLOTS; i++)
		rc = au_pipe_push(p, buf, sizeof(buf));
	if (rc == 0) {
		au_sem_wait(s.started);	/* slot 0 is stuck in the consumer */
		rc = au_thread_start(open_gate, &s.gate, &t, NULL);
	}
	if (rc == 0)
		rc = au_pipe_cancel(p, NULL);
	else
		(void)au_pipe_cancel(p, NULL);
	au_thread_join(t);
	au_sem_free(s.gate);
	au_sem_free(s.started);
	if (rc != 0 || s.bad)
		return -1;
	return s.calls;
}

TEST(cancel_drops_the_queue)
{
	int calls = 0, try;

	for (try = 0; try < 3; try++) {
		calls = cancel_once();
		if (calls == 1)
			break;
	}
	CHECK_EQ(calls, 1);
}

TEST(threads_and_semaphores)
{
	struct au_sem *sem = NULL;

	REQUIRE(au_sem_new(2, &sem, NULL) == 0);
	au_sem_wait(sem);
	au_sem_wait(sem);	/* would hang if the value were not 2 */
	au_sem_post(sem);
	au_sem_wait(sem);
	au_sem_free(sem);
	au_sem_free(NULL);
	au_thread_join(NULL);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(in_order_whatever_the_split);
	RUN(space_and_commit_fill_in_order);
	RUN(nothing_pushed);
	RUN(consumer_error_stops_the_reader);
	RUN(error_in_the_last_piece);
	RUN(cancel_drops_the_queue);
	RUN(threads_and_semaphores);
	return harness_done();
}
