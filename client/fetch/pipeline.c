/* SPDX-License-Identifier: ISC */
/* client/fetch/pipeline.c - a ring of fixed buffers between two threads (pipeline.h). */
#include "client/fetch/pipeline.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"

#include "port/ban.h"

/*
 * A single-producer, single-consumer ring: free_slots counts the buffers
 * the caller may fill, full_slots the ones handed to the worker.  A slot's
 * len and last are written by one side before its sem_post and read by the
 * other after its sem_wait, so they need no lock; err and stop are read
 * while the other side may write them, hence atomics.
 */
struct slot {
	uint8_t *buf;
	size_t len;
	int last;		/* the worker ends after this slot */
};

struct au_pipe {
	au_pipe_fn fn;
	void *arg;
	struct au_thread *thread;
	struct au_sem *free_slots, *full_slots;
	struct slot slot[AU_PIPE_SLOTS];
	unsigned w;		/* caller: the slot being filled */
	unsigned r;		/* worker: the next slot to consume */
	int holding;		/* caller: slot[w] was taken from free_slots */
	atomic_int err;		/* the consumer's first error, 0 */
	atomic_int stop;	/* au_pipe_cancel(): consume nothing more */
	struct au_diag diag;	/* the consumer's; read after the join */
	uint8_t *mem;		/* AU_PIPE_SLOTS * AU_PIPE_SLOT_BYTES */
};

static void
worker(void *arg)
{
	struct au_pipe *p = arg;
	struct slot *s;
	int last, rc;

	do {
		au_sem_wait(p->full_slots);
		s = &p->slot[p->r];
		p->r = (p->r + 1) % AU_PIPE_SLOTS;
		last = s->last;
		if (s->len > 0 && atomic_load(&p->err) == 0 &&
		    atomic_load(&p->stop) == 0) {
			rc = p->fn(p->arg, s->buf, s->len, &p->diag);
			if (rc != 0)
				atomic_store(&p->err, rc);
		}
		au_sem_post(p->free_slots);
	} while (!last);
}

static void
pipe_free(struct au_pipe *p)
{
	au_sem_free(p->free_slots);
	au_sem_free(p->full_slots);
	free(p->mem);
	free(p);
}

int
au_pipe_new(au_pipe_fn fn, void *arg, struct au_pipe **out,
    struct au_diag *diag)
{
	struct au_pipe *p = calloc(1, sizeof(*p));
	unsigned i;
	int rc;

	if (p == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	p->fn = fn;
	p->arg = arg;
	atomic_init(&p->err, 0);
	atomic_init(&p->stop, 0);
	/* What earlier phases freed leaves the RSS before the ring joins
	 * it (-0.1 to -0.4 MiB of peak RSS).  Page-aligned slots: the
	 * consumer may write them with O_DIRECT (port.h au_file_direct). */
	au_mem_trim();
	p->mem = aligned_alloc(AU_FILE_DIRECT_ALIGN,
	    (size_t)AU_PIPE_SLOTS * AU_PIPE_SLOT_BYTES);
	rc = p->mem == NULL ? au_diag_set(diag, AU_ENOMEM, "out of memory") :
	    au_sem_new(AU_PIPE_SLOTS, &p->free_slots, diag);
	if (rc == 0)
		rc = au_sem_new(0, &p->full_slots, diag);
	for (i = 0; rc == 0 && i < AU_PIPE_SLOTS; i++)
		p->slot[i].buf = p->mem + (size_t)i * AU_PIPE_SLOT_BYTES;
	if (rc == 0)
		rc = au_thread_start(worker, p, &p->thread, diag);
	if (rc != 0) {
		pipe_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* The slot the caller fills, taken from the worker's side when needed. */
static struct slot *
take(struct au_pipe *p)
{
	struct slot *s = &p->slot[p->w];

	if (!p->holding) {
		au_sem_wait(p->free_slots);
		p->holding = 1;
		s->len = 0;
		s->last = 0;
	}
	return s;
}

static void
hand_over(struct au_pipe *p, int last)
{
	struct slot *s = take(p);

	s->last = last;
	p->holding = 0;
	p->w = (p->w + 1) % AU_PIPE_SLOTS;
	au_sem_post(p->full_slots);
}

int
au_pipe_space(struct au_pipe *p, uint8_t **buf, size_t *len)
{
	struct slot *s;
	int rc = atomic_load(&p->err);

	if (rc != 0)
		return rc;
	s = take(p);
	*buf = s->buf + s->len;
	*len = AU_PIPE_SLOT_BYTES - s->len;
	return 0;
}

int
au_pipe_commit(struct au_pipe *p, size_t n)
{
	struct slot *s = take(p);

	s->len += n;
	if (s->len == AU_PIPE_SLOT_BYTES)
		hand_over(p, 0);
	return atomic_load(&p->err);
}

int
au_pipe_push(struct au_pipe *p, const uint8_t *buf, size_t len)
{
	uint8_t *dst;
	size_t n;
	int rc;

	while (len > 0) {
		rc = au_pipe_space(p, &dst, &n);
		if (rc != 0)
			return rc;
		if (n > len)
			n = len;
		memcpy(dst, buf, n);
		buf += n;
		len -= n;
		rc = au_pipe_commit(p, n);
		if (rc != 0)
			return rc;
	}
	return atomic_load(&p->err);
}

/* The held slot (maybe empty) goes last; the worker ends after it. */
static int
stop_worker(struct au_pipe *p)
{
	hand_over(p, 1);
	au_thread_join(p->thread);
	return atomic_load(&p->err);
}

int
au_pipe_finish(struct au_pipe *p, struct au_diag *diag)
{
	int rc = stop_worker(p);

	if (rc != 0 && diag != NULL)
		*diag = p->diag;
	pipe_free(p);
	return rc;
}

int
au_pipe_cancel(struct au_pipe *p, struct au_diag *diag)
{
	if (p == NULL)
		return 0;
	atomic_store(&p->stop, 1);
	return au_pipe_finish(p, diag);
}
