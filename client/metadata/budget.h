/* SPDX-License-Identifier: ISC */
/*
 * client/metadata/budget.h - the extraction budget of a bundle, from the target's
 * signed "custom" metadata (TUF 1.0 section 4.5, targets "custom"):
 *
 *   "bundle_max_bytes":   integer >= 1, file content bytes once extracted
 *                         (also the bundle's declared size for the free-space
 *                         check before the download)
 *   "bundle_max_entries": integer >= 1, files + directories
 *
 * Set them with `aiupdate-repo add ... --custom '{"bundle_max_bytes":N}'`.
 * Absent members fall back to the values given (the config's [install]
 * bundle_max_bytes and bundle_max_entries, by default AU_BUNDLE_MAX_BYTES /
 * AU_BUNDLE_MAX_ENTRIES).  A signed member replaces the configured value
 * (the publisher knows the bundle; the issue 4 rule "from signed custom,
 * else config caps"), but never goes past the built-in maximum
 * AU_BUNDLE_MAX_BYTES / AU_BUNDLE_MAX_ENTRIES (client/install/bundle.h).
 */
#ifndef AU_BUDGET_H
#define AU_BUDGET_H

#include <stdint.h>

#include "client/metadata/custom.h"
#include "port/err.h"

/*
 * The budget of the parsed custom c (client/metadata/custom.h) into
 * *max_bytes and *max_entries, which hold the configured values on entry
 * (unchanged when custom does not set them).  Cannot fail.
 */
void au_budget_apply(const struct au_custom *c, uint64_t *max_bytes,
    uint64_t *max_entries);

/*
 * au_custom_parse(custom_json) then au_budget_apply(), for a caller that
 * has only the JSON (canonical JSON of "custom", may be NULL); *max_bytes
 * and *max_entries change only on success.  Errors: those of
 * au_custom_parse (AU_EMETA_MALFORMED).
 */
AU_NODISCARD int au_budget_from_custom(const char *custom_json,
    uint64_t *max_bytes, uint64_t *max_entries, struct au_diag *diag);

#endif
