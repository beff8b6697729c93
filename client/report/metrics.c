/* SPDX-License-Identifier: ISC */
/* client/report/metrics.c - node_exporter textfile metrics of a run. */
#include "client/report/metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "port/ban.h"

struct out {
	char *buf;
	size_t size, len;
	int over;
};

static void AU_PRINTF(2, 3)
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->over = 1;
	else
		o->len += (size_t)n;
}

/* A label value: backslash, double quote and newline escaped. */
static void
put_label(struct out *o, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			put(o, "\\%c", *s);
		else if (*s == '\n')
			put(o, "\\n");
		else
			put(o, "%c", *s);
	}
}

static void
head(struct out *o, const char *name, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void
run_metrics(struct out *o, const struct au_report *rep, int exit_status)
{
	head(o, "aiupdate_last_run_timestamp_seconds", "When the last run started.");
	put(o, "aiupdate_last_run_timestamp_seconds %lld\n", (long long)rep->now);
	head(o, "aiupdate_last_run_success", "1 if the last run succeeded.");
	put(o, "aiupdate_last_run_success %d\n", rep->err == 0);
	head(o, "aiupdate_last_run_exit_status", "Exit status of the last run.");
	put(o, "aiupdate_last_run_exit_status %d\n", exit_status);
	if (rep->err != 0) {
		head(o, "aiupdate_last_run_error", "Where and why the last run failed.");
		put(o, "aiupdate_last_run_error{phase=\"");
		put_label(o, rep->phase != NULL ? rep->phase : "");
		put(o, "\",error=\"");
		put_label(o, au_strerror(rep->err));
		put(o, "\"} 1\n");
	}
	head(o, "aiupdate_updates_available", "Targets with a newer signed version.");
	put(o, "aiupdate_updates_available %d\n", rep->updates);
}

static void
target_line(struct out *o, const char *metric, const char *name, long long v)
{
	put(o, "%s{target=\"", metric);
	put_label(o, name);
	put(o, "\"} %lld\n", v);
}

static void
target_metrics(struct out *o, const struct au_report *rep,
    const struct au_state *st)
{
	size_t i;

	head(o, "aiupdate_target_installed_version", "Installed target version.");
	for (i = 0; st != NULL && i < st->n; i++)
		if (st->t[i].hash[0] != '\0')
			target_line(o, "aiupdate_target_installed_version",
			    st->t[i].name, (long long)st->t[i].version);
	head(o, "aiupdate_target_installed_timestamp_seconds",
	    "When the installed version was switched in.");
	for (i = 0; st != NULL && i < st->n; i++)
		if (st->t[i].hash[0] != '\0')
			target_line(o, "aiupdate_target_installed_timestamp_seconds",
			    st->t[i].name, (long long)st->t[i].installed_at);
	head(o, "aiupdate_target_available_version",
	    "Newest signed version seen by the last run.");
	for (i = 0; i < rep->n; i++)
		if (rep->t[i].available_version >= 0)
			target_line(o, "aiupdate_target_available_version",
			    rep->t[i].name, (long long)rep->t[i].available_version);
}

/* Days from now to t, two decimals, e.g. "6.99" or "-0.50". */
static void
put_days(struct out *o, int64_t t, int64_t now)
{
	long long hundredths = (long long)(t - now) * 100 / 86400;

	put(o, "%s%lld.%02lld\n", hundredths < 0 ? "-" : "",
	    llabs(hundredths) / 100, llabs(hundredths) % 100);
}

static void
role_metrics(struct out *o, const struct au_report *rep, int64_t dnssec)
{
	static const char *const names[] = { "root", "timestamp", "snapshot",
		"targets" };
	const struct au_role_report *r[] = { &rep->root, &rep->timestamp,
		&rep->snapshot, &rep->targets };
	size_t i;

	head(o, "aiupdate_metadata_version", "Trusted TUF metadata version.");
	for (i = 0; i < 4; i++)
		if (r[i]->version >= 0)
			put(o, "aiupdate_metadata_version{role=\"%s\"} %lld\n",
			    names[i], (long long)r[i]->version);
	head(o, "aiupdate_metadata_expires_timestamp_seconds",
	    "Expiry of the trusted TUF metadata.");
	for (i = 0; i < 4; i++)
		if (r[i]->version >= 0)
			put(o, "aiupdate_metadata_expires_timestamp_seconds"
			    "{role=\"%s\"} %lld\n", names[i],
			    (long long)r[i]->expires);
	head(o, "aiupdate_metadata_expiry_days",
	    "Days until the trusted TUF metadata expires.");
	for (i = 0; i < 4; i++) {
		if (r[i]->version < 0)
			continue;
		put(o, "aiupdate_metadata_expiry_days{role=\"%s\"} ", names[i]);
		put_days(o, r[i]->expires, rep->now);
	}
	if (dnssec > 0) {
		head(o, "aiupdate_dnssec_expiry_days",
		    "Days until the earliest DNSSEC signature of discovery expires.");
		put(o, "aiupdate_dnssec_expiry_days ");
		put_days(o, dnssec, rep->now);
	}
}

int
au_metrics_format(const struct au_report *rep, const struct au_state *st,
    int exit_status, int64_t dnssec_expires, char *buf, size_t size)
{
	struct out o = { buf, size, 0, 0 };

	if (size == 0)
		return AU_ETOOBIG;
	buf[0] = '\0';
	run_metrics(&o, rep, exit_status);
	target_metrics(&o, rep, st);
	role_metrics(&o, rep, dnssec_expires);
	if (o.over)
		return AU_ETOOBIG;
	return (int)o.len;
}

int64_t
au_metrics_dnssec_expiry(const struct au_report *rep)
{
	int64_t min = 0;
	size_t i;

	for (i = 0; i < rep->net.nq; i++) {
		int64_t e = rep->net.q[i].rrsig_expires;

		if (e > 0 && (min == 0 || e < min))
			min = e;
	}
	return min;
}

int
au_metrics_write(const char *path, const struct au_report *rep,
    const struct au_state *st, int exit_status, int64_t dnssec_expires,
    struct au_diag *diag)
{
	char *buf = malloc(AU_METRICS_MAX_BYTES);
	int n, rc;

	if (buf == NULL)
		return au_diag_set(diag, AU_ENOMEM, "no memory for metrics");
	n = au_metrics_format(rep, st, exit_status, dnssec_expires, buf,
	    AU_METRICS_MAX_BYTES);
	if (n < 0)
		rc = au_diag_set(diag, n, "metrics over %d bytes",
		    AU_METRICS_MAX_BYTES);
	else
		rc = au_file_replace(path, buf, (size_t)n, 0644, diag);
	free(buf);
	return rc;
}
