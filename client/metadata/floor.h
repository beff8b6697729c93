/* SPDX-License-Identifier: ISC */
/*
 * client/metadata/floor.h - the signed version floor of a target: the integer
 * "min_version" of its TUF targets "custom" (TUF 1.0 section 4.5), set by
 * the publisher with `aiupdate-repo add ... --custom '{"min_version":N}'`.
 *
 * No rollback, by hand (--rollback) or automatic (failed health check,
 * expired trial), ever makes a version lower than min_version current.  The
 * floor of the last run that verified the target's metadata is kept in
 * state.json (client/install/state.h), so --rollback decides offline, also when the
 * metadata on disk has expired since.  A newer signed targets metadata may
 * raise or lower it; TUF's own version checks keep that metadata from going
 * backwards.
 */
#ifndef AU_FLOOR_H
#define AU_FLOOR_H

#include <stdint.h>

#include "port/err.h"

/*
 * The min_version of custom_json (canonical JSON of "custom", may be NULL)
 * into *min_version: -1 when absent; written only on success.  A caller
 * that holds the parsed struct au_custom (client/metadata/custom.h) reads
 * its min_version instead.  Errors: those of au_custom_parse
 * (AU_EMETA_MALFORMED: min_version not an integer >= 0, any other member of
 * custom.h malformed, custom not an object or over AU_CUSTOM_MAX bytes).
 */
AU_NODISCARD int au_floor_from_custom(const char *custom_json,
    int64_t *min_version, struct au_diag *diag);

/* 1 when version may be made current under min_version (-1: no floor). */
int au_floor_allows(int64_t min_version, int64_t version);

#endif
