/* SPDX-License-Identifier: ISC */
/*
 * bench/ingest.c - the collector's ingest rate for `make bench` (item 7).
 *
 *   ingest DIR [N]
 *
 * Makes N (default 3000) v1a-signed reports of 10 devices in memory, then
 * measures, each into a fresh SQLite file in DIR (WAL, synchronous=FULL,
 * one transaction per report: the collector's own settings, fleet/db.c),
 * the first two interleaved in 10 rounds of N/10 (the order alternating):
 *   verified  fleet_ingest(): parse, verify the Ed25519 signature, replay
 *             checks, store - what aiupdate-fleet serve does per request;
 *   stored    the same parse and store without the signature check;
 *   verify    the signature checks alone (au_webhook_verify), no database.
 * Prints one line:
 *   ingest: n=N verified_per_s=F stored_per_s=F verify_per_s=F ratio=F
 * (ratio = verified / stored: the cost of verification on the stored path).
 * Exit 1 when a report is not accepted.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/db.h"
#include "fleet/ingest.h"
#include "keys/webhook.h"
#include "port/port.h"
#include "port/text.h"

#include "port/ban.h"

#define DEVICES 10
#define CHUNKS 10	/* interleaved rounds */

struct rep {
	char id[40], ts[24], sig[AU_WEBHOOK_SIGN_MAX], dev[16];
	char *body;
	size_t len;
};

static uint8_t pk[32], sk[64];

static int
make(struct rep *r, int i, int64_t now)
{
	uint8_t rnd[16];
	char buf[1024];
	int n;

	randombytes_buf(rnd, sizeof(rnd));
	au_hex_encode(rnd, sizeof(rnd), r->id);
	snprintf(r->dev, sizeof(r->dev), "bench-%d", i % DEVICES);
	snprintf(r->ts, sizeof(r->ts), "%lld", (long long)now);
	n = snprintf(buf, sizeof(buf), "{\"type\":\"aiupdate.run\",\"timestamp\":"
	    "\"2026-12-04T00:00:00Z\",\"data\":{\"schema\":1,\"device_id\":\"%s\","
	    "\"report_id\":\"%s\",\"counter\":%d,\"aiupdate_version\":\"0.1.0\","
	    "\"mode\":\"apply\",\"offline\":false,\"result\":\"installed\",\"exit\":0,"
	    "\"phase\":null,\"error\":null,\"targets\":[{\"name\":\"models/m.bin\","
	    "\"installed\":{\"version\":%d,\"sha256\":\"%064d\"},\"available\":null,"
	    "\"trial\":false,\"bad_versions\":[],\"bytes_fetched\":1048576,"
	    "\"bytes_reused\":0}],\"roles\":[{\"role\":\"root\",\"version\":1,"
	    "\"expires\":\"2027-12-01T00:00:00Z\"},{\"role\":\"timestamp\",\"version\":"
	    "%d,\"expires\":\"2026-12-11T00:00:00Z\"}],\"dnssec\":{\"non_secure\":[],"
	    "\"rrsig_expires_earliest\":\"2026-12-30T00:00:00Z\"},\"clock\":"
	    "{\"floor_used\":false,\"floor\":null},\"outbox\":{\"dropped\":0}}}",
	    r->dev, r->id, i / DEVICES + 1, i / DEVICES + 1, 0, i + 1);
	if (n < 0 || (size_t)n >= sizeof(buf) || (r->body = strdup(buf)) == NULL)
		return -1;
	r->len = (size_t)n;
	return au_webhook_sign(r->id, now, (const uint8_t *)r->body, r->len, NULL, 0,
	    sk, r->sig, sizeof(r->sig), NULL);
}

static struct fleet_db *
fresh(const char *dir, const char *name)
{
	char path[1024];
	struct fleet_db *db = NULL;
	struct au_diag d = {0};
	int i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (au_unlink(path, NULL) != AU_OK || fleet_db_open(path, &db, &d) != AU_OK) {
		fprintf(stderr, "ingest: %s: %s\n", path, d.msg);
		exit(1);
	}
	for (i = 0; i < DEVICES; i++) {
		char dev[32];

		snprintf(dev, sizeof(dev), "bench-%d", i);
		if (fleet_db_enroll(db, dev, pk, 0, NULL) != AU_OK)
			exit(1);
	}
	return db;
}

static double
rate(int n, int64_t t0)
{
	int64_t ms = au_monotonic_ms() - t0;

	return (double)n * 1000.0 / (double)(ms > 0 ? ms : 1);
}

/* The store path without the signature: shape check, row, store. */
static int
store_only(struct fleet_db *db, const struct rep *r, int64_t now)
{
	struct fleet_verdict v;
	json_t *root = NULL;
	const json_t *data;
	enum fleet_store what;
	struct fleet_row row = { .report_id = r->id, .device_id = r->dev,
	    .received = now, .sent = now, .sig = "v1a", .mode = "apply",
	    .result = "installed", .version = "0.1.0", .body = (const uint8_t *)r->body,
	    .body_len = r->len };
	int rc;

	if (fleet_body_check((const uint8_t *)r->body, r->len, &root, &data, &v) != 0)
		return -1;
	row.counter = json_integer_value(json_object_get(data, "counter"));
	row.data = data;
	rc = fleet_db_store(db, &row, &what, NULL);
	json_decref(root);
	return rc == AU_OK && what == FLEET_STORED ? 0 : -1;
}

static int
ingest_one(struct fleet_db *db, const struct fleet_keys *keys,
    const struct rep *r, int64_t now)
{
	struct fleet_request q = { .id = r->id, .timestamp = r->ts,
	    .signature = r->sig, .content_type = "application/json",
	    .body = (const uint8_t *)r->body, .len = r->len };
	struct fleet_verdict v;

	if (fleet_ingest(db, keys, &q, now, &v, NULL) != AU_OK || v.status != 200) {
		fprintf(stderr, "ingest: report %s: %d %s\n", r->id, v.status, v.reason);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3000, i;
	int64_t now = au_now(), t0;
	struct fleet_keys keys = {0};
	struct fleet_db *dv, *ds;
	struct rep *r;
	double verified, stored, verify;
	int64_t ms_v = 0, ms_s = 0;
	int c;

	if (argc < 2 || n < 1 || sodium_init() < 0 || (r = calloc((size_t)n, sizeof(*r))) == NULL) {
		fprintf(stderr, "usage: ingest DIR [N]\n");
		return 2;
	}
	crypto_sign_keypair(pk, sk);
	for (i = 0; i < n; i++)
		if (make(&r[i], i, now) != AU_OK)
			return 1;

	/* interleaved in CHUNKS rounds, the order alternating, so that the
	 * machine's drift (other work, the disk's cache) falls on both */
	dv = fresh(argv[1], "ingest-verified.sqlite");
	ds = fresh(argv[1], "ingest-stored.sqlite");
	for (c = 0; c < CHUNKS; c++) {
		int lo = n * c / CHUNKS, hi = n * (c + 1) / CHUNKS, k;

		for (k = 0; k < 2; k++) {
			int verified_now = (k + c) % 2 == 0;

			t0 = au_monotonic_ms();
			for (i = lo; i < hi; i++)
				if ((verified_now ? ingest_one(dv, &keys, &r[i], now) :
				    store_only(ds, &r[i], now)) != 0)
					return 1;
			if (verified_now)
				ms_v += au_monotonic_ms() - t0;
			else
				ms_s += au_monotonic_ms() - t0;
		}
	}
	fleet_db_close(dv);
	fleet_db_close(ds);
	verified = (double)n * 1000.0 / (double)(ms_v > 0 ? ms_v : 1);
	stored = (double)n * 1000.0 / (double)(ms_s > 0 ? ms_s : 1);

	t0 = au_monotonic_ms();
	for (i = 0; i < n; i++)
		if (au_webhook_verify(r[i].id, r[i].ts, r[i].sig, (const uint8_t *)r[i].body,
		    r[i].len, NULL, 0, pk, now, NULL) != AU_OK)
			return 1;
	verify = rate(n, t0);

	printf("ingest: n=%d verified_per_s=%.0f stored_per_s=%.0f verify_per_s=%.0f "
	    "ratio=%.2f\n", n, verified, stored, verify, verified / stored);
	for (i = 0; i < n; i++)
		free(r[i].body);
	free(r);
	return 0;
}
