/* SPDX-License-Identifier: ISC */
/*
 * client/install/store_int.h - what the files of the store share (store.c,
 * stage.c, switch.c): the handle's layout and the path, name and hash
 * helpers.  Not an API: nothing outside client/install/ includes it.
 */
#ifndef AU_STORE_INT_H
#define AU_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "client/install/store.h"
#include "port/err.h"

#define PMAX AU_STORE_PATH_MAX

struct au_store {
	char dir[AU_STORE_MAX_DIR + 1];
	char store[PMAX], tmp[PMAX], targets[PMAX], partial[PMAX];
	uint64_t max_bytes, max_entries;	/* bundle budget of the next commit */
};

/* Clean-up on an error path: its own failure is not the one to report. */
static inline void
best_effort(int rc)
{
	(void)rc;
}

/* out = a "/" b; AU_EINSTALL when it does not fit in PMAX bytes. */
AU_NODISCARD int au_store_join(char out[PMAX], const char *a, const char *b,
    struct au_diag *diag);
/* 1 when h is 64 lower-case hex digits. */
int au_store_hash_ok(const char *h);
/* AU_EINSTALL saying why (au_target_name_check) / naming the bad hash,
 * else 0. */
AU_NODISCARD int au_store_check_name(const char *name, struct au_diag *diag);
AU_NODISCARD int au_store_check_hash(const char *h, struct au_diag *diag);
/* A fresh random path tmp/PREFIX-<16 hex> into out. */
AU_NODISCARD int au_store_tmp_name(const struct au_store *s,
    const char *prefix, char out[PMAX], struct au_diag *diag);

/*
 * Read one pointer (targets/<name>/current or previous) at path: hex
 * receives its hash, or "" when the link is absent.  Errors: AU_EINSTALL
 * (a link not of our form), AU_EIO.
 */
AU_NODISCARD int au_store_read_ptr(const char *path, char hex[65],
    struct au_diag *diag);

/* ---- bundle manifests (store_verify.c) ---- */

struct au_store_list;		/* the manifest of a bundle being installed */
AU_NODISCARD int au_store_list_new(struct au_store_list **out,
    struct au_diag *diag);
void au_store_list_free(struct au_store_list *l);	/* NULL is fine */
/* An au_bundle_sink entry callback (client/install/bundle.h); arg: the list. */
int au_store_list_entry(void *arg, const char *name, int is_dir,
    uint64_t size, const uint8_t *sha256, struct au_diag *diag);
/*
 * Write the manifest of store/<hex> (sorted) to a new file in tmp/, fsynced;
 * path receives its name, for the caller to rename next to store/<hex>.
 */
AU_NODISCARD int au_store_list_write(struct au_store *s,
    struct au_store_list *l, const char *hex, char path[PMAX],
    struct au_diag *diag);
/* store/<hex>.manifest into out. */
AU_NODISCARD int au_store_manifest_path(const struct au_store *s,
    const char *hex, char out[PMAX], struct au_diag *diag);

#endif
