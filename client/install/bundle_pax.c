/* SPDX-License-Identifier: ISC */
/*
 * client/install/bundle_pax.c - the tar header pre-pass of
 * au_bundle_extract_file(): the decompressed stream is walked as a ustar-only
 * reader steps through it (by each header's ustar size), reading the pax
 * (POSIX.1-2017 pax "pax Extended Header") and GNU (L, K) extended headers
 * a pax-aware reader uses, and refused when the two would see different
 * sizes, names or link names.  The walk's list of entries (name, ustar
 * size) is then held against what libarchive's tar reader returns
 * (au_bundle_seen_check), so that any other way of making the two readers
 * step differently - a directory size one reader skips and the other does
 * not, a vendor header type - shows up as a different entry or count.  Two
 * readers of one archive must not see two different trees.  The stream comes
 * through libarchive's "raw" reader (the same decompression), from the
 * descriptor of au_bundle_src (bundle.h).
 */
#include "client/install/bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "client/install/libarchive_dl.h"

#include "port/ban.h"

#define BLOCK 512
#define PAX_MAX 65536		/* bytes of one extended header */
#define NAMEBUF (AU_BUNDLE_MAX_PATH + 1)
#define DIGEST 16		/* BLAKE2b bytes kept per entry */
#define SEEN_SLACK 16		/* entries over the budget before refusing */

/* What the extended headers before one entry said. */
struct ext {
	int have_path, have_lpath, have_size, have_lname, have_llink;
	uint64_t size;
	char path[NAMEBUF], lpath[NAMEBUF];	/* pax path=, linkpath= */
	char lname[NAMEBUF], llink[NAMEBUF];	/* GNU L, K */
};

struct au_bundle_seen {
	uint8_t (*d)[DIGEST];
	size_t n, cap;
};

struct walk {
	uint8_t hdr[BLOCK];
	size_t fill;
	uint64_t skip;		/* data bytes to pass over */
	uint8_t collect;	/* type of the extended header being read, or 0 */
	uint8_t pax[PAX_MAX];
	size_t paxlen;
	struct ext x;
	struct au_bundle_seen *seen;
	uint64_t max_seen;
	int done;		/* end of archive, or a header we cannot read */
	int nomem;
	char why[200];		/* set when the archive is refused */
};

static void
refuse(struct walk *w, const char *why)
{
	if (w->why[0] == '\0')
		(void)snprintf(w->why, sizeof(w->why), "tar entry %zu: %s",
		    w->seen->n + 1, why);
}

static uint64_t
octal(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (p[0] & 0x80)	/* base-256: sizes this large are refused later */
		return UINT64_MAX;
	for (i = 0; i < n && (p[i] == ' ' || p[i] == '\0'); i++)
		;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++)
		v = v * 8 + (uint64_t)(p[i] - '0');
	return v;
}

static int
checksum_ok(const uint8_t *h)
{
	uint64_t sum = 0, want = octal(h + 148, 8);
	size_t i;

	for (i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

/* ---- extended headers ---- */

static int
key_is(const uint8_t *k, size_t klen, const char *want)
{
	return klen == strlen(want) && memcmp(k, want, klen) == 0;
}

/* A path-like value into out; 0, or -1 (refused). */
static int
take_name(struct walk *w, const uint8_t *v, size_t vlen, char out[NAMEBUF],
    const char *what)
{
	char why[96];

	if (vlen > AU_BUNDLE_MAX_PATH || memchr(v, '\0', vlen) != NULL) {
		(void)snprintf(why, sizeof(why), "%s is longer than "
		    "AU_BUNDLE_MAX_PATH or holds a NUL byte", what);
		refuse(w, why);
		return -1;
	}
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return 0;
}

static void
take_size(struct walk *w, const uint8_t *v, size_t vlen)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < vlen && v[i] >= '0' && v[i] <= '9' &&
	    n <= (UINT64_MAX - 9) / 10; i++)
		n = n * 10 + (uint64_t)(v[i] - '0');
	if (vlen == 0 || i != vlen) {
		refuse(w, "malformed pax size=");
		return;
	}
	w->x.size = n;
	w->x.have_size = 1;
}

/* One "key=value" record of an x (global 0) or g (global 1) header. */
static void
pax_record(struct walk *w, const uint8_t *k, size_t klen, const uint8_t *v,
    size_t vlen, int global)
{
	int layout = key_is(k, klen, "path") || key_is(k, klen, "linkpath") ||
	    key_is(k, klen, "size");

	if ((klen >= 11 && memcmp(k, "GNU.sparse.", 11) == 0) ||
	    key_is(k, klen, "SCHILY.realsize") ||
	    key_is(k, klen, "SUN.holesdata"))
		refuse(w, "pax sparse-file records");
	else if (layout && global)
		refuse(w, "pax global header sets path=, linkpath= or size=");
	else if (key_is(k, klen, "path"))
		w->x.have_path = take_name(w, v, vlen, w->x.path,
		    "pax path=") == 0;
	else if (key_is(k, klen, "linkpath"))
		w->x.have_lpath = take_name(w, v, vlen, w->x.lpath,
		    "pax linkpath=") == 0;
	else if (key_is(k, klen, "size"))
		take_size(w, v, vlen);
}

/* "LEN key=value\n" records. */
static void
pax_records(struct walk *w, int global)
{
	const uint8_t *p = w->pax, *eq;
	size_t at = 0, len, k;

	while (at < w->paxlen && w->why[0] == '\0') {
		for (len = 0, k = at; k < w->paxlen && p[k] >= '0' &&
		    p[k] <= '9' && len < PAX_MAX; k++)
			len = len * 10 + (size_t)(p[k] - '0');
		if (k == at || k >= w->paxlen || p[k] != ' ' ||
		    len > w->paxlen - at || len < k - at + 3 ||
		    p[at + len - 1] != '\n' ||
		    (eq = memchr(p + k + 1, '=', at + len - 1 - (k + 1))) ==
		    NULL) {
			refuse(w, "malformed pax extended header");
			return;
		}
		pax_record(w, p + k + 1, (size_t)(eq - (p + k + 1)), eq + 1,
		    (size_t)(p + at + len - 1 - (eq + 1)), global);
		at += len;
	}
}

/* The data of an x, g, L or K header, all read. */
static void
ext_done(struct walk *w)
{
	size_t n = strnlen((const char *)w->pax, w->paxlen);

	if (w->collect == 'x' || w->collect == 'g') {
		pax_records(w, w->collect == 'g');
		return;
	}
	/* GNU long names: the bytes up to the first NUL, as libarchive. */
	if (w->collect == 'L')
		w->x.have_lname = take_name(w, w->pax, n, w->x.lname,
		    "GNU long name") == 0;
	else
		w->x.have_llink = take_name(w, w->pax, n, w->x.llink,
		    "GNU long link name") == 0;
}

/* ---- ordinary headers ---- */

/* Can a ustar name field hold this name unchanged?  (ASCII, <= 100 bytes) */
static int
ustar_can_hold(const char *p)
{
	size_t i, n = strlen(p);

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
			return 0;
	return n <= 100;
}

/* The name a ustar-only reader sees: POSIX ustar prefix "/" name. */
static void
ustar_name(const uint8_t *h, char out[256 + 2])
{
	size_t n = strnlen((const char *)h, 100), pn;

	/* "ustar\0" "00" is POSIX (with a prefix); GNU's "ustar  \0" keeps
	 * other fields there. */
	pn = memcmp(h + 257, "ustar\0", 6) == 0 ?
	    strnlen((const char *)h + 345, 155) : 0;
	memcpy(out, h + 345, pn);
	if (pn > 0)
		out[pn++] = '/';
	memcpy(out + pn, h, n);
	out[pn + n] = '\0';
}

/*
 * ext (a pax or GNU name) against std (the ustar field): equal, or - when
 * a ustar header could not hold ext - a safe stand-in.  NULL or why not.
 */
static const char *
names_agree(const char *ext, const char *std)
{
	if (strcmp(ext, std) == 0)
		return NULL;
	if (ustar_can_hold(ext))
		return "differs from the ustar header";
	if (std[0] != '\0' && au_bundle_name_unsafe(std) != NULL)
		return "is given with an unsafe ustar stand-in";
	return NULL;
}

static void
check_names(struct walk *w, const char *uname, const char **name)
{
	char why[160], ulink[101];
	const char *p = NULL, *what = NULL, *bad;
	uint8_t type = w->hdr[156];

	if (w->x.have_path && w->x.have_lname)
		refuse(w, "both a pax path= and a GNU long name");
	if (w->x.have_lpath && w->x.have_llink)
		refuse(w, "both a pax linkpath= and a GNU long link name");
	*name = w->x.have_path ? w->x.path : w->x.have_lname ? w->x.lname :
	    uname;
	what = w->x.have_path ? "pax path=" : "GNU long name";
	if (*name != uname && (bad = names_agree(*name, uname)) != NULL) {
		(void)snprintf(why, sizeof(why), "%s %s", what, bad);
		refuse(w, why);
	}
	memcpy(ulink, w->hdr + 157, 100);
	ulink[100] = '\0';
	p = w->x.have_lpath ? w->x.lpath : w->x.have_llink ? w->x.llink : ulink;
	what = w->x.have_lpath ? "pax linkpath=" : "GNU long link name";
	if (p[0] != '\0' && type != '1' && type != '2')
		refuse(w, "a link name on an entry that is not a link");
	else if (p != ulink && (bad = names_agree(p, ulink)) != NULL) {
		(void)snprintf(why, sizeof(why), "%s %s", what, bad);
		refuse(w, why);
	}
}

/* The digest of one entry as the list keeps it: name, NUL, size. */
static int
au_bundle_seen_digest(const char *name, int64_t size, uint8_t out[16])
{
	crypto_generichash_state h;
	uint8_t sz[8];
	size_t i;

	for (i = 0; i < 8; i++)
		sz[i] = (uint8_t)((uint64_t)size >> (8 * i));
	if (crypto_generichash_init(&h, NULL, 0, DIGEST) != 0)
		return -1;
	(void)crypto_generichash_update(&h, (const uint8_t *)name,
	    strlen(name) + 1);
	(void)crypto_generichash_update(&h, sz, sizeof(sz));
	return crypto_generichash_final(&h, out, DIGEST);
}

static void
record(struct walk *w, const char *name, uint64_t size)
{
	struct au_bundle_seen *s = w->seen;
	uint8_t (*nd)[DIGEST];

	if (s->n >= w->max_seen) {
		refuse(w, "more entries than the entry budget");
		return;
	}
	if (s->n == s->cap) {
		nd = realloc(s->d, (s->cap ? s->cap * 2 : 64) * sizeof(*s->d));
		if (nd == NULL) {
			w->nomem = w->done = 1;
			return;
		}
		s->d = nd;
		s->cap = s->cap ? s->cap * 2 : 64;
	}
	(void)au_bundle_seen_digest(name, (int64_t)size, s->d[s->n++]);
}

/* A file, directory, link ... header: what both readers make of it. */
static void
entry(struct walk *w, const char *uname, uint64_t size)
{
	char why[120];
	const char *name;

	if (w->x.have_size && w->x.size != size) {
		(void)snprintf(why, sizeof(why), "pax size=%llu differs from "
		    "the ustar size %llu", (unsigned long long)w->x.size,
		    (unsigned long long)size);
		refuse(w, why);
	}
	check_names(w, uname, &name);
	if (w->why[0] == '\0')
		record(w, name, size);
	memset(&w->x, 0, sizeof(w->x));
}

static void
header(struct walk *w)
{
	char uname[256 + 2];
	uint8_t type = w->hdr[156];
	uint64_t size;
	size_t i;

	for (i = 0; i < BLOCK && w->hdr[i] == 0; i++)
		;
	if (i == BLOCK || !checksum_ok(w->hdr)) {
		w->done = 1;	/* end, or damage libarchive reports */
		return;
	}
	size = octal(w->hdr + 124, 12);
	if (size == UINT64_MAX) {
		w->done = 1;	/* au_bundle_seen_check() refuses the rest */
		return;
	}
	/*
	 * Only the POSIX types and the extended headers read here: any other
	 * (Sun 'X' is a pax header to libarchive, 'A' an ACL, GNU 'S', 'V',
	 * 'D', 'M') steps differently in one of the readers, and a list of
	 * names and sizes alone can be made to agree over it.
	 */
	if (type != '\0' && strchr("01234567xgLK", (char)type) == NULL) {
		refuse(w, "a tar header type other than POSIX ustar, pax x/g or "
		    "GNU L/K");
		return;
	}
	ustar_name(w->hdr, uname);
	w->skip = (size + BLOCK - 1) / BLOCK * BLOCK;
	if (type != 'x' && type != 'g' && type != 'L' && type != 'K') {
		entry(w, uname, size);
		return;
	}
	/* A ustar-only reader extracts an extended header as a file. */
	if (au_bundle_name_unsafe(uname) != NULL) {
		refuse(w, "an extended header with an unsafe name of its own");
		return;
	}
	if (size > PAX_MAX) {
		refuse(w, "extended header over 64 KiB");
		return;
	}
	w->collect = type;
	w->paxlen = 0;
	w->skip = size;		/* the padding follows as a separate skip */
}

static void
feed(struct walk *w, const uint8_t *p, size_t n)
{
	size_t k;

	while (n > 0 && !w->done && w->why[0] == '\0') {
		if (w->skip > 0) {
			k = w->skip < n ? (size_t)w->skip : n;
			if (w->collect) {
				memcpy(w->pax + w->paxlen, p, k);
				w->paxlen += k;
			}
			w->skip -= k;
			p += k;
			n -= k;
		}
		if (w->skip == 0 && w->collect) {
			ext_done(w);
			w->collect = 0;
			w->skip = (BLOCK - w->paxlen % BLOCK) % BLOCK;
			continue;
		}
		if (n == 0 || w->skip > 0)
			continue;
		k = BLOCK - w->fill < n ? BLOCK - w->fill : n;
		memcpy(w->hdr + w->fill, p, k);
		w->fill += k;
		p += k;
		n -= k;
		if (w->fill == BLOCK) {
			w->fill = 0;
			header(w);
		}
	}
}

/* ---- the pass ---- */

static int
open_raw(const struct au_libarchive *la, struct archive *a,
    enum au_bundle_filter f, struct au_bundle_src *src, struct au_diag *diag)
{
	if (la->archive_read_support_format_raw(a) != ARCHIVE_OK ||
	    (f == AU_BUNDLE_GZIP && la->archive_read_support_filter_gzip(a) !=
	    ARCHIVE_OK) || (f == AU_BUNDLE_ZSTD &&
	    la->archive_read_support_filter_zstd(a) != ARCHIVE_OK))
		return au_diag_set(diag, AU_EINTERNAL, "libarchive cannot "
		    "read this filter in-process");
	return la->archive_read_open(a, src, NULL, au_bundle_src_read, NULL) ==
	    ARCHIVE_OK ? 0 : 1;
}

/* Feed the decompressed stream to w; a read failure of src is returned. */
static int
walk_stream(const struct au_libarchive *la, struct archive *a,
    struct walk *w, uint64_t max_stream, struct au_bundle_src *src,
    struct au_diag *diag)
{
	struct archive_entry *e;
	uint8_t buf[16384];
	uint64_t seen = 0;
	la_ssize_t n = 0;

	/* A stream libarchive cannot read is left to the extraction pass. */
	if (la->archive_read_next_header(a, &e) == ARCHIVE_OK)
		while (!w->done && w->why[0] == '\0' && seen < max_stream &&
		    (n = la->archive_read_data(a, buf, sizeof(buf))) > 0) {
			seen += (uint64_t)n;
			feed(w, buf, (size_t)n);
		}
	return au_bundle_src_error(src, diag);
}

int
au_bundle_pax_check(struct au_bundle_src *src, enum au_bundle_filter f,
    uint64_t max_stream, uint64_t max_entries, struct au_bundle_seen **out,
    struct au_diag *diag)
{
	const struct au_libarchive *la;
	struct archive *a = NULL;
	struct walk *w;
	int rc;

	rc = au_libarchive(&la, diag);
	if (rc != 0)
		return rc;
	w = calloc(1, sizeof(*w));
	if (w == NULL || (w->seen = calloc(1, sizeof(*w->seen))) == NULL ||
	    (a = la->archive_read_new()) == NULL) {
		rc = au_diag_set(diag, AU_ENOMEM, "bundle pre-pass: out of memory");
		goto out;
	}
	w->max_seen = max_entries + SEEN_SLACK;
	rc = open_raw(la, a, f, src, diag);
	if (rc == 0)
		rc = walk_stream(la, a, w, max_stream, src, diag);
	else if (rc > 0)
		rc = 0;		/* unreadable: the extraction says why */
	if (rc == 0 && w->nomem)
		rc = au_diag_set(diag, AU_ENOMEM, "bundle pre-pass: out of memory");
	if (rc == 0 && w->why[0] != '\0')
		rc = au_diag_set(diag, AU_EART_UNSAFE, "%s", w->why);
	if (rc == 0) {
		*out = w->seen;
		w->seen = NULL;
	}
out:
	if (a != NULL)
		la->archive_read_free(a);
	if (w != NULL)
		au_bundle_seen_free(w->seen);
	free(w);
	return rc;
}

/* ---- the list ---- */

const char *
au_bundle_seen_check(const struct au_bundle_seen *s, size_t i,
    const char *name, int64_t size)
{
	uint8_t d[DIGEST];

	if (i >= s->n)
		return "libarchive sees an entry a ustar reader does not";
	if (name == NULL || au_bundle_seen_digest(name, size, d) != 0 ||
	    memcmp(d, s->d[i], DIGEST) != 0)
		return "libarchive and a ustar reader see different names or "
		    "sizes here";
	return NULL;
}

size_t
au_bundle_seen_count(const struct au_bundle_seen *s)
{
	return s->n;
}

void
au_bundle_seen_free(struct au_bundle_seen *s)
{
	if (s == NULL)
		return;
	free(s->d);
	free(s);
}
