/* SPDX-License-Identifier: ISC */
/*
 * client/fetch/pipeline.h - a two-thread pipeline for a download (issue 7): the
 * caller's thread receives (TLS decryption: the bottleneck) into a ring of
 * AU_PIPE_SLOTS fixed, page-aligned buffers of AU_PIPE_SLOT_BYTES (straight
 * into a slot with au_pipe_space/au_pipe_commit, or copied by au_pipe_push);
 * a worker thread hands each full buffer to a consumer (hash + write:
 * client/install/store.h au_stage_write).  The two stages overlap, so a download
 * takes about as long as its slowest stage instead of the sum of all, and
 * the memory is constant: AU_PIPE_SLOTS * AU_PIPE_SLOT_BYTES (1 MiB) plus
 * one AU_THREAD_STACK, whatever the artifact's size.
 *
 * Bytes reach the consumer in order, in pieces of at most
 * AU_PIPE_SLOT_BYTES, one call at a time, on the worker thread: whatever
 * the consumer touches must not be used by the caller between
 * au_pipe_new() and au_pipe_finish() / au_pipe_cancel() (which join the
 * worker, so afterwards it may).
 */
#ifndef AU_PIPELINE_H
#define AU_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

/*
 * The ring's size: every hand-over of a slot may wake the other thread,
 * and on the bench machine (a VM: a wake-up is an inter-processor
 * interrupt) that costs ~25 us, so slots are large.  Wall time of a 1 GiB
 * apply against the bare mbedTLS GET (same run, 3 rounds each):
 * 4 x 64 KiB 1.16-1.21, 4 x 128 KiB 1.02-1.18, 8 x 128 KiB 0.99-1.18,
 * 2 x 512 KiB 1.03-1.06, 4 x 256 KiB 0.95-1.10 (peak RSS +0.7 MiB over
 * 4 x 64 KiB).
 */
#define AU_PIPE_SLOTS 4
#define AU_PIPE_SLOT_BYTES (256u << 10)

/* The consumer: 0 to go on, or a negative AU_E* that stops the pipeline. */
typedef int (*au_pipe_fn)(void *arg, const uint8_t *buf, size_t len,
    struct au_diag *diag);

struct au_pipe;		/* opaque; owned by the caller of au_pipe_new() */

/*
 * Allocate the ring and start the worker, which calls fn(arg, ...).
 * Errors: AU_ENOMEM (memory, or the OS refused a thread or semaphore).
 */
AU_NODISCARD int au_pipe_new(au_pipe_fn fn, void *arg, struct au_pipe **out,
    struct au_diag *diag);

/*
 * Copy len bytes into the ring, waiting while it is full.  Returns 0, or
 * the consumer's first error once it has failed (nothing more is consumed:
 * stop pushing, then call au_pipe_finish or au_pipe_cancel for its diag).
 */
AU_NODISCARD int au_pipe_push(struct au_pipe *p, const uint8_t *buf,
    size_t len);

/*
 * Zero-copy filling (issue 15): *buf and *len (> 0) are the free part of
 * the slot being filled, waiting while the ring is full; the caller
 * writes up to *len bytes there (e.g. TLS decrypts into it) and then
 * calls au_pipe_commit() with how many it wrote, before any other call
 * on p.  au_pipe_push() is these two calls around a memcpy.  Returns 0,
 * or the consumer's first error (as au_pipe_push).
 */
AU_NODISCARD int au_pipe_space(struct au_pipe *p, uint8_t **buf,
    size_t *len);

/*
 * n (at most the *len of the last au_pipe_space; 0 is fine) bytes were
 * written at its *buf: they join the queue, and a full slot goes to the
 * worker.  Returns 0, or the consumer's first error.
 */
AU_NODISCARD int au_pipe_commit(struct au_pipe *p, size_t n);

/*
 * Hand the consumer everything pushed, wait until it is done, stop the
 * worker and free p.  Returns 0, or the consumer's first error with the
 * consumer's diag copied into diag.
 */
AU_NODISCARD int au_pipe_finish(struct au_pipe *p, struct au_diag *diag);

/*
 * Stop at once: the consumer is not called again (bytes still queued are
 * dropped), the worker is joined, p freed.  Returns what au_pipe_finish()
 * would: 0 (also for p NULL), or the consumer's first error with its diag.
 */
int au_pipe_cancel(struct au_pipe *p, struct au_diag *diag);

#endif
