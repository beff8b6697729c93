/* SPDX-License-Identifier: ISC */
/*
 * manifest/tuf.h - the TUF 1.0 "trusted metadata set": the client workflow of
 * the TUF specification, section 5 (5.3 root, 5.4 timestamp, 5.5 snapshot,
 * 5.6 targets), modelled on python-tuf's TrustedMetadataSet.
 *
 * The set holds verified metadata in memory; it does no I/O.  The caller
 * fetches bytes (size-capped with the AU_*_MAX_BYTES below), feeds them in in
 * the workflow order root* -> timestamp -> snapshot -> targets, and persists
 * exactly the bytes it fed in after a call returned 0.
 *
 * Metadata persisted by an earlier run may be loaded first, through the same
 * functions (with now = 0 if its expiry must not drop it), to set the version
 * floors against rollback; newer roots, timestamps and snapshots may then be
 * fed in over it.  A trusted snapshot or targets that a newer timestamp or
 * snapshot no longer names stays as the rollback reference only: targets are
 * looked up only through a chain whose versions match (au_trusted_check_chain,
 * au_trusted_find_target).
 *
 * Every document: envelope {"signatures":[{"keyid","sig"}],"signed":{...}},
 * signatures over the canonical JSON of "signed"; "_type" the expected role
 * (else AU_EMETA_TYPE); "spec_version" "1.x[.y]"; "version" integer >= 1;
 * "expires" "YYYY-MM-DDTHH:MM:SSZ", expired when expires <= now.  A threshold
 * counts distinct keys that verify (one key under two keyids, or one
 * signature listed twice, counts once).  Unknown fields are tolerated.
 * Error codes used throughout: AU_EMETA_TOOBIG, AU_EMETA_MALFORMED,
 * AU_EMETA_TYPE, AU_EMETA_SIG, AU_EMETA_EXPIRED, AU_EMETA_ROLLBACK,
 * AU_EMETA_VERSION, AU_EMETA_HASH, AU_ENOMEM; AU_EINTERNAL when called out of
 * workflow order (a caller bug).
 */
#ifndef AU_TUF_H
#define AU_TUF_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

#define AU_ROOT_MAX_BYTES 512000	/* each root.json */
#define AU_TIMESTAMP_MAX_BYTES 16384
#define AU_SNAPSHOT_MAX_BYTES 2000000
#define AU_TARGETS_MAX_BYTES 5000000
#define AU_TARGET_NAME_MAX 511		/* bytes of a target name */
#define AU_TARGET_NAME_DEPTH 16		/* '/'-separated components of one */
#define AU_TUF_MAX_KEYS 128		/* keys in one root */
#define AU_TUF_MAX_ROLE_KEYS 64		/* keyids listed for one role */
#define AU_TUF_MAX_SIGNATURES 128	/* entries in "signatures" */
#define AU_TUF_KEYID_MAX 128		/* bytes of one keyid string */
#define AU_TUF_SIG_MAX_BYTES 1024	/* decoded bytes of one signature */
#define AU_TIME_STR_SIZE 21		/* "YYYY-MM-DDTHH:MM:SSZ" and NUL */
#define AU_TUF_ROLE_NAME_MAX 200	/* bytes of a delegated role name */
#define AU_TUF_MAX_DELEGATIONS 256	/* entries in one delegations.roles */
#define AU_TUF_MAX_PATHS 1024		/* paths or path_hash_prefixes of one */
#define AU_TUF_MAX_LOADED_ROLES 1024	/* delegated roles held by one set */

struct au_trusted;	/* opaque; owned by the caller of au_trusted_new() */

/*
 * Load the trusted root (baked-in or persisted), at most AU_ROOT_MAX_BYTES.
 * It must be signed by a threshold of its own root keys (5.2); expiry is NOT
 * checked here (see au_trusted_check_root).  On success *out owns a new set;
 * release it with au_trusted_free().
 */
AU_NODISCARD int au_trusted_new(const uint8_t *root, size_t len,
    struct au_trusted **out, struct au_diag *diag);

void au_trusted_free(struct au_trusted *t);	/* NULL is fine */

/*
 * 5.3: root version N+1.  Signed by a threshold of the trusted root's root
 * keys (else AU_EMETA_SIG) AND of its own (AU_EMETA_SIG), _type root, version
 * exactly N+1 (lower: AU_EMETA_ROLLBACK; other: AU_EMETA_VERSION).  On success
 * it replaces the trusted root; if the keys or threshold of the timestamp,
 * snapshot or targets role changed (5.3.11, fast-forward recovery), the
 * trusted timestamp, snapshot and targets are dropped.  On error nothing
 * changes.
 */
AU_NODISCARD int au_trusted_update_root(struct au_trusted *t,
    const uint8_t *buf, size_t len, struct au_diag *diag);

/* 5.3.10: the final root must not be expired (expires <= now): AU_EMETA_EXPIRED. */
AU_NODISCARD int au_trusted_check_root(const struct au_trusted *t,
    int64_t now, struct au_diag *diag);

/*
 * 5.4: timestamp, at most AU_TIMESTAMP_MAX_BYTES.  Checks: the root is not
 * expired (AU_EMETA_EXPIRED), threshold of the root's timestamp keys, _type,
 * a "snapshot.json" entry in meta, version >= the trusted timestamp's
 * (AU_EMETA_ROLLBACK), its snapshot version >= the trusted one's
 * (AU_EMETA_ROLLBACK).  Equal version: the trusted timestamp is kept,
 * *unchanged = 1 and 0 is returned (python-tuf), or AU_EMETA_EXPIRED if the
 * kept one is expired.  A trusted snapshot and targets stay, as the rollback
 * reference, whatever snapshot version the new one names.  Otherwise the new one
 * becomes trusted and *unchanged = 0.  unchanged may be NULL.
 * Expired (expires <= now): AU_EMETA_EXPIRED, but a timestamp that passed
 * every other check is still kept as the rollback reference for a later
 * call (python-tuf does the same, so an expired local copy still protects
 * against a replayed older one); au_trusted_update_snapshot refuses to go on
 * while it is expired.  Do not persist it.
 */
AU_NODISCARD int au_trusted_update_timestamp(struct au_trusted *t,
    const uint8_t *buf, size_t len, int64_t now, int *unchanged,
    struct au_diag *diag);

/*
 * 5.5: snapshot, at most AU_SNAPSHOT_MAX_BYTES.  Needs a trusted timestamp
 * that is not expired (AU_EINTERNAL without one, AU_EMETA_EXPIRED).
 * Checks: length and hashes of the bytes against the timestamp's
 * snapshot.json meta when given (AU_EMETA_HASH),
 * threshold of snapshot keys, _type, every meta entry well formed, no role of
 * the trusted snapshot removed and none with a lower version
 * (AU_EMETA_ROLLBACK).  Then it becomes the trusted snapshot, and these final
 * checks run: version == the timestamp's snapshot version (AU_EMETA_VERSION),
 * not expired (AU_EMETA_EXPIRED).  On those two errors it stays as the
 * rollback reference only: au_trusted_update_targets refuses it.  Trusted
 * targets are dropped when the new snapshot's targets.json entry differs
 * from the old one's.
 */
AU_NODISCARD int au_trusted_update_snapshot(struct au_trusted *t,
    const uint8_t *buf, size_t len, int64_t now, struct au_diag *diag);

/*
 * As au_trusted_update_snapshot, for the copy in the client's own metadata
 * directory (python-tuf update_snapshot(trusted=True)): length and hashes
 * against the timestamp meta are not checked, because a new timestamp
 * normally names a newer snapshot.  0 means the local snapshot is current
 * (no download needed); AU_EMETA_VERSION or AU_EMETA_EXPIRED mean it was
 * kept as the rollback reference only and a new snapshot must be fetched;
 * any other error means it was not kept.
 */
AU_NODISCARD int au_trusted_load_local_snapshot(struct au_trusted *t,
    const uint8_t *buf, size_t len, int64_t now, struct au_diag *diag);

/*
 * 5.6: top-level targets, at most AU_TARGETS_MAX_BYTES.  Needs a trusted
 * snapshot that passes its final checks (AU_EINTERNAL without one;
 * AU_EMETA_VERSION, AU_EMETA_EXPIRED) and naming targets.json
 * (AU_EMETA_MALFORMED).  Checks: length/hashes against that meta when given
 * (AU_EMETA_HASH), threshold of targets keys, _type, version == the
 * snapshot's targets version (AU_EMETA_VERSION), not expired, every target
 * entry well formed ("length" integer >= 0, "hashes" non-empty object of
 * strings).  Becomes trusted only when every check passed.
 */
AU_NODISCARD int au_trusted_update_targets(struct au_trusted *t,
    const uint8_t *buf, size_t len, int64_t now, struct au_diag *diag);

/*
 * The whole chain is usable now: timestamp, snapshot and targets loaded
 * (else AU_EMETA_NOTARGET), the snapshot at the version the timestamp names
 * and the targets at the version the snapshot names (else AU_EMETA_VERSION),
 * and none of root, timestamp, snapshot, targets expired (AU_EMETA_EXPIRED).
 * Call it before acting on targets loaded from local storage.
 */
AU_NODISCARD int au_trusted_check_chain(const struct au_trusted *t,
    int64_t now, struct au_diag *diag);

/* Version of the trusted root. */
int64_t au_trusted_root_version(const struct au_trusted *t);
/* 1 if the trusted root sets consistent_snapshot true, else 0. */
int au_trusted_consistent_snapshot(const struct au_trusted *t);
/* The snapshot version named by the trusted timestamp; -1 if none loaded. */
int64_t au_trusted_snapshot_version(const struct au_trusted *t);
/* The targets version named by the trusted snapshot; -1 if unknown. */
int64_t au_trusted_targets_version(const struct au_trusted *t);
/*
 * Version and expiry (seconds since the epoch) of a trusted role: "root",
 * "timestamp", "snapshot" or "targets".  Either pointer may be NULL.
 * AU_EMETA_NOTARGET if that role is not loaded (or not a role name).
 */
AU_NODISCARD int au_trusted_role_info(const struct au_trusted *t,
    const char *role, int64_t *version, int64_t *expires);

/* A target as signed in a targets role (top-level or delegated). */
struct au_target {
	uint64_t length;		/* bytes */
	int has_sha256, has_sha512;
	uint8_t sha256[32], sha512[64];
	int64_t version;		/* custom.version (integer >= 0), -1 when absent */
	char *custom_json;		/* canonical JSON of "custom" or NULL; owned by au_target */
};

/*
 * Look up a target name in the trusted top-level targets only (delegations
 * are walked by client/metadata/tufclient.c with au_trusted_role_target and
 * au_trusted_role_delegations).  The name is validated first
 * (au_target_name_check: AU_EMETA_MALFORMED).  Not found, or no chain
 * loaded: AU_EMETA_NOTARGET; chain versions not matching (see
 * au_trusted_check_chain; expiry is not checked here): AU_EMETA_VERSION.  Neither sha256 nor sha512 listed:
 * AU_EART_HASHALG.  A listed hash that is not hex of the right length, or a
 * custom.version that is not an integer >= 0: AU_EMETA_MALFORMED.  On success
 * *out is filled (release with au_target_clear); on error it is untouched.
 */
AU_NODISCARD int au_trusted_find_target(const struct au_trusted *t,
    const char *name, struct au_target *out, struct au_diag *diag);

void au_target_clear(struct au_target *tg);	/* frees custom_json, zeroes; NULL is fine */

/* ---- delegated targets (TUF 1.0 sections 4.5 and 5.6.7) ---- */

/*
 * 5.6 for a delegated targets role `role`, delegated by `delegator` ("targets"
 * or a delegated role already loaded).  At most AU_TARGETS_MAX_BYTES.  Needs
 * the snapshot to pass its final checks and the top-level targets loaded at
 * the version the snapshot names (AU_EINTERNAL when nothing is loaded,
 * AU_EMETA_VERSION, AU_EMETA_EXPIRED); the delegator loaded (AU_EINTERNAL) and
 * listing role in its delegations (AU_EMETA_NOTARGET); the snapshot
 * listing "ROLE.json" (AU_EMETA_MALFORMED).  Checks, as for targets:
 * length/hashes against that entry (AU_EMETA_HASH), the threshold of the
 * delegation's keys from the delegator's delegations.keys (AU_EMETA_SIG),
 * _type "targets", version == the snapshot's (AU_EMETA_VERSION), not expired
 * (AU_EMETA_EXPIRED), entries and delegations well formed
 * (AU_EMETA_MALFORMED).  More than AU_TUF_MAX_LOADED_ROLES: AU_EMETA_TOOBIG.
 * On success the role is loaded and verified through delegator.
 * A role already loaded is not replaced (python-tuf loads each once per
 * refresh) and buf is not read: this is then au_trusted_verify_delegated,
 * so a role cached through one delegator never passes on another's
 * authority.  Every delegated role is dropped when the snapshot or the
 * top-level targets change.
 */
AU_NODISCARD int au_trusted_update_delegated(struct au_trusted *t,
    const char *role, const char *delegator, const uint8_t *buf, size_t len,
    int64_t now, struct au_diag *diag);

/*
 * The loaded delegated role `role`, reached again through `delegator` (a
 * "diamond": two delegators name the same role, each with its own keys,
 * threshold and paths): verify the signatures it was loaded with against
 * the threshold of the keys delegator's delegation names, and on success
 * record delegator as verified (later calls are free).  Errors:
 * AU_EINTERNAL (delegator or role not loaded), AU_EMETA_NOTARGET
 * (delegator does not delegate role), AU_EMETA_SIG (threshold not met: the
 * role may be used through its other delegators only), AU_ENOMEM.
 */
AU_NODISCARD int au_trusted_verify_delegated(struct au_trusted *t,
    const char *role, const char *delegator, struct au_diag *diag);

/* 1 if the targets role `role` ("targets" or delegated) is loaded, else 0. */
int au_trusted_has_role(const struct au_trusted *t, const char *role);

/*
 * The snapshot's METAFILES entry for "ROLE.json": its version (-1 when not
 * listed or no snapshot) and, in *length, its length or -1 (length may be
 * NULL).
 */
int64_t au_trusted_role_meta(const struct au_trusted *t, const char *role,
    int64_t *length);

/*
 * Look up name in the loaded targets role `role` only, reached through
 * `delegator` (ignored, may be NULL, for "targets").  A delegated role is
 * used only through an edge that was verified (au_trusted_update_delegated
 * or au_trusted_verify_delegated with this delegator: else AU_EINTERNAL)
 * and whose paths or path_hash_prefixes cover name (else
 * AU_EMETA_NOTARGET), whatever other delegator it was loaded through.
 * Errors as au_trusted_find_target; AU_EMETA_NOTARGET also when role is
 * not loaded or delegator does not delegate it; AU_EINTERNAL when
 * delegator is not loaded.
 */
AU_NODISCARD int au_trusted_role_target(const struct au_trusted *t,
    const char *role, const char *delegator, const char *name,
    struct au_target *out, struct au_diag *diag);

/* A delegation that covers a target name; name borrowed from the delegator. */
struct au_delegation {
	const char *name;
	int terminating;
};

/*
 * The delegations of loaded role `role` whose paths or path_hash_prefixes
 * cover name, in listed order, ending with the first terminating one
 * (TUF 5.6.7.2).  Writes at most max entries to out and their number to
 * *n; the names stay valid until the next update of the set.  Errors:
 * AU_EMETA_NOTARGET (role not loaded).
 */
AU_NODISCARD int au_trusted_role_delegations(const struct au_trusted *t,
    const char *role, const char *name, struct au_delegation *out,
    size_t max, size_t *n);

/*
 * The TUF path pattern match of python-tuf: pattern and name have the same
 * number of '/'-separated parts, and each name part matches its pattern
 * part as Python's fnmatch.fnmatchcase does ('*' any run within the part,
 * '?' one byte, '[seq]' and '[!seq]' sets, no escapes).  1 or 0.
 */
int au_tuf_path_match(const char *pattern, const char *name);

/*
 * The one policy for target names (manifest/tuf_name.c): the names a device
 * can look up and install as state_dir/targets/NAME/current
 * (client/install/store.h).  The publisher refuses any other at
 * `aiupdate-repo add`, the device's config refuses to track one, every
 * lookup (au_trusted_find_target and the delegation walk) refuses one
 * before any request, and the store refuses one.  A name is 1 to
 * AU_TARGET_NAME_MAX bytes of 1 to AU_TARGET_NAME_DEPTH '/'-separated
 * components; not absolute ('/' first); no backslash or control byte
 * (below 0x20, 0x7f); no component empty, ".", "..", "current" or
 * "previous", or ending in ".tmp" (the store's pointers and their
 * replacements).  Spaces and commas are allowed here (TUF names them
 * freely; the conformance suite looks up "nonexistent target"): only a
 * device's config cannot list them, so `aiupdate-repo add` refuses them on
 * its own.  0, or AU_EMETA_MALFORMED with diag saying which rule the name
 * breaks.
 */
AU_NODISCARD int au_target_name_check(const char *name, struct au_diag *diag);

/*
 * Parse RFC 3339 "YYYY-MM-DDTHH:MM:SSZ" exactly (the TUF "expires" form:
 * year 0001-9999, no fraction, no offset other than Z) into seconds since
 * the epoch.  AU_EMETA_MALFORMED otherwise.  Proleptic Gregorian calendar,
 * no gmtime.
 */
AU_NODISCARD int au_time_parse(const char *s, int64_t *out);

/*
 * Format t (seconds since the epoch) as "YYYY-MM-DDTHH:MM:SSZ" into buf of
 * size bytes (at least AU_TIME_STR_SIZE, else AU_ETOOBIG).  AU_EUSAGE if t is
 * outside years 0001-9999.
 */
AU_NODISCARD int au_time_format(int64_t t, char *buf, size_t size);

#endif
