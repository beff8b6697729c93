/* SPDX-License-Identifier: ISC */
/* client/install/store.c - artifact store, atomic switch, rollback, gc, health. */
#include "client/install/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "client/install/bundle.h"
#include "client/fetch/digest.h"
#include "port/port.h"

#include "port/ban.h"

#define PMAX AU_STORE_PATH_MAX

struct au_store {
	char dir[AU_STORE_MAX_DIR + 1];
	char store[PMAX], tmp[PMAX], targets[PMAX], partial[PMAX];
	uint64_t max_bytes, max_entries;	/* bundle budget of the next commit */
};

struct au_stage {
	struct au_store *s;
	struct au_file *f;
	char path[PMAX];
	char val[PMAX];		/* resumable: partial/<hash>.val, else "" */
	char validator[AU_STORE_VALIDATOR_MAX + 1];
	uint64_t offset;	/* bytes found at resume */
	uint64_t unsynced;	/* resumable: bytes written since the last fsync */
	uint64_t unflushed;	/* bytes written since the last writeback hint */
	int64_t synced_ms;	/* au_monotonic_ms() at the last fsync (or start) */
	struct au_stage_expect ex;
	uint64_t got;
	struct au_sha256 h256;	/* always: checked when listed, names store/ */
	crypto_hash_sha512_state h512;	/* only when SHA-512 is listed */
};

/* ---- small helpers ---- */

/* Clean-up on an error path: its own failure is not the one to report. */
static void
best_effort(int rc)
{
	(void)rc;
}

static int
pjoin(char out[PMAX], const char *a, const char *b, struct au_diag *diag)
{
	int n = snprintf(out, PMAX, "%s/%s", a, b);

	if (n < 0 || n >= PMAX)
		return au_diag_set(diag, AU_EINSTALL, "path too long: %s/%s",
		    a, b);
	return 0;
}

static void
to_hex(const uint8_t *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hash_ok(const char *h)
{
	size_t i;

	if (h == NULL)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return h[64] == '\0';
}

/* One component of a target name: see store.h for the rules. */
static int
component_ok(const char *p, size_t len)
{
	if (len == 0 || (len == 1 && p[0] == '.') ||
	    (len == 2 && p[0] == '.' && p[1] == '.'))
		return 0;
	if ((len == 7 && memcmp(p, "current", 7) == 0) ||
	    (len == 8 && memcmp(p, "previous", 8) == 0))
		return 0;
	return !(len >= 4 && memcmp(p + len - 4, ".tmp", 4) == 0);
}

static int
name_ok(const char *name)
{
	const char *p, *q;
	size_t depth = 0;

	if (name == NULL || name[0] == '\0' ||
	    strlen(name) > AU_STORE_MAX_NAME)
		return 0;
	for (p = name; *p != '\0'; p++)
		if (*p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	for (p = name;; p = q + 1) {
		q = strchr(p, '/');
		if (!component_ok(p, q ? (size_t)(q - p) : strlen(p)) ||
		    ++depth > AU_STORE_MAX_DEPTH)
			return 0;
		if (q == NULL)
			return 1;
	}
}

static int
check_name(const char *name, struct au_diag *diag)
{
	if (!name_ok(name))
		return au_diag_set(diag, AU_EINSTALL, "target name \"%.200s\" "
		    "is not usable as a path (see store.h)",
		    name ? name : "(null)");
	return 0;
}

static int
check_hash(const char *h, struct au_diag *diag)
{
	if (!hash_ok(h))
		return au_diag_set(diag, AU_EINSTALL, "\"%.80s\" is not a "
		    "SHA-256 hex digest", h ? h : "(null)");
	return 0;
}

/* A fresh random name under tmp/ with the given prefix. */
static int
tmp_name(const struct au_store *s, const char *prefix, char out[PMAX],
    struct au_diag *diag)
{
	uint8_t r[8];
	char hex[17], leaf[64];
	int rc;

	rc = au_random(r, sizeof(r), diag);
	if (rc != 0)
		return rc;
	to_hex(r, sizeof(r), hex);
	(void)snprintf(leaf, sizeof(leaf), "%s-%s", prefix, hex);
	return pjoin(out, s->tmp, leaf, diag);
}

/* ---- open / free ---- */

static int
count_entry(const char *name, void *arg)
{
	(void)name;
	(*(size_t *)arg)++;
	return 0;
}

/*
 * Make path an empty directory: create it when missing, empty it (what an
 * interrupted run left) when not empty.  *changed is set when it did
 * either, so the caller syncs the parent only then: an up-to-date --check
 * writes nothing here (flash wear, and an fsync costs 1-2 ms).
 */
static int
reset_dir(const char *path, unsigned mode, int *changed, struct au_diag *diag)
{
	struct au_stat st;
	size_t n = 0;
	int rc;

	rc = au_stat(path, &st, diag);
	if (rc == 0 && st.type == AU_FT_DIR) {
		rc = au_dir_list(path, count_entry, &n, diag);
		if (rc != 0 || n == 0)
			return rc;
	}
	if (rc == 0 && st.type != AU_FT_NONE)
		rc = au_remove_tree(path, diag);
	if (rc == 0)
		rc = au_mkdir(path, mode, diag);
	if (rc == 0)
		*changed = 1;
	return rc;
}

/* mkdir unless it is there; *changed set when it was created. */
static int
ensure_dir(const char *path, unsigned mode, int *changed, struct au_diag *diag)
{
	struct au_stat st;
	int rc;

	rc = au_stat(path, &st, diag);
	if (rc == 0 && st.type == AU_FT_DIR)
		return 0;
	rc = au_mkdir(path, mode, diag);
	if (rc == 0)
		*changed = 1;
	return rc;
}

static int
make_dirs(struct au_store *s, struct au_diag *diag)
{
	int rc, changed = 0;

	rc = ensure_dir(s->dir, 0755, &changed, NULL);
	if (rc != 0) {		/* its parents are missing too */
		rc = au_mkdir_p(s->dir, 0755, diag);
		changed = 1;
	}
	if (rc == 0)
		rc = ensure_dir(s->store, 0755, &changed, diag);
	if (rc == 0)
		rc = ensure_dir(s->targets, 0755, &changed, diag);
	if (rc == 0)
		rc = ensure_dir(s->partial, 0700, &changed, diag);
	if (rc == 0)
		rc = reset_dir(s->tmp, 0700, &changed, diag);
	if (rc == 0 && changed)
		rc = au_dir_sync(s->dir, diag);
	return rc;
}

int
au_store_open(const char *state_dir, struct au_store **out,
    struct au_diag *diag)
{
	struct au_store *s;
	int rc;

	if (state_dir == NULL || state_dir[0] == '\0' ||
	    strlen(state_dir) > AU_STORE_MAX_DIR)
		return au_diag_set(diag, AU_EINSTALL, "state directory name "
		    "empty or longer than %d bytes", AU_STORE_MAX_DIR);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	memcpy(s->dir, state_dir, strlen(state_dir) + 1);
	s->max_bytes = AU_BUNDLE_MAX_BYTES;
	s->max_entries = AU_BUNDLE_MAX_ENTRIES;
	rc = pjoin(s->store, s->dir, "store", diag);
	if (rc == 0)
		rc = pjoin(s->tmp, s->dir, "tmp", diag);
	if (rc == 0)
		rc = pjoin(s->targets, s->dir, "targets", diag);
	if (rc == 0)
		rc = pjoin(s->partial, s->dir, "partial", diag);
	if (rc == 0)
		rc = make_dirs(s, diag);
	if (rc != 0) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
au_store_free(struct au_store *s)
{
	free(s);
}

void
au_store_set_budget(struct au_store *s, uint64_t max_bytes,
    uint64_t max_entries)
{
	s->max_bytes = max_bytes > 0 && max_bytes < AU_BUNDLE_MAX_BYTES ?
	    max_bytes : AU_BUNDLE_MAX_BYTES;
	s->max_entries = max_entries > 0 && max_entries < AU_BUNDLE_MAX_ENTRIES ?
	    max_entries : AU_BUNDLE_MAX_ENTRIES;
}

const char *
au_store_dir(const struct au_store *s)
{
	return s->dir;
}

int
au_store_has(struct au_store *s, const char *hash_hex)
{
	char path[PMAX];
	struct au_stat st;

	if (!hash_ok(hash_hex) || pjoin(path, s->store, hash_hex, NULL) != 0)
		return 0;
	if (au_stat(path, &st, NULL) != 0)
		return 0;
	return st.type == AU_FT_DIR;
}

/* ---- staging ---- */

static int
check_space(struct au_store *s, uint64_t need, struct au_diag *diag)
{
	uint64_t avail;
	int rc;

	rc = au_free_space(s->tmp, &avail, diag);
	if (rc != 0)
		return rc;
	if (avail < need)
		return au_diag_set(diag, AU_ENOSPC, "%llu bytes needed in %s, "
		    "%llu available", (unsigned long long)need, s->tmp,
		    (unsigned long long)avail);
	return 0;
}

/* SHA-256 always (it names the store directory); SHA-512 when listed:
 * every listed supported hash must match (client/fetch/digest.h). */
static int
want_sha512(const struct au_stage *st)
{
	return st->ex.has_sha512;
}

static void
hash_init(struct au_stage *st)
{
	au_sha256_init(&st->h256);
	if (want_sha512(st))
		crypto_hash_sha512_init(&st->h512);
}

static void
hash_add(struct au_stage *st, const void *buf, size_t len)
{
	au_sha256_update(&st->h256, buf, len);
	if (want_sha512(st))
		crypto_hash_sha512_update(&st->h512, buf, len);
}

/* A new stage for expect, its hashes started. */
static int
stage_new(struct au_store *s, const struct au_stage_expect *expect,
    struct au_stage **out, struct au_diag *diag)
{
	struct au_stage *st;

	if (!expect->has_sha256 && !expect->has_sha512)
		return au_diag_set(diag, AU_EART_HASHALG, "no sha256 or sha512 "
		    "hash is listed for this artifact");
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	st->s = s;
	st->ex = *expect;
	st->synced_ms = au_monotonic_ms();
	hash_init(st);
	*out = st;
	return 0;
}

int
au_stage_begin(struct au_store *s, const struct au_stage_expect *expect,
    struct au_stage **out, struct au_diag *diag)
{
	struct au_stage *st = NULL;
	int rc;

	rc = stage_new(s, expect, &st, diag);
	if (rc == 0)
		rc = check_space(s, expect->length, diag);
	if (rc == 0)
		rc = tmp_name(s, "dl", st->path, diag);
	if (rc == 0)
		rc = au_file_create(st->path, 0644, &st->f, diag);
	if (rc != 0) {
		free(st);
		return rc;
	}
	*out = st;
	return 0;
}

/*
 * After len more bytes: start their writeback every AU_STAGE_WRITEBACK_BYTES,
 * and keep a resumable download's progress durable (store.h).
 */
static int
keep_progress(struct au_stage *st, size_t len, struct au_diag *diag)
{
	int64_t now;
	int rc;

	st->unsynced += len;
	st->unflushed += len;
	if (st->unflushed >= AU_STAGE_WRITEBACK_BYTES) {
		rc = au_file_writeback(st->f, st->got - st->unflushed,
		    st->unflushed, diag);
		if (rc != 0)
			return rc;
		st->unflushed = 0;
	}
	if (st->val[0] == '\0' || st->unsynced < AU_STAGE_SYNC_BYTES)
		return 0;
	now = au_monotonic_ms();
	if (st->unsynced < st->got / AU_STAGE_SYNC_SHARE &&
	    now - st->synced_ms < AU_STAGE_SYNC_MS)
		return 0;
	rc = au_file_sync(st->f, diag);
	if (rc != 0)
		return rc;
	st->unsynced = 0;
	st->synced_ms = now;
	return 0;
}

int
au_stage_write(struct au_stage *st, const void *buf, size_t len,
    struct au_diag *diag)
{
	int rc;

	if (len > st->ex.length - st->got)
		return au_diag_set(diag, AU_EART_LENGTH, "artifact is longer "
		    "than its signed length of %llu bytes",
		    (unsigned long long)st->ex.length);
	rc = au_file_write(st->f, buf, len, diag);
	if (rc != 0)
		return rc;
	st->got += len;
	hash_add(st, buf, len);
	return keep_progress(st, len, diag);
}

void
au_stage_abort(struct au_stage *st)
{
	if (st == NULL)
		return;
	(void)au_file_close(st->f);
	best_effort(au_unlink(st->path, NULL));
	if (st->val[0] != '\0')
		best_effort(au_unlink(st->val, NULL));
	free(st);
}

void
au_stage_suspend(struct au_stage *st)
{
	if (st == NULL)
		return;
	if (st->val[0] == '\0') {
		au_stage_abort(st);
		return;
	}
	if (au_file_sync(st->f, NULL) != 0)
		au_log(AU_LOG_DEBUG, "cannot sync %s", st->path);
	(void)au_file_close(st->f);
	free(st);
}

uint64_t
au_stage_offset(const struct au_stage *st)
{
	return st->offset;
}

const char *
au_stage_validator(const struct au_stage *st)
{
	return st->validator;
}

/* Re-hash the bytes already in the partial file (local, so cheap enough). */
static int
rehash(struct au_stage *st, struct au_diag *diag)
{
	struct au_file *f = NULL;
	uint8_t *buf;
	size_t got = 0;
	int rc;

	buf = malloc(65536);
	if (buf == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	rc = au_file_open_read(st->path, &f, diag);
	while (rc == 0) {
		rc = au_file_read(f, buf, 65536, &got, diag);
		if (rc != 0 || got == 0)
			break;
		if (got > st->ex.length - st->got) {
			rc = AU_EART_LENGTH;	/* longer than signed: start over */
			break;
		}
		st->got += got;
		hash_add(st, buf, got);
	}
	(void)au_file_close(f);
	free(buf);
	return rc;
}

/* The kept validator, or "" when there is none usable. */
static void
read_validator(struct au_stage *st)
{
	uint8_t *v = NULL;
	size_t n = 0, i;

	st->validator[0] = '\0';
	if (au_file_read_all(st->val, AU_STORE_VALIDATOR_MAX, &v, &n,
	    NULL) != 0)
		return;
	for (i = 0; i < n; i++)
		if (v[i] < 0x20 || v[i] >= 0x7f)
			n = 0;
	memcpy(st->validator, v, n);
	st->validator[n] = '\0';
	free(v);
}

int
au_stage_restart(struct au_stage *st, const char *validator,
    struct au_diag *diag)
{
	size_t n = strlen(validator);
	int rc;

	if (st->val[0] == '\0' || n > AU_STORE_VALIDATOR_MAX)
		return au_diag_set(diag, AU_EINTERNAL, "not a resumable stage");
	(void)au_file_close(st->f);
	st->f = NULL;
	st->got = st->offset = st->unsynced = st->unflushed = 0;
	st->synced_ms = au_monotonic_ms();
	hash_init(st);
	rc = au_unlink(st->val, diag);
	if (rc == 0)
		rc = au_unlink(st->path, diag);
	if (rc == 0)
		rc = au_file_create(st->path, 0644, &st->f, diag);
	/* The validator is durable (with the new file's name) before any byte. */
	if (rc == 0 && n > 0)
		rc = au_file_replace(st->val, validator, n, 0600, diag);
	else if (rc == 0)
		rc = au_dir_sync(st->s->partial, diag);
	if (rc == 0)
		memcpy(st->validator, validator, n + 1);
	return rc;
}

/* Open partial/<hash>.part (created when missing) and take in its bytes. */
static int
resume_open(struct au_stage *st, struct au_diag *diag)
{
	struct au_stat sb;
	char leaf[80];
	int rc;

	to_hex(st->ex.sha256, 32, leaf);
	memcpy(leaf + 64, ".part", 6);
	rc = pjoin(st->path, st->s->partial, leaf, diag);
	memcpy(leaf + 64, ".val", 5);
	if (rc == 0)
		rc = pjoin(st->val, st->s->partial, leaf, diag);
	if (rc == 0)
		rc = au_stat(st->path, &sb, diag);
	if (rc != 0)
		return rc;
	read_validator(st);
	if (sb.type != AU_FT_FILE || st->validator[0] == '\0' ||
	    rehash(st, diag) != 0)
		return au_stage_restart(st, "", diag);
	st->offset = st->got;
	return au_file_open_append(st->path, &st->f, diag);
}

int
au_stage_resume(struct au_store *s, const struct au_stage_expect *expect,
    struct au_stage **out, struct au_diag *diag)
{
	struct au_stage *st = NULL;
	int rc;

	if (!expect->has_sha256)
		return au_stage_begin(s, expect, out, diag);
	rc = stage_new(s, expect, &st, diag);
	if (rc != 0)
		return rc;
	rc = resume_open(st, diag);
	if (rc == 0)
		rc = check_space(s, expect->length - st->offset, diag);
	if (rc != 0) {
		au_stage_abort(st);
		return rc;
	}
	*out = st;
	return 0;
}

static int
hash_mismatch(const char *target, const char *alg, const uint8_t *want,
    const uint8_t *got, size_t n, struct au_diag *diag)
{
	char w[129], g[129];

	to_hex(want, n, w);
	to_hex(got, n, g);
	return au_diag_set(diag, AU_EART_HASH, "%.200s: %s mismatch: signed "
	    "%s, received %s", target, alg, w, g);
}

/* Length and every expected hash; the SHA-256 of the bytes into sha256. */
static int
verify(struct au_stage *st, const char *target, uint8_t sha256[32],
    struct au_diag *diag)
{
	uint8_t h512[64];

	if (st->got != st->ex.length)
		return au_diag_set(diag, AU_EART_LENGTH, "%.200s: received %llu "
		    "of the signed %llu bytes", target,
		    (unsigned long long)st->got,
		    (unsigned long long)st->ex.length);
	au_sha256_final(&st->h256, sha256);
	/* Digests of public data: no constant-time compare needed.  Every
	 * listed hash is checked (digest.h). */
	if (st->ex.has_sha256 && memcmp(sha256, st->ex.sha256, 32) != 0)
		return hash_mismatch(target, "sha256", st->ex.sha256, sha256,
		    32, diag);
	if (!want_sha512(st))
		return 0;
	crypto_hash_sha512_final(&st->h512, h512);
	if (memcmp(h512, st->ex.sha512, 64) != 0)
		return hash_mismatch(target, "sha512", st->ex.sha512, h512,
		    64, diag);
	return 0;
}

/* Fill the directory dir with the staged bytes: a file, or a bundle's tree. */
static int
fill_dir(struct au_stage *st, const char *target, const char *dir,
    struct au_diag *diag)
{
	const char *base = strrchr(target, '/');
	char path[PMAX];
	int kind = au_bundle_kind(target), rc;

	if (kind >= 0)
		return au_bundle_extract(st->path, (enum au_bundle_filter)kind,
		    dir, st->s->max_bytes, st->s->max_entries, diag);
	rc = pjoin(path, dir, base ? base + 1 : target, diag);
	if (rc == 0)
		rc = au_rename(st->path, path, diag);
	if (rc == 0)
		rc = au_dir_sync(dir, diag);
	return rc;
}

/* Build store/<hex> in tmp/, then rename it into place. */
static int
install(struct au_stage *st, const char *target, const char *hex,
    struct au_diag *diag)
{
	struct au_store *s = st->s;
	char dir[PMAX], final[PMAX];
	int rc;

	if (au_store_has(s, hex))
		return 0;
	rc = tmp_name(s, "in", dir, diag);
	if (rc == 0)
		rc = pjoin(final, s->store, hex, diag);
	if (rc == 0)
		rc = au_mkdir(dir, 0755, diag);
	if (rc != 0)
		return rc;
	rc = fill_dir(st, target, dir, diag);
	if (rc == 0)
		rc = au_rename(dir, final, diag);
	if (rc == 0)
		rc = au_dir_sync(s->store, diag);
	if (rc != 0)
		best_effort(au_remove_tree(dir, NULL));
	return rc;
}

int
au_stage_commit(struct au_stage *st, const char *target_name,
    char hash_hex[65], struct au_diag *diag)
{
	uint8_t sha256[32];
	char hex[65];
	int rc;

	rc = check_name(target_name, diag);
	if (rc == 0)
		rc = verify(st, target_name, sha256, diag);
	if (rc == 0)
		rc = au_file_sync(st->f, diag);
	if (au_file_close(st->f) != 0 && rc == 0)
		rc = au_diag_set(diag, AU_EIO, "close %s", st->path);
	st->f = NULL;
	if (rc == 0) {
		to_hex(sha256, 32, hex);
		rc = install(st, target_name, hex, diag);
	}
	if (rc == 0)
		memcpy(hash_hex, hex, 65);
	au_stage_abort(st);
	return rc;
}

/* ---- pointers: targets/<name>/{current,previous} ---- */

/* The relative link text from targets/<name>/ to store/<hex>. */
static int
link_text(const char *name, const char *hex, char out[PMAX])
{
	size_t ups = 2, n = 0, i;
	const char *p;
	int w;

	for (p = name; *p != '\0'; p++)
		ups += *p == '/';
	for (i = 0; i < ups; i++, n += 3)
		memcpy(out + n, "../", 3);
	w = snprintf(out + n, PMAX - n, "store/%s", hex);
	return (w < 0 || (size_t)w >= PMAX - n) ? AU_EINSTALL : 0;
}

/* Read one pointer: hex receives its hash, or "" when the link is absent. */
static int
read_ptr(const char *path, char hex[65], struct au_diag *diag)
{
	char buf[PMAX];
	struct au_stat st;
	size_t n;
	int rc;

	rc = au_stat(path, &st, diag);
	if (rc != 0)
		return rc;
	if (st.type == AU_FT_NONE) {
		hex[0] = '\0';
		return 0;
	}
	if (st.type == AU_FT_LINK)
		rc = au_readlink(path, buf, sizeof(buf), diag);
	else
		rc = AU_EINSTALL;
	n = rc == 0 ? strlen(buf) : 0;
	if (rc == 0 && (n < 71 || memcmp(buf + n - 71, "/store/", 7) != 0 ||
	    !hash_ok(buf + n - 64)))
		rc = AU_EINSTALL;
	if (rc == AU_EINSTALL)
		return au_diag_set(diag, rc, "%s is not a link into store/; "
		    "remove it and run again", path);
	if (rc == 0)
		memcpy(hex, buf + n - 64, 65);
	return rc;
}

/* Atomically set dir/leaf to point at store/<hex>: link leaf.tmp, rename. */
static int
set_ptr(const char *dir, const char *leaf, const char *name, const char *hex,
    struct au_diag *diag)
{
	char text[PMAX], tmp[PMAX], path[PMAX], tleaf[32];
	int rc;

	(void)snprintf(tleaf, sizeof(tleaf), "%s.tmp", leaf);
	if (link_text(name, hex, text) != 0)
		return au_diag_set(diag, AU_EINSTALL, "link text too long");
	rc = pjoin(tmp, dir, tleaf, diag);
	if (rc == 0)
		rc = pjoin(path, dir, leaf, diag);
	if (rc == 0)
		rc = au_unlink(tmp, diag);
	if (rc == 0)
		rc = au_symlink(text, tmp, diag);
	if (rc == 0)
		rc = au_rename(tmp, path, diag);
	if (rc == 0)
		rc = au_dir_sync(dir, diag);
	return rc;
}

/* targets/<name> path, plus current and previous inside it. */
struct tpaths {
	char dir[PMAX], cur[PMAX], prev[PMAX];
};

static int
target_paths(const struct au_store *s, const char *name, struct tpaths *tp,
    struct au_diag *diag)
{
	int rc = check_name(name, diag);

	if (rc == 0)
		rc = pjoin(tp->dir, s->targets, name, diag);
	if (rc == 0)
		rc = pjoin(tp->cur, tp->dir, "current", diag);
	if (rc == 0)
		rc = pjoin(tp->prev, tp->dir, "previous", diag);
	return rc;
}

/* mkdir -p targets/<name>, then fsync each level from targets/ down. */
static int
make_target_dir(const struct au_store *s, const char *name,
    const char *dir, struct au_diag *diag)
{
	char path[PMAX];
	size_t base = strlen(s->targets) + 1, i;
	int rc;

	rc = au_mkdir_p(dir, 0755, diag);
	if (rc == 0)
		rc = au_dir_sync(s->targets, diag);
	memcpy(path, dir, strlen(dir) + 1);
	for (i = base; rc == 0 && name[i - base] != '\0'; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		rc = au_dir_sync(path, diag);
		path[i] = '/';
	}
	return rc;
}

int
au_store_switch(struct au_store *s, const char *name, const char *hash_hex,
    struct au_diag *diag)
{
	struct tpaths tp;
	char cur[65];
	int rc;

	rc = target_paths(s, name, &tp, diag);
	if (rc == 0)
		rc = check_hash(hash_hex, diag);
	if (rc != 0)
		return rc;
	if (!au_store_has(s, hash_hex))
		return au_diag_set(diag, AU_EINSTALL, "%.200s: store/%s is not "
		    "installed", name, hash_hex);
	rc = make_target_dir(s, name, tp.dir, diag);
	if (rc == 0)
		rc = read_ptr(tp.cur, cur, diag);
	if (rc != 0 || strcmp(cur, hash_hex) == 0)
		return rc;
	if (cur[0] != '\0')
		rc = set_ptr(tp.dir, "previous", name, cur, diag);
	if (rc == 0)
		rc = set_ptr(tp.dir, "current", name, hash_hex, diag);
	return rc;
}

int
au_store_rollback(struct au_store *s, const char *name, struct au_diag *diag)
{
	struct tpaths tp;
	char cur[65], prev[65];
	int rc;

	rc = target_paths(s, name, &tp, diag);
	if (rc == 0)
		rc = read_ptr(tp.cur, cur, diag);
	if (rc == 0)
		rc = read_ptr(tp.prev, prev, diag);
	if (rc != 0)
		return rc;
	if (prev[0] == '\0')
		return au_diag_set(diag, AU_EINSTALL, "%.200s: no previous "
		    "version to roll back to", name);
	if (!au_store_has(s, prev))
		return au_diag_set(diag, AU_EINSTALL, "%.200s: previous version "
		    "store/%s is gone", name, prev);
	rc = set_ptr(tp.dir, "current", name, prev, diag);
	if (rc == 0 && cur[0] != '\0')
		rc = set_ptr(tp.dir, "previous", name, cur, diag);
	return rc;
}

int
au_store_set_previous(struct au_store *s, const char *name,
    const char *hash_hex, struct au_diag *diag)
{
	struct tpaths tp;
	int rc;

	rc = target_paths(s, name, &tp, diag);
	if (rc != 0)
		return rc;
	if (hash_hex[0] == '\0') {
		rc = au_unlink(tp.prev, diag);
		return rc == 0 ? au_dir_sync(tp.dir, diag) : rc;
	}
	rc = check_hash(hash_hex, diag);
	if (rc == 0 && !au_store_has(s, hash_hex))
		return au_diag_set(diag, AU_EINSTALL, "%.200s: store/%s is not "
		    "installed", name, hash_hex);
	return rc == 0 ? set_ptr(tp.dir, "previous", name, hash_hex, diag) : rc;
}

int
au_store_get(struct au_store *s, const char *name, char cur[65],
    char prev[65], char *path, size_t psize, struct au_diag *diag)
{
	struct tpaths tp;
	char c[65], p[65];
	int rc;

	rc = target_paths(s, name, &tp, diag);
	if (rc == 0)
		rc = read_ptr(tp.cur, c, diag);
	if (rc == 0)
		rc = read_ptr(tp.prev, p, diag);
	if (rc != 0)
		return rc;
	if (path != NULL && strlen(tp.cur) >= psize)
		return au_diag_set(diag, AU_EINTERNAL, "path buffer too small "
		    "for %s", tp.cur);
	memcpy(cur, c, 65);
	memcpy(prev, p, 65);
	if (path != NULL)
		memcpy(path, tp.cur, strlen(tp.cur) + 1);
	return 0;
}

int
au_store_remove_current(struct au_store *s, const char *name,
    struct au_diag *diag)
{
	struct tpaths tp;
	int rc;

	rc = target_paths(s, name, &tp, diag);
	if (rc == 0)
		rc = au_unlink(tp.cur, diag);
	if (rc == 0)
		rc = au_dir_sync(tp.dir, diag);
	return rc;
}

/* ---- garbage collection ---- */

struct gc {
	char (*keep)[65];
	size_t n, cap;
	struct au_store *s;
	struct au_diag *diag;
	int removed;	/* something was swept from store/ */
};

struct gc_frame {
	struct gc *g;
	const char *dir;
	int depth;
};

static int
gc_keep(struct gc *g, const char *hex)
{
	char (*nk)[65];

	if (hex[0] == '\0')
		return 0;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		nk = realloc(g->keep, g->cap * sizeof(*g->keep));
		if (nk == NULL)
			return au_diag_set(g->diag, AU_ENOMEM, "out of memory");
		g->keep = nk;
	}
	memcpy(g->keep[g->n++], hex, 65);
	return 0;
}

static int gc_walk(struct gc *g, const char *dir, int depth);

/* One entry under targets/: keep what pointers name, drop *.tmp links. */
static int
gc_visit(const char *name, void *arg)
{
	struct gc_frame *f = arg;
	char path[PMAX], hex[65];
	struct au_stat st;
	size_t n = strlen(name);
	int rc;

	rc = pjoin(path, f->dir, name, f->g->diag);
	if (rc == 0)
		rc = au_stat(path, &st, f->g->diag);
	if (rc != 0)
		return rc;
	if (st.type == AU_FT_DIR && f->depth < AU_STORE_MAX_DEPTH)
		return gc_walk(f->g, path, f->depth + 1);
	if (st.type != AU_FT_LINK)
		return 0;
	if (n > 4 && strcmp(name + n - 4, ".tmp") == 0)
		return au_unlink(path, f->g->diag);
	if (strcmp(name, "current") != 0 && strcmp(name, "previous") != 0)
		return 0;
	rc = read_ptr(path, hex, f->g->diag);
	return rc ? rc : gc_keep(f->g, hex);
}

static int
gc_walk(struct gc *g, const char *dir, int depth)
{
	struct gc_frame f = { g, dir, depth };

	return au_dir_list(dir, gc_visit, &f, g->diag);
}

/* One entry of store/: removed unless a pointer names it. */
static int
gc_sweep(const char *name, void *arg)
{
	struct gc *g = arg;
	char path[PMAX];
	size_t i;
	int rc;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->keep[i], name) == 0)
			return 0;
	rc = pjoin(path, g->s->store, name, g->diag);
	g->removed = 1;
	return rc ? rc : au_remove_tree(path, g->diag);
}

int
au_store_gc(struct au_store *s, struct au_diag *diag)
{
	return au_store_gc_keep(s, NULL, 0, diag);
}

int
au_store_gc_keep(struct au_store *s, const char (*keep)[65], size_t nkeep,
    struct au_diag *diag)
{
	struct gc g = { NULL, 0, 0, s, diag, 0 };
	size_t i;
	int rc, changed = 0;

	rc = gc_walk(&g, s->targets, 0);
	for (i = 0; rc == 0 && i < nkeep; i++)
		rc = gc_keep(&g, keep[i]);
	if (rc == 0)
		rc = au_dir_list(s->store, gc_sweep, &g, diag);
	if (rc == 0 && g.removed)
		rc = au_dir_sync(s->store, diag);
	if (rc == 0)
		rc = reset_dir(s->tmp, 0700, &changed, diag);
	if (rc == 0)
		rc = reset_dir(s->partial, 0700, &changed, diag);
	free(g.keep);
	return rc;
}

/* ---- health check ---- */

struct hc {
	char line[AU_HEALTH_MAX_CMD + 1];
	char *argv[AU_HEALTH_MAX_ARGS + 1];
	char *env[5];
	char e[4][PMAX + 32];
};

/* Split h->line on spaces into h->argv; 0, or -1 when empty or too many. */
static int
split_words(struct hc *h)
{
	char *p = h->line;
	size_t n = 0;

	for (;;) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n == AU_HEALTH_MAX_ARGS)
			return -1;
		h->argv[n++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	h->argv[n] = NULL;
	return n ? 0 : -1;
}

static int
set_env(struct hc *h, int i, const char *var, const char *val)
{
	int n = snprintf(h->e[i], sizeof(h->e[i]), "%s=%s", var,
	    val ? val : "");

	h->env[i] = h->e[i];
	return (n < 0 || (size_t)n >= sizeof(h->e[i])) ? -1 : 0;
}

static int
health_prepare(struct hc *h, const char *cmd, const char *target,
    const char *version, const char *path, const char *prev_path)
{
	if (cmd == NULL || strlen(cmd) > AU_HEALTH_MAX_CMD)
		return -1;
	memcpy(h->line, cmd, strlen(cmd) + 1);
	if (split_words(h) != 0)
		return -1;
	if (set_env(h, 0, "AIUPDATE_TARGET", target) != 0 ||
	    set_env(h, 1, "AIUPDATE_VERSION", version) != 0 ||
	    set_env(h, 2, "AIUPDATE_PATH", path) != 0 ||
	    set_env(h, 3, "AIUPDATE_PREVIOUS_PATH", prev_path) != 0)
		return -1;
	h->env[4] = NULL;
	return 0;
}

static int
health_verdict(const char *cmd, int status, int timeout_s,
    struct au_diag *diag)
{
	if (status == 0)
		return 0;
	if (status < 0)
		return au_diag_set(diag, AU_EHEALTH, "health check \"%.200s\" "
		    "timed out after %d s and was killed", cmd, timeout_s);
	if (status == 127 || status == 126)
		return au_diag_set(diag, AU_EHEALTH, "health check \"%.200s\" "
		    "exited with status %d (command %s?)", cmd, status,
		    status == 127 ? "not found" : "not executable");
	if (status > 128)
		return au_diag_set(diag, AU_EHEALTH, "health check \"%.200s\" "
		    "exited with status %d (killed by signal %d?)", cmd, status,
		    status - 128);
	return au_diag_set(diag, AU_EHEALTH, "health check \"%.200s\" exited "
	    "with status %d", cmd, status);
}

int
au_health_run(const char *cmd, const char *target, const char *version,
    const char *path, const char *prev_path, int timeout_s,
    struct au_diag *diag)
{
	struct au_diag sd = { "", 0 };
	struct hc *h;
	int rc, status = 0;

	if (timeout_s <= 0)
		return au_diag_set(diag, AU_EHEALTH, "health check timeout %d s "
		    "is not positive", timeout_s);
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return au_diag_set(diag, AU_EHEALTH, "out of memory");
	if (health_prepare(h, cmd, target, version, path, prev_path) != 0) {
		rc = au_diag_set(diag, AU_EHEALTH, "health check command "
		    "empty, over %d bytes or %d words, or its environment too "
		    "long", AU_HEALTH_MAX_CMD, AU_HEALTH_MAX_ARGS);
		goto out;
	}
	rc = au_spawn(h->argv, h->env, timeout_s, &status, &sd);
	if (rc != 0)
		rc = au_diag_sys(diag, AU_EHEALTH, sd.sys, "health check "
		    "\"%.200s\" could not run: %.200s", cmd, sd.msg);
	else
		rc = health_verdict(cmd, status, timeout_s, diag);
out:
	free(h);
	return rc;
}
