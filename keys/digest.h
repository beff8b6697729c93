/* SPDX-License-Identifier: ISC */
/*
 * keys/digest.h - the SHA-256 (FIPS 180-4) computed over an artifact's
 * bytes while they stream in: each byte is hashed once (issue 7).  It lives in
 * keys/ (the lowest layer that may link a crypto library) so that the client,
 * the publisher and manifest/chunk_index.c (chunk ids, issue 13) hash through
 * this one copy.
 *
 * Which hashes an artifact is checked with (client/install/store.h): every
 * supported hash the signed target lists must match (SHA-256 and SHA-512);
 * SHA-256 is always computed, as it names the store directory.  Each byte is
 * hashed once when the target lists SHA-256 alone, which is what
 * aiupdate-repo publishes; a repository that also lists SHA-512 costs a
 * second hash (libsodium SHA-512, in the pipeline's worker thread).
 *
 * Why SHA-256, measured on the bench machine (Xeon with SHA extensions,
 * 2 cores, 64 KiB blocks from memory, MB/s):
 *
 *   Nettle 3.8 SHA-256   1,150-1,200  (SHA-NI, chosen at run time)
 *   libsodium SHA-256      240-280    (portable C)
 *   libsodium SHA-512      370-425    (64-bit C: faster without SHA-NI)
 *   Nettle SHA-256, SHA-NI off (NETTLE_FAT_OVERRIDE=none)  240-270
 *   mbedTLS ChaCha20-Poly1305 decryption (the TLS reader)  ~300
 *
 * The store is content-addressed by SHA-256, so verifying SHA-256 costs
 * one hash where SHA-512 would cost two; with the CPU's SHA-2 instructions
 * (x86 SHA-NI, ARMv8 SHA2: Nettle's "fat" build picks them at run time) it
 * is 3-4x faster than the TLS decryption it runs beside, and on 32-bit ARM
 * SHA-256 is the faster of the two anyway.  Only on a 64-bit CPU without
 * SHA instructions would SHA-512 be faster (~1.5x); there the worker thread
 * (client/fetch/pipeline.h) still keeps up with a ~300 MB/s TLS reader only just.
 *
 * The implementation is the one compile-time decision: Nettle (default;
 * libnettle is already in the closure through libunbound), or libsodium's
 * portable SHA-256 with -DAU_SHA256_SODIUM (Makefile: SHA256=sodium, used
 * when a cross build has no Nettle development files).
 */
#ifndef AU_DIGEST_H
#define AU_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define AU_SHA256_BYTES 32
#define AU_SHA256_STATE_BYTES 128	/* room for either library's state */

/* An incremental SHA-256; a value (copy or discard freely). */
struct au_sha256 {
	union {
		uint64_t align;
		unsigned char raw[AU_SHA256_STATE_BYTES];
	} u;
};

void au_sha256_init(struct au_sha256 *h);
void au_sha256_update(struct au_sha256 *h, const void *buf, size_t len);
/* The digest of everything added; h must be initialised again to reuse. */
void au_sha256_final(struct au_sha256 *h, uint8_t out[AU_SHA256_BYTES]);
/* "nettle" or "libsodium": the implementation built in (static string). */
const char *au_sha256_impl(void);

#endif
