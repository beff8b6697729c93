/* SPDX-License-Identifier: ISC */
/* client/report/devreport.c - the JSON body of a device status report. */
#include "client/report/devreport.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "client/discover/dns.h"
#include "client/report/metrics.h"
#include "client/report/outbox.h"
#include "client/report/report.h"
#include "port/ban.h"

const char *
au_devreport_mode_name(enum au_devreport_mode m)
{
	static const char *const n[] = { "check", "apply", "rollback",
		"commit", "retry" };

	return (unsigned)m < 5 ? n[m] : "unknown";
}

const char *
au_devreport_result(const struct au_devreport_run *run)
{
	size_t i;

	if (run->err == AU_EHEALTH)
		return "rolled-back";	/* the previous version is running */
	if (run->err != 0)
		return "failed";
	switch (run->mode) {
	case AU_DR_ROLLBACK: return "rolled-back";
	case AU_DR_COMMIT: return "committed";
	case AU_DR_RETRY: return "retried";
	default: break;
	}
	for (i = 0; run->rep != NULL && i < run->rep->n; i++)
		if (run->rep->t[i].status == AU_T_INSTALLED)
			return "installed";
	if (run->rep != NULL && run->rep->updates > 0)
		return "update-available";
	return "up-to-date";
}

/* A diagnostic as a JSON string, printable ASCII (else '?'), or null. */
static json_t *
text_or_null(const char *s)
{
	char buf[AU_DIAG_MAX];
	size_t i;

	if (s == NULL || s[0] == '\0')
		return json_null();
	for (i = 0; s[i] != '\0' && i + 1 < sizeof(buf); i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	return json_string(buf);
}

/* RFC 3339 text of t, or JSON null when t is unknown (<= 0). */
static json_t *
time_or_null(int64_t t)
{
	char buf[32];

	if (t <= 0)
		return json_null();
	au_report_fmt_time(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
version_obj(int64_t version, const char *hash)
{
	if (hash == NULL || hash[0] == '\0')
		return json_null();
	return json_pack("{s:I,s:s}", "version", (json_int_t)version, "sha256",
	    hash);
}

/* The version a bad hash had, when the record or the run knows it. */
static int64_t
bad_version(const struct au_state_target *t, const struct au_target_report *r,
    const char *hash)
{
	size_t i;

	if (r != NULL && strcmp(r->available_hash, hash) == 0)
		return r->available_version;
	if (strcmp(t->prev_hash, hash) == 0)
		return t->prev_version;
	for (i = 0; i < t->nolder; i++)
		if (strcmp(t->older[i].hash, hash) == 0)
			return t->older[i].version;
	return -1;
}

static json_t *
json_target(const char *name, const struct au_state_target *t,
    const struct au_target_report *r)
{
	json_t *bad = json_array(), *badh = json_array(), *o;
	size_t i;

	for (i = 0; t != NULL && i < t->nbad; i++) {
		int64_t v = bad_version(t, r, t->bad[i]);

		if (v >= 0)
			json_array_append_new(bad, json_integer((json_int_t)v));
		json_array_append_new(badh, json_string(t->bad[i]));
	}
	o = json_pack("{s:s,s:o,s:o,s:b,s:o,s:o,s:I,s:I}", "name", name,
	    "installed", t != NULL ? version_obj(t->version, t->hash) :
	    json_null(), "available", r != NULL && r->available_version >= 0 ?
	    version_obj(r->available_version, r->available_hash) : json_null(),
	    "trial", t != NULL && t->trial, "bad_versions", bad, "bad_sha256",
	    badh, "bytes_fetched", (json_int_t)(r != NULL ? r->downloaded : 0),
	    "bytes_reused", (json_int_t)0);
	json_object_set_new(o, "status", json_string(r != NULL ?
	    au_target_status_name(r->status) : "unknown"));
	return o;
}

static const struct au_target_report *
run_target(const struct au_report *rep, const char *name)
{
	size_t i;

	for (i = 0; rep != NULL && i < rep->n; i++)
		if (rep->t[i].name != NULL && strcmp(rep->t[i].name, name) == 0)
			return &rep->t[i];
	return NULL;
}

static json_t *
json_targets(const struct au_config *cfg, const struct au_devreport_run *run,
    const struct au_state *st)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < cfg->ntargets; i++)
		json_array_append_new(a, json_target(cfg->targets[i],
		    st != NULL ? au_state_find((struct au_state *)st,
		    cfg->targets[i], 0) : NULL, run_target(run->rep,
		    cfg->targets[i])));
	return a;
}

static json_t *
json_roles(const struct au_report *rep)
{
	const struct au_role_report *r[4];
	static const char *const names[4] = { "root", "timestamp", "snapshot",
		"targets" };
	json_t *a = json_array();
	size_t i;

	if (rep == NULL)
		return a;
	r[0] = &rep->root;
	r[1] = &rep->timestamp;
	r[2] = &rep->snapshot;
	r[3] = &rep->targets;
	for (i = 0; i < 4; i++)
		if (r[i]->version >= 0)
			json_array_append_new(a, json_pack("{s:s,s:I,s:o}", "role",
			    names[i], "version", (json_int_t)r[i]->version,
			    "expires", time_or_null(r[i]->expires)));
	return a;
}

static json_t *
json_dnssec(const struct au_report *rep)
{
	json_t *ns = json_array();
	size_t i;

	for (i = 0; rep != NULL && i < rep->net.nq; i++) {
		const struct au_dns_query_info *q = &rep->net.q[i];

		if (q->state == AU_DNS_SECURE || q->state == AU_DNS_SECURE_NODATA ||
		    q->state == AU_DNS_SECURE_NXDOMAIN)
			continue;
		json_array_append_new(ns, json_pack("{s:s,s:s,s:s,s:o}", "qname",
		    q->name, "qtype", q->type, "state", au_dns_state_name(q->state),
		    "why_bogus", text_or_null(q->why)));
	}
	return json_pack("{s:o,s:o}", "non_secure", ns, "rrsig_expires_earliest",
	    time_or_null(rep != NULL ? au_metrics_dnssec_expiry(rep) : 0));
}

static json_t *
json_data(const struct au_config *cfg, const struct au_devreport_run *run,
    const struct au_state *st, const char *device_id, const char *device_key,
    const char *report_id, uint64_t counter, uint64_t dropped)
{
	int failed = run->err != 0;

	return json_pack("{s:i,s:s,s:s,s:s,s:I,s:s,s:s,s:b,s:s,s:i,s:o,s:o,"
	    "s:o,s:o,s:o,s:{s:b,s:o},s:{s:I}}",
	    "schema", AU_DEVREPORT_SCHEMA, "device_id", device_id, "device_key",
	    device_key, "report_id", report_id, "counter", (json_int_t)counter,
	    "aiupdate_version", run->version ? run->version : "",
	    "mode", au_devreport_mode_name(run->mode), "offline", run->offline,
	    "result", au_devreport_result(run), "exit", run->exit_code,
	    "phase", failed && run->phase ? json_string(run->phase) : json_null(),
	    "error", failed ? text_or_null(run->message && run->message[0] ?
	    run->message : au_strerror(run->err)) : json_null(),
	    "targets", json_targets(cfg, run, st), "roles", json_roles(run->rep),
	    "dnssec", json_dnssec(run->rep),
	    "clock", "floor_used", run->clock < run->floor, "floor",
	    time_or_null(run->floor),
	    "outbox", "dropped", (json_int_t)dropped);
}

int
au_devreport_body(const struct au_config *cfg,
    const struct au_devreport_run *run, const struct au_state *st,
    const char *device_id, const char *device_key, const char *report_id,
    uint64_t counter, uint64_t dropped, char **out, size_t *len,
    struct au_diag *diag)
{
	json_t *o;
	char *s;

	o = json_pack("{s:s,s:o,s:o}", "type", AU_DEVREPORT_TYPE, "timestamp",
	    time_or_null(run->now), "data", json_data(cfg, run, st, device_id,
	    device_key, report_id, counter, dropped));
	if (o == NULL)
		return au_diag_set(diag, AU_ENOMEM, "report: cannot build JSON");
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	if (s == NULL)
		return au_diag_set(diag, AU_ENOMEM, "report: cannot format JSON");
	if (strlen(s) > AU_OUTBOX_BODY_MAX) {
		free(s);
		return au_diag_set(diag, AU_ETOOBIG, "report over %d bytes",
		    AU_OUTBOX_BODY_MAX);
	}
	*len = strlen(s);
	*out = s;
	return 0;
}
