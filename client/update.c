/* SPDX-License-Identifier: ISC */
/*
 * client/update.c - one update run: the steps below, in this order, each
 * named by the phase a failure in it reports (docs/json-schema.md).
 *
 *   step               phase                   what it does
 *   check_health       health                  the health check can be run
 *   check_provenance   provenance              [provenance] keys and CAs load
 *   open_state         install                 STATE_DIR, its lock, the store,
 *                                              state.json (install.h)
 *   expire_trials      trial        (--apply)  trials not committed in time
 *                                              roll back; no network needed
 *   open_metadata      metadata                trusted root, stored metadata
 *   reach              discovery / transport   the source's open(): DNS and
 *                                              TLS, or the --from copy
 *   refresh            metadata                TUF 1.0 sections 5.3-5.6
 *   each target        metadata                look up, floor, compare, fleet
 *                      download     (--apply)  the artifact into the store
 *                      provenance   (--apply)  its OMS signature, when the
 *                                              policy asks (provenance.h)
 *                      install, health         switch, check, or back
 *   keep               (none)                  what is persisted, below
 *   report             (none)                  last-run.json, metrics
 *
 * What is persisted after a failure: the verified metadata and state.json
 * are written together (metadata first), and only when the run ends in a
 * state worth keeping: success; AU_EHEALTH (a version was rolled back, or
 * kept above its floor); AU_EMETA_NOTARGET (a tracked target the repository
 * does not list); or any failure once a link has moved (a target switched
 * before another one was refused).  Every other failure leaves the
 * metadata, the store's links and state.json byte for byte as they were.
 * An expired trial is the one exception: its rollback is saved at once,
 * before the network, since it needs none.
 *
 * The first error is the run's result: its code and its message are
 * reported together.  Errors of the clean-up after it (writing metadata or
 * state) are logged as warnings and never replace it.
 */
#include "client/update.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli.h"
#include "client/clock.h"
#include "client/fetch/source.h"
#include "client/install/apply.h"
#include "client/install/install.h"
#include "client/install/provenance.h"
#include "client/install/retain.h"
#include "client/install/trial.h"
#include "client/metadata/fleet.h"
#include "client/metadata/floor.h"
#include "client/metadata/tufclient.h"
#include "client/preflight.h"
#include "client/report/lastrun.h"
#include "client/report/metrics.h"
#include "manifest/tuf.h"
#include "port/port.h"
#include "port/text.h"

#include "port/ban.h"

/* The report's limits (a values-only header) are the config's. */
_Static_assert(AU_REPORT_MAX_TARGETS == AU_CONFIG_MAX_TARGETS, "targets");
_Static_assert(AU_REPORT_PATH_MAX == AU_CONFIG_PATH_MAX, "paths");

struct run {
	const struct au_config *cfg;
	enum au_mode mode;
	int64_t now;
	struct au_report *rep;
	struct au_diag *diag;		/* &rep->diag: the first error's */
	struct au_source *src;		/* the repository (client/fetch/source.h) */
	struct au_source https;		/* the default source, when none given */
	au_progress_fn progress;
	void *progress_arg;
	struct au_tuf_client *tuf;
	struct au_install in;		/* lock, store, state (install.h) */
	int floor_dirty;	/* a min_version changed: saved with the metadata */
};

/* ---- the steps before the targets ---- */

static int
check_health(struct run *r)
{
	return au_apply_health_runnable(r->cfg, r->diag);
}

/* The [provenance] publisher keys and CAs can be loaded (provenance.h). */
static int
check_provenance(struct run *r)
{
	return au_provenance_preflight(r->cfg, r->diag);
}

static int
open_state(struct run *r)
{
	return au_install_open(&r->in, r->cfg->state_dir, r->now, r->diag);
}

/* A failure after the first error: logged, the first one stays reported. */
static int
later(int rc, int lrc, const struct au_diag *ld, struct au_diag *diag,
    const char *what)
{
	if (lrc == 0)
		return rc;
	if (rc == 0) {
		*diag = *ld;
		return lrc;
	}
	au_log(AU_LOG_WARN, "%s: %s", what, ld->msg);
	return rc;
}

/* An expired trial rolls back before anything else (client/install/trial.h);
 * saved at once.  A failure to save is the result (it is the news). */
static int
expire_trials(struct run *r)
{
	struct au_diag sd = { "", 0 };
	int rc, src = 0;

	rc = au_trial_expire_all(r->cfg, &r->in, r->rep, r->diag);
	if (r->in.dirty)
		src = au_install_save(&r->in, &sd);
	if (src != 0 && (rc == 0 || rc == AU_EHEALTH)) {
		*r->diag = sd;
		return src;
	}
	return later(rc, src, &sd, r->diag, "state not saved");
}

static int
open_metadata(struct run *r)
{
	char dir[AU_CONFIG_PATH_MAX + 32];
	int n = snprintf(dir, sizeof(dir), "%s/metadata", r->cfg->state_dir);

	if (n < 0 || (size_t)n >= sizeof(dir))
		return au_diag_set(r->diag, AU_ECONFIG, "state_dir too long");
	if (au_preflight_trusted_root(r->cfg->trusted_root, dir, r->diag) != 0)
		return AU_ETRUSTROOT;
	return au_tuf_open(dir, r->cfg->trusted_root, r->now,
	    au_source_tuf_fetch, r->src, AU_TUF_PERSIST_AT_END, &r->tuf,
	    r->diag);
}

/* The source's open(); a DNS failure is discovery's, any other transport's. */
static int
reach(struct run *r)
{
	int rc = r->src->open(r->src, r->cfg, r->now, r->rep, r->diag);

	if (au_err_class(rc) == AU_EDNS_BOGUS)
		r->rep->phase = "discovery";
	return rc;
}

static void
report_roles(struct run *r)
{
	static const char *const names[] = { "root", "timestamp", "snapshot",
		"targets" };
	struct au_role_report *out[] = { &r->rep->root, &r->rep->timestamp,
		&r->rep->snapshot, &r->rep->targets };
	size_t i;

	for (i = 0; i < 4; i++)
		if (au_trusted_role_info(au_tuf_trusted(r->tuf), names[i],
		    &out[i]->version, &out[i]->expires) != 0)
			out[i]->version = -1;
}

static int
refresh(struct run *r)
{
	int rc = au_tuf_refresh(r->tuf, r->diag);

	report_roles(r);
	return rc;
}

/* ---- each target ---- */

static void
compare_target(struct run *r, struct au_target_report *tr,
    const struct au_target *tg)
{
	struct au_state_target *st = au_state_find(r->in.state, tr->name, 0);

	tr->available_version = tg->version;
	tr->length = tg->length;
	au_hex_encode(tg->sha256, 32, tr->available_hash);
	if (st != NULL && st->hash[0] != '\0') {
		tr->installed_version = st->version;
		(void)snprintf(tr->installed_hash, sizeof(tr->installed_hash),
		    "%s", st->hash);
		if (st->provenance[0] != '\0')	/* client/install/provenance.h */
			(void)snprintf(tr->provenance, sizeof(tr->provenance),
			    "installed v%lld: %.360s", (long long)st->version,
			    st->provenance);
	}
	if (st != NULL && st->trial && st->hash[0] != '\0') {
		/* nothing newer until committed (client/install/trial.h) */
		tr->status = AU_T_IN_TRIAL;
		au_trial_describe(st, r->cfg, r->now,
		    strcmp(st->hash, tr->available_hash) != 0 ? tg->version : -1,
		    tr->msg, sizeof(tr->msg));
	} else if (strcmp(tr->installed_hash, tr->available_hash) == 0)
		tr->status = AU_T_UPTODATE;
	else if (au_state_is_bad(r->in.state, tr->name, tr->available_hash))
		tr->status = AU_T_BAD;
	else if (tr->installed_version >= 0 &&
	    tg->version <= tr->installed_version)
		tr->status = AU_T_OLDER;
	else
		tr->status = AU_T_AVAILABLE;
}

/* client/install/provenance.h: the OMS bundle target, looked up and fetched
 * (through the run's source: HTTPS or the --from copy). */
static int
prov_find(void *arg, const char *name, struct au_target *out,
    struct au_diag *diag)
{
	return au_tuf_find_target(((struct run *)arg)->tuf, name, out, diag);
}

static int
prov_fetch(void *arg, const char *name, const struct au_target *tg, size_t cap,
    uint8_t **buf, size_t *len, struct au_diag *diag)
{
	struct run *r = arg;
	char file[AU_TARGET_NAME_MAX + 160];

	if (r->src->fetch_small == NULL)
		return au_diag_set(diag, AU_EINTERNAL, "%s: this source cannot "
		    "fetch a target into memory", name);
	if (au_tuf_target_file(r->tuf, name, tg, file, sizeof(file)) != 0)
		return au_diag_set(diag, AU_EINTERNAL, "%s: path too long", name);
	return r->src->fetch_small(r->src, file, cap, buf, len, diag);
}

/* Download (client/fetch/source.h), the model's own signature when the
 * policy asks (client/install/provenance.h), then make current
 * (client/install/apply.h). */
static int
install_target(struct run *r, struct au_target_report *tr,
    const struct au_target *tg)
{
	int fresh = !au_store_has(r->in.store, tr->available_hash);
	int rc;

	r->rep->phase = "download";
	rc = au_source_fetch_target(r->src, r->in.store, r->cfg, r->tuf,
	    tr->name, tg, tr->available_hash, r->progress, r->progress_arg,
	    &tr->downloaded, &tr->delta, r->diag);
	if (rc == 0) {	/* before the switch */
		r->rep->phase = "provenance";
		rc = au_provenance_before_switch(r->cfg, r->in.store, tr, tg,
		    fresh, r->now, prov_find, prov_fetch, r, r->diag);
	}
	if (rc != 0) {
		tr->status = AU_T_FAILED;
		tr->err = rc;
		(void)snprintf(tr->msg, sizeof(tr->msg), "%s", r->diag->msg);
		return rc;
	}
	return au_apply_target(&r->in, r->cfg, tr, &r->rep->phase, r->diag);
}

/* The signed floor custom.min_version (client/metadata/floor.h) into state.json. */
static int
note_min_version(struct run *r, const char *name, const struct au_target *tg)
{
	struct au_state_target *st = au_state_find(r->in.state, name, 0);
	int64_t v;
	int rc;

	rc = au_floor_from_custom(tg->custom_json, &v, r->diag);
	if (rc != 0 || st == NULL || st->min_version == v)
		return rc;
	st->min_version = v;
	r->floor_dirty = 1;
	return 0;
}

/* Device targeting and staged rollout (client/metadata/fleet.h): a target meant for
 * other devices becomes AU_T_NOT_FOR_DEVICE.  Malformed custom refuses. */
static int
fleet_filter(struct run *r, struct au_target_report *tr,
    const struct au_target *tg)
{
	char id[AU_FLEET_ID_MAX + 1];
	struct au_device dev;
	enum au_fleet_verdict v = AU_FLEET_OK;
	int rc;

	rc = au_fleet_device_id(r->cfg->device_id, NULL, id, sizeof(id),
	    r->diag);
	dev.device_class = r->cfg->device_class;
	dev.device_tags = r->cfg->device_tags;
	dev.device_id = id;
	if (rc == 0)
		rc = au_fleet_decide(tg->custom_json, tr->name, &dev, &v,
		    r->diag);
	if (rc != 0 || v == AU_FLEET_OK)
		return rc;
	tr->status = AU_T_NOT_FOR_DEVICE;
	(void)snprintf(tr->msg, sizeof(tr->msg), "%s: not downloaded",
	    au_fleet_verdict_name(v));
	return 0;
}

/* A tracked target that the signed targets do not list: reported at the end. */
static void
note_missing(struct run *r, struct au_target_report *tr, int *missing)
{
	tr->status = AU_T_NOT_IN_REPO;
	(void)snprintf(tr->msg, sizeof(tr->msg), "not listed in the signed "
	    "targets metadata (check [repository] targets)");
	if ((*missing)++ == 0)
		(void)au_diag_set(r->diag, AU_EMETA_NOTARGET, "tracked target "
		    "%s is not in the signed targets metadata", tr->name);
}

static int
process_targets(struct run *r)
{
	struct au_report *rep = r->rep;
	struct au_diag first_diag, missing_diag;
	const char *first_phase = NULL;
	struct au_target tg;
	size_t i;
	int rc = 0, first = 0, missing = 0;

	for (i = 0; i < rep->n; i++) {
		struct au_target_report *tr = &rep->t[i];

		memset(&tg, 0, sizeof(tg));
		rep->phase = "metadata";
		rc = au_tuf_find_target(r->tuf, tr->name, &tg, r->diag);
		if (rc == AU_EMETA_NOTARGET) {
			note_missing(r, tr, &missing);
			if (missing == 1)
				missing_diag = *r->diag;
			continue;
		}
		if (rc != 0)
			return rc;
		rc = note_min_version(r, tr->name, &tg);
		if (rc == 0)
			compare_target(r, tr, &tg);
		if (rc == 0 && tr->status == AU_T_AVAILABLE)
			rc = fleet_filter(r, tr, &tg);	/* before any download */
		if (rc == 0 && tr->status == AU_T_AVAILABLE) {
			rep->updates++;
			if (r->mode == AU_MODE_APPLY)
				rc = install_target(r, tr, &tg);
		}
		if (rc == 0 && tr->status == AU_T_INSTALLED)	/* a new entry */
			rc = note_min_version(r, tr->name, &tg);
		au_target_clear(&tg);
		if (rc != 0 && rc != AU_EHEALTH)
			return rc;
		if (rc != 0 && first == 0) {	/* go on with the others */
			first = rc;
			first_phase = rep->phase;
			first_diag = *r->diag;
		}
	}
	if (first != 0) {
		rep->phase = first_phase;
		*r->diag = first_diag;
		return first;
	}
	if (missing > 0) {
		rep->phase = "metadata";
		*r->diag = missing_diag;
		return AU_EMETA_NOTARGET;
	}
	return 0;
}

/* ---- the run ---- */

static void
report_init(struct run *r, const struct au_config *cfg)
{
	struct au_report *rep = r->rep;
	size_t i;

	memset(rep, 0, sizeof(*rep));
	rep->now = r->now;
	rep->tls_auth = "";
	rep->phase = "";
	rep->n = cfg->ntargets;
	for (i = 0; i < cfg->ntargets; i++) {
		rep->t[i].name = cfg->targets[i];
		rep->t[i].installed_version = -1;
		rep->t[i].available_version = -1;
	}
	rep->root.version = rep->timestamp.version = -1;
	rep->snapshot.version = rep->targets.version = -1;
}

/* ---- keep and report ---- */

/* Move the time floor up to r->now; a failure is only a warning. */
static void
note_floor(struct run *r)
{
	struct au_diag cd;

	if (au_clock_floor_advance(r->cfg->state_dir, r->now, &cd) != 0)
		au_log(AU_LOG_WARN, "time floor not recorded: %s", cd.msg);
}

/* An --apply run that keeps its metadata counts for trials, and prunes
 * what [install] keep no longer wants (client/install/trial.h, retain.h). */
static void
end_of_run(struct run *r, int rc)
{
	struct au_diag pd;
	int err = 0;

	if (r->mode != AU_MODE_APPLY)
		return;
	if (au_trial_count_runs(r->in.state, r->rep) > 0)
		r->in.dirty = 1;
	if (rc == 0 && au_retain_prune(r->cfg, &r->in, &err, &pd) > 0)
		r->in.dirty = 1;
	if (err != 0)
		au_log(AU_LOG_WARN, "keep = %d: %s", r->cfg->keep, pd.msg);
}

/* The rule at the top: what a run that ended with rc keeps. */
static int
keep(struct run *r, int rc)
{
	struct au_diag kd = { "", 0 };
	int krc;

	if (r->tuf == NULL || (rc != 0 && rc != AU_EHEALTH &&
	    rc != AU_EMETA_NOTARGET && !r->in.dirty))
		return rc;
	krc = au_tuf_persist(r->tuf, &kd);
	if (krc == 0) {	/* fresh metadata verified at r->now: client/clock.h */
		note_floor(r);
		end_of_run(r, rc);
		if (r->in.dirty || r->floor_dirty)
			krc = au_install_save(&r->in, &kd);
	}
	rc = later(rc, krc, &kd, r->diag, "metadata or state not saved");
	if (rc == 0) {
		if (au_retain_gc(r->in.store, r->in.state, &kd) != 0)
			au_log(AU_LOG_WARN, "store clean-up: %s", kd.msg);
	}
	return rc;
}

static const struct step {
	const char *phase;
	int (*run)(struct run *r);
	int apply_only;
} steps[] = {
	{ "health", check_health, 0 },
	{ "provenance", check_provenance, 0 },
	{ "install", open_state, 0 },
	{ "trial", expire_trials, 1 },
	{ "metadata", open_metadata, 0 },
	{ "transport", reach, 0 },
	{ "metadata", refresh, 0 },
	{ "metadata", process_targets, 0 },
};

static int
run_steps(struct run *r)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].apply_only && r->mode != AU_MODE_APPLY)
			continue;
		r->rep->phase = steps[i].phase;
		rc = steps[i].run(r);
	}
	return keep(r, rc);
}

static void
write_reports(const struct run *r)
{
	const struct au_report *rep = r->rep;
	struct au_diag d;
	int code = au_exit_status(rep->err);

	if (r->in.lock != NULL &&	/* never over another run's record */
	    au_lastrun_write(r->cfg->state_dir, rep, &d) != 0)
		au_log(AU_LOG_WARN, "cannot record the run: %s", d.msg);
	if (rep->err == AU_ELOCKED || r->cfg->metrics_file[0] == '\0')
		return;
	if (rep->err == 0 && r->mode == AU_MODE_CHECK && rep->updates > 0)
		code = AU_EXIT_UPDATES;
	/* node_exporter textfile (client/report/metrics.h): only a warning */
	if (au_metrics_write(r->cfg->metrics_file, rep, r->in.state, code,
	    au_metrics_dnssec_expiry(rep), &d) != 0)
		au_log(AU_LOG_WARN, "event=metrics file=%s error=\"%s\"",
		    r->cfg->metrics_file, d.msg);
}

int
au_update_run(const struct au_config *cfg, enum au_mode mode, int64_t now,
    const struct au_run_opts *opts, struct au_report *rep)
{
	struct run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.mode = mode;
	r.now = now;
	r.rep = rep;
	r.diag = &rep->diag;
	au_source_https(&r.https);
	r.src = opts != NULL && opts->source != NULL ? opts->source : &r.https;
	r.progress = opts != NULL ? opts->progress : NULL;
	r.progress_arg = opts != NULL ? opts->progress_arg : NULL;
	report_init(&r, cfg);
	rc = run_steps(&r);
	rep->err = rc;
	if (rc == 0)	/* e.g. the 404 that ends root rotation is no news */
		rep->diag.msg[0] = '\0';
	write_reports(&r);
	r.src->close(r.src);
	au_tuf_free(r.tuf);
	au_install_close(&r.in);
	return rc;
}
