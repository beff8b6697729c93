/* SPDX-License-Identifier: ISC */
/*
 * client/install/provenance.h - model provenance on the device: the OpenSSF
 * Model Signing v1.0 bundle of a target (manifest/oms.h) checked after the
 * artifact's own TUF verification and before the switch.
 *
 * The model target's signed custom names its bundle, itself a TUF target
 * (length and hash verified as any target), and may pin the publisher:
 *
 *   "custom": {"oms": {"bundle": "NAME.sig", "publisher": "acme"}}
 *
 * "publisher" is the name of a signer in [provenance] (key.NAME or
 * ca.NAME): the repository demands that publisher for this target.
 * Policy ([provenance] in aiupdate.conf(5)): mode = off | warn | require for
 * targets no pattern names, and require/warn/off = PATTERNS (fnmatch(3),
 * space separated) per target; allow_unsigned = yes lets a bundle target
 * hold files no resource covers (ignore_paths are always honoured).
 */
#ifndef AU_PROVENANCE_H
#define AU_PROVENANCE_H

#include <stddef.h>
#include <stdint.h>

#include "client/config.h"
#include "manifest/oms.h"
#include "manifest/tuf.h"
#include "port/err.h"

#define AU_PROV_CUSTOM_MAX 65536	/* bytes of custom JSON looked at */
#define AU_PROV_TEXT_MAX 400		/* bytes of the verdict line */

enum au_prov_mode { AU_PROV_OFF = 0, AU_PROV_WARN, AU_PROV_REQUIRE };

/* What the check found (values only; for the report and the event). */
struct au_prov_result {
	enum au_prov_mode mode;		/* the policy applied to the target */
	enum au_oms_fail why;		/* AU_OMS_OK when verified */
	int checked;			/* 0 when mode is off */
	char text[AU_PROV_TEXT_MAX];	/* "verified: acme (key sha256:...)"
					   or "FAILED: <reason>" */
};

/*
 * Fetch the signed target `name` (whose metadata is tg) into memory, at
 * most cap bytes (AU_ETOOBIG past it): the run's HTTPS connection or
 * repository copy.  *buf is malloc'd; the caller frees it.
 */
typedef int (*au_prov_fetch_fn)(void *arg, const char *name,
    const struct au_target *tg, size_t cap, uint8_t **buf, size_t *len,
    struct au_diag *diag);

/* The target's bundle name and pinned publisher from the signed custom. */
typedef int (*au_prov_find_fn)(void *arg, const char *name,
    struct au_target *out, struct au_diag *diag);

/*
 * The policy for target name (cfg [provenance]): the first of require,
 * warn, off whose patterns match, else mode.
 */
enum au_prov_mode au_prov_mode_for(const struct au_config *cfg,
    const char *name);

/*
 * Check target `name` (signed custom custom_json, may be NULL) whose
 * verified bytes are at staged: the file itself (is_tree 0) or an
 * extracted bundle's directory (is_tree 1).  find looks the bundle target
 * up in the trusted targets, fetch brings its bytes, which must have the
 * signed length and SHA-256.  *res is always filled.
 * Returns 0 when the install may go on: verified, mode off, or mode warn
 * (res->why says what failed; the caller logs a WARN).
 * Errors (nothing switched): AU_EART_PROVENANCE (require: res->text and
 * diag say what failed: unknown key, bad signature, which file, wrong
 * predicate...), AU_ECONFIG (a [provenance] key or CA file unreadable or
 * not a PEM EC key / certificate), AU_EMETA_MALFORMED (custom.oms not of
 * the form above), AU_ENOMEM, and the fetch's transport errors.
 */
AU_NODISCARD int au_provenance_check(const struct au_config *cfg,
    const char *name, const char *custom_json, const char *staged,
    int is_tree, int64_t now, au_prov_find_fn find, au_prov_fetch_fn fetch,
    void *arg, struct au_prov_result *res, struct au_diag *diag);

/*
 * Every [provenance] key.NAME and ca.NAME file of cfg can be read and is a
 * PEM EC public key / certificate: checked at the start of every --check
 * and --apply (client/update.c), as the health check is, so that an image
 * with a broken publisher path fails its first --check, not an update
 * after its download.  Errors: AU_ECONFIG naming the key and file,
 * AU_ENOMEM.
 */
AU_NODISCARD int au_provenance_preflight(const struct au_config *cfg,
    struct au_diag *diag);

struct au_target_report;	/* client/report/run_report.h */

/*
 * The check of au_provenance_check for the run (client/update.c), between
 * the download of tr's verified bytes into store's store/<hash> and the
 * switch (a refused fresh download, fresh != 0, is taken out again:
 * au_store_discard): a raw target is the file store/<hash>/<base name>, a bundle target
 * (client/install/bundle.h) the tree store/<hash>.  Writes the verdict into
 * tr->provenance and logs a WARN line when mode warn lets a failure pass.
 * Errors: those of au_provenance_check.
 */
struct au_store;		/* client/install/store.h */
AU_NODISCARD int au_provenance_before_switch(const struct au_config *cfg,
    struct au_store *store, struct au_target_report *tr,
    const struct au_target *tg, int fresh, int64_t now, au_prov_find_fn find,
    au_prov_fetch_fn fetch, void *arg, struct au_diag *diag);

#endif
