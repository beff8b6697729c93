/* SPDX-License-Identifier: ISC */
/*
 * tests/tools/delta_rss.c - the memory of a delta update's tables for a
 * large model (client/fetch/delta.h, issue 13): a synthetic local table of
 * CHUNKS chunks (au_delta_table_new/add/sort, as au_delta_table_build fills
 * it) and a synthetic new index of CHUNKS records of 64 KiB in a file,
 * streamed by au_delta_plan as the build does (half of its chunks found
 * locally).  Prints the peak RSS (VmHWM) before, after the table and after
 * the plan, and the table's bytes.  CHUNKS defaults to 131072: an 8 GiB
 * model at the chunker's 64 KiB average.
 *
 * usage: delta_rss DIR [CHUNKS]     (DIR: scratch for the index file)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/fetch/delta_int.h"
#include "manifest/cdc.h"

static long
hwm_kib(void)
{
	char line[256];
	long v = -1;
	FILE *fp = fopen("/proc/self/status", "r");

	while (fp != NULL && fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &v) == 1)
			break;
	if (fp != NULL)
		fclose(fp);
	return v;
}

static void
id_of(uint32_t i, uint8_t out[32])
{
	uint64_t s = 0x9e3779b97f4a7c15ULL * (i + 1);
	int k;

	for (k = 0; k < 32; k++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		out[k] = (uint8_t)(s >> 32);
	}
}

static int
write_index(const char *path, uint32_t n, struct au_diag *d)
{
	struct au_cidx_head h = { (uint64_t)n * AU_CDC_AVG, n, AU_CDC_MIN,
	    AU_CDC_AVG, AU_CDC_MAX };
	uint8_t head[AU_CIDX_HEAD], rec[AU_CIDX_REC], id[32];
	struct au_file *f = NULL;
	uint32_t i;
	int rc;

	au_cidx_head_write(head, &h);
	rc = au_file_create(path, 0600, &f, d);
	if (rc == 0)
		rc = au_file_write(f, head, sizeof(head), d);
	for (i = 0; rc == 0 && i < n; i++) {
		/* even records: chunks of the local table; odd: new ones */
		id_of(i % 2 == 0 ? i : i + 0x80000000u, id);
		au_cidx_rec_write(rec, AU_CDC_AVG, id);
		rc = au_file_write(f, rec, sizeof(rec), d);
	}
	if (au_file_close(f) != 0 && rc == 0)
		rc = AU_EIO;
	return rc;
}

int
main(int argc, char **argv)
{
	struct au_delta_index *x = calloc(1, sizeof(*x));
	struct au_delta_table *t = NULL;
	struct au_delta_report rep;
	struct au_delta_build b;
	struct au_diag d = { "", 0 };
	uint32_t n = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 131072;
	uint8_t id[32], head[AU_CIDX_HEAD];
	uint64_t to_move = 0;
	long base, after_table;
	char path[4096];
	size_t got;
	uint32_t i;

	if (argc < 2 || x == NULL || n == 0) {
		fprintf(stderr, "usage: delta_rss DIR [CHUNKS]\n");
		return 2;
	}
	(void)snprintf(path, sizeof(path), "%s/new.cidx", argv[1]);
	if (write_index(path, n, &d) != 0) {
		fprintf(stderr, "delta_rss: %s\n", d.msg);
		return 1;
	}
	base = hwm_kib();
	if (au_delta_table_new((uint64_t)n * AU_CDC_AVG, &t, &d) != 0)
		return 1;
	for (i = 0; i < n; i++) {
		id_of(i, id);
		if (au_delta_table_add(t, id, (uint64_t)i * AU_CDC_AVG, &d) != 0)
			return 1;
	}
	au_delta_table_sort(t);
	after_table = hwm_kib();
	memset(&b, 0, sizeof(b));
	memset(&rep, 0, sizeof(rep));
	b.rep = &rep;
	b.idx = x;
	b.table = t;
	if (au_file_open_read(path, &x->f, &d) != 0 ||
	    au_file_read(x->f, head, sizeof(head), &got, &d) != 0 ||
	    au_cidx_head_parse(head, AU_CIDX_HEAD + (uint64_t)n * AU_CIDX_REC,
	    &x->head, &d) != 0 || au_delta_plan(&b, &to_move, &d) != 0) {
		fprintf(stderr, "delta_rss: %s\n", d.msg);
		return 1;
	}
	printf("chunks=%u file_bytes=%llu index_bytes=%llu table_bytes=%zu "
	    "to_move=%llu\n", n, (unsigned long long)x->head.file_length,
	    (unsigned long long)(AU_CIDX_HEAD + (uint64_t)n * AU_CIDX_REC),
	    au_delta_table_bytes(t), (unsigned long long)to_move);
	printf("peak_rss_kib before=%ld after_table=%ld after_plan=%ld "
	    "delta_kib=%ld\n", base, after_table, hwm_kib(), hwm_kib() - base);
	au_file_close(x->f);
	au_delta_table_free(t);
	free(x);
	(void)remove(path);
	return to_move == (uint64_t)(n / 2) * AU_CDC_AVG ? 0 : 1;
}
