/* SPDX-License-Identifier: ISC */
/*
 * port/text.h - the text helpers every layer shares, one copy each: hex
 * (RFC 4648 section 8, "base16"), joining two path parts with "/", and
 * percent-encoding (RFC 3986 section 2.1).  Pure functions over memory: no
 * OS call, no allocation.  They sit in port/, the floor of the layers
 * (port <- keys <- manifest <- client, repo), so that keys/ (hex keys) and
 * client/ (store names, URLs) use the same code.  Public data only: none of
 * them is constant time.
 */
#ifndef AU_TEXT_H
#define AU_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

/*
 * Lower-case hex of in[0..n) into out, which receives 2n digits and a NUL
 * (2n + 1 bytes).  Cannot fail.
 */
void au_hex_encode(const uint8_t *in, size_t n, char *out);

/*
 * Decode exactly 2*outlen hex digits (either case, nothing else) from the
 * NUL-terminated hex into out.  Returns 0, or AU_EMETA_MALFORMED (hex NULL,
 * of another length, or holding a non-hex character); out may then be
 * partly written.
 */
AU_NODISCARD int au_hex_decode(const char *hex, uint8_t *out, size_t outlen);

/*
 * buf = a "/" b (NUL-terminated), exactly: no "/" is added or dropped
 * otherwise.  Returns 0, or AU_ETOOBIG when it does not fit in size bytes
 * (buf is then unspecified); callers name the path in their own diagnostic.
 */
AU_NODISCARD int au_path_join(char *buf, size_t size, const char *a,
    const char *b);

/*
 * Percent-encode the NUL-terminated src (RFC 3986 section 2.1, upper-case
 * hex digits) and append it at buf[at], then a NUL: every byte but the
 * unreserved A-Z a-z 0-9 '-' '.' '_' '~' and the bytes listed in safe
 * (NULL or "" for none) becomes %XX, as Python's urllib.parse.quote(src,
 * safe) does.  buf[0..at) is left as it is.  Returns 0, or AU_ETOOBIG when
 * the result with its NUL does not fit in size bytes (buf[at..size) is then
 * unspecified).
 */
AU_NODISCARD int au_pct_encode(char *buf, size_t size, size_t at,
    const char *src, const char *safe);

/*
 * Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1-12,
 * d 1-31; not checked), negative before 1970 (H. Hinnant's days_from_civil).
 * The one calendar of TUF's "expires" (manifest/tuf_time.c) and of X.509
 * validity judged at the run's time (client/transport/tls.c, keys/ec.c).
 */
int64_t au_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
