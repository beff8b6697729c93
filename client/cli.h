/* SPDX-License-Identifier: ISC */
/* client/cli.h - exit statuses of the aiupdate command (see README, --help). */
#ifndef AU_CLI_H
#define AU_CLI_H

enum au_exit {
	AU_EXIT_OK = 0,		/* success; --check: everything up to date */
	AU_EXIT_INTERNAL = 1,
	AU_EXIT_USAGE = 2,	/* usage or configuration error */
	AU_EXIT_DISCOVERY = 10,	/* DNS answer bogus, insecure, missing; resolver failed */
	AU_EXIT_TRANSPORT = 11,	/* TLS verification, connection, HTTP, timeout */
	AU_EXIT_METADATA = 12,	/* signature, threshold, expired, rollback, malformed, size */
	AU_EXIT_ARTIFACT = 13,	/* length or hash mismatch, unsafe bundle */
	AU_EXIT_INSTALL = 14,	/* install failed before the switch; nothing changed */
	AU_EXIT_HEALTH = 15,	/* health check failed; previous version restored */
	AU_EXIT_CLOCK = 16,	/* the clock cannot be trusted */
	AU_EXIT_NOSPACE = 17,	/* not enough disk space */
	AU_EXIT_LOCKED = 75,	/* another run holds the lock (EX_TEMPFAIL) */
	AU_EXIT_UPDATES = 100,	/* --check: at least one update is available */
};

/* Map an AU_E* code to its exit status. */
int au_exit_status(int err);

#endif
