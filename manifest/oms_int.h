/* SPDX-License-Identifier: ISC */
/* manifest/oms_int.h - helpers shared by manifest/oms.c and oms_statement.c. */
#ifndef AU_OMS_INT_H
#define AU_OMS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "manifest/oms.h"

/* Set *why (may be NULL) to f and return the error code of f's class. */
int au_oms_fail(enum au_oms_fail *why, enum au_oms_fail f);

/* AU_EMETA_MALFORMED unless every key of o is in allowed (NULL-ended). */
int au_oms_only_keys(const json_t *o, const char *const *allowed,
    const char *where, struct au_diag *diag);

/* Base64 string v (at most max decoded bytes) into a new *out. */
int au_oms_b64(const json_t *v, size_t max, uint8_t **out, size_t *outlen,
    const char *what, struct au_diag *diag);

/* 64 lower-case hex digits into out[32]: 0, else -1. */
int au_oms_hex32(const char *hex, uint8_t out[32]);

#endif
