/* SPDX-License-Identifier: ISC */
/*
 * fleet/html.h - the fleet view: one static, self-contained HTML page
 * (inline CSS and SVG; no JavaScript, no external resource) drawn from
 * the figures of fleet_status() (fleet/status.h): the summary, each
 * target's rollout of versions over time, failures by kind, the days until
 * each device's earliest RRSIG and metadata expiry, the failing devices
 * and the non-secure DNS answers.
 *
 * Every number shown is also in a data- attribute (body: data-devices,
 * data-reporting, data-reports, data-failing, data-dns-affected,
 * data-rrsig-earliest, data-metadata-earliest (Unix seconds or "");
 * elements with data-target/data-version/data-count, data-kind/data-count,
 * data-device/data-rrsig-days/data-metadata-days), so a test reads them
 * back from the rendered DOM and compares them with `status --json`.
 */
#ifndef AU_FLEET_HTML_H
#define AU_FLEET_HTML_H

#include <stdint.h>

#include "fleet/db.h"

#define FLEET_ROLLOUT_POINTS 120	/* moments drawn per rollout chart */

/*
 * Write the page for the database's state at time now (Unix seconds) to
 * path, atomically (au_file_replace: the old page or the new one).
 * Errors: AU_EIO (database, the file), AU_ENOMEM.
 */
AU_NODISCARD int fleet_html(struct fleet_db *db, int64_t now,
    const char *path, struct au_diag *diag);

#endif
