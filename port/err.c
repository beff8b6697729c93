/* SPDX-License-Identifier: ISC */
/* port/err.c - error text and diagnostics. */
#include "port/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "port/ban.h"

const char *
au_strerror(int err)
{
	switch (err) {
	case AU_OK: return "success";
	case AU_EINTERNAL: return "internal error";
	case AU_ENOMEM: return "out of memory";
	case AU_EIO: return "I/O error";
	case AU_EUSAGE: return "usage error";
	case AU_ECONFIG: return "configuration error";
	case AU_ETRUSTROOT: return "trusted root metadata unusable";
	case AU_EDNS_BOGUS: return "DNS answer is bogus (DNSSEC validation failed)";
	case AU_EDNS_INSECURE: return "DNS answer is insecure (not signed with DNSSEC)";
	case AU_EDNS_NXDOMAIN: return "DNS name does not exist (secure NXDOMAIN)";
	case AU_EDNS_NODATA: return "DNS record type does not exist (secure NODATA)";
	case AU_EDNS_SERVFAIL: return "DNS resolution failed (SERVFAIL or timeout)";
	case AU_EDNS_NOSERVICE: return "service explicitly not offered (SRV target \".\")";
	case AU_EDNS_RESOLVER: return "DNS resolver could not be set up";
	case AU_EDNS_MALFORMED: return "DNS record data malformed";
	case AU_ECONNECT: return "connection failed";
	case AU_ETLS: return "TLS handshake or certificate verification failed";
	case AU_EHTTP: return "malformed HTTP response";
	case AU_EHTTP_STATUS: return "unexpected HTTP status";
	case AU_ETIMEOUT: return "timed out";
	case AU_ETOOBIG: return "response larger than allowed";
	case AU_ENOTFOUND: return "not found (HTTP 404)";
	case AU_EMETA_MALFORMED: return "metadata malformed";
	case AU_EMETA_SIG: return "metadata signature threshold not met";
	case AU_EMETA_EXPIRED: return "metadata expired";
	case AU_EMETA_ROLLBACK: return "metadata version rollback";
	case AU_EMETA_VERSION: return "metadata version not the one expected";
	case AU_EMETA_HASH: return "metadata length or hash mismatch";
	case AU_EMETA_TOOBIG: return "metadata larger than its size cap";
	case AU_EMETA_TYPE: return "metadata is not the expected role";
	case AU_EMETA_NOTARGET: return "target not found in signed metadata";
	case AU_EART_LENGTH: return "artifact length mismatch";
	case AU_EART_HASH: return "artifact hash mismatch";
	case AU_EART_UNSAFE: return "bundle refused by extraction policy";
	case AU_EART_HASHALG: return "artifact lists no supported hash algorithm";
	case AU_EART_NOTFILE: return "artifact is not a regular file";
	case AU_EART_PROVENANCE: return "model provenance check failed";
	case AU_EINSTALL: return "install failed; nothing changed";
	case AU_EHEALTH: return "health check or trial failed; previous version restored";
	case AU_ECLOCK: return "the clock cannot be trusted";
	case AU_ENOSPC: return "not enough disk space";
	case AU_ELOCKED: return "another aiupdate run holds the lock";
	case AU_EWEBHOOK_STALE: return "webhook timestamp missing, malformed or outside the tolerance";
	case AU_EWEBHOOK_SIG: return "no webhook signature verifies";
	default: return "unknown error";
	}
}

int
au_err_class(int err)
{
	if (err >= 0)
		return AU_OK;
	if (err > -100)
		return AU_EINTERNAL;
	return -((-err) / 100 * 100);
}

/*
 * Format through a local buffer: the arguments may include diag->msg, as
 * in au_diag_set(d, rc, "loading %s: %s", path, d->msg).
 */
static void
vset(struct au_diag *diag, int sys, const char *fmt, va_list ap)
{
	char tmp[AU_DIAG_MAX];
	int n;

	if (diag == NULL)
		return;
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	if (n < 0)
		tmp[0] = '\0';
	memcpy(diag->msg, tmp, sizeof(tmp));
	diag->sys = sys;
}

int
au_diag_set(struct au_diag *diag, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(diag, 0, fmt, ap);
	va_end(ap);
	return err;
}

int
au_diag_sys(struct au_diag *diag, int err, int sys, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(diag, sys, fmt, ap);
	va_end(ap);
	return err;
}

int
au_diag_wrap(struct au_diag *diag, int err, const char *fmt, ...)
{
	char ctx[AU_DIAG_MAX];
	va_list ap;
	int n;

	if (diag == NULL)
		return err;
	va_start(ap, fmt);
	n = vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	if (n < 0)
		ctx[0] = '\0';
	if (diag->msg[0] == '\0')
		return au_diag_sys(diag, err, diag->sys, "%s", ctx);
	return au_diag_sys(diag, err, diag->sys, "%s: %s", ctx, diag->msg);
}
