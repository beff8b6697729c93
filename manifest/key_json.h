/* SPDX-License-Identifier: ISC */
/*
 * manifest/key_json.h - the JSON face of keys/key.h: a TUF "KEY" object
 * (TUF 1.0 section 4.2)
 *   {"keytype":"ed25519","scheme":"ed25519","keyval":{"public":HEX}}
 * taken apart into the bytes keys/ verifies with, and its keyid.  keys/ sits
 * below manifest/ and never sees JSON; this is where jansson meets a key.
 */
#ifndef AU_KEY_JSON_H
#define AU_KEY_JSON_H

#include <jansson.h>

#include "keys/key.h"
#include "port/err.h"

/*
 * Parse one TUF key object (unknown fields tolerated) into a key:
 * keytype, scheme and keyval.public go to au_key_new() (keys/key.h), whose
 * rules and errors apply.  A keytype/scheme pair not supported here gives
 * success with a key of type AU_KEY_UNSUPPORTED.  keyobj not an object, or
 * a missing/non-string keytype, scheme or keyval.public, is
 * AU_EMETA_MALFORMED.  On success *out is a new key owned by the caller
 * (au_key_free).  Errors: AU_EMETA_MALFORMED, AU_ENOMEM, AU_EINTERNAL.
 */
AU_NODISCARD int au_key_parse(const json_t *keyobj, struct au_key **out,
    struct au_diag *diag);

/*
 * keyid = lowercase hex SHA-256 of the canonical JSON of the key object
 * (TUF 1.0 section 4.2).  out receives AU_KEYID_HEX_LEN hex digits and a
 * NUL (65 bytes).  Errors: AU_EMETA_MALFORMED (not an object, or a real
 * number inside), AU_ENOMEM.
 */
AU_NODISCARD int au_key_id(const json_t *keyobj, char out[65],
    struct au_diag *diag);

#endif
