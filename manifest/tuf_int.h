/* SPDX-License-Identifier: ISC */
/*
 * manifest/tuf_int.h - internals shared by manifest/tuf.c and
 * manifest/tuf_meta.c.  Not an API: nothing outside manifest/ includes it.
 */
#ifndef AU_TUF_INT_H
#define AU_TUF_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "keys/key.h"
#include "manifest/tuf.h"

enum tuf_role { R_ROOT = 0, R_TIMESTAMP, R_SNAPSHOT, R_TARGETS, R_COUNT };

extern const char *const tuf_role_names[R_COUNT];

/* One signed document as parsed; "signed" points into doc. */
struct tuf_doc {
	json_t *doc;		/* the envelope, owned */
	json_t *signed_;	/* borrowed from doc */
	int64_t version;
	int64_t expires;	/* seconds since the epoch */
	char *canon;		/* canonical JSON of "signed", owned */
	size_t canon_len;
};

/* A role's delegation in root: keyids (borrowed from the root doc), threshold. */
struct tuf_role_keys {
	const char **keyids;
	size_t nkeyids;
	int64_t threshold;
};

struct tuf_root {
	struct tuf_doc d;
	int consistent_snapshot;
	size_t nkeys;
	const char **keyids;	/* borrowed from d.doc */
	struct au_key **keys;	/* owned, parallel to keyids */
	struct tuf_role_keys roles[R_COUNT];
};

/* A METAFILES entry (TUF 1.0 section 4.4/4.5): version, optional length/hashes. */
struct tuf_metafile {
	int64_t version;
	int64_t length;		/* -1 when absent */
	json_t *hashes;		/* borrowed; NULL when absent */
};

/*
 * Parse an envelope of the expected role from buf (cap max): shape, _type,
 * spec_version, version, expires, canonical "signed".  Fills *d (free with
 * tuf_doc_clear) only on success.
 */
int tuf_doc_load(const uint8_t *buf, size_t len, size_t max,
    enum tuf_role role, struct tuf_doc *d, struct au_diag *diag);
void tuf_doc_clear(struct tuf_doc *d);

/* Parse a root document; *out owned by the caller (tuf_root_free). */
int tuf_root_load(const uint8_t *buf, size_t len, struct tuf_root **out,
    struct au_diag *diag);
void tuf_root_free(struct tuf_root *r);

/* Threshold of `role` keys of root r over d: 0 or AU_EMETA_SIG. */
int tuf_verify_role(const struct tuf_root *r, enum tuf_role role,
    const struct tuf_doc *d, const char *what, struct au_diag *diag);

/* 1 when the keys and threshold of role are the same in a and b. */
int tuf_role_same(const struct tuf_root *a, const struct tuf_root *b,
    enum tuf_role role);

/* Parse one METAFILES entry v for name. */
int tuf_metafile_parse(const json_t *v, const char *name,
    struct tuf_metafile *mf, struct au_diag *diag);

/*
 * Check buf against mf's length and hashes (sha256/sha512; unknown
 * algorithms ignored, at least one known one required when hashes are
 * listed).  AU_EMETA_HASH or AU_EMETA_MALFORMED (bad hex).
 */
int tuf_metafile_check(const struct tuf_metafile *mf, const char *name,
    const uint8_t *buf, size_t len, struct au_diag *diag);

#endif
