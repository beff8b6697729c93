/* SPDX-License-Identifier: ISC */
/* client/install/stage.c - staging, resume and verification of a download (stage.h). */
#include "client/install/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "client/install/bundle.h"
#include "keys/digest.h"

#include "client/install/store_int.h"
#include "port/port.h"
#include "port/text.h"

#include "port/ban.h"

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
	int direct;		/* au_file_direct() was called on f */
	struct au_stage_expect ex;
	uint64_t got;
	struct au_sha256 h256;	/* always: checked when listed, names store/ */
	crypto_hash_sha512_state h512;	/* only when SHA-512 is listed */
};

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

/*
 * The staging directory dir (tmp/ or partial/) must be ours alone before a
 * file is staged in it: a directory owned by us with no group or other
 * access, so nobody else can replace or rewrite a staged file between its
 * verification and its install (issue 12, finding 2).  One found open to
 * others, or owned by someone else, is emptied and made again 0700 (what
 * it held is staging data another user may have planted); anything but a
 * directory is refused.
 */
static int
private_dir(const char *dir, struct au_diag *diag)
{
	struct au_stat sb;
	int rc;

	rc = au_stat(dir, &sb, diag);
	if (rc != 0)
		return rc;
	if (sb.type == AU_FT_DIR && sb.mine && (sb.mode & 077) == 0)
		return 0;
	if (sb.type != AU_FT_DIR)
		return au_diag_set(diag, AU_EINSTALL, "staging directory %s is "
		    "not a directory: refusing to stage through it", dir);
	au_log(AU_LOG_WARN, "staging directory %s was open to others (mode "
	    "%04o%s): emptied and made private", dir, sb.mode,
	    sb.mine ? "" : ", not ours");
	rc = au_remove_tree(dir, diag);
	if (rc == 0)
		rc = au_mkdir(dir, 0700, diag);
	return rc;
}

/* SHA-256 always (it names the store directory); SHA-512 when listed:
 * every listed supported hash must match (keys/digest.h). */
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
		rc = private_dir(s->tmp, diag);
	if (rc == 0)
		rc = au_store_tmp_name(s, "dl", st->path, diag);
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
	/* Written once, read back only at the check: past the page cache
	 * (port.h au_file_direct; the pipeline's slots are aligned). */
	if (!st->direct) {
		au_file_direct(st->f);
		st->direct = 1;
	}
	rc = au_file_write(st->f, buf, len, diag);
	if (rc == 0) {
		st->got += len;
		hash_add(st, buf, len);
		rc = keep_progress(st, len, diag);
	}
	/* port/ knows the descriptor, not its name: the path is said here,
	 * in front of the errno and reason, which stay (au_diag_wrap). */
	if (rc != 0)
		return au_diag_wrap(diag, rc, "staging %s", st->path);
	return 0;
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

/*
 * Re-hash the bytes already in the partial file (local, so cheap enough),
 * read through st->f: the descriptor the download then appends to and the
 * commit installs from, so what is hashed is the file that is installed.
 */
static int
rehash(struct au_stage *st, struct au_diag *diag)
{
	uint8_t *buf;
	size_t got = 0;
	int rc = 0;

	buf = malloc(65536);
	if (buf == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	while (rc == 0) {
		rc = au_file_read(st->f, buf, 65536, &got, diag);
		if (rc != 0 || got == 0)
			break;
		if (got > st->ex.length - st->got) {
			rc = AU_EART_LENGTH;	/* longer than signed: start over */
			break;
		}
		st->got += got;
		hash_add(st, buf, got);
	}
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
	st->direct = 0;
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

	au_hex_encode(st->ex.sha256, 32, leaf);
	memcpy(leaf + 64, ".part", 6);
	rc = au_store_join(st->path, st->s->partial, leaf, diag);
	memcpy(leaf + 64, ".val", 5);
	if (rc == 0)
		rc = au_store_join(st->val, st->s->partial, leaf, diag);
	if (rc == 0)
		rc = private_dir(st->s->partial, diag);
	if (rc == 0)
		rc = au_stat(st->path, &sb, diag);
	if (rc != 0)
		return rc;
	read_validator(st);
	/* One descriptor from here to the install: read, then appended to. */
	if (sb.type != AU_FT_FILE || !sb.mine || (sb.mode & 022) != 0 ||
	    st->validator[0] == '\0' ||
	    au_file_open_append(st->path, &st->f, NULL) != 0 ||
	    rehash(st, diag) != 0)
		return au_stage_restart(st, "", diag);
	st->offset = st->got;
	return 0;
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

	au_hex_encode(want, n, w);
	au_hex_encode(got, n, g);
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

/*
 * Fill the directory dir with the staged bytes, from the descriptor they
 * were verified through (never re-opened by name): a bundle is extracted
 * from st->f, each of its passes hashing what it reads back (bundle.h); a
 * raw file is renamed into dir, and the name must then still be the file
 * st->f is open on - one swapped in under the staging name after the
 * verification is refused.  A bundle's entries go into list (its manifest).
 */
static int
fill_dir(struct au_stage *st, const char *target, const uint8_t sha256[32],
    const char *dir, struct au_store_list *list, struct au_diag *diag)
{
	const struct au_bundle_sink sink = { au_store_list_entry, list };
	const char *base = strrchr(target, '/');
	char path[PMAX];
	int kind = au_bundle_kind(target), rc, same = 0;

	if (kind >= 0)
		return au_bundle_extract_file(st->f, st->path, sha256,
		    (enum au_bundle_filter)kind, dir, st->s->max_bytes,
		    st->s->max_entries, &sink, diag);
	rc = au_store_join(path, dir, base ? base + 1 : target, diag);
	if (rc == 0)
		rc = au_rename(st->path, path, diag);
	if (rc == 0)
		rc = au_file_is(st->f, path, &same, diag);
	if (rc == 0 && !same)
		rc = au_diag_set(diag, AU_EART_HASH, "%.200s: the staged file "
		    "%s was replaced after it was verified", target, st->path);
	if (rc == 0)
		rc = au_dir_sync(dir, diag);
	return rc;
}

/*
 * After the rename into store/: the raw file there must still be the one
 * verified (a file swapped in under tmp/ after fill_dir's check is not).
 * Else store/<hex> is removed at once (nothing points at it yet).
 */
static int
still_ours(struct au_stage *st, const char *target, const char *final,
    struct au_diag *diag)
{
	const char *base = strrchr(target, '/');
	char path[PMAX];
	int rc, same = 0;

	rc = au_store_join(path, final, base ? base + 1 : target, diag);
	if (rc == 0)
		rc = au_file_is(st->f, path, &same, diag);
	if (rc == 0 && !same) {
		best_effort(au_remove_tree(final, NULL));
		rc = au_diag_set(diag, AU_EART_HASH, "%.200s: the staged file "
		    "was replaced after it was verified", target);
	}
	return rc;
}

/* The base name a raw target's file has in its store entry. */
static const char *
raw_base(const char *target)
{
	const char *base = strrchr(target, '/');

	return base != NULL ? base + 1 : target;
}

/*
 * store/<hex> holds these verified bytes under another raw target's base
 * name: the staged (verified) file goes in beside it under this target's,
 * atomically (one rename into the entry, then its directory is synced), so
 * targets/<target>/current/<base> exists once current points here.
 */
static int
add_name(struct au_stage *st, const char *target, const char *hex,
    struct au_diag *diag)
{
	char final[PMAX], path[PMAX];
	int rc;

	rc = au_store_join(final, st->s->store, hex, diag);
	if (rc != 0)
		return rc;
	rc = fill_dir(st, target, NULL, final, NULL, diag);
	if (rc == AU_EART_HASH && au_store_join(path, final, raw_base(target),
	    NULL) == 0)	/* swapped after its check: not left in the entry */
		best_effort(au_unlink(path, NULL));
	return rc;
}

/* A manifest left beside store/<hex> by an install cut short goes. */
static int
drop_stale(const char *mpath, struct au_diag *diag)
{
	struct au_stat sb;
	int rc = au_stat(mpath, &sb, diag);

	return rc == 0 && sb.type != AU_FT_NONE ? au_unlink(mpath, diag) : rc;
}

/*
 * Build store/<hex> in tmp/ (with a bundle's manifest, renamed beside it
 * first: store_verify.c), then rename it into place.  An entry already
 * there is used only when it holds what it should (au_store_reuse).
 */
static int
install(struct au_stage *st, const char *target, const uint8_t sha256[32],
    const char *hex, struct au_diag *diag)
{
	struct au_store *s = st->s;
	struct au_store_list *list = NULL;
	char dir[PMAX], final[PMAX], mtmp[PMAX] = "", mfinal[PMAX];
	int rc, bundle = au_bundle_kind(target) >= 0;

	rc = au_store_reuse(s, hex, st->ex.length, bundle, raw_base(target),
	    diag);
	if (rc == 2)	/* the same bytes, another raw target's name */
		return add_name(st, target, hex, diag);
	if (rc != 0)
		return rc < 0 ? rc : 0;	/* 1: verified, the same content */
	rc = au_store_tmp_name(s, "in", dir, diag);
	if (rc == 0)
		rc = au_store_join(final, s->store, hex, diag);
	if (rc == 0)
		rc = au_store_manifest_path(s, hex, mfinal, diag);
	if (rc == 0)
		rc = bundle ? au_store_list_new(&list, diag) :
		    drop_stale(mfinal, diag);
	if (rc == 0)
		rc = au_mkdir(dir, 0755, diag);
	if (rc == 0)
		rc = fill_dir(st, target, sha256, dir, list, diag);
	if (rc == 0 && bundle)
		rc = au_store_list_write(s, list, hex, mtmp, diag);
	if (rc == 0 && bundle)
		rc = au_rename(mtmp, mfinal, diag);
	if (rc == 0)
		rc = au_rename(dir, final, diag);
	if (rc == 0 && !bundle)
		rc = still_ours(st, target, final, diag);
	if (rc == 0)
		rc = au_dir_sync(s->store, diag);
	if (rc != 0) {
		best_effort(au_remove_tree(dir, NULL));
		if (mtmp[0] != '\0')
			best_effort(au_unlink(mtmp, NULL));
	}
	au_store_list_free(list);
	return rc;
}

int
au_stage_commit(struct au_stage *st, const char *target_name,
    char hash_hex[65], struct au_diag *diag)
{
	uint8_t sha256[32];
	char hex[65];
	int rc;

	rc = au_store_check_name(target_name, diag);
	if (rc == 0)
		rc = verify(st, target_name, sha256, diag);
	if (rc == 0)
		rc = au_file_sync(st->f, diag);
	/* st->f stays open through the install (fill_dir). */
	if (rc == 0) {
		au_hex_encode(sha256, 32, hex);
		rc = install(st, target_name, sha256, hex, diag);
	}
	if (au_file_close(st->f) != 0 && rc == 0)
		rc = au_diag_set(diag, AU_EIO, "close %s", st->path);
	st->f = NULL;
	if (rc == 0)
		memcpy(hash_hex, hex, 65);
	au_stage_abort(st);
	return rc;
}

