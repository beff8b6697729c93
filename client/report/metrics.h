/* SPDX-License-Identifier: ISC */
/*
 * client/report/metrics.h - run metrics for node_exporter's textfile collector
 * (Prometheus text exposition format 0.0.4), written atomically to the
 * config's metrics_file after every run, so operators can alert on failed
 * runs and on metadata and DNSSEC signatures that are about to expire.
 *
 * Metrics (gauges; times in seconds since the epoch, days as decimals):
 *   aiupdate_last_run_timestamp_seconds
 *   aiupdate_last_run_success                 1 or 0
 *   aiupdate_last_run_exit_status             the run's exit status class
 *   aiupdate_last_run_error{phase,error}      1, only after a failed run
 *   aiupdate_updates_available
 *   aiupdate_target_installed_version{target}
 *   aiupdate_target_installed_timestamp_seconds{target}
 *   aiupdate_target_available_version{target} when the run saw it
 *   aiupdate_metadata_version{role}
 *   aiupdate_metadata_expires_timestamp_seconds{role}
 *   aiupdate_metadata_expiry_days{role}       negative once expired
 *   aiupdate_dnssec_expiry_days               when the run knew it
 */
#ifndef AU_METRICS_H
#define AU_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "client/install/state.h"
#include "client/report/run_report.h"
#include "port/err.h"

#define AU_METRICS_MAX_BYTES 65536	/* the whole file */

/*
 * Format the metrics of rep (the run just finished), st (the install record;
 * may be NULL) and dnssec_expires (earliest RRSIG expiry of the run's
 * answers, seconds since the epoch; 0 = unknown) into buf.  exit_status is
 * the run's exit status.  Returns the length, or AU_ETOOBIG when over size.
 */
int au_metrics_format(const struct au_report *rep, const struct au_state *st,
    int exit_status, int64_t dnssec_expires, char *buf, size_t size);

/* The earliest RRSIG expiry over rep's DNS answers; 0 when none was seen. */
int64_t au_metrics_dnssec_expiry(const struct au_report *rep);

/*
 * au_metrics_format, then write path atomically (au_file_replace: the
 * collector never reads half a file), mode 0644.  Errors: AU_ETOOBIG,
 * AU_ENOMEM, AU_EIO, AU_ENOSPC.
 */
AU_NODISCARD int au_metrics_write(const char *path,
    const struct au_report *rep, const struct au_state *st, int exit_status,
    int64_t dnssec_expires, struct au_diag *diag);

#endif
