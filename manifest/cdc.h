/* SPDX-License-Identifier: ISC */
/*
 * manifest/cdc.h - the content-defined chunker of chunked targets (issue 13):
 * FastCDC (W. Xia et al., "FastCDC: a Fast and Efficient Content-Defined
 * Chunking Approach for Data Deduplication", USENIX ATC 2016): a gear
 * rolling hash, cut-point skipping below the minimum size and a one-sided
 * normalized chunking (below).  The publisher and the device must cut the
 * same bytes at the same places, so every constant here is part of the
 * chunk index format (docs/chunk-index.md) and is checked in its header.
 *
 * The hash: fp = (fp << 1) + au_cdc_gear[byte], over 64-bit words, so bit k
 * of fp depends on the last k + 1 bytes only and fp depends on the last 64
 * bytes (the window).  A chunk of n bytes (n counts its bytes so far) ends
 * after the current byte when
 *   n == AU_CDC_MAX, or
 *   n >= AU_CDC_MIN and (fp & mask) == 0, mask = AU_CDC_MASK_S while
 *   n < AU_CDC_AVG (16 bits: a cut has probability 1/AVG at each byte),
 *   else AU_CDC_MASK_L (14 bits: 4x as likely, which shortens the tail
 *   toward AU_CDC_MAX as FastCDC's level-2 large mask does).
 * Why not FastCDC's symmetric level 2 (18 bits before AVG, 14 after): the
 * cut decision then depends on n, so after a changed region the old and
 * the new version stay out of phase longer; on 80-100 changed regions of
 * 128 MiB it fetched 23-36% more than casync, this rule 1-5% less
 * (docs/chunk-index.md has the figures).
 * The masks are the top bits of fp (bits 48..63 and 50..63), each mixing the
 * last 49 to 64 bytes.  Bytes before n = AU_CDC_MIN - 64 of a chunk are not
 * hashed at all: their contribution would have been shifted out of fp by the
 * first cut-point candidate (FastCDC's "cut-point skipping"), so skipping
 * them changes no cut.  On random data the chunks average ~57 KiB (the
 * minimum and the tail mask balance near AVG; tests/unit/test_cdc.c
 * measures it).
 *
 * The gear table: 256 words of SplitMix64 (Steele, Lea, Flood, OOPSLA 2014,
 * the generator java.util.SplittableRandom uses) from the seed
 * 0x6169757064617465 (ASCII "aiupdate"): state += 0x9e3779b97f4a7c15;
 * z = state; z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9;
 * z = (z ^ z >> 27) * 0x94d049bb133111eb; entry = z ^ z >> 31.
 * Checked in (cdc.c); test_cdc regenerates it and compares.
 *
 * A value type, no allocation, no OS call; the chunker itself cannot fail.
 */
#ifndef AU_CDC_H
#define AU_CDC_H

#include <stddef.h>
#include <stdint.h>

#define AU_CDC_MIN 16384u	/* bytes: no chunk but a file's last is shorter */
#define AU_CDC_AVG 65536u	/* bytes: FastCDC's "normal size" (2^16) */
#define AU_CDC_MAX 262144u	/* bytes: no chunk is longer (a forced cut) */
#define AU_CDC_MASK_S 0xffff000000000000ULL	/* top 16 bits, n < AVG */
#define AU_CDC_MASK_L 0xfffc000000000000ULL	/* top 14 bits, n >= AVG */
#define AU_CDC_GEAR_SEED 0x6169757064617465ULL	/* "aiupdate", SplitMix64 */

/* The gear table (above): public constants, part of the index format. */
extern const uint64_t au_cdc_gear[256];

/*
 * The chunker's state between two buffers: fp the gear hash, n the bytes of
 * the current chunk seen so far.  A value: copy or discard freely.
 */
struct au_cdc {
	uint64_t fp;
	uint64_t n;
};

/* Start a new chunk (the start of a file).  Never fails. */
void au_cdc_init(struct au_cdc *c);

/*
 * Scan the next bytes of the stream, buf[0..len) with len > 0 (len 0 returns
 * 0 and sets *cut = 0).  Returns k, the bytes consumed, 1 <= k <= len:
 * *cut = 1 when a chunk ends after buf[k - 1] (c is then reset for the next
 * chunk); *cut = 0 when k == len and the chunk goes on into the next buffer.
 * The last chunk of a file ends at its end: the caller's decision.  Cuts
 * depend on the bytes only, never on how they are split into buffers.
 */
size_t au_cdc_scan(struct au_cdc *c, const uint8_t *buf, size_t len,
    int *cut);

#endif
