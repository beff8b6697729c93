/* SPDX-License-Identifier: ISC */
/*
 * client/report/lastrun.h - STATE_DIR/last-run.json, the result of the last
 * run for `aiupdate --status` (offline):
 *   {"time":INT,"result":INT,"error":STR,"phase":STR,"message":STR}
 * time is the run's time, result 0 or the AU_E* code, error its text,
 * phase where it stopped (docs/json-schema.md), message the detail
 * (printable ASCII; anything else as '?'); the last three are "" after a
 * success.  Written atomically (au_file_replace), mode 0644.
 */
#ifndef AU_LASTRUN_H
#define AU_LASTRUN_H

#include "client/report/run_report.h"
#include "port/err.h"

#define AU_LASTRUN_FILE "last-run.json"
#define AU_LASTRUN_MAX_BYTES 1024	/* longer records are not written */

/*
 * Write rep's result to STATE_DIR/last-run.json.  Errors: AU_ETOOBIG (the
 * record or the path too long), AU_EIO, AU_ENOSPC.
 */
AU_NODISCARD int au_lastrun_write(const char *state_dir,
    const struct au_report *rep, struct au_diag *diag);

#endif
