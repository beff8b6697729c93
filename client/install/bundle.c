/* SPDX-License-Identifier: ISC */
/* client/install/bundle.c - strict tar bundle extraction (policy in bundle.h). */
#include "client/install/bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/digest.h"
#include "client/install/libarchive_dl.h"

#include "port/port.h"
#include "port/text.h"

#include "port/ban.h"

#define IOBUF 65536
#define PATHBUF 4096

enum ptype { P_NONE = 0, P_IMPLIED, P_DIR, P_FILE };

struct nent {
	char *name;
	enum ptype type;
};

/* Every path created under dest, so duplicates and clashes are caught. */
struct nset {
	struct nent *v;
	size_t cap, n;
};

/* libarchive's reader, loaded by au_bundle_extract() (client/install/libarchive_dl.h). */
static const struct au_libarchive *la;

/* The archive's one descriptor, hashed as each pass reads it. */
struct au_bundle_src {
	struct au_file *f;
	const char *label;
	const uint8_t *want;	/* the verified SHA-256, or NULL */
	struct au_sha256 h;
	struct au_diag rdiag;	/* why the read callback failed */
	int rerr;		/* its error code, or 0 */
	uint8_t inbuf[IOBUF];	/* compressed input, owned by libarchive's reads */
};

struct xctx {
	struct archive *a;
	struct au_bundle_src src;
	struct au_bundle_seen *seen;	/* the ustar walk (bundle_pax.c) */
	size_t nth;		/* entries libarchive returned */
	const char *archive_path;
	const char *dest;
	struct nset set;
	uint64_t bytes, max_bytes, entries, max_entries;
	const struct au_bundle_sink *sink;	/* told of each entry, or NULL */
	struct au_sha256 fh;	/* the file being written */
	uint64_t fbytes;
	uint8_t buf[IOBUF];	/* decompressed file content */
};

int
au_bundle_kind(const char *name)
{
	static const struct { const char *sfx; int kind; } k[] = {
		{ ".tar", AU_BUNDLE_NONE }, { ".tar.gz", AU_BUNDLE_GZIP },
		{ ".tgz", AU_BUNDLE_GZIP }, { ".tar.zst", AU_BUNDLE_ZSTD },
	};
	size_t n, i, s;

	if (name == NULL)
		return -1;
	n = strlen(name);
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		s = strlen(k[i].sfx);
		if (n > s && strcmp(name + n - s, k[i].sfx) == 0)
			return k[i].kind;
	}
	return -1;
}

/* ---- the path set (open addressing, FNV-1a) ---- */

static size_t
hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static struct nent *
nset_slot(struct nset *s, const char *name)
{
	size_t i = hash_name(name) & (s->cap - 1);

	while (s->v[i].name != NULL && strcmp(s->v[i].name, name) != 0)
		i = (i + 1) & (s->cap - 1);
	return &s->v[i];
}

static enum ptype
nset_get(struct nset *s, const char *name)
{
	return s->cap == 0 ? P_NONE : nset_slot(s, name)->type;
}

static int
nset_grow(struct nset *s)
{
	struct nset g = { NULL, s->cap ? s->cap * 2 : 64, 0 };
	size_t i;

	g.v = calloc(g.cap, sizeof(*g.v));
	if (g.v == NULL)
		return AU_ENOMEM;
	for (i = 0; i < s->cap; i++)
		if (s->v[i].name != NULL)
			*nset_slot(&g, s->v[i].name) = s->v[i];
	g.n = s->n;
	free(s->v);
	*s = g;
	return 0;
}

/* Insert or retype name; the set takes a copy. */
static int
nset_put(struct nset *s, const char *name, enum ptype t)
{
	struct nent *e;

	if ((s->n + 1) * 2 > s->cap && nset_grow(s) != 0)
		return AU_ENOMEM;
	e = nset_slot(s, name);
	if (e->name == NULL) {
		e->name = strdup(name);
		if (e->name == NULL)
			return AU_ENOMEM;
		s->n++;
	}
	e->type = t;
	return 0;
}

static void
nset_free(struct nset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->v[i].name);
	free(s->v);
	s->v = NULL;
	s->cap = s->n = 0;
}

/* ---- entry names ---- */

/* Reason a raw name is unsafe, or NULL. */
static const char *
name_bytes_bad(const char *raw)
{
	const unsigned char *p;

	if (raw == NULL)
		return "name not representable";
	if (raw[0] == '\0')
		return "empty name";
	if (strlen(raw) > AU_BUNDLE_MAX_PATH)
		return "name longer than AU_BUNDLE_MAX_PATH";
	if (raw[0] == '/')
		return "absolute path";
	for (p = (const unsigned char *)raw; *p != '\0'; p++) {
		if (*p == '\\')
			return "backslash in name";
		if (*p < 0x20 || *p == 0x7f)
			return "control character in name";
	}
	return NULL;
}

/* Reason a normalised name has a bad component, or NULL. */
static const char *
components_bad(const char *name)
{
	const char *p = name, *q;
	size_t len, depth = 0;

	for (;;) {
		q = strchr(p, '/');
		len = q ? (size_t)(q - p) : strlen(p);
		if (len == 0)
			return "empty path component";
		if (len == 1 && p[0] == '.')
			return "\".\" path component";
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return "\"..\" path component";
		if (len > AU_BUNDLE_MAX_COMPONENT)
			return "path component longer than AU_BUNDLE_MAX_COMPONENT";
		if (++depth > AU_BUNDLE_MAX_DEPTH)
			return "deeper than AU_BUNDLE_MAX_DEPTH";
		if (q == NULL)
			return NULL;
		p = q + 1;
	}
}

/*
 * Normalise raw into out (drop leading "./", one trailing "/" on a
 * directory).  Returns 0, 1 for the root entry to skip, or -1 with *why.
 */
static int
normalise(const char *raw, int is_dir, char out[PATHBUF], const char **why)
{
	size_t n;

	if ((*why = name_bytes_bad(raw)) != NULL)
		return -1;
	while (raw[0] == '.' && raw[1] == '/')
		raw += 2;
	n = strlen(raw);
	memcpy(out, raw, n + 1);
	if (n > 0 && out[n - 1] == '/') {
		if (!is_dir) {
			*why = "file name ends in \"/\"";
			return -1;
		}
		out[--n] = '\0';
	}
	if (n == 0 || strcmp(out, ".") == 0) {
		*why = "root entry is not a directory";
		return is_dir ? 1 : -1;
	}
	*why = components_bad(out);
	return *why ? -1 : 0;
}

const char *
au_bundle_name_unsafe(const char *raw)
{
	char out[PATHBUF];
	const char *why;

	return normalise(raw, 1, out, &why) < 0 ? why : NULL;
}

/* ---- the source ---- */

int
au_bundle_src_rewind(struct au_bundle_src *src, struct au_diag *diag)
{
	src->rerr = 0;
	au_sha256_init(&src->h);
	return au_file_rewind(src->f, diag);
}

ssize_t
au_bundle_src_read(struct archive *a, void *arg, const void **buf)
{
	struct au_bundle_src *src = arg;
	size_t got = 0;
	int rc = au_file_read(src->f, src->inbuf, sizeof(src->inbuf), &got,
	    &src->rdiag);

	if (rc != 0) {
		src->rerr = rc;
		la->archive_set_error(a, src->rdiag.sys, "%s", src->rdiag.msg);
		return -1;
	}
	au_sha256_update(&src->h, src->inbuf, got);
	*buf = src->inbuf;
	return (ssize_t)got;
}

int
au_bundle_src_error(const struct au_bundle_src *src, struct au_diag *diag)
{
	if (src->rerr != 0 && diag != NULL)
		*diag = src->rdiag;
	return src->rerr;
}

int
au_bundle_src_finish(struct au_bundle_src *src, struct au_diag *diag)
{
	uint8_t got[32];
	size_t n = 0;
	int rc;

	if (src->want == NULL)
		return 0;
	do {
		rc = au_file_read(src->f, src->inbuf, sizeof(src->inbuf), &n,
		    diag);
		if (rc == 0)
			au_sha256_update(&src->h, src->inbuf, n);
	} while (rc == 0 && n > 0);
	if (rc != 0)
		return rc;
	au_sha256_final(&src->h, got);
	/* Digests of public data: no constant-time compare needed. */
	if (memcmp(got, src->want, 32) != 0)
		return au_diag_set(diag, AU_EART_HASH, "bundle %s changed "
		    "after it was verified: the bytes read back do not have "
		    "its signed sha256", src->label);
	return 0;
}

/* ---- extraction ---- */

/* Copy name for a one-line diagnostic: control bytes become '?'. */
static void
printable(const char *name, char *out, size_t size)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < size; i++)
		out[i] = ((unsigned char)name[i] < 0x20 ||
		    name[i] == 0x7f) ? '?' : name[i];
	out[i] = '\0';
}

static int
unsafe(struct xctx *x, struct au_diag *diag, const char *entry,
    const char *why)
{
	char shown[256];

	if (entry == NULL)
		return au_diag_set(diag, AU_EART_UNSAFE, "bundle %s: %s",
		    x->archive_path, why ? why : "unreadable");
	printable(entry, shown, sizeof(shown));
	return au_diag_set(diag, AU_EART_UNSAFE, "bundle %s: entry \"%s\": %s",
	    x->archive_path, shown, why ? why : "unreadable");
}

static int
join(const struct xctx *x, const char *name, char path[PATHBUF],
    struct au_diag *diag)
{
	if (au_path_join(path, PATHBUF, x->dest, name) != 0)
		return au_diag_set(diag, AU_EIO, "path too long: %s/%s",
		    x->dest, name);
	return 0;
}

/* Record a new path, counting it against the entry budget. */
static int
add_path(struct xctx *x, const char *name, enum ptype t, struct au_diag *diag)
{
	if (nset_get(&x->set, name) == P_NONE &&
	    ++x->entries > x->max_entries)
		return unsafe(x, diag, name, "more paths than the entry budget");
	if (nset_put(&x->set, name, t) != 0)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	return 0;
}

/* Report an extracted entry to the sink (a directory: sha256 NULL). */
static int
tell(struct xctx *x, const char *name, int is_dir, const uint8_t *sha256,
    struct au_diag *diag)
{
	if (x->sink == NULL)
		return 0;
	return x->sink->entry(x->sink->arg, name, is_dir, is_dir ? 0 :
	    x->fbytes, sha256, diag);
}

/* Create each missing parent directory of name (implied directories). */
static int
make_parents(struct xctx *x, char *name, struct au_diag *diag)
{
	char path[PATHBUF];
	char *p;
	enum ptype t;
	int rc = 0;

	for (p = strchr(name, '/'); p != NULL && rc == 0;
	    p = strchr(p + 1, '/')) {
		*p = '\0';
		t = nset_get(&x->set, name);
		if (t == P_FILE)
			rc = unsafe(x, diag, name, "a file is used as a directory");
		else if (t == P_NONE) {
			rc = join(x, name, path, diag);
			if (rc == 0)
				rc = au_mkdir(path, 0755, diag);
			if (rc == 0)
				rc = add_path(x, name, P_IMPLIED, diag);
			if (rc == 0)
				rc = tell(x, name, 1, NULL, diag);
		}
		*p = '/';
	}
	return rc;
}

/* A read that failed: the descriptor's own error (AU_EIO) wins. */
static int
read_failed(struct xctx *x, struct au_diag *diag, const char *name)
{
	int rc = au_bundle_src_error(&x->src, diag);

	return rc != 0 ? rc : unsafe(x, diag, name,
	    la->archive_error_string(x->a));
}

static int
write_data(struct xctx *x, struct au_file *f, const char *name,
    struct au_diag *diag)
{
	la_ssize_t n;
	int rc;

	for (;;) {
		n = la->archive_read_data(x->a, x->buf, sizeof(x->buf));
		if (n == 0)
			return 0;
		if (n < 0)
			return read_failed(x, diag, name);
		if ((uint64_t)n > x->max_bytes - x->bytes)
			return unsafe(x, diag, name,
			    "content exceeds the byte budget (bomb?)");
		x->bytes += (uint64_t)n;
		x->fbytes += (uint64_t)n;
		if (x->sink != NULL)
			au_sha256_update(&x->fh, x->buf, (size_t)n);
		rc = au_file_write(f, x->buf, (size_t)n, diag);
		if (rc != 0)
			return rc;
	}
}

static int
extract_file(struct xctx *x, struct archive_entry *e, const char *name,
    struct au_diag *diag)
{
	char path[PATHBUF];
	struct au_file *f = NULL;
	unsigned mode = (la->archive_entry_perm(e) & 0111) ? 0755 : 0644;
	uint8_t sha256[32];
	int rc;

	if (la->archive_entry_size_is_set(e) && la->archive_entry_size(e) >= 0 &&
	    (uint64_t)la->archive_entry_size(e) > x->max_bytes - x->bytes)
		return unsafe(x, diag, name, "size exceeds the byte budget");
	rc = join(x, name, path, diag);
	if (rc == 0)
		rc = au_file_create(path, mode, &f, diag);
	if (rc != 0)
		return rc;
	x->fbytes = 0;
	au_sha256_init(&x->fh);
	rc = write_data(x, f, name, diag);
	if (rc == 0)
		rc = au_file_sync(f, diag);
	if (au_file_close(f) != 0 && rc == 0)
		rc = au_diag_set(diag, AU_EIO, "close %s", path);
	if (rc == 0 && x->sink != NULL) {
		au_sha256_final(&x->fh, sha256);
		rc = tell(x, name, 0, sha256, diag);
	}
	return rc;
}

/* Type checks: only regular files and directories pass. */
static const char *
type_bad(struct archive_entry *e)
{
	if (la->archive_entry_hardlink(e) != NULL)
		return "hardlink";
	if (la->archive_entry_symlink(e) != NULL ||
	    la->archive_entry_filetype(e) == AE_IFLNK)
		return "symlink";
	switch (la->archive_entry_filetype(e)) {
	case AE_IFREG: case AE_IFDIR: return NULL;
	case AE_IFCHR: return "character device";
	case AE_IFBLK: return "block device";
	case AE_IFIFO: return "fifo";
	case AE_IFSOCK: return "socket";
	default: return "unsupported entry type";
	}
}

static int
extract_entry(struct xctx *x, struct archive_entry *e, struct au_diag *diag)
{
	char name[PATHBUF], path[PATHBUF];
	const char *raw = la->archive_entry_pathname(e), *why;
	int is_dir = la->archive_entry_filetype(e) == AE_IFDIR, r, rc;
	enum ptype t;

	if ((why = type_bad(e)) != NULL)
		return unsafe(x, diag, raw, why);
	if (la->archive_entry_perm(e) & 07000)
		return unsafe(x, diag, raw, "setuid, setgid or sticky bit");
	r = normalise(raw, is_dir, name, &why);
	if (r != 0)
		return r > 0 ? 0 : unsafe(x, diag, raw, why);
	rc = make_parents(x, name, diag);
	if (rc != 0)
		return rc;
	t = nset_get(&x->set, name);
	if (t == P_FILE || t == P_DIR || (t == P_IMPLIED && !is_dir))
		return unsafe(x, diag, raw, "duplicate or clashing path");
	rc = add_path(x, name, is_dir ? P_DIR : P_FILE, diag);
	if (rc != 0 || t == P_IMPLIED)
		return rc;
	if (!is_dir)
		return extract_file(x, e, name, diag);
	rc = join(x, name, path, diag);
	if (rc == 0)
		rc = au_mkdir(path, 0755, diag);
	return rc ? rc : tell(x, name, 1, NULL, diag);
}

static int
enable_filter(struct xctx *x, enum au_bundle_filter f, struct au_diag *diag)
{
	int r = ARCHIVE_OK;

	if (la->archive_read_support_format_tar(x->a) != ARCHIVE_OK)
		return au_diag_set(diag, AU_EINTERNAL, "libarchive: no tar");
	if (f == AU_BUNDLE_GZIP)
		r = la->archive_read_support_filter_gzip(x->a);
	else if (f == AU_BUNDLE_ZSTD)
		r = la->archive_read_support_filter_zstd(x->a);
	else if (f != AU_BUNDLE_NONE)
		return au_diag_set(diag, AU_EINTERNAL, "bad bundle filter %d",
		    (int)f);
	/* ARCHIVE_WARN means an external program: never run one. */
	if (r != ARCHIVE_OK)
		return au_diag_set(diag, AU_EINTERNAL,
		    "libarchive cannot decompress this filter in-process");
	return 0;
}

/* The stream must be exactly the announced compression (no "none" fallback). */
static int
check_filter(struct xctx *x, enum au_bundle_filter f, struct au_diag *diag)
{
	static const int want[] = { ARCHIVE_FILTER_NONE, ARCHIVE_FILTER_GZIP,
	    ARCHIVE_FILTER_ZSTD };

	/* Exactly the expected filter over the raw stream ("none"): nested
	 * compression (gzip in gzip) compounds a bomb's ratio. */
	if (la->archive_filter_code(x->a, 0) != want[f] ||
	    la->archive_filter_count(x->a) != (f == AU_BUNDLE_NONE ? 1 : 2))
		return unsafe(x, diag, NULL,
		    "compression does not match the name's suffix");
	return 0;
}

/* Refuse decompressed data that is neither header nor written content. */
static int
check_stream(struct xctx *x, struct au_diag *diag)
{
	uint64_t in = (uint64_t)la->archive_filter_bytes(x->a, 0);
	uint64_t allow = x->bytes + AU_BUNDLE_STREAM_SLACK +
	    (x->entries + 1) * AU_BUNDLE_ENTRY_OVERHEAD;

	if (in > allow)
		return unsafe(x, diag, NULL,
		    "decompressed stream far larger than its contents");
	return 0;
}

/* The reason libarchive (or the read callback) gave up on the stream. */
static int
stream_bad(struct xctx *x, struct au_diag *diag)
{
	char why[AU_DIAG_MAX];
	const char *e = la->archive_error_string(x->a);

	if (au_bundle_src_error(&x->src, NULL) != 0)
		return read_failed(x, diag, NULL);
	snprintf(why, sizeof(why), "not a readable tar stream of the expected "
	    "compression (%.300s)", e ? e : "no detail");
	return unsafe(x, diag, NULL, why);
}

static int
next_header(struct xctx *x, struct archive_entry **e, struct au_diag *diag)
{
	int r = la->archive_read_next_header(x->a, e);

	if (r == ARCHIVE_EOF)
		return 1;
	/*
	 * Without setlocale() libarchive cannot convert pax UTF-8 names to
	 * the "C" charset and warns with EILSEQ; the raw bytes it keeps are
	 * the UTF-8 name, which the checks below take as they are.
	 */
	if (r == ARCHIVE_WARN && la->archive_errno(x->a) == EILSEQ)
		r = ARCHIVE_OK;
	if (r != ARCHIVE_OK)
		return stream_bad(x, diag);
	return 0;
}

/* Entry x->nth as libarchive sees it must be the ustar walk's. */
static int
same_as_walk(struct xctx *x, struct archive_entry *e, struct au_diag *diag)
{
	const char *why, *name = la->archive_entry_pathname(e);

	why = au_bundle_seen_check(x->seen, x->nth++, name,
	    la->archive_entry_size(e));
	return why != NULL ? unsafe(x, diag, name, why) : 0;
}

static int
run(struct xctx *x, enum au_bundle_filter f, struct au_diag *diag)
{
	struct archive_entry *e;
	int rc, first = 1;

	if (la->archive_read_open(x->a, &x->src, NULL, au_bundle_src_read,
	    NULL) != ARCHIVE_OK)
		return stream_bad(x, diag);
	while ((rc = next_header(x, &e, diag)) == 0) {
		if (first && (rc = check_filter(x, f, diag)) != 0)
			return rc;
		first = 0;
		rc = same_as_walk(x, e, diag);
		if (rc == 0)
			rc = extract_entry(x, e, diag);
		if (rc == 0)
			rc = check_stream(x, diag);
		if (rc != 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (x->nth != au_bundle_seen_count(x->seen))
		return unsafe(x, diag, NULL, "libarchive sees fewer entries "
		    "than a ustar reader");
	return first ? check_filter(x, f, diag) : 0;
}

static int
sync_dirs(struct xctx *x, struct au_diag *diag)
{
	char path[PATHBUF];
	size_t i;
	int rc;

	for (i = 0; i < x->set.cap; i++) {
		if (x->set.v[i].name == NULL || x->set.v[i].type == P_FILE)
			continue;
		rc = join(x, x->set.v[i].name, path, diag);
		if (rc == 0)
			rc = au_dir_sync(path, diag);
		if (rc != 0)
			return rc;
	}
	return au_dir_sync(x->dest, diag);
}

/* The pre-pass, then the extraction, each over the whole descriptor. */
static int
passes(struct xctx *x, enum au_bundle_filter f, struct au_diag *diag)
{
	char why[AU_DIAG_MAX];
	int rc;

	rc = enable_filter(x, f, diag);
	if (rc == 0)
		rc = au_bundle_src_rewind(&x->src, diag);
	if (rc == 0)
		rc = au_bundle_pax_check(&x->src, f, x->max_bytes +
		    AU_BUNDLE_STREAM_SLACK + x->max_entries *
		    AU_BUNDLE_ENTRY_OVERHEAD, x->max_entries, &x->seen, diag);
	if (rc == AU_EART_UNSAFE && diag != NULL) {
		memcpy(why, diag->msg, sizeof(why));
		rc = unsafe(x, diag, NULL, why);
	}
	if (rc == 0)
		rc = au_bundle_src_finish(&x->src, diag);
	if (rc == 0)
		rc = au_bundle_src_rewind(&x->src, diag);
	if (rc == 0)
		rc = run(x, f, diag);
	if (rc == 0)
		rc = au_bundle_src_finish(&x->src, diag);
	return rc;
}

int
au_bundle_extract_file(struct au_file *in, const char *label,
    const uint8_t *sha256, enum au_bundle_filter f, const char *dest,
    uint64_t max_bytes, uint64_t max_entries,
    const struct au_bundle_sink *sink, struct au_diag *diag)
{
	struct xctx *x;
	int rc;

	rc = au_libarchive(&la, diag);
	if (rc != 0)
		return rc;
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	x->src.f = in;
	x->src.label = label;
	x->src.want = sha256;
	x->archive_path = label;
	x->dest = dest;
	x->max_bytes = max_bytes;
	x->max_entries = max_entries;
	x->sink = sink;
	x->a = la->archive_read_new();
	if (x->a == NULL)
		rc = au_diag_set(diag, AU_ENOMEM, "archive_read_new failed");
	if (rc == 0)
		rc = passes(x, f, diag);
	if (rc == 0)
		rc = sync_dirs(x, diag);
	if (x->a != NULL)
		la->archive_read_free(x->a);
	au_bundle_seen_free(x->seen);
	nset_free(&x->set);
	free(x);
	return rc;
}

int
au_bundle_extract(const char *archive_path, enum au_bundle_filter f,
    const char *dest, uint64_t max_bytes, uint64_t max_entries,
    struct au_diag *diag)
{
	struct au_file *in = NULL;
	int rc;

	rc = au_file_open_read(archive_path, &in, diag);
	if (rc == 0)
		rc = au_bundle_extract_file(in, archive_path, NULL, f, dest,
		    max_bytes, max_entries, NULL, diag);
	(void)au_file_close(in);
	return rc;
}
