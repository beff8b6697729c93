/* SPDX-License-Identifier: ISC */
/*
 * client/discover/anchor.h - the RFC 5011 tracked trust anchor, inside the
 * power-cut model.
 *
 * libunbound rewrites its auto-trust-anchor-file itself as the zone rolls
 * its keys (RFC 5011 section 2), by a temporary file and rename() without
 * fsync(): after a power cut the file can be empty or cut short, and a
 * device whose only anchor is damaged can never validate DNSSEC again.  So
 * libunbound is given a working copy (TRACKED.work), and only this module
 * writes TRACKED (state_dir/trust-anchor.rfc5011), by port/'s
 * au_file_replace (temporary file, fsync, rename, fsync of the directory):
 * TRACKED is always the last anchor libunbound wrote completely, or the
 * seed.  A TRACKED that au_anchor_check() refuses (empty, cut short,
 * unparsable) is not used: the configured anchor seeds the working copy
 * again, and libunbound's next rewrite repairs TRACKED.
 */
#ifndef AU_ANCHOR_H
#define AU_ANCHOR_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

#define AU_ANCHOR_TA_MAX 65536	/* trust anchor file size cap, bytes */
#define AU_ANCHOR_PATH_MAX 4096	/* bytes of TRACKED's path, NUL included */

struct au_anchor;	/* opaque; au_anchor_open() to au_anchor_close() */

/*
 * Is buf (len bytes) a whole anchor file?  RFC 1035 section 5.1 master-file
 * lines, ';' comments and $ directives allowed, one record a line: owner,
 * optional TTL and class IN, then DS (RFC 4034 section 5.3: key tag,
 * algorithm, digest type, hex digest; 40/64/96 digits for digest types
 * 1/2/4) or DNSKEY (section 2.2: flags, protocol 3, algorithm, base64 key);
 * at least one record; not empty, at most AU_ANCHOR_TA_MAX bytes, no NUL, a
 * newline last (libunbound ends every line with one: a file without it was
 * cut short).  Returns 0, -1 when refused, or AU_ENOMEM.
 */
AU_NODISCARD int au_anchor_check(const uint8_t *buf, size_t len);

/*
 * Write the working copy TRACKED.work that libunbound is to track: TRACKED's
 * content when au_anchor_check() accepts it and use_seed is 0; else seed
 * (the configured anchor, seed_len > 0 bytes, copied).  A damaged TRACKED is
 * logged.  use_seed = 1 is the retry after libunbound refused TRACKED's
 * content.  On success *out is owned by the caller.
 * Errors: AU_EDNS_RESOLVER (TRACKED's path over AU_ANCHOR_PATH_MAX, TRACKED
 * unreadable other than missing, or the working copy cannot be written;
 * diag->sys holds errno), AU_ENOMEM.
 */
AU_NODISCARD int au_anchor_open(const char *tracked, const uint8_t *seed,
    size_t seed_len, int use_seed, struct au_anchor **out,
    struct au_diag *diag);

/* The working copy's path, for auto-trust-anchor-file; owned by a. */
const char *au_anchor_work_path(const struct au_anchor *a);

/* 1 when the working copy was seeded from TRACKED, 0 from the seed. */
int au_anchor_from_tracked(const struct au_anchor *a);

/*
 * Once libunbound is done with the working copy (after ub_ctx_delete):
 * when keep is 1 and the working copy is complete and differs from TRACKED,
 * write it to TRACKED durably (a failure is logged: the previous TRACKED
 * stays, and libunbound tracks again from it next run).  Frees a; NULL is
 * fine.
 */
void au_anchor_close(struct au_anchor *a, int keep);

#endif
