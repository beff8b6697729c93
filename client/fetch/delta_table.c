/* SPDX-License-Identifier: ISC */
/* client/fetch/delta_table.c - the local file's chunks (delta_int.h). */
#include "client/fetch/delta_int.h"

#include <stdlib.h>
#include <string.h>

#include "manifest/cdc.h"

#include "port/ban.h"

/*
 * w[0]: id bytes 0-3; w[1]: id bytes 4-5, then offset bits 47-32;
 * w[2]: offset bits 31-0.  Sorted as (w[0], w[1], w[2]): by id, then by
 * offset, so the candidates of one id are adjacent and in file order.
 */
struct ent {
	uint32_t w[3];
};

struct au_delta_table {
	struct ent *e;
	size_t n, cap;
	size_t max;		/* chunks the chunker can make of the file */
};

struct build {
	struct au_delta_table *t;
	struct au_diag *diag;
};

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
key_of(const uint8_t sha[32], uint32_t *k0, uint32_t *k1)
{
	*k0 = be32(sha);
	*k1 = (uint32_t)sha[4] << 8 | sha[5];
}

static int
grow(struct au_delta_table *t, size_t max, struct au_diag *diag)
{
	size_t cap = t->cap + t->cap / 2 + 16;
	struct ent *e;

	if (cap > max)
		cap = max;
	if (cap <= t->n)
		return au_diag_set(diag, AU_EINTERNAL, "the local file gave "
		    "more chunks than its size allows (it grew while read)");
	e = realloc(t->e, cap * sizeof(*e));
	if (e == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory for %zu "
		    "local chunks", cap);
	t->e = e;
	t->cap = cap;
	return 0;
}

int
au_delta_table_add(struct au_delta_table *t, const uint8_t sha256[32],
    uint64_t off, struct au_diag *diag)
{
	uint32_t k0, k1;
	int rc;

	if (off >> 48 != 0)
		return au_diag_set(diag, AU_EINTERNAL, "offset over 48 bits");
	if (t->n == t->cap && (rc = grow(t, t->max, diag)) != 0)
		return rc;
	key_of(sha256, &k0, &k1);
	t->e[t->n].w[0] = k0;
	t->e[t->n].w[1] = k1 << 16 | (uint32_t)(off >> 32 & 0xffff);
	t->e[t->n].w[2] = (uint32_t)off;
	t->n++;
	return 0;
}

static int
on_chunk(void *arg, uint64_t off, uint32_t len, const uint8_t sha256[32])
{
	struct build *b = arg;

	(void)len;
	return au_delta_table_add(b->t, sha256, off, b->diag);
}

static int
cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	int i;

	for (i = 0; i < 3; i++)
		if (x->w[i] != y->w[i])
			return x->w[i] < y->w[i] ? -1 : 1;
	return 0;
}

int
au_delta_table_new(uint64_t size, struct au_delta_table **out,
    struct au_diag *diag)
{
	struct au_delta_table *t;
	uint64_t max = size / AU_CDC_MIN + 2, guess;

	if (size >> 48 != 0 || max > SIZE_MAX / sizeof(struct ent))
		return au_diag_set(diag, AU_EINTERNAL, "local file of %llu "
		    "bytes: too large for 48-bit offsets",
		    (unsigned long long)size);
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	t->max = (size_t)max;
	/* FastCDC's normalized chunking keeps the mean near AU_CDC_AVG:
	 * one allocation of the expected count plus 1/8 in the usual case. */
	guess = size / AU_CDC_AVG + size / AU_CDC_AVG / 8 + 16;
	t->cap = (size_t)(guess < max ? guess : max);
	t->e = malloc(t->cap * sizeof(*t->e));
	if (t->e == NULL) {
		free(t);
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	}
	*out = t;
	return 0;
}

/* Sift e[i] down the max-heap e[0..n). */
static void
sift(struct ent *e, size_t i, size_t n)
{
	struct ent tmp;
	size_t c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && cmp(&e[c], &e[c + 1]) < 0)
			c++;
		if (cmp(&e[i], &e[c]) >= 0)
			return;
		tmp = e[i];
		e[i] = e[c];
		e[c] = tmp;
		i = c;
	}
}

/*
 * Heapsort, in place: glibc's qsort() is a merge sort that allocates a
 * copy of the array (1.5 MiB more at the peak for 131k chunks).
 */
void
au_delta_table_sort(struct au_delta_table *t)
{
	struct ent tmp;
	size_t i, n = t->n;

	for (i = n / 2; i-- > 0;)
		sift(t->e, i, n);
	while (n > 1) {
		n--;
		tmp = t->e[0];
		t->e[0] = t->e[n];
		t->e[n] = tmp;
		sift(t->e, 0, n);
	}
}

int
au_delta_table_build(struct au_file *f, uint64_t size,
    struct au_delta_table **out, struct au_diag *diag)
{
	struct au_delta_table *t = NULL;
	struct build b = { NULL, diag };
	struct au_cidx_file rf = { f, diag };
	int rc;

	rc = au_delta_table_new(size, &t, diag);
	if (rc != 0)
		return rc;
	b.t = t;
	rc = au_cidx_stream(au_cidx_file_read, &rf, on_chunk, &b, diag);
	if (rc != 0) {
		au_delta_table_free(t);
		return rc;
	}
	au_delta_table_sort(t);
	*out = t;
	return 0;
}

void
au_delta_table_free(struct au_delta_table *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t);
}

size_t
au_delta_table_count(const struct au_delta_table *t)
{
	return t->n;
}

size_t
au_delta_table_bytes(const struct au_delta_table *t)
{
	return t->cap * sizeof(*t->e) + sizeof(*t);
}

/* The first entry whose id is not below (k0, k1). */
static size_t
lower_bound(const struct au_delta_table *t, uint32_t k0, uint32_t k1)
{
	size_t lo = 0, hi = t->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->e[mid].w[0] < k0 ||
		    (t->e[mid].w[0] == k0 && t->e[mid].w[1] >> 16 < k1))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
au_delta_table_next(const struct au_delta_table *t, const uint8_t sha[32],
    size_t *it, uint64_t *off)
{
	uint32_t k0, k1;
	size_t i;

	key_of(sha, &k0, &k1);
	i = *it == 0 ? lower_bound(t, k0, k1) : *it;
	if (i >= t->n || t->e[i].w[0] != k0 || t->e[i].w[1] >> 16 != k1)
		return 0;
	*off = (uint64_t)(t->e[i].w[1] & 0xffff) << 32 | t->e[i].w[2];
	*it = i + 1;
	return 1;
}
