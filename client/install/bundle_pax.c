/* SPDX-License-Identifier: ISC */
/*
 * client/install/bundle_pax.c - the tar header pre-pass of au_bundle_extract(): a
 * pax extended header whose path= names a different file than the ustar
 * header it precedes is refused (two readers of one archive must not see
 * two different trees).  POSIX.1-2017 pax "ustar Interchange Format" and
 * "pax Extended Header".  libarchive gives only the pax name, so the
 * decompressed stream is walked here, through libarchive's "raw" reader.
 */
#include "client/install/bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/install/libarchive_dl.h"

#include "port/ban.h"

#define BLOCK 512
#define PAX_MAX 65536		/* bytes of one pax extended header */

struct walk {
	uint8_t hdr[BLOCK];
	size_t fill;
	uint64_t skip;		/* data bytes to pass over */
	int collect;		/* the data being skipped is a pax header */
	uint8_t pax[PAX_MAX];
	size_t paxlen;
	char path[AU_BUNDLE_MAX_PATH + 1];	/* path= of the last 'x' header */
	int have_path;
	int done;		/* end of archive, or a header we cannot read */
	const char *why;	/* set when the archive is refused */
};

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

/* "LEN key=value\n" records; keep path=. */
static void
pax_records(struct walk *w)
{
	size_t at = 0, len, k;

	while (at < w->paxlen) {
		for (len = 0, k = at; k < w->paxlen && w->pax[k] >= '0' &&
		    w->pax[k] <= '9'; k++)
			len = len * 10 + (size_t)(w->pax[k] - '0');
		if (k == at || k >= w->paxlen || w->pax[k] != ' ' ||
		    len > w->paxlen - at || len < k - at + 3)
			return;		/* malformed: libarchive refuses it */
		k++;
		if (w->paxlen - k >= 5 && memcmp(w->pax + k, "path=", 5) == 0 &&
		    at + len - 1 - (k + 5) <= AU_BUNDLE_MAX_PATH) {
			memcpy(w->path, w->pax + k + 5, at + len - 1 - (k + 5));
			w->path[at + len - 1 - (k + 5)] = '\0';
			w->have_path = 1;
		}
		at += len;
	}
}

/* Can a ustar header hold this name unchanged?  (ASCII, <= 100 bytes) */
static int
ustar_can_hold(const char *p)
{
	size_t i, n = strlen(p);

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
			return 0;
	return n <= 100;
}

static void
compare_names(struct walk *w)
{
	char name[256 + 2];
	size_t n = strnlen((const char *)w->hdr, 100), pn;

	pn = memcmp(w->hdr + 257, "ustar", 5) == 0 ?
	    strnlen((const char *)w->hdr + 345, 155) : 0;
	memcpy(name, w->hdr + 345, pn);
	if (pn > 0)
		name[pn++] = '/';
	memcpy(name + pn, w->hdr, n);
	name[pn + n] = '\0';
	if (w->have_path && ustar_can_hold(w->path) &&
	    strcmp(name, w->path) != 0)
		w->why = "pax header path= differs from the ustar name";
	w->have_path = 0;
}

static void
header(struct walk *w)
{
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
		w->done = 1;
		return;
	}
	if (type == 'x' || type == 'g') {
		if (size > PAX_MAX) {
			w->why = "pax extended header over 64 KiB";
			return;
		}
		w->collect = 1;
		w->paxlen = 0;
	} else if (type != 'L' && type != 'K') {
		compare_names(w);
	}
	w->skip = (size + BLOCK - 1) / BLOCK * BLOCK;
	if (type == 'x' || type == 'g')
		w->skip = size;	/* the padding follows as a separate skip */
}

static void
feed(struct walk *w, const uint8_t *p, size_t n)
{
	size_t k;

	while (n > 0 && !w->done && w->why == NULL) {
		if (w->skip > 0) {
			k = w->skip < n ? (size_t)w->skip : n;
			if (w->collect) {
				memcpy(w->pax + w->paxlen, p, k);
				w->paxlen += k;
			}
			w->skip -= k;
			p += k;
			n -= k;
			if (w->skip == 0 && w->collect) {
				w->collect = 0;
				if (w->hdr[156] == 'x')
					pax_records(w);
				w->skip = (BLOCK - w->paxlen % BLOCK) % BLOCK;
			}
			continue;
		}
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

static int
open_raw(const struct au_libarchive *la, struct archive *a,
    enum au_bundle_filter f, const char *path)
{
	if (la->archive_read_support_format_raw(a) != ARCHIVE_OK ||
	    (f == AU_BUNDLE_GZIP && la->archive_read_support_filter_gzip(a) !=
	    ARCHIVE_OK) || (f == AU_BUNDLE_ZSTD &&
	    la->archive_read_support_filter_zstd(a) != ARCHIVE_OK))
		return -1;
	return la->archive_read_open_filename(a, path, 65536) == ARCHIVE_OK ?
	    0 : -1;
}

/*
 * Walk the decompressed tar stream of path (at most max_stream bytes are
 * looked at).  A stream that cannot be read is left to the extraction pass,
 * which refuses it.  Only what the archive says is AU_EART_UNSAFE; this
 * machine failing to look (memory, libarchive) has its own code.
 */
int
au_bundle_pax_check(const char *path, enum au_bundle_filter f,
    uint64_t max_stream, struct au_diag *diag)
{
	const struct au_libarchive *la;
	struct archive *a = NULL;
	struct archive_entry *e;
	struct walk *w;
	uint8_t buf[16384];
	uint64_t seen = 0;
	la_ssize_t n;
	int rc;

	rc = au_libarchive(&la, diag);
	if (rc != 0)
		return rc;
	a = la->archive_read_new();
	w = calloc(1, sizeof(*w));
	if (a == NULL || w == NULL) {
		rc = au_diag_set(diag, AU_ENOMEM, "out of memory for the "
		    "bundle header pre-pass");
		goto out;
	}
	if (open_raw(la, a, f, path) != 0 || la->archive_read_next_header(a, &e) !=
	    ARCHIVE_OK)
		goto out;
	while (!w->done && w->why == NULL && seen < max_stream &&
	    (n = la->archive_read_data(a, buf, sizeof(buf))) > 0) {
		seen += (uint64_t)n;
		feed(w, buf, (size_t)n);
	}
	if (w->why != NULL)
		rc = au_diag_set(diag, AU_EART_UNSAFE, "%s", w->why);
out:
	if (a != NULL)
		la->archive_read_free(a);
	free(w);
	return rc;
}
