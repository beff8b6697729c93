/* SPDX-License-Identifier: ISC */
/*
 * bench/cidxdiff.c - what a device holding OLD would fetch to build NEW
 * from NEW's chunk index (issue 13; the publisher-side figure of the delta
 * bench, bench/delta.sh).
 *
 *   cidxdiff OLD NEW
 *
 * OLD and NEW are files, or their chunk indexes (manifest/chunk_index.h:
 * recognised by the magic; a file is chunked here with au_cidx_stream, as
 * the publisher and the device do).  A chunk of NEW is reused when a chunk
 * of OLD has the same SHA-256 (a device copies it from its local file),
 * else fetched; adjacent fetched chunks make one HTTP range.  Prints one
 * line:
 *   cidxdiff: new_bytes=N chunks=N reused_chunks=N reused_bytes=N
 *     fetch_chunks=N fetch_bytes=N ranges=N index_bytes=N
 * index_bytes is the length of NEW's index (the NAME.cidx target a device
 * fetches first).  Exit 0, or 1 with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/chunk_index.h"
#include "port/port.h"

#include "port/ban.h"

/* The index of path: its bytes if it is one, else computed from it. */
static int
load(const char *path, uint8_t **out, size_t *len, struct au_diag *d)
{
	struct au_cidx_file src = { NULL, d };
	uint8_t magic[8];
	size_t got = 0;
	int rc;

	if ((rc = au_file_open_read(path, &src.f, d)) != 0)
		return rc;
	rc = au_file_read(src.f, magic, sizeof(magic), &got, d);
	if (rc == 0 && got == 8 && memcmp(magic, AU_CIDX_MAGIC, 8) == 0) {
		(void)au_file_close(src.f);
		if ((rc = au_file_read_all(path, 1u << 30, out, len, d)) != 0)
			return rc;
		return au_cidx_check(*out, *len, NULL, d);
	}
	if (rc == 0)
		rc = au_file_rewind(src.f, d);
	if (rc == 0)
		rc = au_cidx_build(au_cidx_file_read, &src, out, len, d);
	(void)au_file_close(src.f);
	return rc;
}

static int
cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

int
main(int argc, char **argv)
{
	uint8_t *oi = NULL, *ni = NULL, *ids, *rec;
	size_t ol = 0, nl = 0, no, nn, i;
	unsigned long long reused = 0, rbytes = 0, fetch = 0, fbytes = 0;
	unsigned long long ranges = 0, total = 0;
	struct au_diag d = { "", 0 };
	int prev_fetched = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: cidxdiff OLD NEW\n");
		return 1;
	}
	if (load(argv[1], &oi, &ol, &d) != 0 || load(argv[2], &ni, &nl, &d) != 0) {
		fprintf(stderr, "cidxdiff: %s\n", d.msg);
		return 1;
	}
	no = (ol - AU_CIDX_HEAD) / AU_CIDX_REC;
	nn = (nl - AU_CIDX_HEAD) / AU_CIDX_REC;
	if ((ids = malloc(no * 32 + 1)) == NULL)
		return 1;
	for (i = 0; i < no; i++)
		memcpy(ids + 32 * i, oi + AU_CIDX_HEAD + AU_CIDX_REC * i + 4, 32);
	qsort(ids, no, 32, cmp_id);
	for (i = 0; i < nn; i++) {
		uint32_t len;
		uint8_t md[32];

		rec = ni + AU_CIDX_HEAD + AU_CIDX_REC * i;
		if (au_cidx_rec_parse(rec, &len, md, NULL) != 0)
			return 1;
		total += len;
		if (bsearch(md, ids, no, 32, cmp_id) != NULL) {
			reused++;
			rbytes += len;
			prev_fetched = 0;
			continue;
		}
		fetch++;
		fbytes += len;
		ranges += !prev_fetched;
		prev_fetched = 1;
	}
	printf("cidxdiff: new_bytes=%llu chunks=%zu reused_chunks=%llu "
	    "reused_bytes=%llu fetch_chunks=%llu fetch_bytes=%llu ranges=%llu "
	    "index_bytes=%zu\n", total, nn, reused, rbytes, fetch, fbytes,
	    ranges, nl);
	free(ids);
	free(oi);
	free(ni);
	return 0;
}
