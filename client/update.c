/* SPDX-License-Identifier: ISC */
/* client/update.c - one update run (TUF 1.0 section 5, then install). */
#include "client/update.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli.h"
#include "client/clock.h"
#include "client/metadata/budget.h"
#include "client/install/bundle.h"
#include "client/install/libarchive_dl.h"
#include "client/metadata/fleet.h"
#include "client/metadata/floor.h"
#include "client/fetch/source.h"
#include "client/report/metrics.h"
#include "client/preflight.h"
#include "client/install/retain.h"
#include "client/install/state.h"
#include "client/install/stage.h"
#include "client/install/health.h"
#include "client/install/store.h"
#include "client/install/trial.h"
#include "client/metadata/tufclient.h"
#include "manifest/tuf.h"
#include "port/port.h"
#include "port/ban.h"

#define SPACE_MARGIN (16ULL << 20)	/* bytes kept free beyond an artifact */

/* The report's limits (a values-only header) are the config's. */
_Static_assert(AU_REPORT_MAX_TARGETS == AU_CONFIG_MAX_TARGETS, "targets");
_Static_assert(AU_REPORT_PATH_MAX == AU_CONFIG_PATH_MAX, "paths");


struct run {
	const struct au_config *cfg;
	enum au_mode mode;
	int64_t now;
	struct au_report *rep;
	struct au_diag *diag;
	struct au_lock *lock;
	struct au_source *src;		/* the repository (client/fetch/source.h) */
	struct au_source https;		/* the default source, when none given */
	au_progress_fn progress;
	void *progress_arg;
	struct au_tuf_client *tuf;
	struct au_store *store;
	struct au_state *state;
	int state_dirty;
	int floor_dirty;	/* a min_version changed: saved with the metadata */
};

static int
path_join(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s/%s", a, b);

	if (n < 0 || (size_t)n >= size)
		return AU_ETOOBIG;
	return 0;
}

/* ---- opening the state directory ---- */

static int
open_state(struct run *r)
{
	const char *dir = r->cfg->state_dir;
	char path[AU_CONFIG_PATH_MAX + 32];
	int rc;

	rc = au_mkdir_p(dir, 0755, r->diag);
	if (rc == 0 && path_join(path, sizeof(path), dir, "metadata") == 0)
		rc = au_mkdir(path, 0755, r->diag);
	if (rc == 0 && path_join(path, sizeof(path), dir, "lock") == 0)
		rc = au_lock_take(path, &r->lock, r->diag);
	if (rc == AU_ELOCKED || rc == AU_ENOSPC)
		return rc;
	/* A state directory that cannot be used is a deployment mistake. */
	if (rc != 0)
		return au_preflight_state_dir(dir, r->diag);
	rc = au_store_open(dir, &r->store, r->diag);
	if (rc != 0)
		return rc;
	if (path_join(path, sizeof(path), dir, "state.json") != 0)
		return AU_EINTERNAL;
	return au_state_load(path, r->state, r->diag);
}

/* ---- the repository ---- */

static int
discover(struct run *r)
{
	int rc = r->src->open(r->src, r->cfg, r->now, r->rep, r->diag);

	r->rep->phase = au_err_class(rc) == AU_EDNS_BOGUS ? "discovery" :
	    "transport";
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
open_metadata(struct run *r)
{
	char dir[AU_CONFIG_PATH_MAX + 32];

	if (path_join(dir, sizeof(dir), r->cfg->state_dir, "metadata") != 0)
		return au_diag_set(r->diag, AU_ECONFIG, "state_dir too long");
	if (au_preflight_trusted_root(r->cfg->trusted_root, dir, r->diag) != 0)
		return AU_ETRUSTROOT;
	return au_tuf_open(dir, r->cfg->trusted_root, r->now,
	    au_source_tuf_fetch, r->src,
	    AU_TUF_PERSIST_AT_END, &r->tuf, r->diag);
}

static int
refresh(struct run *r)
{
	int rc;

	r->rep->phase = "metadata";
	rc = au_tuf_refresh(r->tuf, r->diag);
	report_roles(r);
	return rc;
}

/* ---- targets: compare and install ---- */

static void
hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static void
compare_target(struct run *r, struct au_target_report *tr,
    const struct au_target *tg)
{
	struct au_state_target *st = au_state_find(r->state, tr->name, 0);

	tr->available_version = tg->version;
	tr->length = tg->length;
	hex_encode(tg->sha256, 32, tr->available_hash);
	if (st != NULL && st->hash[0] != '\0') {
		tr->installed_version = st->version;
		(void)snprintf(tr->installed_hash, sizeof(tr->installed_hash),
		    "%s", st->hash);
	}
	if (st != NULL && st->trial && st->hash[0] != '\0') {
		/* nothing newer until committed (client/install/trial.h) */
		tr->status = AU_T_IN_TRIAL;
		au_trial_describe(st, r->cfg, r->now,
		    strcmp(st->hash, tr->available_hash) != 0 ? tg->version : -1,
		    tr->msg, sizeof(tr->msg));
	} else if (strcmp(tr->installed_hash, tr->available_hash) == 0)
		tr->status = AU_T_UPTODATE;
	else if (au_state_is_bad(r->state, tr->name, tr->available_hash))
		tr->status = AU_T_BAD;
	else if (tr->installed_version >= 0 &&
	    tg->version <= tr->installed_version)
		tr->status = AU_T_OLDER;
	else
		tr->status = AU_T_AVAILABLE;
}

static int
check_space(struct run *r, uint64_t need)
{
	uint64_t avail;
	int rc;

	rc = au_free_space(r->cfg->state_dir, &avail, r->diag);
	if (rc != 0)
		return rc;
	if (avail < need + SPACE_MARGIN)
		return au_diag_set(r->diag, AU_ENOSPC, "%llu bytes needed in "
		    "%s (artifact plus a %llu-byte margin), %llu available",
		    (unsigned long long)need, r->cfg->state_dir,
		    (unsigned long long)SPACE_MARGIN,
		    (unsigned long long)avail);
	return 0;
}

/* Download, verify and place one artifact in the store (not yet active). */
static int
fetch_artifact(struct run *r, struct au_target_report *tr,
    const struct au_target *tg)
{
	struct au_stage_expect ex;
	char file[AU_TARGET_NAME_MAX + 160], hash[65];
	uint64_t got = 0, bb = r->cfg->bundle_max_bytes,
	    be = r->cfg->bundle_max_entries;
	int rc;

	if (au_store_has(r->store, tr->available_hash))
		return 0;	/* same content already present: not fetched */
	/* Bundle budget and declared size from signed custom (budget.h). */
	rc = au_budget_from_custom(tg->custom_json, &bb, &be, r->diag);
	if (rc != 0)
		return rc;
	au_store_set_budget(r->store, bb, be);
	if (au_bundle_kind(tr->name) >= 0) {
		const struct au_libarchive *la;

		/* A device image without libarchive: say so before the
		 * download, not after it (client/install/libarchive_dl.h). */
		rc = au_libarchive(&la, r->diag);
		if (rc != 0)
			return rc;
	}
	rc = check_space(r, tg->length + (au_bundle_kind(tr->name) >= 0 &&
	    bb < AU_BUNDLE_MAX_BYTES ? bb : 0));
	if (rc != 0)
		return rc;
	if (au_tuf_target_file(r->tuf, tr->name, tg, file, sizeof(file)) != 0)
		return au_diag_set(r->diag, AU_EINTERNAL, "name too long");
	memset(&ex, 0, sizeof(ex));
	ex.length = tg->length;
	ex.has_sha256 = tg->has_sha256;
	ex.has_sha512 = tg->has_sha512;
	memcpy(ex.sha256, tg->sha256, 32);
	memcpy(ex.sha512, tg->sha512, 64);
	rc = r->src->fetch_artifact(r->src, r->store, file, tr->name, &ex,
	    r->progress, r->progress_arg, hash, &got, r->diag);
	tr->downloaded = got;
	return rc;
}

static int
health_check(struct run *r, struct au_target_report *tr)
{
	char cur[65], prev[65], path[AU_CONFIG_PATH_MAX + 600], ver[32];
	char prevpath[sizeof(path) + 16];
	int rc;

	if (r->cfg->health_check[0] == '\0')
		return 0;
	rc = au_store_get(r->store, tr->name, cur, prev, path, sizeof(path),
	    r->diag);
	if (rc != 0)
		return rc;
	(void)snprintf(ver, sizeof(ver), "%lld",
	    (long long)tr->available_version);
	(void)snprintf(prevpath, sizeof(prevpath), "%.*sprevious",
	    (int)(strlen(path) - strlen("current")), path);
	return au_health_run(r->cfg->health_check, tr->name, ver, path,
	    prev[0] ? prevpath : "", r->cfg->health_timeout, r->diag);
}

static int
save_state(struct run *r)
{
	char path[AU_CONFIG_PATH_MAX + 32];

	if (path_join(path, sizeof(path), r->cfg->state_dir, "state.json"))
		return AU_EINTERNAL;
	return au_state_save(path, r->state, r->diag);
}

static void
record_install(struct run *r, struct au_target_report *tr)
{
	struct au_state_target *st = au_state_find(r->state, tr->name, 1);

	if (st == NULL)
		return;
	au_state_push_older(st, au_retain_older(r->cfg));	/* [install] keep */
	st->prev_version = st->version;
	memcpy(st->prev_hash, st->hash, sizeof(st->hash));
	st->version = tr->available_version;
	(void)snprintf(st->hash, sizeof(st->hash), "%s", tr->available_hash);
	st->installed_at = r->now;
}

/*
 * A failed health check, but the version before is below the signed floor
 * (client/metadata/floor.h): running a version the publisher forbids is worse than a
 * failed check, so the new version stays current; exit 15 says why.
 */
static int
keep_above_floor(struct run *r, struct au_target_report *tr,
    const struct au_state_target *st, const struct au_diag *hd)
{
	int64_t floor = st->min_version, old = st->version;

	record_install(r, tr);
	r->state_dirty = 1;
	tr->status = AU_T_FAILED;
	tr->err = AU_EHEALTH;
	(void)snprintf(tr->msg, sizeof(tr->msg), "%.400s; kept: cannot roll "
	    "back below min_version %lld", hd->msg, (long long)floor);
	return au_diag_set(r->diag, AU_EHEALTH, "%s version %lld: %s; cannot "
	    "roll back below min_version %lld (previous is version %lld): "
	    "version %lld stays installed", tr->name,
	    (long long)tr->available_version, hd->msg, (long long)floor,
	    (long long)old, (long long)tr->available_version);
}

/* The switch failed its health check: go back, remember the bad version. */
static int
roll_back(struct run *r, struct au_target_report *tr, struct au_diag *hd)
{
	struct au_state_target *st = au_state_find(r->state, tr->name, 0);
	int rc;

	if (st != NULL && st->hash[0] != '\0' &&
	    !au_floor_allows(st->min_version, st->version))
		return keep_above_floor(r, tr, st, hd);

	/* Undo the switch: current back to the old version, previous back to
	 * the one before it (or nothing), so the bad version is collectable. */
	if (st != NULL && st->hash[0] != '\0') {
		rc = au_store_rollback(r->store, tr->name, r->diag);
		if (rc == 0)
			rc = au_store_set_previous(r->store, tr->name,
			    st->prev_hash, r->diag);
	} else {
		rc = au_store_remove_current(r->store, tr->name, r->diag);
	}
	if (rc != 0)
		return rc;
	rc = au_state_mark_bad(r->state, tr->name, tr->available_hash);
	if (rc != 0)
		return au_diag_set(r->diag, rc, "cannot record bad version");
	r->state_dirty = 1;
	tr->status = AU_T_ROLLED_BACK;
	tr->err = AU_EHEALTH;
	(void)snprintf(tr->msg, sizeof(tr->msg), "%s", hd->msg);
	return au_diag_set(r->diag, AU_EHEALTH, "%s version %lld: %s; "
	    "previous version restored", tr->name,
	    (long long)tr->available_version, hd->msg);
}

static int
install_target(struct run *r, struct au_target_report *tr,
    const struct au_target *tg)
{
	struct au_diag hd;
	int rc;

	r->rep->phase = "download";
	rc = fetch_artifact(r, tr, tg);
	if (rc == 0) {
		r->rep->phase = "install";
		rc = au_store_switch(r->store, tr->name, tr->available_hash,
		    r->diag);
	}
	if (rc != 0) {
		tr->status = AU_T_FAILED;
		tr->err = rc;
		(void)snprintf(tr->msg, sizeof(tr->msg), "%s", r->diag->msg);
		return rc;
	}
	r->rep->phase = "health";
	rc = health_check(r, tr);
	if (rc == AU_EHEALTH) {
		hd = *r->diag;
		return roll_back(r, tr, &hd);
	}
	if (rc != 0)
		return rc;
	record_install(r, tr);
	r->state_dirty = 1;
	tr->status = AU_T_INSTALLED;
	if (r->cfg->confirm) {	/* [install] confirm: client/install/trial.h */
		au_trial_begin(au_state_find(r->state, tr->name, 1), r->now);
		(void)snprintf(tr->msg, sizeof(tr->msg), "in trial until "
		    "aiupdate --commit");
	}
	return 0;
}

/* The signed floor custom.min_version (client/metadata/floor.h) into state.json. */
static int
note_min_version(struct run *r, const char *name, const struct au_target *tg)
{
	struct au_state_target *st = au_state_find(r->state, name, 0);
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
	rep->phase = "setup";
	rep->n = cfg->ntargets;
	for (i = 0; i < cfg->ntargets; i++) {
		rep->t[i].name = cfg->targets[i];
		rep->t[i].installed_version = -1;
		rep->t[i].available_version = -1;
	}
	rep->root.version = rep->timestamp.version = -1;
	rep->snapshot.version = rep->targets.version = -1;
}

/* Move the time floor up to r->now; a failure is only a warning. */
static void
note_floor(struct run *r)
{
	struct au_diag cd;

	if (au_clock_floor_advance(r->cfg->state_dir, r->now, &cd) != 0)
		au_log(AU_LOG_WARN, "time floor not recorded: %s", cd.msg);
}

/* An expired trial rolls back before anything else (client/install/trial.h). */
static int
expire_trials(struct run *r)
{
	int changed = 0, rc, src;

	rc = au_trial_expire_all(r->cfg, r->store, r->state, r->rep, r->now,
	    &changed, r->diag);
	if (rc != 0)
		r->rep->phase = "trial";
	if (changed && (src = save_state(r)) != 0 &&
	    (rc == 0 || rc == AU_EHEALTH))
		rc = src;
	return rc;
}

/* An --apply run that keeps its metadata counts for trials, and prunes
 * what [install] keep no longer wants (client/install/trial.h, client/install/retain.h). */
static void
end_of_run(struct run *r, int rc)
{
	struct au_diag pd;
	int err = 0;

	if (r->mode != AU_MODE_APPLY)
		return;
	if (au_trial_count_runs(r->state, r->rep) > 0)
		r->state_dirty = 1;
	if (rc == 0 && au_retain_prune(r->cfg, r->store, r->state, &err,
	    &pd) > 0)
		r->state_dirty = 1;
	if (err != 0)
		au_log(AU_LOG_WARN, "keep = %d: %s", r->cfg->keep, pd.msg);
}

/*
 * A health check that cannot run would only show after the switch, and
 * roll back (and mark bad) every new version: say so before anything.
 */
static int
health_runnable(const struct run *r)
{
	char prog[AU_CONFIG_PATH_MAX];
	struct au_diag d = { "", 0 };
	size_t n;

	if (r->cfg->health_check[0] == '\0')
		return 0;
	n = strcspn(r->cfg->health_check, " ");	/* as client/install/store.c splits */
	(void)snprintf(prog, sizeof(prog), "%.*s", (int)n,
	    r->cfg->health_check);
	if (au_executable(prog, &d) == 0)
		return 0;
	r->rep->phase = "config";
	return au_diag_set(r->diag, AU_ECONFIG, "[install] health_check "
	    "\"%.200s\" cannot be run: %s", r->cfg->health_check, d.msg);
}

static int
run_steps(struct run *r)
{
	int rc, prc;

	rc = health_runnable(r);
	if (rc != 0)
		return rc;
	rc = open_state(r);
	if (rc == 0 && r->mode == AU_MODE_APPLY) {
		rc = expire_trials(r);	/* before the network; saves state */
		if (rc != 0)
			return rc;
	}
	if (rc == 0)
		rc = open_metadata(r);
	if (rc == 0)
		rc = discover(r);
	if (rc == 0)
		rc = refresh(r);
	if (rc == 0)
		rc = process_targets(r);
	/*
	 * Verified metadata and the install record are kept together: after a
	 * clean run, a rollback, a target missing from the repository, or when
	 * some target was switched before another one was refused.  A run that
	 * was refused and changed nothing leaves both as they were.
	 */
	if (rc != 0 && rc != AU_EHEALTH && rc != AU_EMETA_NOTARGET &&
	    !r->state_dirty)
		return rc;
	prc = au_tuf_persist(r->tuf, r->diag);
	if (prc == 0)	/* fresh metadata verified at r->now: client/clock.h */
		note_floor(r);
	if (prc == 0)
		end_of_run(r, rc);
	if (prc == 0 && (r->state_dirty || r->floor_dirty))
		prc = save_state(r);
	if (prc != 0 && rc == 0)
		rc = prc;
	if (rc == 0) {
		struct au_diag gd;

		if (au_retain_gc(r->store, r->state, &gd) != 0)
			au_log(AU_LOG_WARN, "store clean-up: %s", gd.msg);
	}
	return rc;
}

static void
write_last_run(const struct au_config *cfg, const struct au_report *rep)
{
	char path[AU_CONFIG_PATH_MAX + 32], buf[1024], msg[AU_DIAG_MAX];
	struct au_diag d;
	size_t i, j = 0;
	int n;

	/* The message is JSON-escaped by hand: only printable ASCII kept. */
	for (i = 0; rep->diag.msg[i] != '\0' && j + 2 < sizeof(msg); i++) {
		unsigned char c = (unsigned char)rep->diag.msg[i];

		if (c == '"' || c == '\\')
			msg[j++] = '\\';
		msg[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	msg[j] = '\0';
	n = snprintf(buf, sizeof(buf), "{\"time\":%lld,\"result\":%d,"
	    "\"error\":\"%s\",\"phase\":\"%s\",\"message\":\"%s\"}\n",
	    (long long)rep->now, rep->err, rep->err ? au_strerror(rep->err) :
	    "", rep->err ? rep->phase : "", rep->err ? msg : "");
	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    path_join(path, sizeof(path), cfg->state_dir, "last-run.json"))
		return;
	if (au_file_replace(path, buf, (size_t)n, 0644, &d) != 0)
		au_log(AU_LOG_WARN, "cannot record the run: %s", d.msg);
}

/* node_exporter textfile (client/report/metrics.h); a failure is only a warning.
 * DNSSEC expiry: 0 (unknown) until the report carries it. */
/* The earliest RRSIG expiry over the run's DNS answers; 0 when none seen. */
static int64_t
dnssec_expiry(const struct au_report *rep)
{
	int64_t min = 0;
	size_t i;

	for (i = 0; i < rep->net.nq; i++) {
		int64_t e = rep->net.q[i].rrsig_expires;

		if (e > 0 && (min == 0 || e < min))
			min = e;
	}
	return min;
}

static void
write_metrics(const struct run *r)
{
	const struct au_report *rep = r->rep;
	struct au_diag d;
	int code = au_exit_status(rep->err);

	if (rep->err == 0 && r->mode == AU_MODE_CHECK && rep->updates > 0)
		code = AU_EXIT_UPDATES;
	if (au_metrics_write(r->cfg->metrics_file, rep, r->state, code,
	    dnssec_expiry(rep), &d) != 0)
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
	r.state = calloc(1, sizeof(*r.state));
	if (r.state == NULL)
		return rep->err = AU_ENOMEM;
	rc = run_steps(&r);
	rep->err = rc;
	if (rc == 0)	/* e.g. the 404 that ends root rotation is no news */
		rep->diag.msg[0] = '\0';
	if (rc != AU_ELOCKED && r.lock != NULL)
		write_last_run(cfg, rep);
	if (rc != AU_ELOCKED && cfg->metrics_file[0] != '\0')
		write_metrics(&r);
	r.src->close(r.src);
	au_tuf_free(r.tuf);
	au_store_free(r.store);
	au_lock_release(r.lock);
	free(r.state);
	return rc;
}

/*
 * Back to the previous version by hand.  The version rolled back from is
 * recorded as bad, like one that failed its health check, so the next timer
 * run does not install it again; a newer signed version is installed as usual.
 */
static int
rollback_one(struct run *r, const char *name)
{
	struct au_state_target *st = au_state_find(r->state, name, 0);
	char hash[65];
	int64_t v;
	int rc;

	if (st == NULL || st->prev_hash[0] == '\0')
		return au_diag_set(r->diag, AU_EINSTALL, "%s: no previous "
		    "version to roll back to", name);
	if (!au_floor_allows(st->min_version, st->prev_version))
		return au_diag_set(r->diag, AU_EINSTALL, "%s: cannot roll back "
		    "below min_version %lld: the previous version %lld is "
		    "older than the signed metadata allows", name,
		    (long long)st->min_version, (long long)st->prev_version);
	if (st->nolder == 0 && au_state_is_bad(r->state, name, st->prev_hash))
		return au_diag_set(r->diag, AU_EINSTALL, "%s: the previous "
		    "version %lld is marked bad (rolled back from, or failed "
		    "its health check): not switching back to it; `aiupdate "
		    "--retry %s` first if it should be allowed again", name,
		    (long long)st->prev_version, name);
	if (st->nolder > 0) {	/* [install] keep > 2: one step further back */
		rc = au_trial_step_back(r->store, r->state, name, r->now,
		    r->diag);
		r->state_dirty = 1;
		return rc;
	}
	rc = au_store_rollback(r->store, name, r->diag);
	if (rc != 0)
		return rc;
	st->trial = 0;	/* the version in trial is given up */
	memcpy(hash, st->hash, sizeof(hash));
	v = st->version;
	memcpy(st->hash, st->prev_hash, sizeof(hash));
	st->version = st->prev_version;
	memcpy(st->prev_hash, hash, sizeof(hash));
	st->prev_version = v;
	st->installed_at = r->now;
	r->state_dirty = 1;
	if (au_state_mark_bad(r->state, name, hash) != 0)
		return au_diag_set(r->diag, AU_EINTERNAL, "%s: cannot record "
		    "the rolled-back version", name);
	return 0;
}

static int
is_tracked(const struct au_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->ntargets; i++)
		if (strcmp(cfg->targets[i], name) == 0)
			return 1;
	return 0;
}

/* Every tracked target that has a previous version (at least one must). */
static int
rollback_all(struct run *r)
{
	const struct au_config *cfg = r->cfg;
	struct au_state_target *st;
	size_t i, done = 0, floored = 0, bad = 0;
	int rc;

	for (i = 0; i < cfg->ntargets; i++) {
		st = au_state_find(r->state, cfg->targets[i], 0);
		if (st == NULL || st->prev_hash[0] == '\0')
			continue;
		if (!au_floor_allows(st->min_version, st->prev_version)) {
			floored++;	/* skipped: client/metadata/floor.h */
			au_log(AU_LOG_WARN, "%s: not rolled back: version %lld "
			    "is below min_version %lld", cfg->targets[i],
			    (long long)st->prev_version,
			    (long long)st->min_version);
			continue;
		}
		if (st->nolder == 0 && au_state_is_bad(r->state,
		    cfg->targets[i], st->prev_hash)) {
			bad++;	/* already rolled back from it */
			au_log(AU_LOG_WARN, "%s: not rolled back: the previous "
			    "version %lld is marked bad", cfg->targets[i],
			    (long long)st->prev_version);
			continue;
		}
		rc = rollback_one(r, cfg->targets[i]);
		if (rc != 0)
			return rc;
		done++;
	}
	if (done == 0)
		return au_diag_set(r->diag, AU_EINSTALL, "no tracked target has "
		    "a previous version to roll back to%s%s", floored ? " that "
		    "is not below its signed min_version" : "", bad ? (floored ?
		    " or marked bad" : " that is not marked bad (see --retry)") :
		    "");
	return 0;
}

int
au_update_rollback(const struct au_config *cfg, const char *name,
    struct au_diag *diag)
{
	struct au_report *rep;
	struct run r;
	int rc = 0, src;

	if (name != NULL && !is_tracked(cfg, name))
		return au_diag_set(diag, AU_EUSAGE, "%s is not a tracked target "
		    "(see [repository] targets in the config)", name);
	memset(&r, 0, sizeof(r));
	rep = calloc(1, sizeof(*rep));
	r.state = calloc(1, sizeof(*r.state));
	if (rep == NULL || r.state == NULL) {
		rc = au_diag_set(diag, AU_ENOMEM, "out of memory");
		goto out;
	}
	r.cfg = cfg;
	r.now = au_now();
	r.rep = rep;
	r.diag = diag;
	rc = open_state(&r);
	if (rc == 0)
		rc = name != NULL ? rollback_one(&r, name) : rollback_all(&r);
	/* Links already switched are recorded even when a later one failed. */
	if (r.state_dirty && (src = save_state(&r)) != 0 && rc == 0)
		rc = src;
out:
	au_store_free(r.store);
	au_lock_release(r.lock);
	free(r.state);
	free(rep);
	return rc;
}
