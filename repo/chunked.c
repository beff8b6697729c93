/* SPDX-License-Identifier: ISC */
/*
 * repo/chunked.c - chunked targets for `aiupdate-repo add` (issue 13): the
 * chunk index NAME.cidx of a staged file (manifest/chunk_index.h,
 * docs/chunk-index.md), staged and recorded as its own target, and named
 * in the file's signed custom as "chunk_index".  Before anything is
 * recorded, the index to publish is read back from the staging directory
 * and compared byte for byte with an index recomputed from the staged file
 * (the bytes the server will serve) by the device's own chunker: an index
 * that does not describe the file exactly is refused (AU_EART_HASH, exit
 * 13), as a bundle devices would refuse is.
 */
#include "repo/repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/install/bundle.h"
#include "manifest/chunk_index.h"
#include "manifest/tuf.h"
#include "port/port.h"

#include "port/ban.h"

/* "64M", "1G", "4096", "512K" (binary units) into bytes. */
static int
parse_size(const char *text, const char *what, uint64_t *out,
    struct au_diag *diag)
{
	char *end = NULL;
	unsigned long long v;
	unsigned shift = 0;

	if (text[0] < '0' || text[0] > '9')
		goto bad;
	v = strtoull(text, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift != 0)
		end++;
	if (*end != '\0' || v > (AU_REPO_TARGET_MAX >> shift))
		goto bad;
	*out = (uint64_t)v << shift;
	return 0;
bad:
	return au_diag_set(diag, AU_EUSAGE, "%s \"%s\": give bytes, or a "
	    "number with K, M or G (binary units), at most 64G", what, text);
}

/* Bytes of a file name's last component that `publish` can write: NAME_MAX
 * (255 on Linux file systems) less the ".tmp" of its temporary file. */
#define COMPONENT_MAX 251

/* The index target's name: NAME.cidx, valid under the one name policy and
 * short enough a file name to publish. */
static int
cidx_name(const char *name, char out[AU_TARGET_NAME_MAX + 1],
    struct au_diag *diag)
{
	struct au_diag nd;
	const char *base;
	int n;

	n = snprintf(out, AU_TARGET_NAME_MAX + 1, "%s%s", name,
	    AU_REPO_CIDX_SUFFIX);
	base = n > 0 && n <= AU_TARGET_NAME_MAX ? strrchr(out, '/') : NULL;
	base = base != NULL ? base + 1 : out;
	if (n < 0 || n > AU_TARGET_NAME_MAX || strlen(base) > COMPONENT_MAX ||
	    au_target_name_check(out, &nd))
		return au_diag_set(diag, AU_EUSAGE, "target name %s too long "
		    "for its chunk index %s%s", name, name, AU_REPO_CIDX_SUFFIX);
	return 0;
}

/* --chunked where it cannot apply: refused before anything is staged. */
static int
applies(const struct au_repo_chunking *ck, const char *name,
    struct au_diag *diag)
{
	char iname[AU_TARGET_NAME_MAX + 1];
	int rc;

	if (ck->mode <= 0)
		return 0;
	if (au_bundle_kind(name) >= 0)
		return au_diag_set(diag, AU_EUSAGE, "%s is a bundle: devices "
		    "extract it, so no local file of it is left to build a new "
		    "version from; --chunked applies to single files", name);
	if ((rc = cidx_name(name, iname, diag)) != 0)
		return rc;
	return 0;
}

int
au_repo_chunking_init(struct au_repo_chunking *ck, const json_t *state,
    const char *name, const char *chunked, const char *no_chunk,
    const char *above, const char *given, struct au_diag *diag)
{
	const json_t *cfg = json_object_get(state, "chunk_above");
	int rc;

	ck->mode = chunked != NULL ? 1 : no_chunk != NULL ? -1 : 0;
	ck->above = AU_REPO_CHUNK_ABOVE;
	ck->given = given;
	if (chunked != NULL && no_chunk != NULL)
		return au_diag_set(diag, AU_EUSAGE, "--chunked and --no-chunk "
		    "exclude each other");
	if (given != NULL && no_chunk != NULL)
		return au_diag_set(diag, AU_EUSAGE, "--chunk-index and "
		    "--no-chunk exclude each other");
	if (given != NULL)
		ck->mode = 1;
	if (cfg != NULL) {
		if (!json_is_integer(cfg) || json_integer_value(cfg) < 0)
			return au_diag_set(diag, AU_ECONFIG, "repo.json: "
			    "\"chunk_above\" must be an integer >= 0 (bytes; 0: "
			    "never chunk by size)");
		ck->above = (uint64_t)json_integer_value(cfg);
	}
	if (above != NULL &&
	    (rc = parse_size(above, "--chunk-above", &ck->above, diag)) != 0)
		return rc;
	return applies(ck, name, diag);
}

/* Whether to chunk the staged file h of target name. */
static int
wanted(const struct au_repo_chunking *ck, const char *name,
    const struct au_repo_hashes *h)
{
	if (ck == NULL || ck->mode < 0 || au_bundle_kind(name) >= 0)
		return 0;	/* --chunked on a bundle: refused by applies() */
	return ck->mode > 0 || (ck->above > 0 && h->length >= ck->above);
}

/* The index of the file at path, computed with the device's chunker. */
static int
compute(const char *path, uint8_t **out, size_t *len, struct au_diag *diag)
{
	struct au_cidx_file src = { NULL, diag };
	int rc;

	if ((rc = au_file_open_read(path, &src.f, diag)) != 0)
		return rc;
	rc = au_cidx_build(au_cidx_file_read, &src, out, len, diag);
	(void)au_file_close(src.f);
	return rc;
}

/* The first record where two indexes differ, for the message. */
static size_t
first_diff(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	size_t i, n = al < bl ? al : bl;

	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	return i < AU_CIDX_HEAD ? 0 : (i - AU_CIDX_HEAD) / AU_CIDX_REC + 1;
}

/*
 * Read back the staged index (ipath) and the staged file (fpath), recompute
 * the file's index and require the two to be the same bytes.
 */
static int
verify(const char *fpath, const char *ipath, const char *name,
    struct au_diag *diag)
{
	uint8_t *pub = NULL, *re = NULL;
	size_t pl = 0, rl = 0, at;
	int rc;

	rc = au_file_read_all(ipath, AU_REPO_CIDX_MAX, &pub, &pl, diag);
	if (rc == 0)
		rc = compute(fpath, &re, &rl, diag);
	if (rc == 0 && (rc = au_cidx_check(pub, pl, NULL, diag)) != 0)
		rc = au_diag_wrap(diag, AU_EART_HASH, "%s%s", name,
		    AU_REPO_CIDX_SUFFIX);
	if (rc == 0 && (pl != rl || memcmp(pub, re, pl) != 0)) {
		at = first_diff(pub, pl, re, rl);
		rc = au_diag_set(diag, AU_EART_HASH, "%s%s does not describe %s "
		    "exactly: %s%zu differs from the device's chunking (%zu "
		    "bytes, recomputed %zu)", name, AU_REPO_CIDX_SUFFIX, name,
		    at == 0 ? "the head, record " : "record ", at == 0 ? 0 :
		    at - 1, pl, rl);
	}
	free(pub);
	free(re);
	return rc;
}

/* Write the index bytes (computed, or the --chunk-index file's) into
 * DIR/staged/SHA256 of them (ipath); ih gets their length and hash,
 * *existed whether that staged file was there before (then it is some
 * other target's too, and must stay). */
static int
stage_index(const char *dir, const char *fpath,
    const struct au_repo_chunking *ck, char *ipath, size_t isize,
    struct au_repo_hashes *ih, int *existed, struct au_diag *diag)
{
	uint8_t *idx = NULL;
	struct au_stat st;
	size_t len = 0;
	char rel[80];
	int rc;

	if (ck->given != NULL)
		rc = au_file_read_all(ck->given, AU_REPO_CIDX_MAX, &idx, &len,
		    diag);
	else
		rc = compute(fpath, &idx, &len, diag);
	if (rc != 0)
		return rc;
	au_repo_sha256_hex(idx, len, ih->sha256);
	ih->length = len;
	(void)snprintf(rel, sizeof(rel), "staged/%s", ih->sha256);
	rc = au_repo_path(ipath, isize, dir, rel, diag);
	if (rc == 0)
		rc = au_stat(ipath, &st, diag);
	if (rc == 0 && !(*existed = st.type != AU_FT_NONE))
		rc = au_file_replace(ipath, idx, len, 0644, diag);
	free(idx);
	return rc;
}

/* targets[iname] for the staged index ih, at the file's version. */
static int
record(json_t *targets, const char *iname, const struct au_repo_hashes *ih,
    const json_t *custom, struct au_diag *diag)
{
	char rel[80];
	json_t *e;

	(void)snprintf(rel, sizeof(rel), "staged/%s", ih->sha256);
	e = json_pack("{s:s, s:I, s:{s:s}, s:{s:O}}", "file", rel, "length",
	    (json_int_t)ih->length, "hashes", "sha256", ih->sha256, "custom",
	    "version", json_object_get(custom, "version"));
	if (e == NULL || json_object_set_new(targets, iname, e) != 0)
		return au_diag_set(diag, AU_ENOMEM, "building repo.json failed");
	return 0;
}

/* Stage, verify and record the index of the staged file h. */
static int
publish_index(const char *dir, json_t *targets, const char *name,
    const char *iname, const struct au_repo_hashes *h, json_t *custom,
    const struct au_repo_chunking *ck, struct au_diag *diag)
{
	char fpath[AU_REPO_PATH_MAX], ipath[AU_REPO_PATH_MAX], rel[80];
	struct au_repo_hashes ih;
	int rc, existed = 1;

	(void)snprintf(rel, sizeof(rel), "staged/%s", h->sha256);
	if ((rc = au_repo_path(fpath, sizeof(fpath), dir, rel, diag)) != 0)
		return rc;
	ipath[0] = '\0';
	rc = stage_index(dir, fpath, ck, ipath, sizeof(ipath), &ih, &existed,
	    diag);
	if (rc == 0)
		rc = verify(fpath, ipath, name, diag);
	if (rc != 0) {
		if (ipath[0] != '\0' && !existed && au_unlink(ipath, NULL) != 0) {
			/* keep the first error; a stray staged file is harmless */
		}
		return rc;
	}
	if ((rc = record(targets, iname, &ih, custom, diag)) != 0)
		return rc;
	if (json_object_set_new(custom, "chunk_index", json_string(iname)) != 0)
		return au_diag_set(diag, AU_ENOMEM, "building custom failed");
	return 0;
}

int
au_repo_chunk_target(const char *dir, json_t *state, const char *name,
    const struct au_repo_hashes *h, json_t *custom,
    const struct au_repo_chunking *ck, struct au_diag *diag)
{
	char iname[AU_TARGET_NAME_MAX + 1];
	json_t *targets = json_object_get(state, "targets");
	struct au_diag nd;
	int want, named;

	want = wanted(ck, name, h);
	named = cidx_name(name, iname, &nd) == 0;
	if (!want) {
		/* a file replaced by an unchunked one drops the old index */
		if (named)
			(void)json_object_del(targets, iname);
		(void)json_object_del(custom, "chunk_index");
		return 0;
	}
	if (!named)
		return au_diag_set(diag, AU_EUSAGE, "%s (give --no-chunk to "
		    "publish it without an index)", nd.msg);
	return publish_index(dir, targets, name, iname, h, custom, ck, diag);
}
