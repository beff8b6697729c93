/* SPDX-License-Identifier: ISC */
/*
 * client/update.h - one update run: discover, refresh the TUF metadata,
 * compare with what is installed, and (apply) download, verify, install,
 * health-check and roll back.  TUF 1.0 section 5 is the order of the steps.
 *
 * Trusted metadata lives in STATE_DIR/metadata/{root,timestamp,snapshot,
 * targets}.json, byte for byte as received.  It is replaced only when a run
 * ends without a refusal (exit 0, 100 or 15), each file through
 * au_file_replace(); a refused run leaves it, the store and state.json
 * exactly as they were.  STATE_DIR/last-run.json records each run's result.
 */
#ifndef AU_UPDATE_H
#define AU_UPDATE_H

#include <stdint.h>

#include "client/config.h"
#include "client/report/run_report.h"
#include "client/fetch/source.h"
#include "port/err.h"

#define AU_ROOT_ROTATIONS_MAX 32	/* N+1.root.json taken in one run */

/* How a run reaches the repository, and who watches it (main.c sets it). */
struct au_run_opts {
	struct au_source *source;	/* NULL: HTTPS (au_source_https()); the
					 * run opens and closes it */
	au_progress_fn progress;	/* NULL: no progress reports */
	void *progress_arg;
};

/*
 * Run one check or apply with config cfg and the clock reading now, through
 * opts (may be NULL: HTTPS, no progress).  Takes
 * the lock on STATE_DIR; fills *rep for the report (always, also on error).
 * Returns 0, or the first refusal: any AU_E* of discovery (AU_EDNS_*),
 * transport (AU_ECONNECT, AU_ETLS, AU_EHTTP*, AU_ETIMEOUT, AU_ETOOBIG),
 * metadata (AU_EMETA_*), artifacts (AU_EART_*), AU_EINSTALL, AU_EHEALTH,
 * AU_ECLOCK, AU_ENOSPC, AU_ELOCKED, AU_ECONFIG, AU_ETRUSTROOT, AU_EIO.
 */
AU_NODISCARD int au_update_run(const struct au_config *cfg, enum au_mode mode,
    int64_t now, const struct au_run_opts *opts, struct au_report *rep);

#endif
