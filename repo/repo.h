/* SPDX-License-Identifier: ISC */
/*
 * repo/repo.h - internals of the publisher tool aiupdate-repo.
 *
 * A repository directory DIR holds:
 *   DIR/keys/NAME.key      private Ed25519 keys (0600, keys/sign.h): `init`
 *                          names them ROLE.key, `rotate --new-key`
 *                          ROLE-KEYID16.key (the keyid's first 16 digits)
 *   DIR/keys/NAME.pub      each key's public key object (canonical JSON);
 *                          the private key of keyid K is found as NAME.key
 *                          beside the NAME.pub whose keyid is K, so any
 *                          number of keys per role can coexist
 *   DIR/repo.json          the publisher's own state (see below)
 *   DIR/staged/SHA256      target files added with `add`, content-addressed
 *   DIR/public/metadata/   what the HTTPS server serves: N.root.json (every
 *                          root version; root.json is the newest),
 *                          root.json, timestamp.json, snapshot.json, targets.json
 *   DIR/public/targets/    target files under their TUF target names
 *
 * repo.json:
 *   {"format":1,
 *    "versions":{"root":1,"targets":N,"snapshot":N,"timestamp":N},
 *    "targets":{NAME:{"file":"staged/SHA256","length":L,
 *                     "hashes":{"sha256":HEX},
 *                     "custom":{...,"version":V}}},
 *    "chunk_above":BYTES}      optional, set by hand: add chunks single files
 *                              of >= BYTES bytes (0: never; default 64 MiB)
 * A chunked target NAME has a second entry NAME.cidx, its chunk index
 * (repo/chunked.c), and custom.chunk_index = "NAME.cidx".
 *
 * Publisher only; the subcommand functions (cmd_*) are the command-line
 * front end and print their results on stdout.  Everything else returns 0
 * or a negative AU_E* code and fills the optional diagnostic.
 */
#ifndef AU_REPO_H
#define AU_REPO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "keys/sign.h"
#include "manifest/tuf.h"
#include "port/err.h"

#define AU_REPO_PATH_MAX 4096		/* any path the tool builds */
#define AU_REPO_STATE_MAX (16u << 20)	/* repo.json */
#define AU_REPO_META_MAX (5u << 20)	/* any metadata file read back (targets cap) */
#define AU_REPO_CUSTOM_MAX 65536	/* --custom JSON text */
#define AU_REPO_TARGET_MAX (64ull << 30)	/* one target file: 64 GiB */
#define AU_REPO_DURATION_MAX (20ll * 365 * 86400)	/* --expires: 20 years */
#define AU_REPO_SPEC_VERSION "1.0.31"	/* TUF spec version written */
#define AU_REPO_ROOT_EXPIRES (365ll * 86400)	/* a new root: 1 year */
#define AU_REPO_KEYS_MAX 256		/* .pub files in DIR/keys */
#define AU_REPO_KEYNAME_MAX 128		/* bytes of a key file's base name */
#define AU_REPO_PUBKEY_MAX 16384	/* one .pub file (PEM keys included) */

/* The four top-level TUF roles, in the order keys are created. */
extern const char *const au_repo_roles[4];

/* A target's length and hash (public data). */
struct au_repo_hashes {
	uint64_t length;
	char sha256[65];
};

/* ---- paths and state (repo/state.c) ---- */

/* buf = dir "/" rel; AU_EUSAGE if it does not fit in size. */
AU_NODISCARD int au_repo_path(char *buf, size_t size, const char *dir,
    const char *rel, struct au_diag *diag);

/* Load DIR/repo.json into *state (new reference).  AU_ECONFIG if DIR is not
 * an initialised repository or repo.json is malformed. */
AU_NODISCARD int au_repo_state_load(const char *dir, json_t **state,
    struct au_diag *diag);

/* Write DIR/repo.json atomically (au_file_replace), mode 0644. */
AU_NODISCARD int au_repo_state_save(const char *dir, const json_t *state,
    struct au_diag *diag);

/* Record version as the root's in state and save it (as au_repo_state_save). */
AU_NODISCARD int au_repo_state_save_root(const char *dir, json_t *state,
    int64_t version, struct au_diag *diag);

/* The version recorded for role in state (0 if none). */
int64_t au_repo_state_version(const json_t *state, const char *role);

/* Parse "30d", "12h", "90m", "3600s" (optionally with a leading '-') into
 * seconds.  AU_EUSAGE if malformed or larger than AU_REPO_DURATION_MAX. */
AU_NODISCARD int au_repo_duration(const char *text, int64_t *secs,
    struct au_diag *diag);

/* ---- files (repo/files.c) ---- */

/*
 * Hash the file src (length, SHA-256, SHA-512); when dst is not NULL also
 * copy it durably to dst (dst.tmp, fsync, rename, fsync of the directory).
 * When expect_sha256 is not NULL and the content differs, dst is left
 * untouched and AU_EART_HASH returned.  Files over AU_REPO_TARGET_MAX give
 * AU_ETOOBIG.  Errors: AU_EIO, AU_ENOSPC, AU_ENOMEM.
 */
AU_NODISCARD int au_repo_copy(const char *src, const char *dst,
    const char *expect_sha256, struct au_repo_hashes *h, struct au_diag *diag);

/* Create the parent directories of path (mode 0755). */
AU_NODISCARD int au_repo_mkparents(const char *path, struct au_diag *diag);

/* ---- chunked targets (repo/chunked.c, issue 13) ---- */

/* add chunks a single file of at least this many bytes unless --no-chunk;
 * repo.json's "chunk_above" (bytes, 0: never by size) and --chunk-above
 * override it. */
#define AU_REPO_CHUNK_ABOVE (64ull << 20)
#define AU_REPO_CIDX_SUFFIX ".cidx"	/* the index of NAME is target NAME.cidx */
/* Largest index read back (or given): that of the largest target at the
 * minimum chunk size, manifest/chunk_index.h. */
#define AU_REPO_CIDX_MAX (64 + 36 * (AU_REPO_TARGET_MAX / 16384 + 1))

/* How one `add` chunks (au_repo_chunking_init fills it). */
struct au_repo_chunking {
	int mode;		/* 1 --chunked/--chunk-index, -1 --no-chunk, 0 by size */
	uint64_t above;		/* by size: files of >= above bytes (0: none) */
	const char *given;	/* --chunk-index FILE: publish these bytes */
};

/*
 * From add's options (each NULL when absent; above as "64M", "1G", bytes)
 * and repo.json's optional "chunk_above", for target name.  Errors:
 * AU_EUSAGE (--chunked with --no-chunk, --chunk-index with --no-chunk, a
 * bad size, --chunked on a bundle, NAME.cidx not a valid target name or
 * too long a file name), AU_ECONFIG (a "chunk_above" that is not an
 * integer >= 0).
 */
AU_NODISCARD int au_repo_chunking_init(struct au_repo_chunking *ck,
    const json_t *state, const char *name, const char *chunked,
    const char *no_chunk, const char *above, const char *given,
    struct au_diag *diag);

/*
 * For target name, whose file h is staged (DIR/staged/SHA256): when ck says
 * so (ck NULL: never; bundles never by size), stage its chunk index
 * (computed with manifest/chunk_index.h, or ck->given's bytes), read the
 * staged index and file back, refuse an index that is not exactly the one
 * the device's chunker computes from the file, then record targets[NAME.cidx]
 * (custom: the file's version) and set custom.chunk_index = "NAME.cidx".
 * When not chunked, targets[NAME.cidx] and custom.chunk_index are removed
 * (a replaced file loses the old index).  On error nothing is recorded and
 * a newly staged index file is removed.  Errors: AU_EART_HASH (the index
 * does not describe the file, or is no index at all; exit 13), AU_EUSAGE
 * (chunked by size, but NAME.cidx is not a valid name), AU_ETOOBIG,
 * AU_EIO, AU_ENOSPC, AU_ENOMEM.
 */
AU_NODISCARD int au_repo_chunk_target(const char *dir, json_t *state,
    const char *name, const struct au_repo_hashes *h, json_t *custom,
    const struct au_repo_chunking *ck, struct au_diag *diag);

/* ---- metadata (repo/meta.c) ---- */

/*
 * The TUF public key object of key (keys/sign.h shows it).  On success
 * *out is a new reference owned by the caller (json_decref).
 * Errors: AU_ENOMEM.
 */
AU_NODISCARD int au_repo_key_json(const struct au_signkey *key, json_t **out,
    struct au_diag *diag);

/* keyid (TUF 1.0 section 4.2: SHA-256 of the canonical public key object). */
AU_NODISCARD int au_repo_keyid(const struct au_signkey *key, char out[65],
    struct au_diag *diag);

/*
 * Sign the canonical JSON of `signed` with each of the n keys and return the
 * envelope {"signatures":[{"keyid","sig"}...],"signed":...} serialized as
 * canonical JSON in *out (malloc'd, caller frees; *len its length).
 * Errors: AU_EMETA_MALFORMED (signed has reals), AU_ENOMEM, AU_EINTERNAL.
 */
AU_NODISCARD int au_repo_envelope(json_t *signed_part,
    struct au_signkey *const *keys, size_t n, char **out, size_t *len,
    struct au_diag *diag);

/* A new "expires" string for now + secs (RFC 3339).  NULL on failure. */
json_t *au_repo_expires(int64_t now, int64_t secs);

/* Lowercase hex SHA-256 of buf into out[65]. */
void au_repo_sha256_hex(const void *buf, size_t len, char out[65]);

/* ---- signing keys by keyid (repo/keyring.c) ---- */

/* The private keys found for one role (or a union of roles). */
struct au_repo_signers {
	size_t n;
	struct au_signkey *key[AU_TUF_MAX_ROLE_KEYS];
	char keyid[AU_TUF_MAX_ROLE_KEYS][65];
};

/*
 * Load every private key DIR/keys holds for the keyids of
 * root_signed.roles[role] (root_signed: the "signed" part of a root, TUF 1.0
 * section 4.3), adding them to *s (a key already in *s is not loaded
 * twice; *s starts zeroed).  With need_threshold, fewer keys of this role
 * than its threshold is AU_ECONFIG and the message names the missing key
 * files; without it, at least one key is needed (AU_ECONFIG).  Errors also:
 * AU_EMETA_MALFORMED (role not in the root), AU_ECONFIG (a .pub file that
 * is not a key object, a .key that does not match its .pub, bad key file
 * permissions), AU_EIO, AU_ENOMEM.  On error *s may hold some keys: free it.
 */
AU_NODISCARD int au_repo_signers_load(const char *dir,
    const json_t *root_signed, const char *role, int need_threshold,
    struct au_repo_signers *s, struct au_diag *diag);

/* Load one private key file into *s (sign-raw --key).  Errors as
 * au_signkey_load(). */
AU_NODISCARD int au_repo_signers_add_file(const char *path,
    struct au_repo_signers *s, struct au_diag *diag);

/* Wipe and free every key of *s; *s is zeroed.  NULL is fine. */
void au_repo_signers_free(struct au_repo_signers *s);

/*
 * Find the base name (without .pub) of the DIR/keys/NAME.pub whose keyid is
 * keyid, into name[AU_REPO_KEYNAME_MAX]; name[0] == 0 when there is none.
 * Errors: AU_ECONFIG (an unreadable or malformed .pub), AU_EIO, AU_ENOMEM.
 */
AU_NODISCARD int au_repo_pub_find(const char *dir, const char *keyid,
    char name[AU_REPO_KEYNAME_MAX], struct au_diag *diag);

/*
 * Generate an Ed25519 key pair and write PREFIX.pub, then PREFIX.key (mode
 * 0600, keys/sign.h), where PREFIX is base, or base-KEYID16 (the keyid's
 * first 16 hex digits) when suffix_keyid; neither file may exist
 * (AU_ECONFIG, AU_EIO).  keyid and prefix[size] receive the keyid and
 * PREFIX.  Errors also: AU_EUSAGE (path too long), AU_ENOSPC, AU_ENOMEM,
 * AU_EINTERNAL.
 */
AU_NODISCARD int au_repo_key_create(const char *base, int suffix_keyid,
    char keyid[65], char *prefix, size_t size, struct au_diag *diag);

/* ---- root versions (repo/rootsign.c) ---- */

/*
 * Read the published root DIR/public/metadata/root.json: its bytes (*text,
 * malloc'd, *len) and its "signed" part (*signed_part, new reference).  Its
 * version must be the one repo.json records (else AU_ECONFIG).  Errors:
 * AU_ECONFIG, AU_EIO, AU_EMETA_MALFORMED, AU_ENOMEM.
 */
AU_NODISCARD int au_repo_root_load(const char *dir, const json_t *state,
    char **text, size_t *len, json_t **signed_part, struct au_diag *diag);

/*
 * Sign next_signed, the "signed" part of root version N+1, with every
 * private key DIR/keys holds for the root role of the current root
 * (cur_signed) and of next_signed, after checking that a threshold of each
 * is present (TUF 1.0 section 5.3.4; AU_ECONFIG naming the missing key
 * files).  The result is verified with the client's code (au_trusted_new on
 * cur_text, au_trusted_update_root, au_trusted_check_root at now) before
 * it is returned in *out (malloc'd canonical JSON, *out_len): AU_EMETA_* if
 * a client would refuse it.
 */
AU_NODISCARD int au_repo_root_sign(const char *dir, const char *cur_text,
    size_t cur_len, const json_t *cur_signed, json_t *next_signed,
    int64_t now, char **out, size_t *out_len, struct au_diag *diag);

/* A copy of cur (a root's "signed" part) with version + 1 and expires
 * now + secs; NULL when out of memory. */
json_t *au_repo_root_next(const json_t *cur, int64_t now, int64_t secs);

/* Write DIR/public/metadata/VERSION.root.json, then root.json (each
 * atomically, au_file_replace).  Errors: AU_EIO, AU_ENOSPC, AU_EUSAGE. */
AU_NODISCARD int au_repo_root_write(const char *dir, int64_t version,
    const char *text, size_t len, struct au_diag *diag);

/* ---- publishing (repo/cmd_publish.c) ---- */

struct au_repo_publish;	/* one publish run: signed, verified, not written */

/*
 * Sign new versions of targets, snapshot and timestamp with every private
 * key found for each role in root (the root envelope clients will trust
 * when they see this metadata; NULL: DIR/public/metadata/root.json), and
 * unless unsafe, verify them with the client's code from that root.
 * expires: a duration for all three (NULL: 30d, timestamp 7d); a duration
 * <= 0 needs unsafe.  Nothing is written.  Errors: AU_EUSAGE, AU_ECONFIG
 * (not a repository; fewer private keys than a role's threshold: the
 * message names the missing key files), AU_EMETA_* (would not verify),
 * AU_EIO, AU_ENOMEM.
 */
AU_NODISCARD int au_repo_publish_prepare(const char *dir, const char *root,
    size_t root_len, const char *expires, int unsafe,
    struct au_repo_publish **out, struct au_diag *diag);

/*
 * Write the targets, then targets.json, snapshot.json and timestamp.json,
 * then repo.json with the new versions (and root_version as the root's
 * version when > 0).  Errors: AU_EIO, AU_ENOSPC, AU_ECONFIG, AU_EART_HASH.
 */
AU_NODISCARD int au_repo_publish_commit(struct au_repo_publish *p,
    int64_t root_version, struct au_diag *diag);

/* Print the one-line summary of a committed run on stdout. */
void au_repo_publish_report(const struct au_repo_publish *p);

void au_repo_publish_free(struct au_repo_publish *p);	/* NULL is fine */

/* ---- subcommands: return 0 or AU_E*; main() maps the class to an exit ---- */

int au_repo_cmd_init(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_add(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_publish(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_dns(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_sign_raw(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_status(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_export(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_root(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_rotate(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_keygen(int argc, char **argv, struct au_diag *diag);

/* ---- argument parsing shared by the subcommands (repo/args.c) ---- */

struct au_repo_opt {
	const char *name;	/* "--name" */
	int takes_value;	/* 0: flag (value set to "1") */
	const char *value;	/* out: NULL when not given */
};

/*
 * Split argv[1..argc) into options (from opts, "--x V" or "--x=V") and
 * positional arguments (at most npos_max, at least npos_min, into pos[]).
 * AU_EUSAGE on an unknown option, a missing value or a wrong count.
 */
AU_NODISCARD int au_repo_args(int argc, char **argv, struct au_repo_opt *opts,
    size_t nopts, const char **pos, size_t npos_min, size_t npos_max,
    struct au_diag *diag);

#endif
