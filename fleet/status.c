/* SPDX-License-Identifier: ISC */
/* fleet/status.c - the fleet's figures from the database (fleet/status.h). */
#include "fleet/status.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "manifest/tuf.h"

#include "port/ban.h"

/* The latest report of each enrolled device. */
#define LATEST \
	"SELECT r.* FROM reports r JOIN devices d ON d.device_id = r.device_id " \
	"WHERE r.counter = (SELECT max(counter) FROM reports x " \
	"WHERE x.device_id = r.device_id)"

const char *
fleet_exit_kind(int64_t e)
{
	switch (e) {
	case 0: case 100: return "ok";
	case 1: return "local";
	case 2: return "config";
	case 10: return "dns";
	case 11: return "transport";
	case 12: return "metadata";
	case 13: return "artifact";
	case 14: return "install";
	case 15: return "health";
	case 16: return "clock";
	case 17: return "disk";
	case 75: return "locked";
	default: return "other";
	}
}

static json_t *
time_json(int64_t t)
{
	char buf[AU_TIME_STR_SIZE];

	if (t == 0 || au_time_format(t, buf, sizeof(buf)) != AU_OK)
		return json_null();
	return json_string(buf);
}

static json_t *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? json_string((const char *)s) : json_null();
}

static json_t *
col_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() :
	    json_integer(sqlite3_column_int64(st, i));
}

static int64_t
days(int64_t t, int64_t now)
{
	int64_t d = t - now;

	return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

/* Run sql (parameters: ?1 = text a, when not NULL) row by row into fn. */
static int
each_row(struct fleet_db *db, const char *sql, const char *a,
    int (*fn)(sqlite3_stmt *, void *), void *arg, struct au_diag *diag)
{
	sqlite3 *h = fleet_db_handle(db);
	sqlite3_stmt *st = NULL;
	int step, rc = AU_OK;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return fleet_db_fail(db, "query", diag);
	if (a != NULL)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(st, arg) != 0) {
			rc = au_diag_set(diag, AU_ENOMEM, "status: out of memory");
			break;
		}
	if (rc == AU_OK && step != SQLITE_DONE)
		rc = fleet_db_fail(db, "query", diag);
	sqlite3_finalize(st);
	return rc;
}

static int
one_int(struct fleet_db *db, const char *sql, int64_t *out, struct au_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc = AU_OK;

	if (sqlite3_prepare_v2(fleet_db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		return fleet_db_fail(db, "query", diag);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = fleet_db_fail(db, "query", diag);
	sqlite3_finalize(st);
	return rc;
}

struct ctx {
	struct fleet_db *db;
	int64_t now;
	json_t *st;
	size_t cursor;		/* target_row's place in device_list */
	struct au_diag *diag;
};

/* device_list: one row of LATEST joined with its figures */
static int
device_row(sqlite3_stmt *s, void *arg)
{
	struct ctx *c = arg;
	json_t *d = json_object();
	int64_t ex = sqlite3_column_int64(s, 5);
	const char *err = (const char *)sqlite3_column_text(s, 6);
	const char *res = (const char *)sqlite3_column_text(s, 4);
	const char *phase = (const char *)sqlite3_column_text(s, 7);
	char why[600];

	if (d == NULL)
		return -1;
	snprintf(why, sizeof(why), "%s%s%s%s%s", res ? res : "?",
	    phase ? " in " : "", phase ? phase : "", err ? ": " : "", err ? err : "");
	json_object_set_new(d, "device_id", col_text(s, 0));
	json_object_set_new(d, "last_seen", time_json(sqlite3_column_int64(s, 1)));
	json_object_set_new(d, "last_seen_unix", col_int(s, 1));
	json_object_set_new(d, "counter", col_int(s, 2));
	json_object_set_new(d, "mode", col_text(s, 3));
	json_object_set_new(d, "result", col_text(s, 4));
	json_object_set_new(d, "exit", col_int(s, 5));
	json_object_set_new(d, "kind", json_string(fleet_exit_kind(ex)));
	json_object_set_new(d, "failing", json_boolean(ex != 0 && ex != 100));
	json_object_set_new(d, "why", json_string(why));
	json_object_set_new(d, "targets", json_object());
	json_object_set_new(d, "non_secure", col_int(s, 8));
	json_object_set_new(d, "rrsig_expires", time_json(sqlite3_column_int64(s, 9)));
	json_object_set_new(d, "rrsig_expires_unix", col_int(s, 9));
	json_object_set_new(d, "metadata_expires", time_json(sqlite3_column_int64(s, 10)));
	json_object_set_new(d, "metadata_expires_unix", col_int(s, 10));
	json_object_set_new(d, "metadata_role", col_text(s, 11));
	json_object_set_new(d, "aiupdate_version", col_text(s, 12));
	json_object_set_new(d, "seq", col_int(s, 13));
	return json_array_append_new(json_object_get(c->st, "device_list"), d);
}

/* Expiry comes from the device's latest report that carried it (a run that
 * failed in discovery knows no metadata expiry, but the one before did). */
#define ROLES_SEQ "(SELECT max(o.seq) FROM report_roles o JOIN reports x" \
	" ON x.seq = o.seq WHERE x.device_id = l.device_id AND o.expires IS NOT NULL)"
static const char devices_sql[] =
"SELECT l.device_id, l.received, l.counter, l.mode, l.result, l.exit_status,"
" l.error, l.phase,"
" (SELECT count(*) FROM report_dns n WHERE n.seq = l.seq),"
" (SELECT rrsig_expires FROM reports x WHERE x.device_id = l.device_id AND"
"  x.rrsig_expires IS NOT NULL ORDER BY x.counter DESC LIMIT 1),"
" (SELECT min(expires) FROM report_roles o WHERE o.seq = " ROLES_SEQ "),"
" (SELECT role FROM report_roles o WHERE o.seq = " ROLES_SEQ
"  AND expires IS NOT NULL ORDER BY expires LIMIT 1),"
" l.aiupdate_version, l.seq"
" FROM (" LATEST ") l ORDER BY l.device_id";

/* the installed version of each target of each device's latest report;
 * the rows come in device_list's order (both by device_id), so one walk */
static int
target_row(sqlite3_stmt *s, void *arg)
{
	struct ctx *c = arg;
	json_t *list = json_object_get(c->st, "device_list"), *d;
	const char *dev = (const char *)sqlite3_column_text(s, 0);
	int cmp = 1;

	for (; (d = json_array_get(list, c->cursor)) != NULL; c->cursor++) {
		cmp = strcmp(json_string_value(json_object_get(d, "device_id")), dev);
		if (cmp >= 0)
			break;
	}
	if (d == NULL || cmp != 0)
		return 0;
	return json_object_set_new(json_object_get(d, "targets"),
	    (const char *)sqlite3_column_text(s, 1), col_int(s, 2));
}

static const char targets_sql[] =
"SELECT l.device_id, t.name, t.installed FROM (" LATEST ") l"
" JOIN report_targets t ON t.seq = l.seq ORDER BY l.device_id, t.name";

static int
version_row(sqlite3_stmt *s, void *arg)
{
	struct ctx *c = arg;
	json_t *targets = json_object_get(c->st, "targets"), *t, *v;
	const char *name = (const char *)sqlite3_column_text(s, 0);
	size_t n = json_array_size(targets);

	t = n ? json_array_get(targets, n - 1) : NULL;
	if (t == NULL || strcmp(json_string_value(json_object_get(t, "name")), name) != 0) {
		t = json_pack("{s:s, s:[]}", "name", name, "versions");
		if (t == NULL || json_array_append_new(targets, t) != 0)
			return -1;
	}
	v = json_pack("{s:o, s:I}", "version", col_int(s, 1), "devices",
	    (json_int_t)sqlite3_column_int64(s, 2));
	return v == NULL ? -1 : json_array_append_new(json_object_get(t, "versions"), v);
}

static const char versions_sql[] =
"SELECT t.name, t.installed, count(*) FROM (" LATEST ") l"
" JOIN report_targets t ON t.seq = l.seq GROUP BY t.name, t.installed"
" ORDER BY t.name, t.installed";

static int
kind_row(sqlite3_stmt *s, void *arg)
{
	struct ctx *c = arg;
	json_t *k = json_object_get(c->st, "failures_by_kind");
	const char *kind = fleet_exit_kind(sqlite3_column_int64(s, 0));
	json_int_t had = json_integer_value(json_object_get(k, kind));

	return json_object_set_new(k, kind, json_integer(had + sqlite3_column_int64(s, 1)));
}

static const char kinds_sql[] =
"SELECT exit_status, count(*) FROM reports WHERE exit_status NOT IN (0, 100)"
" GROUP BY exit_status ORDER BY exit_status";

static int
dns_row(sqlite3_stmt *s, void *arg)
{
	struct ctx *c = arg;
	json_t *a = json_pack("{s:o, s:o, s:o, s:o, s:o}", "device_id", col_text(s, 0),
	    "qname", col_text(s, 1), "qtype", col_text(s, 2), "state",
	    col_text(s, 3), "why_bogus", col_text(s, 4));

	return a == NULL ? -1 : json_array_append_new(
	    json_object_get(json_object_get(c->st, "dnssec"), "non_secure"), a);
}

static const char dns_sql[] =
"SELECT l.device_id, n.qname, n.qtype, n.state, n.why_bogus FROM (" LATEST ") l"
" JOIN report_dns n ON n.seq = l.seq ORDER BY l.device_id, n.qname";

/* failing, dnssec.devices_affected and expiry, from device_list */
static void
summarise(json_t *st, int64_t now)
{
	json_t *list = json_object_get(st, "device_list"), *d;
	json_t *ex = json_object_get(st, "expiry"), *fail = json_object_get(st, "failing");
	int64_t rr = 0, md = 0, t;
	const char *rr_dev = NULL, *md_dev = NULL, *md_role = NULL;
	json_int_t affected = 0;
	size_t i;

	json_array_foreach(list, i, d) {
		const char *id = json_string_value(json_object_get(d, "device_id"));

		if (json_is_true(json_object_get(d, "failing")))
			json_array_append_new(fail, json_pack("{s:s, s:O, s:O}",
			    "device_id", id, "kind", json_object_get(d, "kind"),
			    "why", json_object_get(d, "why")));
		affected += json_integer_value(json_object_get(d, "non_secure")) > 0;
		t = json_integer_value(json_object_get(d, "rrsig_expires_unix"));
		if (t != 0 && (rr == 0 || t < rr)) {
			rr = t;
			rr_dev = id;
		}
		t = json_integer_value(json_object_get(d, "metadata_expires_unix"));
		if (t != 0 && (md == 0 || t < md)) {
			md = t;
			md_dev = id;
			md_role = json_string_value(json_object_get(d, "metadata_role"));
		}
	}
	json_object_set_new(json_object_get(st, "dnssec"), "devices_affected",
	    json_integer(affected));
	json_object_set_new(ex, "rrsig_earliest", time_json(rr));
	json_object_set_new(ex, "rrsig_earliest_unix", rr ? json_integer(rr) : json_null());
	json_object_set_new(ex, "rrsig_days", rr ? json_integer(days(rr, now)) : json_null());
	json_object_set_new(ex, "rrsig_device", rr_dev ? json_string(rr_dev) : json_null());
	json_object_set_new(ex, "metadata_earliest", time_json(md));
	json_object_set_new(ex, "metadata_earliest_unix", md ? json_integer(md) : json_null());
	json_object_set_new(ex, "metadata_days", md ? json_integer(days(md, now)) : json_null());
	json_object_set_new(ex, "metadata_role", md_role ? json_string(md_role) : json_null());
	json_object_set_new(ex, "metadata_device", md_dev ? json_string(md_dev) : json_null());
}

int
fleet_status(struct fleet_db *db, int64_t now, json_t **out, struct au_diag *diag)
{
	struct ctx c = { .db = db, .now = now, .diag = diag };
	int64_t n_dev = 0, n_rep = 0;
	int rc;

	c.st = json_pack("{s:o, s:I, s:[], s:[], s:[], s:{}, s:{s:[]}, s:{}}",
	    "generated", time_json(now), "generated_unix", (json_int_t)now,
	    "device_list", "targets", "failing", "failures_by_kind",
	    "dnssec", "non_secure", "expiry");
	if (c.st == NULL)
		return au_diag_set(diag, AU_ENOMEM, "status: out of memory");
	rc = one_int(db, "SELECT count(*) FROM devices", &n_dev, diag);
	if (rc == AU_OK)
		rc = one_int(db, "SELECT count(*) FROM reports", &n_rep, diag);
	if (rc == AU_OK)
		rc = each_row(db, devices_sql, NULL, device_row, &c, diag);
	if (rc == AU_OK)
		rc = each_row(db, targets_sql, NULL, target_row, &c, diag);
	if (rc == AU_OK)
		rc = each_row(db, versions_sql, NULL, version_row, &c, diag);
	if (rc == AU_OK)
		rc = each_row(db, kinds_sql, NULL, kind_row, &c, diag);
	if (rc == AU_OK)
		rc = each_row(db, dns_sql, NULL, dns_row, &c, diag);
	if (rc != AU_OK) {
		json_decref(c.st);
		return rc;
	}
	json_object_set_new(c.st, "devices", json_integer(n_dev));
	json_object_set_new(c.st, "reporting", json_integer((json_int_t)json_array_size(
	    json_object_get(c.st, "device_list"))));
	json_object_set_new(c.st, "reports", json_integer(n_rep));
	summarise(c.st, now);
	*out = c.st;
	return AU_OK;
}

/* ---- the rollout history ---- */

struct roll {
	json_t *out;
};

/* one (version, devices) row into a moment's "versions" */
static int
moment_set(json_t *versions, sqlite3_stmt *s)
{
	char key[24];

	if (sqlite3_column_type(s, 0) == SQLITE_NULL)
		snprintf(key, sizeof(key), "none");
	else
		snprintf(key, sizeof(key), "%lld", (long long)sqlite3_column_int64(s, 0));
	return json_object_set_new(versions, key, json_integer(sqlite3_column_int64(s, 1)));
}

static int
times_row(sqlite3_stmt *s, void *arg)
{
	struct roll *r = arg;

	return json_array_append_new(r->out, json_pack("{s:I, s:I, s:s, s:{}}", "seq",
	    (json_int_t)sqlite3_column_int64(s, 0), "t",
	    (json_int_t)sqlite3_column_int64(s, 1), "kind",
	    fleet_exit_kind(sqlite3_column_int64(s, 2)), "versions"));
}

int
fleet_status_rollout(struct fleet_db *db, const char *name, int points,
    json_t **out, struct au_diag *diag)
{
	struct roll r = { .out = json_array() };
	sqlite3_stmt *st = NULL;
	json_t *m;
	size_t i;
	int rc;

	if (r.out == NULL)
		return au_diag_set(diag, AU_ENOMEM, "status: out of memory");
	/* the moments: every report, thinned to `points` */
	rc = each_row(db, "SELECT seq, received, exit_status FROM reports ORDER BY seq",
	    NULL, times_row, &r, diag);
	while (rc == AU_OK && (int)json_array_size(r.out) > points)
		for (i = 1; i + 1 < json_array_size(r.out); i++)
			json_array_remove(r.out, i);	/* every other, ends kept */
	if (rc == AU_OK && sqlite3_prepare_v2(fleet_db_handle(db),
	    "SELECT t.installed, count(*) FROM reports l JOIN devices d ON"
	    " d.device_id = l.device_id JOIN report_targets t ON t.seq = l.seq"
	    " WHERE t.name = ?2 AND l.counter = (SELECT max(counter) FROM reports x"
	    " WHERE x.device_id = l.device_id AND x.seq <= ?1)"
	    " GROUP BY t.installed ORDER BY t.installed", -1, &st, NULL) != SQLITE_OK)
		rc = fleet_db_fail(db, "query", diag);
	json_array_foreach(r.out, i, m) {
		int step;

		if (rc != AU_OK)
			break;
		sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(m, "seq")));
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		while ((step = sqlite3_step(st)) == SQLITE_ROW)
			if (moment_set(json_object_get(m, "versions"), st) != 0)
				rc = au_diag_set(diag, AU_ENOMEM, "status: out of memory");
		if (rc == AU_OK && step != SQLITE_DONE)
			rc = fleet_db_fail(db, "query", diag);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc != AU_OK) {
		json_decref(r.out);
		return rc;
	}
	*out = r.out;
	return AU_OK;
}

/* ---- the table ---- */

/*
 * A device-supplied string made safe for a terminal: control bytes (C0,
 * DEL) shown as '?', so a report cannot move the cursor, clear the screen
 * or forge a line of the table.  At most 255 bytes; one of 16 rotating
 * static buffers (a printf line uses a few).
 */
static const char *
term_safe(const char *s)
{
	static char buf[16][256];
	static unsigned next;
	char *o = buf[next++ % 16];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof(buf[0]) - 1; i++)
		o[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	o[i] = '\0';
	return o;
}

static const char *
str_or(const json_t *o, const char *k, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, k));

	return term_safe(s != NULL ? s : dflt);
}

static void
print_devices(const json_t *st)
{
	const json_t *d, *v;
	const char *name;
	size_t i;

	printf("%-20s %-20s %-11s %4s %-9s %s\n", "DEVICE", "LAST SEEN",
	    "RESULT", "EXIT", "KIND", "TARGETS");
	json_array_foreach(json_object_get(st, "device_list"), i, d) {
		printf("%-20s %-20s %-11s %4lld %-9s", str_or(d, "device_id", "?"),
		    str_or(d, "last_seen", "-"), str_or(d, "result", "-"),
		    (long long)json_integer_value(json_object_get(d, "exit")),
		    str_or(d, "kind", "-"));
		json_object_foreach((json_t *)json_object_get(d, "targets"), name, v) {
			if (json_is_integer(v))
				printf(" %s=%lld", term_safe(name),
				    (long long)json_integer_value(v));
			else
				printf(" %s=none", term_safe(name));
		}
		printf("\n");
	}
}

static void
print_targets(const json_t *st)
{
	const json_t *t, *v;
	size_t i, j;

	json_array_foreach(json_object_get(st, "targets"), i, t) {
		printf("target %s:", str_or(t, "name", "?"));
		json_array_foreach(json_object_get(t, "versions"), j, v) {
			const json_t *ver = json_object_get(v, "version");

			if (json_is_integer(ver))
				printf(" version %lld on %lld", (long long)json_integer_value(ver),
				    (long long)json_integer_value(json_object_get(v, "devices")));
			else
				printf(" none on %lld",
				    (long long)json_integer_value(json_object_get(v, "devices")));
		}
		printf("\n");
	}
}

static void
print_health(const json_t *st)
{
	const json_t *f, *a, *ex = json_object_get(st, "expiry");
	size_t i;

	json_array_foreach(json_object_get(st, "failing"), i, f)
		printf("failing %s (%s): %s\n", str_or(f, "device_id", "?"),
		    str_or(f, "kind", "?"), str_or(f, "why", "?"));
	json_array_foreach(json_object_get(json_object_get(st, "dnssec"), "non_secure"), i, a)
		printf("dnssec %s: %s %s %s%s%s\n", str_or(a, "device_id", "?"),
		    str_or(a, "qname", "?"), str_or(a, "qtype", "?"),
		    str_or(a, "state", "?"), json_is_string(json_object_get(a, "why_bogus")) ?
		    ": " : "", str_or(a, "why_bogus", ""));
	if (json_is_string(json_object_get(ex, "rrsig_earliest")))
		printf("rrsig expires soonest %s (%lld days, device %s)\n",
		    str_or(ex, "rrsig_earliest", "?"),
		    (long long)json_integer_value(json_object_get(ex, "rrsig_days")),
		    str_or(ex, "rrsig_device", "?"));
	if (json_is_string(json_object_get(ex, "metadata_earliest")))
		printf("metadata expires soonest %s (%s, %lld days, device %s)\n",
		    str_or(ex, "metadata_earliest", "?"), str_or(ex, "metadata_role", "?"),
		    (long long)json_integer_value(json_object_get(ex, "metadata_days")),
		    str_or(ex, "metadata_device", "?"));
}

void
fleet_status_print(const json_t *st)
{
	printf("fleet at %s: %lld devices enrolled, %lld reporting, %lld reports, "
	    "%zu failing, %lld with non-secure DNS answers\n",
	    str_or(st, "generated", "?"),
	    (long long)json_integer_value(json_object_get(st, "devices")),
	    (long long)json_integer_value(json_object_get(st, "reporting")),
	    (long long)json_integer_value(json_object_get(st, "reports")),
	    json_array_size(json_object_get(st, "failing")),
	    (long long)json_integer_value(json_object_get(json_object_get(st, "dnssec"),
	    "devices_affected")));
	print_devices(st);
	print_targets(st);
	print_health(st);
}
