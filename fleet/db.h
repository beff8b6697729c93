/* SPDX-License-Identifier: ISC */
/*
 * fleet/db.h - the collector's SQLite store: enrolled devices and accepted
 * reports (docs/report.md, the wire contract; README "Fleet collector").
 *
 * One file, WAL journal, synchronous=FULL (a 2xx answer means the report is
 * on disk: the device then drops it from its outbox), one IMMEDIATE
 * transaction per report, so a crash (kill -9, power cut) leaves every
 * report whole or absent.  The raw body is kept beside the columns
 * extracted from it.  Schema (portable SQL; README: PostgreSQL notes):
 *
 *   devices(device_id TEXT PK, pubkey BLOB NULL, enrolled INTEGER)
 *   reports(seq INTEGER PK, report_id TEXT UNIQUE, device_id TEXT,
 *           counter INTEGER, UNIQUE(device_id, counter), received INTEGER,
 *           sent INTEGER, sig TEXT, mode, result, exit_status, phase, error,
 *           rrsig_expires INTEGER NULL, aiupdate_version, body BLOB)
 *   report_targets(seq, name, installed INTEGER NULL, installed_sha256,
 *           available INTEGER NULL, trial INTEGER, bad_versions TEXT)
 *   report_roles(seq, role, version, expires INTEGER)
 *   report_dns(seq, qname, qtype, state, why_bogus)
 *
 * Times are Unix seconds (UTC).  Errors: AU_EIO with the SQLite result
 * code in diag->sys and its message in diag->msg; AU_ENOMEM.
 */
#ifndef AU_FLEET_DB_H
#define AU_FLEET_DB_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "port/err.h"

#define FLEET_DEVICE_ID_MAX 128		/* device_id bytes (visible ASCII) */
#define FLEET_BUSY_MS 5000		/* wait for another writer this long */

struct fleet_db;	/* opaque; one SQLite connection */

/* What fleet_db_store() found. */
enum fleet_store {
	FLEET_STORED = 0,	/* committed */
	FLEET_DUP_ID = 1,	/* this report id was stored before: nothing written */
	FLEET_OLD_COUNTER = 2	/* counter not above the device's last: nothing written */
};

/* The columns of one accepted report (values; strings borrowed). */
struct fleet_row {
	const char *report_id;	/* the webhook-id, equal to data.report_id */
	const char *device_id;
	int64_t counter;
	int64_t received;	/* collector clock */
	int64_t sent;		/* webhook-timestamp */
	const char *sig;	/* "v1a" or "v1": the kind that verified */
	const char *mode, *result, *phase, *error, *version;	/* NULL: absent */
	int64_t exit_status;
	int64_t rrsig_expires;	/* 0: none reported */
	const uint8_t *body;	/* the raw body as received */
	size_t body_len;
	const json_t *data;	/* the body's "data" object: targets, roles, dnssec */
};

/*
 * Open (creating when missing) the database at path, set WAL, FULL sync,
 * foreign keys and the busy timeout, and create the schema.  *out is owned
 * by the caller (fleet_db_close).  Errors: AU_EIO, AU_ENOMEM.
 */
AU_NODISCARD int fleet_db_open(const char *path, struct fleet_db **out,
    struct au_diag *diag);

void fleet_db_close(struct fleet_db *db);	/* NULL is fine */

/*
 * Enrol device_id (1..FLEET_DEVICE_ID_MAX visible ASCII bytes) with its
 * Ed25519 public key (32 bytes), or pk NULL: the device may sign only with
 * the fleet's HMAC secret.  Re-enrolling replaces the key; reports stay, so
 * its counter and report ids keep their history.
 * Errors: AU_EUSAGE (bad id), AU_EIO.
 */
AU_NODISCARD int fleet_db_enroll(struct fleet_db *db, const char *device_id,
    const uint8_t *pk, int64_t now, struct au_diag *diag);

/* Remove an enrolment (its reports stay).  *found = 0 when it was not
 * enrolled.  Errors: AU_EIO. */
AU_NODISCARD int fleet_db_remove(struct fleet_db *db, const char *device_id,
    int *found, struct au_diag *diag);

/*
 * Look device_id up: *found 1 when enrolled, then *has_pk and pk[32] (when
 * *has_pk) its key.  Errors: AU_EIO.
 */
AU_NODISCARD int fleet_db_device(struct fleet_db *db, const char *device_id,
    int *found, int *has_pk, uint8_t pk[32], struct au_diag *diag);

/*
 * Store one verified report in one IMMEDIATE transaction: refused (nothing
 * written, *what FLEET_DUP_ID or FLEET_OLD_COUNTER) when its report id is
 * known or its counter is not above the device's highest; else the report
 * row, its targets, roles and non-secure DNS answers (from row->data, whose
 * shape the caller has checked) are written and committed
 * (*what FLEET_STORED).  Errors: AU_EIO (rolled back), AU_ENOMEM.
 */
AU_NODISCARD int fleet_db_store(struct fleet_db *db,
    const struct fleet_row *row, enum fleet_store *what,
    struct au_diag *diag);

/*
 * Print the enrolled devices, one a line "DEVICE_ID whpk_KEY|hmac-only
 * ENROLLED", to stdout.  Errors: AU_EIO.
 */
AU_NODISCARD int fleet_db_list(struct fleet_db *db, struct au_diag *diag);

/* 1 when s is 1..max visible ASCII bytes (0x21-0x7e): device and report
 * ids. */
int fleet_visible(const char *s, size_t max);

/* The SQLite handle, for the read-only queries of fleet/status.c. */
struct sqlite3 *fleet_db_handle(struct fleet_db *db);

/* Fill diag from the connection's last error (AU_EIO, sys = SQLite code). */
int fleet_db_fail(struct fleet_db *db, const char *what, struct au_diag *diag);

#endif
