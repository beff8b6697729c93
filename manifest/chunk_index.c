/* SPDX-License-Identifier: ISC */
/* manifest/chunk_index.c - the chunk index: parse, write, build, check. */
#include "manifest/chunk_index.h"

#include <stdlib.h>
#include <string.h>

#include "keys/digest.h"
#include "port/port.h"
#include "port/ban.h"

_Static_assert(AU_SHA256_BYTES == 32, "a record holds a 32-byte SHA-256");

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static int
bad(struct au_diag *d, const char *what)
{
	return au_diag_set(d, AU_EMETA_MALFORMED, "chunk index: %s", what);
}

/* Magic, parameters, hash_alg and zero bytes: the fixed part of a head. */
static int
fixed_ok(const uint8_t *b, struct au_diag *d)
{
	size_t i;

	if (memcmp(b, AU_CIDX_MAGIC, 8) != 0)
		return bad(d, "bad magic (not an AUCIDX1 index)");
	if (get32(b + 20) != AU_CDC_MIN || get32(b + 24) != AU_CDC_AVG ||
	    get32(b + 28) != AU_CDC_MAX)
		return bad(d, "chunker parameters are not 16384/65536/262144");
	if (b[32] != AU_CIDX_SHA256)
		return bad(d, "hash algorithm is not SHA-256 (1)");
	for (i = 33; i < AU_CIDX_HEAD; i++)
		if (b[i] != 0)
			return bad(d, "reserved head bytes are not zero");
	return 0;
}

int
au_cidx_head_parse(const uint8_t buf[AU_CIDX_HEAD], uint64_t index_len,
    struct au_cidx_head *out, struct au_diag *d)
{
	uint64_t flen = get64(buf + 8);
	uint32_t count = get32(buf + 16);
	int rc;

	if ((rc = fixed_ok(buf, d)) != 0)
		return rc;
	if (index_len != AU_CIDX_HEAD + (uint64_t)AU_CIDX_REC * count)
		return au_diag_set(d, AU_EMETA_MALFORMED, "chunk index: %llu "
		    "bytes, not 64 + 36 * %u", (unsigned long long)index_len,
		    (unsigned)count);
	if ((count == 0) != (flen == 0) ||
	    count > flen / AU_CDC_MIN + 1 ||
	    (uint64_t)count * AU_CDC_MAX < flen)
		return au_diag_set(d, AU_EMETA_MALFORMED, "chunk index: %u "
		    "chunks cannot make a file of %llu bytes", (unsigned)count,
		    (unsigned long long)flen);
	out->file_length = flen;
	out->count = count;
	out->min = AU_CDC_MIN;
	out->avg = AU_CDC_AVG;
	out->max = AU_CDC_MAX;
	return 0;
}

int
au_cidx_rec_parse(const uint8_t rec[AU_CIDX_REC], uint32_t *len,
    uint8_t sha256[32], struct au_diag *d)
{
	uint32_t n = get32(rec);

	if (n == 0 || n > AU_CDC_MAX)
		return au_diag_set(d, AU_EMETA_MALFORMED, "chunk index: a chunk "
		    "of %u bytes (1..%u)", (unsigned)n, AU_CDC_MAX);
	*len = n;
	memcpy(sha256, rec + 4, 32);
	return 0;
}

void
au_cidx_head_write(uint8_t out[AU_CIDX_HEAD], const struct au_cidx_head *h)
{
	memset(out, 0, AU_CIDX_HEAD);
	memcpy(out, AU_CIDX_MAGIC, 8);
	put64(out + 8, h->file_length);
	put32(out + 16, h->count);
	put32(out + 20, AU_CDC_MIN);
	put32(out + 24, AU_CDC_AVG);
	put32(out + 28, AU_CDC_MAX);
	out[32] = AU_CIDX_SHA256;
}

void
au_cidx_rec_write(uint8_t out[AU_CIDX_REC], uint32_t len,
    const uint8_t sha256[32])
{
	put32(out, len);
	memcpy(out + 4, sha256, 32);
}

/* The chunk being scanned: where it starts, its hash so far. */
struct cur {
	struct au_cdc cdc;
	struct au_sha256 h;
	uint64_t off, n;
};

static int
emit(struct cur *c, au_cidx_chunk_fn fn, void *farg)
{
	uint8_t md[AU_SHA256_BYTES];
	int rc;

	au_sha256_final(&c->h, md);
	rc = fn(farg, c->off, (uint32_t)c->n, md);
	c->off += c->n;
	c->n = 0;
	au_sha256_init(&c->h);
	return rc;
}

/* Scan buf[0..len): hash it into the current chunk, emit each cut. */
static int
scan(struct cur *c, const uint8_t *buf, size_t len, au_cidx_chunk_fn fn,
    void *farg)
{
	size_t k;
	int cut, rc;

	while (len > 0) {
		k = au_cdc_scan(&c->cdc, buf, len, &cut);
		au_sha256_update(&c->h, buf, k);
		c->n += k;
		buf += k;
		len -= k;
		if (cut && (rc = emit(c, fn, farg)) != 0)
			return rc;
	}
	return 0;
}

int
au_cidx_stream(au_cidx_read_fn rd, void *rarg, au_cidx_chunk_fn fn,
    void *farg, struct au_diag *d)
{
	struct cur c = { .off = 0, .n = 0 };
	uint8_t *buf;
	size_t got;
	int rc;

	if ((buf = malloc(AU_CIDX_READ_BUF)) == NULL)
		return au_diag_set(d, AU_ENOMEM, "chunk index: no memory for "
		    "a %u-byte read buffer", AU_CIDX_READ_BUF);
	au_cdc_init(&c.cdc);
	au_sha256_init(&c.h);
	for (;;) {
		got = 0;
		if ((rc = rd(rarg, buf, AU_CIDX_READ_BUF, &got)) != 0)
			goto out;
		if (got == 0)
			break;
		if ((rc = scan(&c, buf, got, fn, farg)) != 0)
			goto out;
	}
	rc = c.n > 0 ? emit(&c, fn, farg) : 0;	/* the last chunk: EOF */
out:
	free(buf);
	return rc;
}

/* The index being built by au_cidx_build. */
struct built {
	uint8_t *buf;
	size_t len, cap;
	uint64_t count;
	int why;	/* add_rec's own failure: AU_ENOMEM, AU_ETOOBIG or 0 */
};

static int
add_rec(void *arg, uint64_t off, uint32_t len, const uint8_t sha256[32])
{
	struct built *b = arg;
	uint8_t *nb;
	size_t ncap;

	(void)off;
	if (b->count >= AU_CIDX_BUILD_MAX_CHUNKS)
		return b->why = AU_ETOOBIG;
	if (b->len + AU_CIDX_REC > b->cap) {
		ncap = b->cap * 2;
		if ((nb = realloc(b->buf, ncap)) == NULL)
			return b->why = AU_ENOMEM;
		b->buf = nb;
		b->cap = ncap;
	}
	au_cidx_rec_write(b->buf + b->len, len, sha256);
	b->len += AU_CIDX_REC;
	b->count++;
	return 0;
}

int
au_cidx_build(au_cidx_read_fn rd, void *rarg, uint8_t **out,
    size_t *out_len, struct au_diag *d)
{
	struct built b = { .len = AU_CIDX_HEAD, .cap = 4096, .count = 0,
		.why = 0 };
	struct au_cidx_head h;
	size_t i;
	int rc;

	if ((b.buf = malloc(b.cap)) == NULL)
		return au_diag_set(d, AU_ENOMEM, "chunk index: no memory");
	rc = au_cidx_stream(rd, rarg, add_rec, &b, d);
	if (b.why == AU_ENOMEM)
		rc = au_diag_set(d, rc, "chunk index: no memory for %llu "
		    "chunks", (unsigned long long)b.count);
	else if (b.why == AU_ETOOBIG)
		rc = au_diag_set(d, rc, "chunk index: more than %u chunks",
		    AU_CIDX_BUILD_MAX_CHUNKS);
	if (rc != 0) {
		free(b.buf);
		return rc;
	}
	h.count = (uint32_t)b.count;
	h.file_length = 0;
	for (i = AU_CIDX_HEAD; i < b.len; i += AU_CIDX_REC)
		h.file_length += get32(b.buf + i);
	au_cidx_head_write(b.buf, &h);
	*out = b.buf;
	*out_len = b.len;
	return 0;
}

int
au_cidx_check(const uint8_t *buf, size_t len, struct au_cidx_head *out,
    struct au_diag *d)
{
	struct au_cidx_head h;
	uint8_t md[32];
	uint64_t sum = 0;
	uint32_t i, n;
	int rc;

	if (len < AU_CIDX_HEAD)
		return au_diag_set(d, AU_EMETA_MALFORMED, "chunk index: %zu "
		    "bytes, shorter than its 64-byte head", len);
	if ((rc = au_cidx_head_parse(buf, len, &h, d)) != 0)
		return rc;
	for (i = 0; i < h.count; i++) {
		rc = au_cidx_rec_parse(buf + AU_CIDX_HEAD +
		    (size_t)i * AU_CIDX_REC, &n, md, d);
		if (rc != 0)
			return au_diag_wrap(d, rc, "record %u", (unsigned)i);
		if (n < AU_CDC_MIN && i + 1 < h.count)
			return au_diag_set(d, AU_EMETA_MALFORMED, "chunk index: "
			    "record %u: %u bytes, under the %u minimum of all "
			    "but the last", (unsigned)i, (unsigned)n,
			    AU_CDC_MIN);
		sum += n;
	}
	if (sum != h.file_length)
		return au_diag_set(d, AU_EMETA_MALFORMED, "chunk index: chunks "
		    "sum to %llu bytes, the head says %llu",
		    (unsigned long long)sum,
		    (unsigned long long)h.file_length);
	if (out != NULL)
		*out = h;
	return 0;
}

int
au_cidx_file_read(void *arg, uint8_t *buf, size_t cap, size_t *got)
{
	struct au_cidx_file *src = arg;

	return au_file_read(src->f, buf, cap, got, src->diag);
}
