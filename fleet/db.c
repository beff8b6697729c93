/* SPDX-License-Identifier: ISC */
/* fleet/db.c - the collector's SQLite store (fleet/db.h). */
#include "fleet/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "keys/webhook.h"
#include "manifest/tuf.h"

#include "port/ban.h"

struct fleet_db {
	sqlite3 *h;
};

static const char schema_sql[] =
"CREATE TABLE IF NOT EXISTS devices ("
"  device_id TEXT PRIMARY KEY,"
"  pubkey BLOB,"
"  enrolled INTEGER NOT NULL);"
"CREATE TABLE IF NOT EXISTS reports ("
"  seq INTEGER PRIMARY KEY,"
"  report_id TEXT NOT NULL UNIQUE,"
"  device_id TEXT NOT NULL,"
"  counter INTEGER NOT NULL,"
"  received INTEGER NOT NULL,"
"  sent INTEGER NOT NULL,"
"  sig TEXT NOT NULL,"
"  mode TEXT, result TEXT, exit_status INTEGER, phase TEXT, error TEXT,"
"  rrsig_expires INTEGER, aiupdate_version TEXT,"
"  body BLOB NOT NULL,"
"  UNIQUE (device_id, counter));"
"CREATE TABLE IF NOT EXISTS report_targets ("
"  seq INTEGER NOT NULL REFERENCES reports(seq),"
"  name TEXT NOT NULL, installed INTEGER, installed_sha256 TEXT,"
"  available INTEGER, trial INTEGER NOT NULL, bad_versions TEXT);"
"CREATE INDEX IF NOT EXISTS report_targets_seq ON report_targets(seq);"
"CREATE TABLE IF NOT EXISTS report_roles ("
"  seq INTEGER NOT NULL REFERENCES reports(seq),"
"  role TEXT NOT NULL, version INTEGER, expires INTEGER);"
"CREATE INDEX IF NOT EXISTS report_roles_seq ON report_roles(seq);"
"CREATE TABLE IF NOT EXISTS report_dns ("
"  seq INTEGER NOT NULL REFERENCES reports(seq),"
"  qname TEXT, qtype TEXT, state TEXT, why_bogus TEXT);"
"CREATE INDEX IF NOT EXISTS report_dns_seq ON report_dns(seq);";

int
fleet_db_fail(struct fleet_db *db, const char *what, struct au_diag *diag)
{
	int code = db != NULL && db->h != NULL ? sqlite3_extended_errcode(db->h) : SQLITE_ERROR;

	return au_diag_sys(diag, code == SQLITE_NOMEM ? AU_ENOMEM : AU_EIO, code,
	    "database: %s: %s", what,
	    db != NULL && db->h != NULL ? sqlite3_errmsg(db->h) : "no connection");
}

int
fleet_db_open(const char *path, struct fleet_db **out, struct au_diag *diag)
{
	struct fleet_db *db = calloc(1, sizeof(*db));
	int rc;

	if (db == NULL)
		return au_diag_set(diag, AU_ENOMEM, "database: out of memory");
	rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(db->h, FLEET_BUSY_MS);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db->h, "PRAGMA journal_mode=WAL;"
		    "PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db->h, schema_sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rc = fleet_db_fail(db, path, diag);
		fleet_db_close(db);
		return rc;
	}
	*out = db;
	return AU_OK;
}

void
fleet_db_close(struct fleet_db *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->h);
	free(db);
}

struct sqlite3 *
fleet_db_handle(struct fleet_db *db)
{
	return db->h;
}

int
fleet_visible(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

/* Prepare sql, or fill diag. */
static int
prep(struct fleet_db *db, const char *sql, sqlite3_stmt **st,
    struct au_diag *diag)
{
	if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
		return fleet_db_fail(db, "prepare", diag);
	return AU_OK;
}

int
fleet_db_enroll(struct fleet_db *db, const char *device_id, const uint8_t *pk,
    int64_t now, struct au_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!fleet_visible(device_id, FLEET_DEVICE_ID_MAX))
		return au_diag_set(diag, AU_EUSAGE, "device id '%s' is not 1..%d "
		    "visible ASCII characters", device_id, FLEET_DEVICE_ID_MAX);
	rc = prep(db, "INSERT INTO devices(device_id, pubkey, enrolled) "
	    "VALUES(?1, ?2, ?3) ON CONFLICT(device_id) DO UPDATE SET "
	    "pubkey = ?2, enrolled = ?3", &st, diag);
	if (rc != AU_OK)
		return rc;
	sqlite3_bind_text(st, 1, device_id, -1, SQLITE_STATIC);
	if (pk != NULL)
		sqlite3_bind_blob(st, 2, pk, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? AU_OK : fleet_db_fail(db, "enroll", diag);
	sqlite3_finalize(st);
	return rc;
}

int
fleet_db_remove(struct fleet_db *db, const char *device_id, int *found,
    struct au_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc = prep(db, "DELETE FROM devices WHERE device_id = ?1", &st, diag);

	if (rc != AU_OK)
		return rc;
	sqlite3_bind_text(st, 1, device_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? AU_OK : fleet_db_fail(db, "remove", diag);
	if (rc == AU_OK)
		*found = sqlite3_changes(db->h) > 0;
	sqlite3_finalize(st);
	return rc;
}

int
fleet_db_device(struct fleet_db *db, const char *device_id, int *found,
    int *has_pk, uint8_t pk[32], struct au_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc = prep(db, "SELECT pubkey FROM devices WHERE device_id = ?1",
	    &st, diag);
	int step;

	if (rc != AU_OK)
		return rc;
	sqlite3_bind_text(st, 1, device_id, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*found = 1;
		*has_pk = sqlite3_column_bytes(st, 0) == 32;
		if (*has_pk)
			memcpy(pk, sqlite3_column_blob(st, 0), 32);
	} else if (step == SQLITE_DONE) {
		*found = 0;
		*has_pk = 0;
	} else {
		rc = fleet_db_fail(db, "device lookup", diag);
	}
	sqlite3_finalize(st);
	return rc;
}

int
fleet_db_list(struct fleet_db *db, struct au_diag *diag)
{
	sqlite3_stmt *st = NULL;
	char pk[AU_WEBHOOK_PK_TEXT], when[AU_TIME_STR_SIZE];
	int rc = prep(db, "SELECT device_id, pubkey, enrolled FROM devices "
	    "ORDER BY device_id", &st, diag);
	int step;

	if (rc != AU_OK)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 1) != 32 ||
		    au_webhook_pk_format(sqlite3_column_blob(st, 1), pk) != AU_OK)
			snprintf(pk, sizeof(pk), "hmac-only");
		if (au_time_format(sqlite3_column_int64(st, 2), when, sizeof(when)) != AU_OK)
			snprintf(when, sizeof(when), "?");
		printf("%s %s %s\n", (const char *)sqlite3_column_text(st, 0), pk, when);
	}
	if (step != SQLITE_DONE)
		rc = fleet_db_fail(db, "list", diag);
	sqlite3_finalize(st);
	return rc;
}

/* ---- storing a report ---- */

static void
bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_opt_json_int(sqlite3_stmt *st, int i, const json_t *v)
{
	if (json_is_integer(v))
		sqlite3_bind_int64(st, i, json_integer_value(v));
	else
		sqlite3_bind_null(st, i);
}

/* Is it refused?  *what FLEET_DUP_ID / FLEET_OLD_COUNTER / FLEET_STORED. */
static int
check_fresh(struct fleet_db *db, const struct fleet_row *row,
    enum fleet_store *what, struct au_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc = prep(db, "SELECT (SELECT count(*) FROM reports WHERE report_id = ?1),"
	    " (SELECT max(counter) FROM reports WHERE device_id = ?2)", &st, diag);

	if (rc != AU_OK)
		return rc;
	sqlite3_bind_text(st, 1, row->report_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, row->device_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = fleet_db_fail(db, "replay check", diag);
	} else if (sqlite3_column_int64(st, 0) > 0) {
		*what = FLEET_DUP_ID;
	} else if (sqlite3_column_type(st, 1) != SQLITE_NULL &&
	    sqlite3_column_int64(st, 1) >= row->counter) {
		*what = FLEET_OLD_COUNTER;
	} else {
		*what = FLEET_STORED;
	}
	sqlite3_finalize(st);
	return rc;
}

static int
insert_report(struct fleet_db *db, const struct fleet_row *r,
    int64_t *seq, struct au_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc = prep(db, "INSERT INTO reports(report_id, device_id, counter, "
	    "received, sent, sig, mode, result, exit_status, phase, error, "
	    "rrsig_expires, aiupdate_version, body) VALUES(?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", &st, diag);

	if (rc != AU_OK)
		return rc;
	sqlite3_bind_text(st, 1, r->report_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->device_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->counter);
	sqlite3_bind_int64(st, 4, r->received);
	sqlite3_bind_int64(st, 5, r->sent);
	sqlite3_bind_text(st, 6, r->sig, -1, SQLITE_STATIC);
	bind_opt_text(st, 7, r->mode);
	bind_opt_text(st, 8, r->result);
	sqlite3_bind_int64(st, 9, r->exit_status);
	bind_opt_text(st, 10, r->phase);
	bind_opt_text(st, 11, r->error);
	if (r->rrsig_expires != 0)
		sqlite3_bind_int64(st, 12, r->rrsig_expires);
	bind_opt_text(st, 13, r->version);
	sqlite3_bind_blob(st, 14, r->body, (int)r->body_len, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? AU_OK : fleet_db_fail(db, "insert report", diag);
	sqlite3_finalize(st);
	if (rc == AU_OK)
		*seq = sqlite3_last_insert_rowid(db->h);
	return rc;
}

/* bad_versions as text "1,2,3" (the array's integers). */
static void
bad_list(const json_t *arr, char *buf, size_t size)
{
	size_t i, at = 0;
	const json_t *v;

	buf[0] = '\0';
	json_array_foreach(arr, i, v) {
		int n;

		if (!json_is_integer(v))
			continue;
		n = snprintf(buf + at, size - at, "%s%lld", at ? "," : "",
		    (long long)json_integer_value(v));
		if (n < 0 || (size_t)n >= size - at)
			break;
		at += (size_t)n;
	}
}

static int
insert_targets(struct fleet_db *db, int64_t seq, const json_t *targets,
    struct au_diag *diag)
{
	sqlite3_stmt *st = NULL;
	const json_t *t;
	size_t i;
	char bad[512];
	int rc = prep(db, "INSERT INTO report_targets(seq, name, installed, "
	    "installed_sha256, available, trial, bad_versions) "
	    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, diag);

	if (rc != AU_OK)
		return rc;
	json_array_foreach(targets, i, t) {
		const json_t *in = json_object_get(t, "installed");
		const json_t *av = json_object_get(t, "available");

		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_text(st, 2, json_string_value(json_object_get(t, "name")), -1, SQLITE_STATIC);
		bind_opt_json_int(st, 3, json_object_get(in, "version"));
		bind_opt_text(st, 4, json_string_value(json_object_get(in, "sha256")));
		bind_opt_json_int(st, 5, json_object_get(av, "version"));
		sqlite3_bind_int(st, 6, json_is_true(json_object_get(t, "trial")));
		bad_list(json_object_get(t, "bad_versions"), bad, sizeof(bad));
		sqlite3_bind_text(st, 7, bad, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = fleet_db_fail(db, "insert target", diag);
			break;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
insert_roles(struct fleet_db *db, int64_t seq, const json_t *roles,
    struct au_diag *diag)
{
	sqlite3_stmt *st = NULL;
	const json_t *r;
	size_t i;
	int rc = prep(db, "INSERT INTO report_roles(seq, role, version, expires) "
	    "VALUES(?1, ?2, ?3, ?4)", &st, diag);

	if (rc != AU_OK)
		return rc;
	json_array_foreach(roles, i, r) {
		int64_t exp;
		const char *e = json_string_value(json_object_get(r, "expires"));

		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_text(st, 2, json_string_value(json_object_get(r, "role")), -1, SQLITE_STATIC);
		bind_opt_json_int(st, 3, json_object_get(r, "version"));
		if (e != NULL && au_time_parse(e, &exp) == AU_OK)
			sqlite3_bind_int64(st, 4, exp);
		else
			sqlite3_bind_null(st, 4);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = fleet_db_fail(db, "insert role", diag);
			break;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
insert_dns(struct fleet_db *db, int64_t seq, const json_t *answers,
    struct au_diag *diag)
{
	sqlite3_stmt *st = NULL;
	const json_t *a;
	size_t i;
	int rc = prep(db, "INSERT INTO report_dns(seq, qname, qtype, state, "
	    "why_bogus) VALUES(?1, ?2, ?3, ?4, ?5)", &st, diag);

	if (rc != AU_OK)
		return rc;
	json_array_foreach(answers, i, a) {
		sqlite3_bind_int64(st, 1, seq);
		bind_opt_text(st, 2, json_string_value(json_object_get(a, "qname")));
		bind_opt_text(st, 3, json_string_value(json_object_get(a, "qtype")));
		bind_opt_text(st, 4, json_string_value(json_object_get(a, "state")));
		bind_opt_text(st, 5, json_string_value(json_object_get(a, "why_bogus")));
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = fleet_db_fail(db, "insert dns answer", diag);
			break;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

int
fleet_db_store(struct fleet_db *db, const struct fleet_row *row,
    enum fleet_store *what, struct au_diag *diag)
{
	int64_t seq = 0;
	enum fleet_store found = FLEET_STORED;
	const json_t *dns = json_object_get(row->data, "dnssec");
	int rc;

	if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fleet_db_fail(db, "begin", diag);
	rc = check_fresh(db, row, &found, diag);
	if (rc == AU_OK && found == FLEET_STORED) {
		rc = insert_report(db, row, &seq, diag);
		if (rc == AU_OK)
			rc = insert_targets(db, seq, json_object_get(row->data, "targets"), diag);
		if (rc == AU_OK)
			rc = insert_roles(db, seq, json_object_get(row->data, "roles"), diag);
		if (rc == AU_OK)
			rc = insert_dns(db, seq, json_object_get(dns, "non_secure"), diag);
	}
	if (rc == AU_OK && found == FLEET_STORED &&
	    sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = fleet_db_fail(db, "commit", diag);
	if (rc != AU_OK || found != FLEET_STORED)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	if (rc == AU_OK)
		*what = found;
	return rc;
}
