/* SPDX-License-Identifier: ISC */
/*
 * client/fetch/delta_int.h - the parts of a delta update (delta.h), one file
 * per job: delta.c decides (local version, index, plan, fallback),
 * delta_table.c holds the local chunks, delta_build.c builds the new file.
 */
#ifndef AU_DELTA_INT_H
#define AU_DELTA_INT_H

#include <stddef.h>
#include <stdint.h>

#include "client/fetch/delta.h"
#include "client/transport/http.h"
#include "manifest/chunk_index.h"
#include "port/port.h"

/* ---- delta_table.c: the local file's chunks ---- */

/*
 * The chunks of a local file as a sorted array of 12-byte entries: 48 bits
 * of the chunk's SHA-256 (its first 6 bytes) and its 48-bit offset.  The
 * truncated id only finds candidates: a chunk is used only after its bytes
 * hash to the full id (delta_build.c).  The length is not kept: a match
 * copies the new index's length, and the hash check covers it.
 */
struct au_delta_table;

/*
 * Chunk the open file f (size bytes, read from its current position to its
 * end) with au_cidx_stream and keep its chunks.  *out owns the table
 * (au_delta_table_free).  Errors: AU_ENOMEM, AU_EIO (reading f),
 * AU_EINTERNAL (more chunks than the chunker can make of size bytes: the
 * file grew while read).
 */
AU_NODISCARD int au_delta_table_build(struct au_file *f, uint64_t size,
    struct au_delta_table **out, struct au_diag *diag);
void au_delta_table_free(struct au_delta_table *t);	/* NULL is fine */
/*
 * The parts of au_delta_table_build, for tests and tests/tools/delta_rss.c:
 * an empty table for a file of size bytes (sized for its expected chunk
 * count), entries added in any order (AU_ENOMEM; AU_EINTERNAL past the
 * chunk count size allows), then sorted once before any lookup.
 */
AU_NODISCARD int au_delta_table_new(uint64_t size,
    struct au_delta_table **out, struct au_diag *diag);
AU_NODISCARD int au_delta_table_add(struct au_delta_table *t,
    const uint8_t sha256[32], uint64_t off, struct au_diag *diag);
void au_delta_table_sort(struct au_delta_table *t);
size_t au_delta_table_count(const struct au_delta_table *t);
size_t au_delta_table_bytes(const struct au_delta_table *t);	/* allocated */

/*
 * The candidates for chunk id sha: *it starts at 0; each call that returns
 * 1 sets *off to the next offset of a local chunk whose id starts as sha's;
 * 0 when there is none (more).
 */
int au_delta_table_next(const struct au_delta_table *t, const uint8_t sha[32],
    size_t *it, uint64_t *off);

/* ---- delta_build.c: the new file, chunk by chunk ---- */

/* The new index read record by record from its (verified) file. */
struct au_delta_index {
	struct au_file *f;
	struct au_cidx_head head;
	uint32_t next;			/* records read */
	size_t pos, len;		/* unread bytes in buf[pos..len) */
	uint8_t buf[AU_CIDX_REC * 112];
};

/*
 * Move to the first record.  Errors: AU_EIO.
 */
AU_NODISCARD int au_delta_index_rewind(struct au_delta_index *x,
    struct au_diag *diag);
/*
 * The next record: 1 and *len, sha set; 0 after the last; or
 * AU_EMETA_MALFORMED (a bad record, the file shorter than its head says),
 * AU_EIO.
 */
AU_NODISCARD int au_delta_index_next(struct au_delta_index *x, uint32_t *len,
    uint8_t sha[32], struct au_diag *diag);

/* Everything the build needs; filled by delta.c. */
struct au_delta_build {
	const struct au_delta_job *j;
	struct au_delta_report *rep;
	struct au_delta_index *idx;
	struct au_file *local;		/* the local version, or NULL */
	const struct au_delta_table *table;	/* its chunks, or NULL */
	struct au_stage *st;		/* the new file, from au_stage_resume */
	uint64_t pos;			/* bytes the stage holds */
	char validator[AU_HTTP_VALIDATOR_MAX + 1];	/* If-Range, or "" */
};

/*
 * The bytes of the new file that no local chunk offers (after the stage's
 * b->pos): what the delta would fetch.  Checks too that the records sum to
 * the head's file_length.  Errors: au_delta_index_next's.
 */
AU_NODISCARD int au_delta_plan(struct au_delta_build *b, uint64_t *to_move,
    struct au_diag *diag);

/*
 * Write every chunk after b->pos into b->st: copied from b->local when a
 * candidate hashes to its id, else fetched with ranges of up to
 * AU_DELTA_RUN_CHUNKS adjacent missing chunks (one GET each, on the
 * source's keep-alive connection), each chunk hashed as it arrives; a
 * wrong one is fetched once more.  Counts go to b->rep.  Returns 0 (every
 * byte written; the caller commits), AU_DELTA_FALLBACK (the server
 * answered 200 to a range), AU_EART_HASH (a chunk wrong twice), or the
 * errors of the source, the stage, the index and the local file.
 */
AU_NODISCARD int au_delta_build_run(struct au_delta_build *b,
    struct au_diag *diag);

#endif
