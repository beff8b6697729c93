/* SPDX-License-Identifier: ISC */
/* client/fetch/delta_build.c - the new file, chunk by chunk (delta_int.h). */
#include "client/fetch/delta_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/digest.h"
#include "manifest/cdc.h"
#include "manifest/tuf.h"

#include "port/ban.h"

/* ---- the new index, record by record ---- */

int
au_delta_index_rewind(struct au_delta_index *x, struct au_diag *diag)
{
	x->next = 0;
	x->pos = x->len = 0;
	return au_file_seek(x->f, AU_CIDX_HEAD, diag);
}

int
au_delta_index_next(struct au_delta_index *x, uint32_t *len, uint8_t sha[32],
    struct au_diag *diag)
{
	size_t got;
	int rc;

	if (x->next == x->head.count)
		return 0;
	while (x->len - x->pos < AU_CIDX_REC) {
		memmove(x->buf, x->buf + x->pos, x->len - x->pos);
		x->len -= x->pos;
		x->pos = 0;
		rc = au_file_read(x->f, x->buf + x->len, sizeof(x->buf) - x->len,
		    &got, diag);
		if (rc != 0)
			return rc;
		if (got == 0)
			return au_diag_set(diag, AU_EMETA_MALFORMED, "chunk index"
			    " ends after %u of %u records", x->next,
			    x->head.count);
		x->len += got;
	}
	rc = au_cidx_rec_parse(x->buf + x->pos, len, sha, diag);
	if (rc != 0)
		return rc;
	x->pos += AU_CIDX_REC;
	x->next++;
	return 1;
}

/* ---- plan ---- */

static int
in_table(const struct au_delta_table *t, const uint8_t sha[32])
{
	size_t it = 0;
	uint64_t off;

	return t != NULL && au_delta_table_next(t, sha, &it, &off);
}

int
au_delta_plan(struct au_delta_build *b, uint64_t *to_move,
    struct au_diag *diag)
{
	uint64_t off = 0, miss = 0;
	uint8_t sha[32];
	uint32_t len;
	int rc;

	rc = au_delta_index_rewind(b->idx, diag);
	while (rc == 0 && (rc = au_delta_index_next(b->idx, &len, sha,
	    diag)) == 1) {
		if (off + len > b->pos && !in_table(b->table, sha))
			miss += off + len - (off < b->pos ? b->pos : off);
		off += len;
		rc = 0;
	}
	if (rc != 0)
		return rc;
	if (off != b->idx->head.file_length)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "chunk index "
		    "records sum to %llu bytes, its head says %llu",
		    (unsigned long long)off,
		    (unsigned long long)b->idx->head.file_length);
	*to_move = miss;
	return 0;
}

/* ---- build ---- */

struct rec {
	uint32_t len;
	uint8_t sha[32];
};

/* The build's state: chunk buffers, the range being gathered. */
struct bs {
	struct au_delta_build *b;
	uint8_t *lbuf, *nbuf;		/* AU_CDC_MAX each: local, network */
	struct rec run[AU_DELTA_RUN_CHUNKS];
	size_t nrun;
	uint64_t run_first;		/* offset of run[0] in the new file */
	uint64_t retried;		/* offset + 1 of the chunk fetched again */
	/* the range in flight */
	size_t cur;			/* run[cur] is arriving */
	uint32_t have;			/* bytes of it in nbuf */
	uint64_t cur_off;
	int bad;			/* run[cur] did not match */
	uint64_t fetched0;		/* rep->fetched before the build */
	char label[AU_TARGET_NAME_MAX + 9];	/* "NAME (delta)" */
	struct au_diag *diag;
};

/* A verified chunk at offset off: its bytes past the stage's end. */
static int
put(struct bs *s, const uint8_t *buf, uint64_t off, uint32_t len)
{
	struct au_delta_build *b = s->b;
	uint64_t skip = b->pos > off ? b->pos - off : 0;
	int rc;

	if (skip >= len)
		return 0;
	rc = au_stage_write(b->st, buf + skip, len - skip, s->diag);
	if (rc == 0)
		b->pos += len - skip;
	return rc;
}

static int
same_hash(const uint8_t *buf, uint32_t len, const uint8_t sha[32])
{
	struct au_sha256 h;
	uint8_t got[32];

	au_sha256_init(&h);
	au_sha256_update(&h, buf, len);
	au_sha256_final(&h, got);
	return memcmp(got, sha, 32) == 0;
}

/* Read len bytes at off of the local file into lbuf; 1 when all there. */
static int
read_local(struct bs *s, uint64_t off, uint32_t len, int *ok)
{
	size_t got, n = 0;
	int rc;

	*ok = 0;
	rc = au_file_seek(s->b->local, off, s->diag);
	while (rc == 0 && n < len) {
		rc = au_file_read(s->b->local, s->lbuf + n, len - n, &got,
		    s->diag);
		if (rc == 0 && got == 0)
			return 0;	/* the file is shorter now: a miss */
		n += got;
	}
	*ok = rc == 0;
	return rc;
}

/* A local chunk with this id and length, hashed again: *ok when found. */
static int
copy_local(struct bs *s, uint32_t len, const uint8_t sha[32], int *ok)
{
	size_t it = 0;
	uint64_t off;
	int rc, n = 0;

	*ok = 0;
	while (s->b->table != NULL && n++ < 4 &&
	    au_delta_table_next(s->b->table, sha, &it, &off)) {
		rc = read_local(s, off, len, ok);
		if (rc != 0)
			return rc;
		if (*ok && same_hash(s->lbuf, len, sha))
			return 0;
		*ok = 0;	/* modified since it was chunked: fetch it */
	}
	return 0;
}

/* The range body: split into the run's chunks, each checked, then put. */
static int
sink(void *arg, const uint8_t *p, size_t n)
{
	struct bs *s = arg;
	struct au_delta_build *b = s->b;
	struct rec *r;
	size_t k;
	int rc;

	while (n > 0) {
		if (s->cur >= s->nrun)
			return AU_EINTERNAL;	/* capped by the range's max */
		r = &s->run[s->cur];
		k = r->len - s->have;
		if (k > n)
			k = n;
		memcpy(s->nbuf + s->have, p, k);
		s->have += (uint32_t)k;
		p += k;
		n -= k;
		if (s->have < r->len)
			continue;
		if (!same_hash(s->nbuf, r->len, r->sha)) {
			s->bad = 1;
			return AU_EART_HASH;
		}
		rc = put(s, s->nbuf, s->cur_off, r->len);
		if (rc != 0)
			return rc;
		b->rep->fetched += r->len;
		if (b->j->progress != NULL)	/* of the bytes to move */
			b->j->progress(b->j->parg, s->label, b->rep->fetched -
			    s->fetched0, b->rep->to_move);
		s->cur_off += r->len;
		s->cur++;
		s->have = 0;
	}
	return 0;
}

/* Drop the run's first k chunks (done); the rest starts at run_first. */
static void
run_shift(struct bs *s, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		s->run_first += s->run[i].len;
	memmove(s->run, s->run + k, (s->nrun - k) * sizeof(s->run[0]));
	s->nrun -= k;
}

static int
fetch_once(struct bs *s, struct au_http_range *r)
{
	struct au_delta_build *b = s->b;
	uint64_t bytes = 0, got = 0;
	size_t i;
	int rc;

	for (i = 0; i < s->nrun; i++)
		bytes += s->run[i].len;
	memset(r, 0, sizeof(*r));
	r->first = s->run_first;
	r->last = s->run_first + bytes - 1;
	r->total = b->j->ex->length;
	r->validator = b->validator;
	s->cur = 0;
	s->have = 0;
	s->bad = 0;
	s->cur_off = s->run_first;
	rc = b->j->io.fetch_range(b->j->io.arg, b->j->file, r, sink, s, &got,
	    s->diag);
	b->rep->fetched += s->have;	/* bytes of a chunk not completed */
	if (b->validator[0] == '\0' && r->validator_out[0] != '\0' &&
	    strncmp(r->validator_out, "W/", 2) != 0)
		memcpy(b->validator, r->validator_out,
		    strlen(r->validator_out) + 1);
	return rc;
}

/* Fetch the run; a wrong chunk is fetched once more, then AU_EART_HASH. */
static int
flush(struct bs *s)
{
	struct au_http_range r;
	int rc;

	while (s->nrun > 0) {
		rc = fetch_once(s, &r);
		if (rc == 0 && s->cur != s->nrun)	/* a range source's bug */
			rc = au_diag_set(s->diag, AU_EHTTP, "%s: a range body "
			    "ended after %zu of %zu chunks", s->b->j->name,
			    s->cur, s->nrun);
		if (rc == 0) {
			s->nrun = 0;
			return 0;
		}
		if (r.ignored)
			return AU_DELTA_FALLBACK;
		if (rc != AU_EART_HASH || !s->bad)
			return rc;
		run_shift(s, s->cur);
		if (s->retried == s->run_first + 1)
			return au_diag_set(s->diag, AU_EART_HASH, "%s: the chunk "
			    "at byte %llu (%u bytes) does not match the signed "
			    "chunk index, twice", s->b->j->name,
			    (unsigned long long)s->run_first, s->run[0].len);
		au_log(AU_LOG_WARN, "%s: the chunk at byte %llu does not match "
		    "the signed chunk index; fetching it again", s->b->j->name,
		    (unsigned long long)s->run_first);
		s->retried = s->run_first + 1;
	}
	return 0;
}

static int
step(struct bs *s, uint64_t off, uint32_t len, const uint8_t sha[32])
{
	struct au_delta_build *b = s->b;
	int rc, ok;

	if (off + len <= b->pos)
		return 0;	/* held from an earlier run */
	rc = copy_local(s, len, sha, &ok);
	if (rc == 0 && ok) {
		rc = flush(s);
		if (rc == 0)
			rc = put(s, s->lbuf, off, len);
		if (rc == 0)
			b->rep->reused += len;
		return rc;
	}
	if (rc != 0)
		return rc;
	if (s->nrun == 0)
		s->run_first = off;
	s->run[s->nrun].len = len;
	memcpy(s->run[s->nrun].sha, sha, 32);
	if (++s->nrun == AU_DELTA_RUN_CHUNKS)
		return flush(s);
	return 0;
}

int
au_delta_build_run(struct au_delta_build *b, struct au_diag *diag)
{
	struct bs *s = calloc(1, sizeof(*s));
	uint64_t off = 0;
	uint8_t sha[32];
	uint32_t len;
	int rc;

	if (s == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	s->b = b;
	s->diag = diag;
	s->fetched0 = b->rep->fetched;
	(void)snprintf(s->label, sizeof(s->label), "%s (delta)", b->j->name);
	s->lbuf = malloc(AU_CDC_MAX);
	s->nbuf = malloc(AU_CDC_MAX);
	rc = s->lbuf == NULL || s->nbuf == NULL ?
	    au_diag_set(diag, AU_ENOMEM, "out of memory") :
	    au_delta_index_rewind(b->idx, diag);
	while (rc == 0 && (rc = au_delta_index_next(b->idx, &len, sha,
	    diag)) == 1) {
		rc = step(s, off, len, sha);
		off += len;
	}
	if (rc == 0)
		rc = flush(s);
	free(s->lbuf);
	free(s->nbuf);
	free(s);
	return rc;
}
