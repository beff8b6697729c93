/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_collector.c - the collector's policy (fleet/ingest.c)
 * against a real SQLite file (fleet/db.c): accepted reports stored whole;
 * tampered, wrongly keyed, unknown, stale, replayed, counter-not-above,
 * malformed and over-cap reports refused with the contract's status and
 * the database unchanged; a store that fails half way leaves nothing;
 * the figures of fleet/status.c and the page of fleet/html.c.
 * (Signed here with keys/webhook.c; the independent signer is
 * tests/interop/webhook-sign.js, in tests/integration/collector.sh.)
 */
#include "fleet/db.h"
#include "fleet/html.h"
#include "fleet/ingest.h"
#include "fleet/status.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"

#include "tests/unit/harness.h"
#include "port/ban.h"

#define NOW 1795996800	/* 2026-11-30T00:00:00Z */
#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static uint8_t pk_a[32], sk_a[64], pk_b[32], sk_b[64];
static struct fleet_keys keys;
static char dir[512], dbpath[600];
static struct fleet_db *db;

/* A report body: device, report id, counter, exit, result, installed
 * version of models/m.bin, one bogus DNS answer or none. */
static char *
body(const char *dev, const char *rid, long long counter, int exit_status,
    const char *result, int version, int bogus)
{
	static char b[4096];
	int n = snprintf(b, sizeof(b),
	    "{\"type\":\"aiupdate.run\",\"timestamp\":\"2026-11-30T00:00:00Z\","
	    "\"data\":{\"schema\":1,\"device_id\":\"%s\",\"report_id\":\"%s\","
	    "\"counter\":%lld,\"aiupdate_version\":\"0.1\",\"mode\":\"apply\","
	    "\"offline\":false,\"result\":\"%s\",\"exit\":%d,\"phase\":%s,"
	    "\"error\":%s,\"targets\":[{\"name\":\"models/m.bin\",\"installed\":"
	    "{\"version\":%d,\"sha256\":\"aa\"},\"available\":null,\"trial\":false,"
	    "\"bad_versions\":[%s],\"bytes_fetched\":1,\"bytes_reused\":0}],"
	    "\"roles\":[{\"role\":\"timestamp\",\"version\":4,\"expires\":"
	    "\"2026-12-07T00:00:00Z\"},{\"role\":\"root\",\"version\":1,"
	    "\"expires\":\"2027-11-30T00:00:00Z\"}],\"dnssec\":{\"non_secure\":[%s],"
	    "\"rrsig_expires_earliest\":\"2026-12-20T00:00:00Z\"},\"clock\":"
	    "{\"floor_used\":false,\"floor\":null},\"outbox\":{\"dropped\":0}}}",
	    dev, rid, counter, result, exit_status,
	    exit_status ? "\"health\"" : "null",
	    exit_status ? "\"health check exited 1\"" : "null", version,
	    exit_status ? "3" : "",
	    bogus ? "{\"qname\":\"_aiupdate._tcp.example.\",\"qtype\":\"SRV\","
	    "\"state\":\"bogus\",\"why_bogus\":\"signature crypto failed\"}" : "");

	if (n < 0 || (size_t)n >= sizeof(b))
		abort();
	return b;
}

struct msg {
	char id[80], ts[24], sig[AU_WEBHOOK_SIGN_MAX];
	const char *body;
	size_t len;
};

/* Sign b as id at ts with sk (NULL: none) and/or the secret. */
static void
sign(struct msg *m, const char *id, int64_t ts, const char *b,
    const uint8_t *sk, int hmac)
{
	snprintf(m->id, sizeof(m->id), "%s", id);
	snprintf(m->ts, sizeof(m->ts), "%lld", (long long)ts);
	m->body = b;
	m->len = strlen(b);
	if (au_webhook_sign(id, ts, (const uint8_t *)b, m->len,
	    hmac ? keys.secret : NULL, hmac ? keys.secret_len : 0, sk, m->sig,
	    sizeof(m->sig), NULL) != AU_OK)
		abort();
}

static int
post(const struct msg *m, struct fleet_verdict *v)
{
	struct fleet_request r = { .id = m->id, .timestamp = m->ts,
	    .signature = m->sig, .content_type = "application/json",
	    .body = (const uint8_t *)m->body, .len = m->len };
	struct au_diag d = {0};

	/* a database failure is v->status 500, which the cases check */
	if (fleet_ingest(db, &keys, &r, NOW, v, &d) != AU_OK && v->status != 500)
		return -1;
	return v->status;
}

/* Sign as device dev with sk and post: the status. */
static int
send_report(const char *dev, const char *rid, long long counter,
    const uint8_t *sk, int exit_status, int version, int bogus)
{
	struct msg m;
	struct fleet_verdict v;

	sign(&m, rid, NOW, body(dev, rid, counter, exit_status,
	    exit_status ? "rolled-back" : "installed", version, bogus), sk, 0);
	return post(&m, &v);
}

static long long
count(const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sqlite3_prepare_v2(fleet_db_handle(db), sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Rows in every table: the "unchanged" fingerprint. */
static long long
rows(void)
{
	return count("SELECT (SELECT count(*) FROM reports) * 1000000 + "
	    "(SELECT count(*) FROM report_targets) * 10000 + "
	    "(SELECT count(*) FROM report_roles) * 100 + "
	    "(SELECT count(*) FROM report_dns)");
}

/* A fresh database with devices a (key a), b (key b), h (no key). */
static int
fresh(void)
{
	static int n;

	fleet_db_close(db);
	db = NULL;
	snprintf(dbpath, sizeof(dbpath), "%s/fleet%d.sqlite", dir, n++);
	if (fleet_db_open(dbpath, &db, NULL) != AU_OK ||
	    fleet_db_enroll(db, "dev-a", pk_a, NOW, NULL) != AU_OK ||
	    fleet_db_enroll(db, "dev-b", pk_b, NOW, NULL) != AU_OK ||
	    fleet_db_enroll(db, "dev-h", NULL, NOW, NULL) != AU_OK)
		return -1;
	return 0;
}

TEST(accepted_v1a_is_stored_whole)
{
	struct msg m;
	struct fleet_verdict v;
	sqlite3_stmt *st = NULL;

	REQUIRE(fresh() == 0);
	sign(&m, "r1", NOW, body("dev-a", "r1", 1, 0, "installed", 2, 0), sk_a, 0);
	CHECK_EQ(post(&m, &v), 200);
	CHECK_STR(v.device_id, "dev-a");
	CHECK_EQ(rows(), 1010200);	/* 1 report, 1 target, 2 roles, no DNS answer */
	REQUIRE(sqlite3_prepare_v2(fleet_db_handle(db), "SELECT body, sig, counter "
	    "FROM reports", -1, &st, NULL) == SQLITE_OK);
	REQUIRE(sqlite3_step(st) == SQLITE_ROW);
	CHECK_EQ(sqlite3_column_bytes(st, 0), m.len);
	CHECK(memcmp(sqlite3_column_blob(st, 0), m.body, m.len) == 0);
	CHECK_STR((const char *)sqlite3_column_text(st, 1), "v1a");
	CHECK_EQ(sqlite3_column_int64(st, 2), 1);
	sqlite3_finalize(st);
}

TEST(accepted_v1_for_a_device_without_key)
{
	struct msg m;
	struct fleet_verdict v;

	REQUIRE(fresh() == 0);
	sign(&m, "h1", NOW, body("dev-h", "h1", 7, 0, "installed", 1, 0), NULL, 1);
	CHECK_EQ(post(&m, &v), 200);
	CHECK_EQ(count("SELECT count(*) FROM reports WHERE sig = 'v1'"), 1);
}

TEST(keyed_device_must_sign_with_its_key)
{
	struct msg m;
	struct fleet_verdict v;

	REQUIRE(fresh() == 0);
	/* the fleet secret alone cannot speak for a device that has a key */
	sign(&m, "a1", NOW, body("dev-a", "a1", 1, 0, "installed", 1, 0), NULL, 1);
	CHECK_EQ(post(&m, &v), 401);
	/* nor another device's key */
	sign(&m, "a2", NOW, body("dev-a", "a2", 1, 0, "installed", 1, 0), sk_b, 0);
	CHECK_EQ(post(&m, &v), 401);
	/* a device without a key and no collector secret: nothing verifies */
	keys.secret_len = 0;
	sign(&m, "h2", NOW, body("dev-h", "h2", 1, 0, "installed", 1, 0), sk_a, 0);
	CHECK_EQ(post(&m, &v), 401);
	CHECK(au_webhook_secret_parse(SECRET, keys.secret, sizeof(keys.secret),
	    &keys.secret_len, NULL) == AU_OK);
	CHECK_EQ(rows(), 0);
}

TEST(tampered_body_id_timestamp_refused_401)
{
	struct msg m, t;
	struct fleet_verdict v;
	char *b;

	REQUIRE(fresh() == 0);
	sign(&m, "r1", NOW, body("dev-a", "r1", 1, 0, "installed", 2, 0), sk_a, 0);
	b = strdup(m.body);
	REQUIRE(b != NULL);
	*strstr(b, "\"version\":2") = ' ';	/* one byte changed */
	t = m;
	t.body = b;
	CHECK_EQ(post(&t, &v), 400);	/* no longer JSON: refused before */
	memcpy(b, m.body, m.len);
	strstr(b, "\"version\":2")[10] = '3';	/* still JSON, version 3 */
	CHECK_EQ(post(&t, &v), 401);
	t = m;
	snprintf(t.ts, sizeof(t.ts), "%lld", (long long)NOW + 1);
	CHECK_EQ(post(&t, &v), 401);
	t = m;
	t.sig[strlen(t.sig) - 3] ^= 1;
	CHECK_EQ(post(&t, &v), 401);
	/* a changed webhook-id is a forgery (401), though the body's
	 * report_id no longer matches it either: the signature is judged first */
	t = m;
	snprintf(t.id, sizeof(t.id), "r1x");
	CHECK_EQ(post(&t, &v), 401);
	free(b);
	CHECK_EQ(rows(), 0);
	CHECK_EQ(post(&m, &v), 200);	/* the original still verifies */
}

TEST(unknown_device_refused_401)
{
	struct fleet_verdict v;
	struct msg m;

	REQUIRE(fresh() == 0);
	sign(&m, "x1", NOW, body("dev-x", "x1", 1, 0, "installed", 1, 0), sk_a, 0);
	CHECK_EQ(post(&m, &v), 401);
	CHECK(strstr(v.reason, "unknown device") != NULL);
	CHECK_EQ(rows(), 0);
}

TEST(stale_timestamp_refused_400)
{
	struct msg m;
	struct fleet_verdict v;

	REQUIRE(fresh() == 0);
	sign(&m, "r1", NOW - 301, body("dev-a", "r1", 1, 0, "installed", 1, 0), sk_a, 0);
	CHECK_EQ(post(&m, &v), 400);
	CHECK(strstr(v.reason, "stale") != NULL);
	sign(&m, "r2", NOW + 301, body("dev-a", "r2", 1, 0, "installed", 1, 0), sk_a, 0);
	CHECK_EQ(post(&m, &v), 400);
	snprintf(m.ts, sizeof(m.ts), "12ab");
	CHECK_EQ(post(&m, &v), 400);
	CHECK_EQ(rows(), 0);
	/* the edges of the tolerance are accepted */
	sign(&m, "r3", NOW - 300, body("dev-a", "r3", 1, 0, "installed", 1, 0), sk_a, 0);
	CHECK_EQ(post(&m, &v), 200);
	sign(&m, "r4", NOW + 300, body("dev-a", "r4", 2, 0, "installed", 1, 0), sk_a, 0);
	CHECK_EQ(post(&m, &v), 200);
}

TEST(replayed_id_refused_409)
{
	struct msg m;
	struct fleet_verdict v;
	long long before;

	REQUIRE(fresh() == 0);
	sign(&m, "r1", NOW, body("dev-a", "r1", 1, 0, "installed", 1, 0), sk_a, 0);
	CHECK_EQ(post(&m, &v), 200);
	before = rows();
	CHECK_EQ(post(&m, &v), 409);
	CHECK(strstr(v.reason, "replay") != NULL);
	/* the same id from another device is a replay too */
	sign(&m, "r1", NOW, body("dev-b", "r1", 5, 0, "installed", 1, 0), sk_b, 0);
	CHECK_EQ(post(&m, &v), 409);
	CHECK_EQ(rows(), before);
}

TEST(counter_not_above_refused_409)
{
	long long before;

	REQUIRE(fresh() == 0);
	CHECK_EQ(send_report("dev-a", "c5", 5, sk_a, 0, 1, 0), 200);
	before = rows();
	CHECK_EQ(send_report("dev-a", "c5b", 5, sk_a, 0, 1, 0), 409);
	CHECK_EQ(send_report("dev-a", "c4", 4, sk_a, 0, 1, 0), 409);
	CHECK_EQ(rows(), before);
	/* a gap is fine (reports dropped from a full outbox), and counters are
	 * per device */
	CHECK_EQ(send_report("dev-a", "c9", 9, sk_a, 0, 1, 0), 200);
	CHECK_EQ(send_report("dev-b", "b1", 1, sk_b, 0, 1, 0), 200);
}

TEST(history_survives_reopen_and_reenrolment)
{
	int found = 0;

	REQUIRE(fresh() == 0);
	CHECK_EQ(send_report("dev-a", "p1", 3, sk_a, 0, 1, 0), 200);
	fleet_db_close(db);
	db = NULL;
	REQUIRE(fleet_db_open(dbpath, &db, NULL) == AU_OK);
	CHECK_EQ(send_report("dev-a", "p1", 4, sk_a, 0, 1, 0), 409);
	CHECK_EQ(send_report("dev-a", "p2", 3, sk_a, 0, 1, 0), 409);
	REQUIRE(fleet_db_remove(db, "dev-a", &found, NULL) == AU_OK);
	CHECK(found);
	CHECK_EQ(send_report("dev-a", "p3", 4, sk_a, 0, 1, 0), 401);
	REQUIRE(fleet_db_remove(db, "dev-a", &found, NULL) == AU_OK);
	CHECK(!found);
	REQUIRE(fleet_db_enroll(db, "dev-a", pk_a, NOW, NULL) == AU_OK);
	CHECK_EQ(send_report("dev-a", "p4", 3, sk_a, 0, 1, 0), 409);
	CHECK_EQ(send_report("dev-a", "p5", 4, sk_a, 0, 1, 0), 200);
	CHECK(fleet_db_enroll(db, "bad id", pk_a, NOW, NULL) == AU_EUSAGE);
	CHECK(fleet_db_enroll(db, "", pk_a, NOW, NULL) == AU_EUSAGE);
}

/* Each malformed body, signed correctly: 400 and nothing stored. */
TEST(malformed_bodies_refused_400)
{
	static const char *const bad[] = {
		"not json",
		"[]",
		"{\"type\":\"aiupdate.run\"}",
		"{\"type\":\"other\",\"data\":{}}",
		"{\"type\":\"aiupdate.run\",\"data\":{\"schema\":2,\"device_id\":\"dev-a\","
		"\"report_id\":\"m\",\"counter\":1,\"exit\":0}}",
		"{\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,\"report_id\":\"m\","
		"\"counter\":1,\"exit\":0}}",
		"{\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,\"device_id\":\"dev-a\","
		"\"report_id\":\"other\",\"counter\":1,\"exit\":0}}",
		"{\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,\"device_id\":\"dev-a\","
		"\"report_id\":\"m\",\"counter\":-1,\"exit\":0}}",
		"{\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,\"device_id\":\"dev-a\","
		"\"report_id\":\"m\",\"counter\":\"1\",\"exit\":0}}",
		"{\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,\"device_id\":\"dev-a\","
		"\"report_id\":\"m\",\"counter\":1}}",
		"{\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,\"device_id\":\"dev-a\","
		"\"report_id\":\"m\",\"counter\":1,\"exit\":0,\"targets\":{}}}",
		"{\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,\"device_id\":\"dev-a\","
		"\"report_id\":\"m\",\"counter\":1,\"exit\":0,\"targets\":[{\"name\":1}]}}",
		"{\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,\"device_id\":\"dev-a\","
		"\"report_id\":\"m\",\"counter\":1,\"exit\":0,\"result\":5}}",
		"{\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,\"device_id\":\"dev-a\","
		"\"report_id\":\"m\",\"counter\":1,\"exit\":0,\"dnssec\":{"
		"\"rrsig_expires_earliest\":\"tomorrow\"}}}",
		"{\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,\"device_id\":\"dev a\","
		"\"report_id\":\"m\",\"counter\":1,\"exit\":0}}",
		"{\"type\":\"aiupdate.run\",\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,"
		"\"device_id\":\"dev-a\",\"report_id\":\"m\",\"counter\":1,\"exit\":0}}",
	};
	struct msg m;
	struct fleet_verdict v;
	size_t i;

	REQUIRE(fresh() == 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sign(&m, "m", NOW, bad[i], sk_a, 0);
		if (post(&m, &v) != 400)
			fprintf(stderr, "  body %zu: %d %s\n", i, v.status, v.reason);
		CHECK_EQ(v.status, 400);
	}
	CHECK_EQ(rows(), 0);
	/* the smallest good body is accepted (unknown members ignored) */
	sign(&m, "m", NOW, "{\"type\":\"aiupdate.run\",\"data\":{\"schema\":1,"
	    "\"device_id\":\"dev-a\",\"report_id\":\"m\",\"counter\":1,\"exit\":0,"
	    "\"future\":[1,2]}}", sk_a, 0);
	CHECK_EQ(post(&m, &v), 200);
}

TEST(missing_headers_and_over_cap)
{
	struct msg m;
	struct fleet_verdict v;
	struct fleet_request r;
	struct au_diag d = {0};
	uint8_t *big;

	REQUIRE(fresh() == 0);
	sign(&m, "r1", NOW, body("dev-a", "r1", 1, 0, "installed", 1, 0), sk_a, 0);
	r = (struct fleet_request){ .id = m.id, .timestamp = m.ts, .signature = m.sig,
	    .content_type = "application/json", .body = (const uint8_t *)m.body,
	    .len = m.len };
	r.id = NULL;
	CHECK(fleet_ingest(db, &keys, &r, NOW, &v, &d) == AU_OK && v.status == 400);
	r.id = m.id;
	r.timestamp = NULL;
	CHECK(fleet_ingest(db, &keys, &r, NOW, &v, &d) == AU_OK && v.status == 400);
	r.timestamp = m.ts;
	r.signature = NULL;
	CHECK(fleet_ingest(db, &keys, &r, NOW, &v, &d) == AU_OK && v.status == 401);
	r.signature = m.sig;
	r.content_type = "text/plain";
	CHECK(fleet_ingest(db, &keys, &r, NOW, &v, &d) == AU_OK && v.status == 400);
	r.content_type = "application/json; charset=utf-8";
	big = calloc(1, FLEET_BODY_MAX + 1);
	REQUIRE(big != NULL);
	r.body = big;
	r.len = FLEET_BODY_MAX + 1;
	CHECK(fleet_ingest(db, &keys, &r, NOW, &v, &d) == AU_OK && v.status == 413);
	free(big);
	CHECK_EQ(rows(), 0);
	r.body = (const uint8_t *)m.body;
	r.len = m.len;
	CHECK(fleet_ingest(db, &keys, &r, NOW, &v, &d) == AU_OK && v.status == 200);
}

/* A store failing after the report row was written leaves nothing: the
 * whole report is one transaction.  (A trigger makes the DNS insert fail.) */
TEST(failed_store_leaves_nothing_500)
{
	struct msg m;
	struct fleet_verdict v;

	REQUIRE(fresh() == 0);
	REQUIRE(sqlite3_exec(fleet_db_handle(db), "CREATE TRIGGER boom BEFORE INSERT "
	    "ON report_dns BEGIN SELECT RAISE(ABORT, 'disk on fire'); END", NULL,
	    NULL, NULL) == SQLITE_OK);
	sign(&m, "f1", NOW, body("dev-a", "f1", 1, 0, "installed", 1, 1), sk_a, 0);
	CHECK_EQ(post(&m, &v), 500);
	CHECK_EQ(rows(), 0);
	/* the same report is accepted once the collector is well again */
	REQUIRE(sqlite3_exec(fleet_db_handle(db), "DROP TRIGGER boom", NULL, NULL,
	    NULL) == SQLITE_OK);
	CHECK_EQ(post(&m, &v), 200);
	CHECK_EQ(rows(), 1010201);
}

TEST(status_figures)
{
	json_t *st = NULL, *ex, *t;
	struct au_diag d = {0};

	REQUIRE(fresh() == 0);
	CHECK_EQ(send_report("dev-a", "s1", 1, sk_a, 0, 1, 0), 200);
	CHECK_EQ(send_report("dev-a", "s2", 2, sk_a, 0, 2, 0), 200);
	CHECK_EQ(send_report("dev-b", "s3", 1, sk_b, 0, 2, 0), 200);
	CHECK_EQ(send_report("dev-b", "s4", 2, sk_b, 15, 2, 1), 200);
	REQUIRE(fleet_status(db, NOW, &st, &d) == AU_OK);
	CHECK_EQ(json_integer_value(json_object_get(st, "devices")), 3);
	CHECK_EQ(json_integer_value(json_object_get(st, "reporting")), 2);
	CHECK_EQ(json_integer_value(json_object_get(st, "reports")), 4);
	CHECK_EQ(json_array_size(json_object_get(st, "failing")), 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(
	    json_object_get(st, "failing"), 0), "kind")), "health");
	CHECK_EQ(json_integer_value(json_object_get(json_object_get(st,
	    "failures_by_kind"), "health")), 1);
	CHECK_EQ(json_integer_value(json_object_get(json_object_get(st, "dnssec"),
	    "devices_affected")), 1);
	t = json_array_get(json_object_get(st, "targets"), 0);
	CHECK_STR(json_string_value(json_object_get(t, "name")), "models/m.bin");
	CHECK_EQ(json_array_size(json_object_get(t, "versions")), 1);	/* both on 2 */
	CHECK_EQ(json_integer_value(json_object_get(json_array_get(json_object_get(t,
	    "versions"), 0), "devices")), 2);
	ex = json_object_get(st, "expiry");
	CHECK_STR(json_string_value(json_object_get(ex, "metadata_role")), "timestamp");
	CHECK_STR(json_string_value(json_object_get(ex, "metadata_earliest")),
	    "2026-12-07T00:00:00Z");
	CHECK_EQ(json_integer_value(json_object_get(ex, "metadata_days")), 7);
	CHECK_EQ(json_integer_value(json_object_get(ex, "rrsig_days")), 20);
	json_decref(st);
}

TEST(html_page_is_self_contained)
{
	char out[700];
	uint8_t *page = NULL;
	size_t len = 0;
	struct au_diag d = {0};

	REQUIRE(fresh() == 0);
	CHECK_EQ(send_report("dev-a", "h1", 1, sk_a, 0, 1, 0), 200);
	CHECK_EQ(send_report("dev-b", "h2", 1, sk_b, 13, 1, 1), 200);
	REQUIRE(fleet_db_enroll(db, "x<y>&z", pk_a, NOW, NULL) == AU_OK);
	CHECK_EQ(send_report("x<y>&z", "h3", 1, sk_a, 0, 1, 0), 200);
	snprintf(out, sizeof(out), "%s/fleet.html", dir);
	REQUIRE(fleet_html(db, NOW, out, &d) == AU_OK);
	REQUIRE(au_file_read_all(out, 1 << 20, &page, &len, &d) == AU_OK);
	CHECK(strstr((char *)page, "data-devices=\"4\"") != NULL);
	CHECK(strstr((char *)page, "data-failing=\"1\"") != NULL);
	CHECK(strstr((char *)page, "data-kind=\"artifact\" data-count=\"1\"") != NULL);
	CHECK(strstr((char *)page, "data-chart=\"rollout\"") != NULL);
	/* a device id with markup characters is escaped everywhere */
	CHECK(strstr((char *)page, "x&lt;y&gt;&amp;z") != NULL);
	CHECK(strstr((char *)page, "x<y>") == NULL);
	CHECK(strstr((char *)page, "<script") == NULL);
	CHECK(strstr((char *)page, "src=") == NULL);
	CHECK(strstr((char *)page, "href=") == NULL);
	free(page);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	if (sodium_init() < 0 || harness_tmpdir(dir, sizeof(dir), "test_collector") == NULL)
		return 1;
	crypto_sign_keypair(pk_a, sk_a);
	crypto_sign_keypair(pk_b, sk_b);
	if (au_webhook_secret_parse(SECRET, keys.secret, sizeof(keys.secret),
	    &keys.secret_len, NULL) != AU_OK)
		return 1;
	RUN(accepted_v1a_is_stored_whole);
	RUN(accepted_v1_for_a_device_without_key);
	RUN(keyed_device_must_sign_with_its_key);
	RUN(tampered_body_id_timestamp_refused_401);
	RUN(unknown_device_refused_401);
	RUN(stale_timestamp_refused_400);
	RUN(replayed_id_refused_409);
	RUN(counter_not_above_refused_409);
	RUN(history_survives_reopen_and_reenrolment);
	RUN(malformed_bodies_refused_400);
	RUN(missing_headers_and_over_cap);
	RUN(failed_store_leaves_nothing_500);
	RUN(status_figures);
	RUN(html_page_is_self_contained);
	fleet_db_close(db);
	if (getenv("AU_KEEP") == NULL)
		if (au_remove_tree(dir, NULL) != AU_OK)
			fprintf(stderr, "  could not remove %s\n", dir);
	return harness_done();
}
