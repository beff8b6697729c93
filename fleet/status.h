/* SPDX-License-Identifier: ISC */
/*
 * fleet/status.h - the fleet's figures, read from the collector's database
 * (fleet/db.h): one JSON value that `aiupdate-fleet status --json` prints,
 * the table prints and the HTML page (fleet/html.h) draws, so the three
 * always agree.  Each device counts by its latest report (highest counter),
 * its RRSIG and metadata expiry by its latest report that carried them (a
 * run that failed in discovery knows none); removed devices are left out.
 *
 * Shape (times RFC 3339 UTC, *_unix the same in Unix seconds, days in
 * whole days rounded down, negative when passed):
 *   {"generated", "generated_unix", "devices" (enrolled), "reporting"
 *    (enrolled with a report), "reports" (accepted, all time),
 *    "device_list": [{"device_id", "last_seen", "last_seen_unix",
 *        "counter", "mode", "result", "exit", "kind", "failing", "why",
 *        "targets": {NAME: VERSION|null}, "non_secure" (count),
 *        "rrsig_expires", "rrsig_expires_unix", "metadata_expires",
 *        "metadata_expires_unix", "metadata_role", "aiupdate_version"}],
 *    "targets": [{"name", "versions": [{"version": N|null, "devices"}]}],
 *    "failing": [{"device_id", "kind", "why"}],
 *    "failures_by_kind": {KIND: reports (all time)},
 *    "dnssec": {"devices_affected", "non_secure": [{"device_id", "qname",
 *        "qtype", "state", "why_bogus"}]},
 *    "expiry": {"rrsig_earliest", "rrsig_earliest_unix", "rrsig_days",
 *        "rrsig_device", "metadata_earliest", "metadata_earliest_unix",
 *        "metadata_days", "metadata_role", "metadata_device"}}
 * A kind is the class of the device's exit status (aiupdate(8) EXIT
 * STATUS): "ok" (0, 100), "local" (1), "config" (2), "dns" (10),
 * "transport" (11), "metadata" (12), "artifact" (13), "install" (14),
 * "health" (15), "clock" (16), "disk" (17), "locked" (75), "other".
 */
#ifndef AU_FLEET_STATUS_H
#define AU_FLEET_STATUS_H

#include <stdint.h>

#include <jansson.h>

#include "fleet/db.h"

/* The kind of an exit status (static text; see above). */
const char *fleet_exit_kind(int64_t exit_status);

/*
 * Build the figures at time now (Unix seconds).  *out is a new reference
 * (json_decref).  Errors: AU_EIO (database), AU_ENOMEM.
 */
AU_NODISCARD int fleet_status(struct fleet_db *db, int64_t now, json_t **out,
    struct au_diag *diag);

/*
 * Print the figures as the human table (devices, versions per target,
 * failing devices and why, non-secure DNS answers, expiry soonest) to
 * stdout.
 */
void fleet_status_print(const json_t *st);

/*
 * The rollout history of target name: after each of at most `points`
 * accepted reports (every report when fewer; else evenly thinned, the first
 * and last kept), how many devices had each installed version.
 * *out: [{"seq": N, "t": unix, "kind": that report's exit kind,
 * "versions": {"N" or "none": devices}}], in the order received, a new
 * reference.  points >= 2.
 * Errors: AU_EIO, AU_ENOMEM.
 */
AU_NODISCARD int fleet_status_rollout(struct fleet_db *db, const char *name,
    int points, json_t **out, struct au_diag *diag);

#endif
