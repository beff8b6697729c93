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

#include "manifest/key_json.h"
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

/* A role's keys: keyids (borrowed from the delegator's doc), threshold. */
struct tuf_role_keys {
	const char **keyids;	/* owned array of borrowed strings */
	size_t nkeyids;
	int64_t threshold;
};

/* The "keys" object of a root or of a targets role's "delegations". */
struct tuf_keyring {
	size_t nkeys;
	const char **keyids;	/* borrowed from the doc */
	struct au_key **keys;	/* owned, parallel to keyids */
};

struct tuf_root {
	struct tuf_doc d;
	int consistent_snapshot;
	struct tuf_keyring kr;
	struct tuf_role_keys roles[R_COUNT];
};

/* One entry of delegations.roles (TUF 1.0 section 4.5); strings borrowed. */
struct tuf_delegation {
	const char *name;
	struct tuf_role_keys rk;
	const json_t *paths;	/* array of strings, or NULL */
	const json_t *prefixes;	/* path_hash_prefixes, or NULL */
	int terminating;
};

/* A verified targets role, top-level ("targets") or delegated. */
struct tuf_targets {
	struct tuf_doc d;
	char *name;		/* owned copy of the role name */
	struct tuf_keyring kr;	/* delegations.keys */
	size_t ndeleg;
	struct tuf_delegation *deleg;	/* owned array */
	char **via;		/* delegators it was verified against (owned) */
	size_t nvia;
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

/*
 * Threshold of rk's keys (looked up in kr; unknown keyids and unsupported
 * keys count nothing; one public key counts once) over d: 0 or AU_EMETA_SIG.
 * by names the delegator for the message.
 */
int tuf_verify_keys(const struct tuf_keyring *kr,
    const struct tuf_role_keys *rk, const struct tuf_doc *d, const char *what,
    const char *by, struct au_diag *diag);

/* Parse a "keys" object (at most AU_TUF_MAX_KEYS) into kr. */
int tuf_keyring_parse(const json_t *keys, struct tuf_keyring *kr,
    const char *what, struct au_diag *diag);
void tuf_keyring_free(struct tuf_keyring *kr);

/*
 * Parse keyids and threshold of def into rk: keyids an array of at most
 * AU_TUF_MAX_ROLE_KEYS distinct strings, threshold an integer >= 1.
 * AU_EMETA_MALFORMED otherwise.  A threshold above the number of keyids
 * is accepted (python-tuf, the suite's test_snapshot_has_too_few_keys):
 * that role then fails every tuf_verify_keys with AU_EMETA_SIG.
 */
int tuf_role_keys_parse(const json_t *def, struct tuf_role_keys *rk,
    const char *what, const char *name, struct au_diag *diag);

/*
 * manifest/tuf_deleg.c: parse a verified targets document into *out: every
 * "targets" entry well formed (an integer length >= 0, a non-empty hashes
 * object of strings), the delegations well formed (AU_EMETA_MALFORMED).
 * On success *out owns d's contents and d is emptied; on error d is left
 * to the caller.
 */
int tuf_targets_new(struct tuf_doc *d, const char *name,
    struct tuf_targets **out, struct au_diag *diag);
void tuf_targets_free(struct tuf_targets *tg);
/* The delegation entry for child in tg, or NULL. */
const struct tuf_delegation *tuf_targets_delegation(
    const struct tuf_targets *tg, const char *child);
/*
 * Look name up in the verified targets role tg (the chain checked by the
 * caller): AU_EMETA_NOTARGET when not listed; hashes and custom as
 * au_trusted_find_target.  *out filled only on success.
 */
int tuf_targets_lookup(const struct tuf_targets *tg, const char *name,
    struct au_target *out, struct au_diag *diag);
/*
 * The delegators whose keys and threshold tg was verified against (an
 * edge cache of the delegation graph; names stay valid because a loaded
 * role is never replaced, only dropped with all the others).
 * tuf_targets_via: 1 if delegator is one of them.  tuf_targets_add_via:
 * record one (AU_ENOMEM).
 */
int tuf_targets_via(const struct tuf_targets *tg, const char *delegator);
int tuf_targets_add_via(struct tuf_targets *tg, const char *delegator,
    struct au_diag *diag);
/* 1 if delegation dl covers target name (paths or path_hash_prefixes). */
int tuf_delegation_matches(const struct tuf_delegation *dl, const char *name);

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
