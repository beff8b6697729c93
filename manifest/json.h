/* SPDX-License-Identifier: ISC */
/*
 * manifest/json.h - strict JSON intake and canonical JSON for TUF metadata.
 *
 * Intake (au_json_parse) is the only way downloaded metadata enters the
 * program: size cap first, then a byte scan (no NUL, nesting depth), then
 * jansson with duplicate keys refused.  Canonical JSON (au_json_canonical) is
 * the OLPC form securesystemslib and python-tuf sign: TUF 1.0 section 4.2
 * ("the canonical JSON format").
 */
#ifndef AU_JSON_H
#define AU_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "port/err.h"

#define AU_JSON_MAX_DEPTH 32	/* nested objects/arrays; deeper input is malformed */

/*
 * Parse buf[0..len) as one UTF-8 JSON document whose top level is an object.
 * Refused: len > max (AU_EMETA_TOOBIG, checked before any byte is read), a NUL
 * byte or an escaped \u0000, nesting deeper than AU_JSON_MAX_DEPTH, duplicate
 * object keys, invalid UTF-8, trailing bytes, integers that do not fit in 64
 * bits, a top level other than an object (all AU_EMETA_MALFORMED; diag gives
 * line and column).  On success *out is a new reference owned by the caller
 * (json_decref).
 */
AU_NODISCARD int au_json_parse(const uint8_t *buf, size_t len, size_t max,
    json_t **out, struct au_diag *diag);

/*
 * Serialize v as canonical JSON (OLPC / securesystemslib encode_canonical):
 * object keys sorted by byte value, no whitespace, strings with only '\' and
 * '"' escaped (all other bytes raw UTF-8), integers in decimal, true, false,
 * null.  A real number anywhere, or nesting deeper than AU_JSON_MAX_DEPTH,
 * is AU_EMETA_MALFORMED.  *out is malloc'd and NUL-terminated, *len excludes
 * the NUL; the caller frees *out.  Errors: AU_EMETA_MALFORMED, AU_ENOMEM.
 */
AU_NODISCARD int au_json_canonical(const json_t *v, char **out, size_t *len,
    struct au_diag *diag);

#endif
