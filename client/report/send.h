/* SPDX-License-Identifier: ISC */
/*
 * client/report/send.h - queue this run's status report and send the outbox
 * to the fleet's endpoint (issue 14; docs/report.md).
 *
 * After a run of --check, --apply, --rollback, --commit or --retry:
 *  1. the device key (client/report/devkey.h) is loaded or made;
 *  2. the body (client/report/devreport.h) is queued in the outbox
 *     (client/report/outbox.h) with the next counter and a random id;
 *  3. unless the run was offline (--from), the endpoint is found and
 *     authenticated exactly as the repository is (client/discover/
 *     discover.h au_discover_report: DNSSEC-secure SRV or the url's host,
 *     A/AAAA, TLSA; [tls] auth), and every queued report is POSTed in
 *     order (client/transport/http_post.h), each signed at that moment
 *     (keys/webhook.h: webhook-id = the report id, webhook-timestamp = the
 *     run's clock (the time floor when the clock is behind it), v1a with
 *     the device key and/or v1 with the fleet secret, [report] signing).
 * The whole send ends by one deadline, [transport] deadline_base seconds
 * plus the bytes to move at min_rate (the repository's rule): a slow,
 * endless or redirecting endpoint cannot hold the run longer.
 * Answers: 2xx delivered; 409 delivered before (dropped); other 4xx
 * refused (dropped, counted in the next report's outbox.dropped, WARN);
 * 5xx, 3xx and transport failures keep the report for a later run.
 * Nothing here changes the run's exit status: the outcome is a WARN line,
 * the --json "report" member, metrics and a syslog event.
 */
#ifndef AU_SEND_H
#define AU_SEND_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "client/config.h"
#include "client/report/devreport.h"
#include "client/report/outbox.h"
#include "port/err.h"

/* What reporting did in this run. */
struct au_devreport_outcome {
	int enabled;			/* [report] endpoint or url is set */
	int queued;			/* this run's report is in the outbox */
	uint64_t counter;		/* its counter */
	char report_id[AU_OUTBOX_ID_LEN + 1];
	size_t evicted;			/* oldest reports dropped for room */
	int attempted;			/* an online run tried to send */
	struct au_outbox_stats flush;	/* what the send did */
	int err;			/* the first failure (queueing, the
					   endpoint, a send), or 0 */
	char msg[AU_DIAG_MAX];		/* its detail */
	char endpoint[AU_CONFIG_HOST_MAX + 280];	/* https://HOST:PORT/PATH used */
};

/* Queue and send as above; never fails the run (*out says what happened). */
void au_devreport_send(const struct au_config *cfg,
    const struct au_devreport_run *run, struct au_devreport_outcome *out);

/*
 * The outcome as the --json member "report" (docs/report.md):
 * {"state": "delivered" | "pending" (some kept for a later run) |
 * "refused" (the endpoint refused some: dropped) | "queued" (--from) |
 * "failed" (not even queued), "report_id", "counter",
 * "endpoint", "sent", "duplicate", "refused", "dropped", "queued",
 * "queued_bytes", "error_code", "error", "message"}.  New reference, owned
 * by the caller; JSON null when reporting is off (main.c then adds no
 * member at all).
 */
json_t *au_devreport_outcome_json(const struct au_devreport_outcome *o);

/*
 * Log the outcome: a syslog event "event=report ..." always, and with
 * human output (print) a "WARN report ..." line on stdout when a report
 * was not delivered.  Then update the aiupdate_report_* lines of the
 * metrics file (when configured), atomically.
 */
void au_devreport_log(const struct au_config *cfg,
    const struct au_devreport_outcome *o, int print);

/*
 * Print STATE_DIR's device id and public key ("whpk_...") for enrolment,
 * making the key when missing: `aiupdate --device-key`.  json: as one
 * object.  Returns 0 or an AU_E* code (diag says why).
 */
AU_NODISCARD int au_devreport_print_key(const struct au_config *cfg,
    int json, struct au_diag *diag);

#endif
