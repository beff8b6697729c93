/* SPDX-License-Identifier: ISC */
/*
 * repo/repo.h - internals of the publisher tool aiupdate-repo.
 *
 * A repository directory DIR holds:
 *   DIR/keys/ROLE.key      private Ed25519 key per TUF role (0600, keys/sign.h)
 *   DIR/keys/ROLE.pub      the role's public key object (canonical JSON)
 *   DIR/repo.json          the publisher's own state (see below)
 *   DIR/staged/SHA256      target files added with `add`, content-addressed
 *   DIR/public/metadata/   what the HTTPS server serves: N.root.json,
 *                          root.json, timestamp.json, snapshot.json, targets.json
 *   DIR/public/targets/    target files under their TUF target names
 *
 * repo.json:
 *   {"format":1,
 *    "versions":{"root":1,"targets":N,"snapshot":N,"timestamp":N},
 *    "targets":{NAME:{"file":"staged/SHA256","length":L,
 *                     "hashes":{"sha256":HEX,"sha512":HEX},
 *                     "custom":{...,"version":V}}}}
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
#include "port/err.h"

#define AU_REPO_PATH_MAX 4096		/* any path the tool builds */
#define AU_REPO_STATE_MAX (16u << 20)	/* repo.json */
#define AU_REPO_META_MAX (5u << 20)	/* any metadata file read back (targets cap) */
#define AU_REPO_CUSTOM_MAX 65536	/* --custom JSON text */
#define AU_REPO_TARGET_MAX (64ull << 30)	/* one target file: 64 GiB */
#define AU_REPO_DURATION_MAX (20ll * 365 * 86400)	/* --expires: 20 years */
#define AU_REPO_SPEC_VERSION "1.0.31"	/* TUF spec version written */
#define AU_REPO_ROOT_EXPIRES (365ll * 86400)	/* initial root: 1 year */

/* The four top-level TUF roles, in the order keys are created. */
extern const char *const au_repo_roles[4];

/* A target's length and hashes (public data). */
struct au_repo_hashes {
	uint64_t length;
	char sha256[65];
	char sha512[129];
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

/* The version recorded for role in state (0 if none). */
int64_t au_repo_state_version(const json_t *state, const char *role);

/* Load DIR/keys/ROLE.key.  Errors as au_signkey_load(). */
AU_NODISCARD int au_repo_key_load(const char *dir, const char *role,
    struct au_signkey **out, struct au_diag *diag);

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

/* ---- metadata (repo/meta.c) ---- */

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

/* ---- subcommands: return 0 or AU_E*; main() maps the class to an exit ---- */

int au_repo_cmd_init(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_add(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_publish(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_dns(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_sign_raw(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_status(int argc, char **argv, struct au_diag *diag);
int au_repo_cmd_export(int argc, char **argv, struct au_diag *diag);

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
