/* SPDX-License-Identifier: ISC */
/* port/err.h - error codes and the caller-owned diagnostic shared by every module. */
#ifndef AU_ERR_H
#define AU_ERR_H

#include <stddef.h>

#define AU_NODISCARD __attribute__((warn_unused_result))
#define AU_PRINTF(a, b) __attribute__((format(printf, a, b)))

/*
 * Every function that can fail returns 0 or one of these negative codes.
 * Codes are grouped by class in blocks of 100; au_err_class() maps a code to
 * its class, and the command line maps each class to one exit status
 * (see client/cli.h and the README).  Code branches on codes, never on text.
 */
enum au_err {
	AU_OK = 0,

	/* internal (exit 1) */
	AU_EINTERNAL = -1,	/* a bug or an impossible state */
	AU_ENOMEM = -2,		/* allocation failed */
	AU_EIO = -3,		/* an OS call failed; diag->sys holds errno */

	/* usage or configuration (exit 2) */
	AU_EUSAGE = -100,	/* bad command line */
	AU_ECONFIG = -101,	/* config file missing, unreadable or invalid */
	AU_ETRUSTROOT = -102,	/* the baked-in trusted root cannot be loaded */

	/* discovery (exit 10) - RFC 4033 section 5 terms */
	AU_EDNS_BOGUS = -200,	/* validation failed; diag carries why_bogus */
	AU_EDNS_INSECURE = -201,	/* provably unsigned: refused */
	AU_EDNS_NXDOMAIN = -202,	/* secure proof that the name does not exist */
	AU_EDNS_NODATA = -203,	/* secure proof that the type does not exist */
	AU_EDNS_SERVFAIL = -204,	/* resolver failure or timeout */
	AU_EDNS_NOSERVICE = -205,	/* SRV target "." (RFC 2782) */
	AU_EDNS_RESOLVER = -206,	/* libunbound context could not be set up */
	AU_EDNS_MALFORMED = -207,	/* rdata did not parse */

	/* transport (exit 11) */
	AU_ECONNECT = -300,	/* TCP connect failed or refused */
	AU_ETLS = -301,		/* TLS handshake or certificate verification failed */
	AU_EHTTP = -302,	/* malformed HTTP response */
	AU_EHTTP_STATUS = -303,	/* HTTP status other than expected */
	AU_ETIMEOUT = -304,	/* connect, read or overall deadline passed */
	AU_ETOOBIG = -305,	/* body exceeded the byte cap of the request */
	AU_ENOTFOUND = -306,	/* HTTP 404: callers use it to end root rotation */

	/* metadata (exit 12) - TUF 1.0 section 5 */
	AU_EMETA_MALFORMED = -400,	/* not valid JSON / not the expected shape */
	AU_EMETA_SIG = -401,	/* signature threshold not met */
	AU_EMETA_EXPIRED = -402,	/* expires <= now */
	AU_EMETA_ROLLBACK = -403,	/* version lower than trusted */
	AU_EMETA_VERSION = -404,	/* version not the one required (e.g. root N+1) */
	AU_EMETA_HASH = -405,	/* length or hash differs from the referring role */
	AU_EMETA_TOOBIG = -406,	/* over the role's size cap */
	AU_EMETA_TYPE = -407,	/* _type is not the expected role */
	AU_EMETA_NOTARGET = -408,	/* target name not in the signed targets */

	/* artifact (exit 13) */
	AU_EART_LENGTH = -500,	/* more or fewer bytes than signed */
	AU_EART_HASH = -501,	/* hash mismatch */
	AU_EART_UNSAFE = -502,	/* bundle violates the extraction policy */
	AU_EART_HASHALG = -503,	/* no supported hash algorithm listed */
	AU_EART_NOTFILE = -504,	/* a local copy holds no regular file there */
	AU_EART_PROVENANCE = -505,	/* the model's own signature (OMS) failed */

	/* install (exit 14) */
	AU_EINSTALL = -600,	/* failed before the switch; nothing changed */

	/* health (exit 15) */
	AU_EHEALTH = -700,	/* health check failed; previous version restored */

	/* clock (exit 16) */
	AU_ECLOCK = -800,

	/* disk space (exit 17) */
	AU_ENOSPC = -900,

	/* lock (exit 75) */
	AU_ELOCKED = -1000,

	/*
	 * webhook (keys/webhook.h; never an exit status: a report never
	 * changes a run's outcome; the collector answers them 400 and 401)
	 */
	AU_EWEBHOOK_STALE = -1100,	/* timestamp not an integer or outside now +- tolerance */
	AU_EWEBHOOK_SIG = -1101,	/* no signature verifies, or a malformed header */
};

#define AU_DIAG_MAX 512

/*
 * Caller-owned diagnostic: a one-line human message and the underlying
 * library code (errno, mbedTLS, libunbound).  Any function taking a
 * struct au_diag * accepts NULL.
 */
struct au_diag {
	char msg[AU_DIAG_MAX];
	int sys;		/* errno, mbedTLS or libunbound code; 0 if none */
};

/* Static English text for a code; never NULL. */
const char *au_strerror(int err);

/* The class of a code: the code of its block (AU_EMETA_SIG -> -400). */
int au_err_class(int err);

/*
 * A new failure with no OS cause: format a message into diag (NULL is fine),
 * set diag->sys to 0 and return err, so callers can write
 * `return au_diag_set(diag, AU_EINSTALL, "no such target %s", name);`.
 * The message is truncated at AU_DIAG_MAX - 1 bytes.  The arguments may
 * include diag->msg itself; to add context to the failure already in diag,
 * use au_diag_wrap(), which keeps its errno.
 */
int au_diag_set(struct au_diag *diag, int err, const char *fmt, ...)
    AU_PRINTF(3, 4);

/*
 * Add context in front of the failure already in diag (NULL is fine):
 * the message becomes "CONTEXT: previous message" (CONTEXT formatted from
 * fmt), so the path and the reason it names stay, and diag->sys (the
 * underlying errno or library code) is kept.  Returns err: a caller may
 * re-class the failure (AU_EIO -> AU_EINSTALL) without losing its cause.
 * Truncated at AU_DIAG_MAX - 1 bytes, as au_diag_set.
 */
int au_diag_wrap(struct au_diag *diag, int err, const char *fmt, ...)
    AU_PRINTF(3, 4);

/* As au_diag_set, and also record errno-style code `sys`. */
int au_diag_sys(struct au_diag *diag, int err, int sys, const char *fmt, ...)
    AU_PRINTF(4, 5);

#endif
