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
#include "client/discover/discover.h"
#include "client/fetch/source.h"
#include "port/err.h"

#define AU_ROOT_ROTATIONS_MAX 32	/* N+1.root.json taken in one run */
#define AU_REPORT_MSG_MAX AU_DIAG_MAX

enum au_mode {
	AU_MODE_CHECK = 0,	/* refresh metadata, never download artifacts */
	AU_MODE_APPLY,		/* and install every tracked target with an update */
};

enum au_target_status {
	AU_T_UNKNOWN = 0,	/* the run stopped before this target was looked at */
	AU_T_UPTODATE,		/* installed hash == signed hash */
	AU_T_AVAILABLE,		/* a newer signed version exists (check) */
	AU_T_INSTALLED,		/* installed in this run (apply) */
	AU_T_NOT_IN_REPO,	/* the signed targets do not list it */
	AU_T_OLDER,		/* signed version <= installed one: refused */
	AU_T_BAD,		/* this version failed its health check before */
	AU_T_FAILED,		/* download, verification or install failed */
	AU_T_ROLLED_BACK,	/* health check failed, previous restored */
	AU_T_NOT_FOR_DEVICE,	/* signed custom targets other devices, or the
				 * staged rollout has not reached this one
				 * (client/metadata/fleet.h); never downloaded */
	AU_T_IN_TRIAL,		/* the installed version waits for --commit;
				 * nothing newer is installed meanwhile
				 * (client/install/trial.h); msg says more */
};

struct au_target_report {
	const char *name;		/* borrowed from the config */
	enum au_target_status status;
	int64_t installed_version;	/* -1 when nothing is installed */
	char installed_hash[65];	/* sha256 hex or "" */
	int64_t available_version;	/* -1 when not in the repository */
	char available_hash[65];
	uint64_t length;		/* bytes, as signed */
	uint64_t downloaded;		/* bytes moved in this run */
	int err;			/* AU_E* for FAILED/ROLLED_BACK */
	char msg[AU_REPORT_MSG_MAX];
};

struct au_role_report {
	int64_t version;		/* -1 when not loaded */
	int64_t expires;		/* seconds since the epoch */
};

struct au_report {
	int64_t now;			/* the run's one reading of the clock */
	char host[256];			/* repository host from SRV */
	uint16_t port;
	char path[256];			/* repository path prefix */
	char addr[64];			/* the address connected to */
	const char *tls_auth;		/* "CA", "DANE-EE", ... */
	struct au_role_report root, timestamp, snapshot, targets;
	struct au_target_report t[AU_CONFIG_MAX_TARGETS];
	size_t n;
	int updates;			/* targets with an update available */
	const char *phase;		/* where the run stopped: "discovery", ... */
	int err;			/* the run's result, 0 or AU_E* */
	struct au_diag diag;		/* the run's error detail */
	struct au_net_report net;	/* DNS queries, hosts tried, TLS peer */
	int64_t clock;			/* the clock's reading (now is max(clock,
					   floor): client/clock.h); set by the caller */
	int64_t floor;			/* the time floor before the run */
	int warn_days;			/* WARN horizon of the report, days */
};

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

/*
 * Switch NAME (or every tracked target when name is NULL) back to its
 * previous installed version.  Errors: AU_EINSTALL (no previous version),
 * AU_ELOCKED, AU_EIO, AU_EINTERNAL (state file corrupt).
 */
AU_NODISCARD int au_update_rollback(const struct au_config *cfg,
    const char *name, struct au_diag *diag);

/* Text for a target status ("up-to-date", "update-available", ...). */
const char *au_target_status_name(enum au_target_status s);

#endif
