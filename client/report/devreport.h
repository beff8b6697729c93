/* SPDX-License-Identifier: ISC */
/*
 * client/report/devreport.h - the device's status report to its fleet: the
 * JSON body of one run (docs/report.md, docs/report-schema.json), in the
 * Standard Webhooks payload shape {"type","timestamp","data"}.
 *
 * The body is built once, when the run ends, and queued in the outbox
 * (client/report/outbox.h); it is signed when it is sent
 * (client/report/send.h), so a report that waits keeps its bytes, its
 * report id and its counter, and gets a fresh webhook-timestamp.
 */
#ifndef AU_DEVREPORT_H
#define AU_DEVREPORT_H

#include <stddef.h>
#include <stdint.h>

#include "client/config.h"
#include "client/install/state.h"
#include "client/report/run_report.h"
#include "port/err.h"

#define AU_DEVREPORT_SCHEMA 1
#define AU_DEVREPORT_TYPE "aiupdate.run"

/* The command a report describes ("mode" in the body). */
enum au_devreport_mode {
	AU_DR_CHECK = 0, AU_DR_APPLY, AU_DR_ROLLBACK, AU_DR_COMMIT, AU_DR_RETRY,
};

/* What the run was and how it ended (main.c fills it). */
struct au_devreport_run {
	enum au_devreport_mode mode;
	int offline;			/* --from: queued only, never sent */
	int exit_code;			/* the process's exit status */
	int err;			/* 0 or the AU_E* result */
	const char *phase;		/* where it stopped, or NULL */
	const char *message;		/* the error's detail, or NULL */
	const struct au_report *rep;	/* --check/--apply: the run's report;
					   NULL for the other commands */
	int64_t now;			/* the time the run judged dates at */
	int64_t clock, floor;		/* the clock read and the time floor */
	const char *version;		/* aiupdate's version */
};

/* Text for a mode: "check", "apply", "rollback", "commit", "retry". */
const char *au_devreport_mode_name(enum au_devreport_mode m);

/* The body's "result": "up-to-date", "update-available", "installed",
 * "rolled-back", "committed", "retried", "failed". */
const char *au_devreport_result(const struct au_devreport_run *run);

/*
 * Build the compact JSON body of run for device device_id (its public key
 * device_key, "whpk_..."), report report_id (32 hex) number counter, with
 * dropped reports lost since the last one; st is the install record after
 * the run (NULL: none).  On success *out is a new malloc'd string of *len
 * bytes (the caller frees it).
 * Errors: AU_ETOOBIG (over AU_OUTBOX_BODY_MAX), AU_ENOMEM.
 */
AU_NODISCARD int au_devreport_body(const struct au_config *cfg,
    const struct au_devreport_run *run, const struct au_state *st,
    const char *device_id, const char *device_key, const char *report_id,
    uint64_t counter, uint64_t dropped, char **out, size_t *len,
    struct au_diag *diag);

#endif
