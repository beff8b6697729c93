/* SPDX-License-Identifier: ISC */
/*
 * manifest/chunk_index.h - the chunk index of a chunked target (issue 13;
 * the format byte by byte: docs/chunk-index.md).  The index is its own TUF
 * target "NAME.cidx", so its length and hashes are signed in targets
 * metadata like any target's (TUF 1.0 section 5.7.3 is what makes its bytes
 * trusted; nothing here verifies a signature).  It lists the chunks of the
 * artifact as manifest/cdc.h cuts them, each with the SHA-256 of its bytes.
 * A device uses it as a hint only: the file it builds is installed after
 * the artifact's own signed length and hashes match.
 *
 * Binary, big-endian:
 *   head, AU_CIDX_HEAD = 64 bytes:
 *     0  magic "AUCIDX1\n"          8 bytes
 *     8  file_length                u64  bytes of the artifact
 *    16  chunk_count                u32
 *    20  min, avg, max              u32 each: AU_CDC_MIN, _AVG, _MAX
 *    32  hash_alg                   u8   AU_CIDX_SHA256 (1)
 *    33  zero                       31 bytes, all 0 (to byte 63)
 *   then chunk_count records of AU_CIDX_REC = 36 bytes:
 *     0  length                     u32  1..AU_CDC_MAX
 *     4  sha256                     32 bytes of the chunk's SHA-256
 * A chunk's offset is the sum of the lengths before it; the lengths sum to
 * file_length.  The empty file has no chunk (an index of 64 bytes).
 */
#ifndef AU_CHUNK_INDEX_H
#define AU_CHUNK_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "manifest/cdc.h"
#include "port/err.h"

struct au_file;		/* port/port.h */

#define AU_CIDX_HEAD 64		/* bytes of the head */
#define AU_CIDX_REC 36		/* bytes of one chunk record */
#define AU_CIDX_MAGIC "AUCIDX1\n"	/* 8 bytes, no NUL in the file */
#define AU_CIDX_SHA256 1	/* hash_alg: SHA-256 (FIPS 180-4) */
#define AU_CIDX_READ_BUF AU_CDC_MAX	/* bytes au_cidx_stream reads at once */
/* Largest in-memory index au_cidx_build() makes: 64 + 36 * 2^22 bytes, a
 * file of 2^22 chunks (>= 64 GiB of file at the minimum chunk size). */
#define AU_CIDX_BUILD_MAX_CHUNKS (1u << 22)

/* The head's variable fields (magic, parameters and hash_alg are fixed). */
struct au_cidx_head {
	uint64_t file_length;	/* bytes of the artifact */
	uint32_t count;		/* chunk records that follow */
	uint32_t min, avg, max;	/* the chunker's parameters (AU_CDC_*) */
};

/*
 * Parse and check a head.  index_len is the length of the whole index file
 * (the signed length of the NAME.cidx target).  On success *out holds the
 * head (min/avg/max are then AU_CDC_MIN/AVG/MAX).
 * Errors (diag names the field): AU_EMETA_MALFORMED when the magic is not
 * AU_CIDX_MAGIC, min/avg/max are not this chunker's, hash_alg is not
 * AU_CIDX_SHA256, a zero byte is not zero, index_len != 64 + 36 * count,
 * or count is impossible for file_length (count > file_length / min + 1,
 * count * max < file_length, count == 0 with file_length > 0, or count > 0
 * with file_length == 0).  *out is untouched on error.
 */
AU_NODISCARD int au_cidx_head_parse(const uint8_t buf[AU_CIDX_HEAD],
    uint64_t index_len, struct au_cidx_head *out, struct au_diag *d);

/*
 * Parse one record: *len its chunk's length, sha256 its 32-byte SHA-256.
 * Errors: AU_EMETA_MALFORMED when the length is 0 or over AU_CDC_MAX
 * (outputs untouched).  Whether the lengths sum to the head's file_length
 * is the caller's check (au_cidx_check() does it for a whole index).
 */
AU_NODISCARD int au_cidx_rec_parse(const uint8_t rec[AU_CIDX_REC],
    uint32_t *len, uint8_t sha256[32], struct au_diag *d);

/* Write a head with h's file_length and count; magic, AU_CDC_* parameters
 * (h's min/avg/max are ignored), hash_alg and the zero bytes are fixed. */
void au_cidx_head_write(uint8_t out[AU_CIDX_HEAD],
    const struct au_cidx_head *h);

/* Write one record. */
void au_cidx_rec_write(uint8_t out[AU_CIDX_REC], uint32_t len,
    const uint8_t sha256[32]);

/*
 * A byte source: up to cap bytes into buf, *got 0 at end of stream.
 * Returns 0 or a negative AU_E* code, which au_cidx_stream returns as is.
 */
typedef int (*au_cidx_read_fn)(void *arg, uint8_t *buf, size_t cap,
    size_t *got);

/*
 * Called once per chunk, in order: off its offset in the stream, len its
 * bytes (1..AU_CDC_MAX), sha256 its SHA-256 (valid during the call only).
 * A non-zero return stops au_cidx_stream, which returns it.
 */
typedef int (*au_cidx_chunk_fn)(void *arg, uint64_t off, uint32_t len,
    const uint8_t sha256[32]);

/*
 * Chunk the stream rd gives with au_cdc and call fn per chunk.  Memory: one
 * heap buffer of AU_CIDX_READ_BUF bytes and a SHA-256 state, whatever the
 * stream's length; each byte is read, scanned and hashed once.
 * Errors: AU_ENOMEM; whatever rd or fn returned (a non-zero fn return that
 * is positive is returned as is too); diag is set for AU_ENOMEM only (rd's
 * and fn's own diagnostics are theirs to keep).
 */
AU_NODISCARD int au_cidx_stream(au_cidx_read_fn rd, void *rarg,
    au_cidx_chunk_fn fn, void *farg, struct au_diag *d);

/*
 * The whole index of a stream in memory (the publisher, tests, the bench):
 * *out a malloc'd buffer of *out_len = 64 + 36 * count bytes, owned by the
 * caller (free()).  Errors: AU_ENOMEM, AU_ETOOBIG (more than
 * AU_CIDX_BUILD_MAX_CHUNKS chunks), whatever rd returned; outputs untouched
 * on error.
 */
AU_NODISCARD int au_cidx_build(au_cidx_read_fn rd, void *rarg,
    uint8_t **out, size_t *out_len, struct au_diag *d);

/*
 * Check a whole index in memory: the head (au_cidx_head_parse with
 * index_len = len), every record (au_cidx_rec_parse), the lengths summing
 * to file_length, and every chunk but the last at least AU_CDC_MIN (what
 * this chunker makes).  *out (may be NULL) gets the head on success.
 * Errors: AU_EMETA_MALFORMED (diag names the record), outputs untouched.
 */
AU_NODISCARD int au_cidx_check(const uint8_t *buf, size_t len,
    struct au_cidx_head *out, struct au_diag *d);

/* An au_cidx_read_fn over a port/ file (port/port.h): arg is a
 * struct au_cidx_file (caller-owned, as its file).  Errors: au_file_read's
 * (AU_EIO), its message in the struct's diag (may be NULL). */
struct au_cidx_file {
	struct au_file *f;	/* open for reading; not owned */
	struct au_diag *diag;
};
int au_cidx_file_read(void *arg, uint8_t *buf, size_t cap, size_t *got);

#endif
