/* SPDX-License-Identifier: ISC */
/*
 * client/report/send_out.c - what reporting did, said: the --json "report"
 * member, the WARN line, the syslog event, the aiupdate_report_* metrics,
 * and `aiupdate --device-key`.
 */
#include "client/report/send.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/metadata/fleet.h"
#include "client/report/devkey.h"
#include "keys/webhook.h"
#include "port/port.h"
#include "port/ban.h"

#define METRIC_PREFIX "aiupdate_report_"

/*
 * "failed" (not even queued), "queued" (offline), "pending" (some kept for
 * a later run), "refused" (the endpoint refused some: dropped), "delivered".
 */
static const char *
state_name(const struct au_devreport_outcome *o)
{
	if (!o->queued)
		return "failed";
	if (!o->attempted)
		return "queued";
	if (o->flush.queued > 0 || (o->err != 0 && o->flush.refused == 0))
		return "pending";
	return o->flush.refused > 0 ? "refused" : "delivered";
}

json_t *
au_devreport_outcome_json(const struct au_devreport_outcome *o)
{
	if (!o->enabled)
		return json_null();
	return json_pack("{s:s,s:s,s:I,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:I,s:s,s:s}",
	    "state", state_name(o), "report_id", o->report_id, "counter",
	    (json_int_t)o->counter, "endpoint", o->endpoint, "sent",
	    (int)o->flush.sent, "duplicate", (int)o->flush.duplicate, "refused",
	    (int)o->flush.refused, "dropped", (int)(o->evicted + o->flush.corrupt +
	    o->flush.refused), "queued", (int)o->flush.queued, "error_code", o->err,
	    "queued_bytes", (json_int_t)o->flush.queued_bytes, "error",
	    o->err ? au_strerror(o->err) : "", "message", o->msg);
}

/* Replace the aiupdate_report_* lines of the metrics file, atomically. */
static void
write_metrics(const char *path, const struct au_devreport_outcome *o)
{
	uint8_t *old = NULL;
	char *buf;
	size_t len = 0, at = 0, i = 0, cap = 65536 + 1024;
	int n;

	if (au_file_read_all(path, 65536, &old, &len, NULL) != 0)
		len = 0;
	if ((buf = malloc(cap)) == NULL) {
		free(old);
		return;
	}
	while (i < len) {	/* keep every other line */
		size_t e = i;

		while (e < len && old[e] != '\n')
			e++;
		/* ours: "aiupdate_report_..." and their "# TYPE" lines */
		if (memmem(old + i, e - i, METRIC_PREFIX,
		    sizeof(METRIC_PREFIX) - 1) == NULL) {
			memcpy(buf + at, old + i, e - i);
			at += e - i;
			buf[at++] = '\n';
		}
		i = e + 1;
	}
	n = snprintf(buf + at, cap - at,
	    "# TYPE " METRIC_PREFIX "delivered gauge\n" METRIC_PREFIX
	    "delivered %zu\n# TYPE " METRIC_PREFIX "queued gauge\n" METRIC_PREFIX
	    "queued %zu\n# TYPE " METRIC_PREFIX "dropped gauge\n" METRIC_PREFIX
	    "dropped %zu\n# TYPE " METRIC_PREFIX "last_success gauge\n"
	    METRIC_PREFIX "last_success %d\n# TYPE " METRIC_PREFIX
	    "last_timestamp_seconds gauge\n" METRIC_PREFIX
	    "last_timestamp_seconds %" PRId64 "\n", o->flush.sent +
	    o->flush.duplicate, o->flush.queued, o->evicted + o->flush.corrupt +
	    o->flush.refused, o->err == 0, au_now());
	if (n > 0 && (size_t)n < cap - at &&
	    au_file_replace(path, buf, at + (size_t)n, 0644, NULL) != 0)
		au_log(AU_LOG_WARN, "event=metrics file=%s error=\"cannot write "
		    "the report metrics\"", path);
	free(buf);
	free(old);
}

void
au_devreport_log(const struct au_config *cfg,
    const struct au_devreport_outcome *o, int print)
{
	const char *st = state_name(o);

	if (!o->enabled)
		return;
	au_log_event(o->err ? AU_LOG_WARN : AU_LOG_INFO, "event=report state=%s "
	    "report_id=%s counter=%" PRIu64 " sent=%zu queued=%zu dropped=%zu "
	    "error=\"%s\"", st, o->report_id, o->counter, o->flush.sent +
	    o->flush.duplicate, o->flush.queued, o->evicted + o->flush.corrupt +
	    o->flush.refused, o->err ? o->msg : "");
	if (print && o->err != 0)
		printf("WARN report %s: %s: %s (%zu report%s queued for a later "
		    "run; the update is not affected)\n", st, au_strerror(o->err),
		    o->msg, o->flush.queued, o->flush.queued == 1 ? "" : "s");
	else if (print && o->flush.corrupt > 0)
		printf("WARN report: %zu corrupt outbox entr%s dropped\n",
		    o->flush.corrupt, o->flush.corrupt == 1 ? "y" : "ies");
	else if (print && o->evicted > 0)
		printf("WARN report: outbox full, %zu oldest report%s dropped\n",
		    o->evicted, o->evicted == 1 ? "" : "s");
	if (cfg->metrics_file[0] != '\0')
		write_metrics(cfg->metrics_file, o);
}

int
au_devreport_print_key(const struct au_config *cfg, int json,
    struct au_diag *diag)
{
	char pk[AU_WEBHOOK_PK_TEXT], id[AU_FLEET_ID_MAX + 1];
	struct au_devkey *k = NULL;
	int rc, created = 0;

	rc = au_devkey_load(cfg->state_dir, 1, &k, &created, diag);
	if (rc == 0)
		rc = au_webhook_pk_format(au_devkey_pk(k), pk);
	au_devkey_free(k);
	if (rc != 0)
		return rc;
	if (au_fleet_device_id(cfg->device_id, NULL, id, sizeof(id), NULL) != 0 ||
	    id[0] == '\0')
		(void)snprintf(id, sizeof(id), "%s", pk);
	if (json) {
		json_t *j = json_pack("{s:s,s:s,s:b}", "device_id", id,
		    "device_key", pk, "created", created);

		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(j);
	} else {
		printf("device_id  %s\ndevice_key %s\n", id, pk);
	}
	return 0;
}
