/* SPDX-License-Identifier: ISC */
/* client/report/report.c - the human and JSON reports of a check or apply run. */
#include "client/report/report.h"

#include <stdio.h>
#include <string.h>

#include "manifest/tuf.h"
#include "port/ban.h"

void
au_report_fmt_time(int64_t t, char *buf, size_t size)
{
	if (t <= 0 || au_time_format(t, buf, size) != 0)
		(void)snprintf(buf, size, "-");
}


static void
print_role(const char *name, const struct au_role_report *r, int64_t now)
{
	char t[32];

	if (r->version < 0)
		return;
	au_report_fmt_time(r->expires, t, sizeof(t));
	printf("  %-10s v%lld, expires %s (in %lld days)\n", name,
	    (long long)r->version, t, (long long)((r->expires - now) / 86400));
}

static void
print_target(const struct au_target_report *t)
{
	printf("  %s: %s", t->name, au_target_status_name(t->status));
	if (t->status == AU_T_INSTALLED) {
		printf(" v%lld", (long long)t->available_version);
		if (t->installed_version >= 0)
			printf(" (was v%lld)", (long long)t->installed_version);
		printf(", %llu bytes downloaded\n",
		    (unsigned long long)t->downloaded);
		if (t->msg[0] != '\0')	/* e.g. in trial (client/install/trial.h) */
			printf("    %s\n", t->msg);
		if (t->provenance[0] != '\0')	/* client/install/provenance.h */
			printf("    provenance: %s\n", t->provenance);
		if (t->delta.tried)	/* client/fetch/delta.h */
			printf("    %s\n", t->delta.why);
		return;
	}
	if (t->installed_version >= 0)
		printf(", installed v%lld", (long long)t->installed_version);
	if (t->available_version >= 0 || t->available_hash[0])
		printf(", available v%lld (%llu bytes, sha256 %.16s...)",
		    (long long)t->available_version,
		    (unsigned long long)t->length, t->available_hash);
	printf("\n");
	if (t->msg[0] != '\0')
		printf("    %s\n", t->msg);
	if (t->provenance[0] != '\0')
		printf("    provenance: %s\n", t->provenance);
}

void
au_report_print(const struct au_report *rep, enum au_mode mode, int verbose)
{
	size_t i;

	au_report_print_net(rep, verbose);
	if (rep->host[0] != '\0')
		printf("repository: https://%s:%u%s (address %s, TLS: %s)\n",
		    rep->host, rep->port, rep->path, rep->addr,
		    rep->tls_auth[0] ? rep->tls_auth : "not connected");
	if (verbose && rep->root.version >= 0)
		printf("metadata:\n");
	if (verbose || rep->err != 0) {
		print_role("root", &rep->root, rep->now);
		print_role("timestamp", &rep->timestamp, rep->now);
		print_role("snapshot", &rep->snapshot, rep->now);
		print_role("targets", &rep->targets, rep->now);
	}
	/* Every target the run looked at, also when a later one failed:
	 * some may have been installed before the error. */
	for (i = 0; i < rep->n; i++)
		if (rep->err == 0 || rep->t[i].status != AU_T_UNKNOWN)
			print_target(&rep->t[i]);
	au_report_print_warnings(rep);
	if (rep->err != 0) {
		fprintf(stderr, "aiupdate: %s failed: %s\n", rep->phase,
		    au_strerror(rep->err));
		if (rep->diag.msg[0] != '\0')
			fprintf(stderr, "  %s\n", rep->diag.msg);
	} else if (mode == AU_MODE_CHECK) {
		printf("%d update%s available\n", rep->updates,
		    rep->updates == 1 ? "" : "s");
	}
}

static json_t *
json_role(const struct au_role_report *r)
{
	if (r->version < 0)
		return json_null();
	return json_pack("{s:I,s:I}", "version", (json_int_t)r->version,
	    "expires", (json_int_t)r->expires);
}

json_t *
au_report_json(const struct au_report *rep, int code)
{
	json_t *o, *ts = json_array();
	size_t i;

	for (i = 0; i < rep->n; i++) {
		const struct au_target_report *t = &rep->t[i];

		json_array_append_new(ts, json_pack("{s:s,s:s,s:I,s:s,s:I,"
		    "s:s,s:I,s:I,s:s}", "name", t->name, "status",
		    au_target_status_name(t->status), "installed_version",
		    (json_int_t)t->installed_version, "installed_sha256",
		    t->installed_hash, "available_version",
		    (json_int_t)t->available_version, "available_sha256",
		    t->available_hash, "length", (json_int_t)t->length,
		    "downloaded", (json_int_t)t->downloaded, "message",
		    t->msg));
		json_object_set_new(json_array_get(ts, i), "provenance",
		    json_string(t->provenance));
		if (t->delta.tried)	/* client/fetch/delta.h */
			json_object_set_new(json_array_get(ts, i), "delta",
			    json_pack("{s:b,s:I,s:I,s:I,s:I,s:s}", "used",
			    t->delta.used, "bytes_fetched",
			    (json_int_t)t->delta.fetched, "bytes_reused",
			    (json_int_t)t->delta.reused, "bytes_to_move",
			    (json_int_t)t->delta.to_move, "index_bytes",
			    (json_int_t)t->delta.index_bytes, "decision",
			    t->delta.why));
	}
	o = json_pack("{s:i,s:I,s:s,s:i,s:s,s:s,s:{s:s,s:i,s:s,s:s,s:s},"
	    "s:{s:o,s:o,s:o,s:o},s:o,s:i}",
	    "exit", code, "time", (json_int_t)rep->now,
	    "result", rep->err ? au_strerror(rep->err) : "ok",
	    "error_code", rep->err, "phase", rep->err ? rep->phase : "",
	    "message", rep->diag.msg,
	    "repository", "host", rep->host, "port", (int)rep->port,
	    "path", rep->path, "address", rep->addr, "tls_auth",
	    rep->tls_auth,
	    "metadata", "root", json_role(&rep->root), "timestamp",
	    json_role(&rep->timestamp), "snapshot", json_role(&rep->snapshot),
	    "targets", json_role(&rep->targets),
	    "targets", ts, "updates_available", rep->updates);
	au_report_json_net(rep, o);
	return o;
}

const char *
au_target_status_name(enum au_target_status s)
{
	switch (s) {
	case AU_T_UPTODATE: return "up-to-date";
	case AU_T_AVAILABLE: return "update-available";
	case AU_T_INSTALLED: return "installed";
	case AU_T_NOT_IN_REPO: return "not-in-repository";
	case AU_T_OLDER: return "older-version-refused";
	case AU_T_BAD: return "known-bad";
	case AU_T_FAILED: return "failed";
	case AU_T_ROLLED_BACK: return "rolled-back";
	case AU_T_NOT_FOR_DEVICE: return "not-for-this-device";
	case AU_T_IN_TRIAL: return "in-trial";
	default: return "unknown";
	}
}
