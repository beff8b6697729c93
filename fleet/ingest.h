/* SPDX-License-Identifier: ISC */
/*
 * fleet/ingest.h - the collector's policy for one received report: verify
 * its Standard Webhooks signature (keys/webhook.h) against the device's
 * enrolled key or the fleet's HMAC secret, refuse replays, and store it
 * (fleet/db.h).  No HTTP here: fleet/serve.c hands over the headers and
 * the body, the unit tests call it directly (tests/unit/test_collector.c).
 *
 * Which key: a device enrolled with its Ed25519 key must sign v1a with it;
 * a device enrolled without one signs v1 with the fleet's HMAC secret (the
 * secret, which every device holds, never speaks for a device that has its
 * own key).  Judged in this order, with the wire contract's answers
 * (docs/report.md):
 *   400 webhook-id or webhook-timestamp missing      401 signature missing
 *   400 content type not application/json
 *   400 timestamp not within now +- AU_WEBHOOK_TOLERANCE_S (stale)
 *   413 body over FLEET_BODY_MAX (serve.c refuses it earlier, while reading)
 *   400 body not the report shape (fleet_body_check)
 *   401 device not enrolled; 401 no signature of the device's kind verifies
 *   400 data.report_id is not the webhook-id (after the signature: a changed
 *       id is 401)
 *   409 a report id stored before; 409 a counter not above the device's last
 *   500 the collector failed (database): the device keeps it and retries
 *   200 stored
 * A refused report changes nothing in the database.
 */
#ifndef AU_FLEET_INGEST_H
#define AU_FLEET_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "fleet/db.h"
#include "keys/webhook.h"
#include "port/err.h"

#define FLEET_BODY_MAX AU_WEBHOOK_BODY_MAX	/* 64 KiB: the contract's cap */
#define FLEET_REASON_MAX 160

/* The collector's keys: the fleet-wide HMAC secret (secret_len 0: none). */
struct fleet_keys {
	uint8_t secret[AU_WEBHOOK_SECRET_MAX];
	size_t secret_len;
};

/* One received request, as fleet/serve.c read it (strings may be NULL:
 * header absent; all borrowed). */
struct fleet_request {
	const char *id;		/* webhook-id */
	const char *timestamp;	/* webhook-timestamp */
	const char *signature;	/* webhook-signature */
	const char *content_type;
	const uint8_t *body;
	size_t len;
};

/* The outcome: an HTTP status and a short reason (for the answer's body and
 * the log; public text, no secret). */
struct fleet_verdict {
	int status;
	char reason[FLEET_REASON_MAX];
	char device_id[FLEET_DEVICE_ID_MAX + 1];	/* "" when not known */
};

/*
 * Judge and (when accepted) store req at time now (Unix seconds, the
 * collector's clock).  Always fills *v.  Returns AU_OK when a verdict was
 * reached (accepted or refused, v->status says which), or the database's
 * error (AU_EIO, AU_ENOMEM; v->status 500): a failure of the collector,
 * never blamed on the report.
 */
AU_NODISCARD int fleet_ingest(struct fleet_db *db, const struct fleet_keys *k,
    const struct fleet_request *req, int64_t now, struct fleet_verdict *v,
    struct au_diag *diag);

/*
 * Check the body's shape (contract section 3) without a database: parse
 * (manifest/json.h, strict), data object, schema 1, device_id, report_id,
 * counter >= 0, and the types of the fields stored.  On success *data is
 * the "data" member, borrowed from *root, which the caller owns
 * (json_decref).  Returns 0, or 400 with v->reason set.  Used by
 * fleet_ingest and by the fuzz target.
 */
int fleet_body_check(const uint8_t *body, size_t len, json_t **root,
    const json_t **data, struct fleet_verdict *v);

#endif
