/* SPDX-License-Identifier: ISC */
/* fleet/ingest.c - verify, judge and store one report (fleet/ingest.h). */
#include "fleet/ingest.h"

#include <stdio.h>
#include <string.h>

#include "manifest/json.h"
#include "manifest/tuf.h"

#include "port/ban.h"

static int
refuse(struct fleet_verdict *v, int status, const char *fmt, const char *arg)
{
	v->status = status;
	snprintf(v->reason, sizeof(v->reason), fmt, arg);
	return status;
}

/* member absent, null or a string */
static int
opt_string(const json_t *o, const char *k)
{
	const json_t *m = json_object_get(o, k);

	return m == NULL || json_is_null(m) || json_is_string(m);
}

/* absent, null or {"version": integer, ...} */
static int
opt_version(const json_t *o, const char *k)
{
	const json_t *m = json_object_get(o, k);

	return m == NULL || json_is_null(m) ||
	    (json_is_object(m) && json_is_integer(json_object_get(m, "version")) &&
	    opt_string(m, "sha256"));
}

/* absent or an array whose every element is an object satisfying fn */
static int
array_of(const json_t *o, const char *k, int (*fn)(const json_t *))
{
	const json_t *m = json_object_get(o, k), *e;
	size_t i;

	if (m == NULL)
		return 1;
	if (!json_is_array(m))
		return 0;
	json_array_foreach(m, i, e)
		if (!json_is_object(e) || !fn(e))
			return 0;
	return 1;
}

static int
target_ok(const json_t *t)
{
	const json_t *bad = json_object_get(t, "bad_versions");

	return json_is_string(json_object_get(t, "name")) &&
	    opt_version(t, "installed") && opt_version(t, "available") &&
	    (bad == NULL || json_is_array(bad));
}

static int
role_ok(const json_t *r)
{
	return json_is_string(json_object_get(r, "role")) && opt_string(r, "expires");
}

static int
answer_ok(const json_t *a)
{
	return opt_string(a, "qname") && opt_string(a, "qtype") &&
	    opt_string(a, "state") && opt_string(a, "why_bogus");
}

static int
dnssec_ok(const json_t *data)
{
	const json_t *d = json_object_get(data, "dnssec");
	const char *e;
	int64_t t;

	if (d == NULL || json_is_null(d))
		return 1;
	if (!json_is_object(d) || !array_of(d, "non_secure", answer_ok) ||
	    !opt_string(d, "rrsig_expires_earliest"))
		return 0;
	e = json_string_value(json_object_get(d, "rrsig_expires_earliest"));
	return e == NULL || au_time_parse(e, &t) == AU_OK;
}

int
fleet_body_check(const uint8_t *body, size_t len, json_t **root,
    const json_t **data, struct fleet_verdict *v)
{
	struct au_diag d = {0};
	json_t *r = NULL;
	const json_t *dt;
	const char *dev, *rid, *type;
	static const char *const strs[] = { "mode", "result", "phase", "error",
	    "aiupdate_version" };
	size_t i;

	if (au_json_parse(body, len, FLEET_BODY_MAX, &r, &d) != AU_OK)
		return refuse(v, 400, "body is not JSON: %.100s", d.msg);
	dt = json_object_get(r, "data");
	type = json_string_value(json_object_get(r, "type"));
	dev = json_string_value(json_object_get(dt, "device_id"));
	rid = json_string_value(json_object_get(dt, "report_id"));
	if (type == NULL || strcmp(type, "aiupdate.run") != 0 || !json_is_object(dt))
		refuse(v, 400, "%s", "not an aiupdate.run report");
	else if (json_integer_value(json_object_get(dt, "schema")) != 1)
		refuse(v, 400, "%s", "data.schema is not 1");
	else if (dev == NULL || !fleet_visible(dev, FLEET_DEVICE_ID_MAX))
		refuse(v, 400, "%s", "data.device_id missing or not visible ASCII");
	else if (rid == NULL || !fleet_visible(rid, AU_WEBHOOK_ID_MAX))
		refuse(v, 400, "%s", "data.report_id missing or not visible ASCII");
	else if (!json_is_integer(json_object_get(dt, "counter")) ||
	    json_integer_value(json_object_get(dt, "counter")) < 0)
		refuse(v, 400, "%s", "data.counter is not an integer >= 0");
	else if (!json_is_integer(json_object_get(dt, "exit")))
		refuse(v, 400, "%s", "data.exit is not an integer");
	else if (!array_of(dt, "targets", target_ok) || !array_of(dt, "roles", role_ok) ||
	    !dnssec_ok(dt))
		refuse(v, 400, "%s", "data.targets, roles or dnssec malformed");
	else
		v->status = 0;
	for (i = 0; v->status == 0 && i < sizeof(strs) / sizeof(strs[0]); i++)
		if (!opt_string(dt, strs[i]))
			refuse(v, 400, "data.%s is not a string", strs[i]);
	if (v->status != 0) {
		json_decref(r);
		return v->status;
	}
	*root = r;
	*data = dt;
	return 0;
}

/* webhook-timestamp as Unix seconds: 1..18 decimal digits (the
 * verifier's own check follows; this one only orders the refusals). */
static int
unix_seconds(const char *s, int64_t *out)
{
	int64_t t = 0;
	size_t n = strlen(s), i;

	if (n == 0 || n > 18)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		t = t * 10 + (s[i] - '0');
	}
	*out = t;
	return 1;
}

/* The headers, the timestamp and the body's shape: 0 or the refusal. */
static int
precheck(const struct fleet_request *req, int64_t now, json_t **root,
    const json_t **data, struct fleet_verdict *v)
{
	int64_t ts;

	if (req->id == NULL || req->timestamp == NULL)
		return refuse(v, 400, "%s", "webhook-id or webhook-timestamp missing");
	if (req->signature == NULL)
		return refuse(v, 401, "%s", "webhook-signature missing");
	if (req->content_type == NULL ||
	    strncmp(req->content_type, "application/json", 16) != 0)
		return refuse(v, 400, "%s", "content-type is not application/json");
	if (!unix_seconds(req->timestamp, &ts) ||
	    ts < now - AU_WEBHOOK_TOLERANCE_S || ts > now + AU_WEBHOOK_TOLERANCE_S)
		return refuse(v, 400, "%s", "stale webhook-timestamp (not within 5 minutes of now)");
	if (req->len > FLEET_BODY_MAX)
		return refuse(v, 413, "%s", "body over 64 KiB");
	return fleet_body_check(req->body, req->len, root, data, v);
}

/*
 * Verify with the one key the enrolment names: a device enrolled with its
 * Ed25519 key must sign v1a with it (the fleet's HMAC secret, shared by
 * every device, would let one device speak for another); a device enrolled
 * without a key signs v1 with the fleet secret.  *sig gets the kind.
 */
static int
verify(const struct fleet_request *req, const struct fleet_keys *k,
    const uint8_t *pk, int64_t now, const char **sig, struct fleet_verdict *v)
{
	struct au_diag d = {0};
	int rc;

	if (pk == NULL && k->secret_len == 0)
		return refuse(v, 401, "%s", "device enrolled without a key and "
		    "the collector has no HMAC secret");
	*sig = pk != NULL ? "v1a" : "v1";
	rc = au_webhook_verify(req->id, req->timestamp, req->signature,
	    req->body, req->len, pk != NULL ? NULL : k->secret,
	    pk != NULL ? 0 : k->secret_len, pk, now, &d);
	if (rc == AU_OK)
		return 0;
	if (rc == AU_EWEBHOOK_STALE)
		return refuse(v, 400, "stale webhook-timestamp: %.100s", d.msg);
	if (rc == AU_EWEBHOOK_SIG)
		return refuse(v, 401, "no %s signature verifies", *sig);
	return refuse(v, 500, "verifier failed: %.100s", d.msg);
}

static void
fill_row(struct fleet_row *row, const struct fleet_request *req,
    const json_t *data, int64_t now, const char *sig)
{
	const json_t *dns = json_object_get(data, "dnssec");
	const char *e = json_string_value(json_object_get(dns, "rrsig_expires_earliest"));

	memset(row, 0, sizeof(*row));
	row->report_id = req->id;
	row->device_id = json_string_value(json_object_get(data, "device_id"));
	row->counter = json_integer_value(json_object_get(data, "counter"));
	row->received = now;
	unix_seconds(req->timestamp, &row->sent);
	row->sig = sig;
	row->mode = json_string_value(json_object_get(data, "mode"));
	row->result = json_string_value(json_object_get(data, "result"));
	row->phase = json_string_value(json_object_get(data, "phase"));
	row->error = json_string_value(json_object_get(data, "error"));
	row->version = json_string_value(json_object_get(data, "aiupdate_version"));
	row->exit_status = json_integer_value(json_object_get(data, "exit"));
	if (e == NULL || au_time_parse(e, &row->rrsig_expires) != AU_OK)
		row->rrsig_expires = 0;
	row->body = req->body;
	row->body_len = req->len;
	row->data = data;
}

int
fleet_ingest(struct fleet_db *db, const struct fleet_keys *k,
    const struct fleet_request *req, int64_t now, struct fleet_verdict *v,
    struct au_diag *diag)
{
	json_t *root = NULL;
	const json_t *data = NULL;
	const char *dev, *sig = "v1";
	struct fleet_row row;
	enum fleet_store what;
	uint8_t pk[32];
	int found = 0, has_pk = 0, rc = AU_OK;

	memset(v, 0, sizeof(*v));
	if (precheck(req, now, &root, &data, v) != 0)
		return AU_OK;
	dev = json_string_value(json_object_get(data, "device_id"));
	snprintf(v->device_id, sizeof(v->device_id), "%s", dev);
	rc = fleet_db_device(db, dev, &found, &has_pk, pk, diag);
	if (rc != AU_OK) {
		refuse(v, 500, "%s", "database failed");
		goto out;
	}
	if (!found) {
		refuse(v, 401, "unknown device '%.128s' (not enrolled)", dev);
		goto out;
	}
	if (verify(req, k, has_pk ? pk : NULL, now, &sig, v) != 0)
		goto out;
	/* judged after the signature: a changed webhook-id is a forgery (401) */
	if (strcmp(json_string_value(json_object_get(data, "report_id")), req->id) != 0) {
		refuse(v, 400, "%s", "data.report_id is not the webhook-id");
		goto out;
	}
	fill_row(&row, req, data, now, sig);
	rc = fleet_db_store(db, &row, &what, diag);
	if (rc != AU_OK)
		refuse(v, 500, "%s", "database failed");
	else if (what == FLEET_DUP_ID)
		refuse(v, 409, "%s", "report id seen before (replay)");
	else if (what == FLEET_OLD_COUNTER)
		refuse(v, 409, "%s", "counter not above the device's last report");
	else
		refuse(v, 200, "stored (%s)", sig);
out:
	json_decref(root);
	return rc;
}
