/* SPDX-License-Identifier: ISC */
/* client/install/trial.c - trial installs, --commit, and the floor (see trial.h). */
#include "client/install/trial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/metadata/floor.h"
#include "client/preflight.h"
#include "client/report/report.h"
#include "port/port.h"
#include "port/ban.h"

void
au_trial_begin(struct au_state_target *t, int64_t now)
{
	if (t == NULL)
		return;
	t->trial = 1;
	t->trial_since = now;
	t->trial_runs = 0;
}

int64_t
au_trial_deadline(const struct au_state_target *t,
    const struct au_config *cfg)
{
	if (!t->trial || cfg->trial_seconds <= 0)
		return 0;
	return t->trial_since + cfg->trial_seconds;
}

int
au_trial_expired(const struct au_state_target *t,
    const struct au_config *cfg, int64_t now)
{
	int64_t deadline = au_trial_deadline(t, cfg);

	if (!t->trial)
		return 0;
	if (cfg->trial_runs > 0 && t->trial_runs >= cfg->trial_runs)
		return 1;
	return deadline != 0 && now >= deadline;
}

void
au_trial_count(struct au_state_target *t)
{
	if (t->trial)
		t->trial_runs++;
}

/* Why the trial of t expired, for messages. */
static void
expiry_reason(const struct au_state_target *t, const struct au_config *cfg,
    char *buf, size_t size)
{
	if (cfg->trial_runs > 0 && t->trial_runs >= cfg->trial_runs)
		(void)snprintf(buf, size, "not committed within %d run%s",
		    cfg->trial_runs, cfg->trial_runs == 1 ? "" : "s");
	else
		(void)snprintf(buf, size, "not committed within %d seconds",
		    cfg->trial_seconds);
}

/* No previous version (a first install): remove it, as a failed health
 * check does. */
static int
remove_first(struct au_install *in, struct au_state_target *t,
    const char *why, struct au_diag *diag)
{
	int64_t v = t->version;
	int rc;

	rc = au_install_remove(in, t->name, diag);
	if (rc != 0)
		return rc;
	return au_diag_set(diag, AU_EHEALTH, "%s version %lld: trial %s; no "
	    "previous version to restore: removed", t->name, (long long)v,
	    why);
}

int
au_trial_roll_back(struct au_install *in, const char *name,
    const struct au_config *cfg, int *kept, struct au_diag *diag)
{
	struct au_state_target *t = au_state_find(in->state, name, 0);
	char why[96];
	int64_t v;
	int rc;

	if (t == NULL || !t->trial)
		return au_diag_set(diag, AU_EINTERNAL, "%s is not in trial",
		    name);
	expiry_reason(t, cfg, why, sizeof(why));
	v = t->version;
	if (t->prev_hash[0] == '\0')
		return remove_first(in, t, why, diag);
	if (!au_floor_allows(t->min_version, t->prev_version)) {
		t->trial = 0;
		in->dirty = 1;
		*kept = 1;
		return au_diag_set(diag, AU_EHEALTH, "%s version %lld: trial "
		    "%s; cannot roll back below min_version %lld (previous is "
		    "version %lld): version %lld stays installed", name,
		    (long long)v, why, (long long)t->min_version,
		    (long long)t->prev_version, (long long)v);
	}
	rc = au_install_step_back(in, name, 0, diag);
	if (rc != 0)
		return rc;
	return au_diag_set(diag, AU_EHEALTH, "%s version %lld: trial %s; "
	    "version %lld restored", name, (long long)v, why,
	    (long long)t->version);
}

/* ---- in a run ---- */

static void
expired_entry(struct au_target_report *tr, int rc, int kept,
    const struct au_diag *d)
{
	tr->status = rc == AU_EHEALTH && !kept ? AU_T_ROLLED_BACK :
	    AU_T_FAILED;
	tr->err = rc;
	(void)snprintf(tr->msg, sizeof(tr->msg), "%s", d->msg);
}

int
au_trial_expire_all(const struct au_config *cfg, struct au_install *in,
    struct au_report *rep, struct au_diag *diag)
{
	struct au_state_target *t;
	struct au_diag d, first_d;
	size_t i;
	int rc, first = 0, kept;

	for (i = 0; i < rep->n; i++) {
		t = au_state_find(in->state, rep->t[i].name, 0);
		if (t == NULL || !au_trial_expired(t, cfg, in->now))
			continue;
		d.msg[0] = '\0';
		d.sys = 0;
		kept = 0;
		rc = au_trial_roll_back(in, t->name, cfg, &kept, &d);
		expired_entry(&rep->t[i], rc, kept, &d);
		if (first == 0 || (first == AU_EHEALTH && rc != AU_EHEALTH)) {
			first = rc;
			first_d = d;
		}
	}
	if (first != 0 && diag != NULL)
		*diag = first_d;
	return first;
}

size_t
au_trial_count_runs(struct au_state *st, const struct au_report *rep)
{
	struct au_state_target *t;
	size_t i, n = 0;

	for (i = 0; i < rep->n; i++) {
		t = au_state_find(st, rep->t[i].name, 0);
		if (t == NULL || !t->trial || rep->t[i].status == AU_T_INSTALLED)
			continue;
		au_trial_count(t);
		n++;
	}
	return n;
}

void
au_trial_describe(const struct au_state_target *t,
    const struct au_config *cfg, int64_t now, int64_t newer, char *buf,
    size_t size)
{
	char when[32] = "", runs[48] = "", wait[64] = "";
	int64_t deadline = au_trial_deadline(t, cfg);

	if (deadline != 0)
		au_report_fmt_time(deadline, when, sizeof(when));
	if (cfg->trial_runs > 0)
		(void)snprintf(runs, sizeof(runs), "%lld of %d runs",
		    (long long)t->trial_runs, cfg->trial_runs);
	else if (deadline == 0)
		(void)snprintf(runs, sizeof(runs), "no limit");
	if (newer >= 0)
		(void)snprintf(wait, sizeof(wait), "; version %lld is installed "
		    "after that", (long long)newer);
	(void)snprintf(buf, size, "in trial: waits for aiupdate --commit "
	    "(%s%s%s%s)%s%s", runs, runs[0] && when[0] ? ", " : "",
	    when[0] ? "until " : "", when, au_trial_expired(t, cfg, now) ?
	    "; expired: the next --apply rolls it back" : "", wait);
}

/* ---- --commit ---- */

static int
tracked(const struct au_config *cfg, const char *name, struct au_diag *diag)
{
	size_t i;

	for (i = 0; name != NULL && i < cfg->ntargets; i++)
		if (strcmp(cfg->targets[i], name) == 0)
			return 0;
	if (name == NULL)
		return 0;
	return au_diag_set(diag, AU_EUSAGE, "%s is not a tracked target (see "
	    "[repository] targets in the config)", name);
}

/* What --commit does to one target: how many trials it ended (0 or 1). */
static int
commit_one(struct au_state_target *t)
{
	if (!t->trial)
		return 0;
	t->trial = 0;
	return 1;
}

/* What --retry does to one target: how many bad marks it dropped. */
static int
retry_one(struct au_state_target *t)
{
	int n = (int)t->nbad;

	t->nbad = 0;
	return n;
}

/* Edit one target's record; returns how many things it changed. */
typedef int (*state_edit_fn)(struct au_state_target *t);

/* fn on NAME, or on every tracked target (name NULL), that has a record. */
static int
edit_targets(const struct au_config *cfg, struct au_state *st,
    const char *name, state_edit_fn fn)
{
	struct au_state_target *t;
	size_t i;
	int n = 0;

	for (i = 0; i < cfg->ntargets; i++) {
		if (name != NULL && strcmp(cfg->targets[i], name) != 0)
			continue;
		t = au_state_find(st, cfg->targets[i], 0);
		if (t != NULL)
			n += fn(t);
	}
	return n;
}

static int
edit_locked(const struct au_config *cfg, const char *name, state_edit_fn fn,
    int *n, struct au_diag *diag)
{
	char path[AU_CONFIG_PATH_MAX + 32];
	struct au_state *st = calloc(1, sizeof(*st));
	int rc;

	if (st == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	(void)snprintf(path, sizeof(path), "%s/state.json", cfg->state_dir);
	rc = au_state_load(path, st, diag);
	if (rc == 0)
		*n = edit_targets(cfg, st, name, fn);
	if (rc == 0 && *n > 0)
		rc = au_state_save(path, st, diag);
	free(st);
	return rc;
}

static int
edit_state(const struct au_config *cfg, const char *name, state_edit_fn fn,
    int *changed, struct au_diag *diag)
{
	char path[AU_CONFIG_PATH_MAX + 32];
	struct au_lock *lk = NULL;
	struct au_stat sb;
	int rc, n = 0;

	rc = tracked(cfg, name, diag);
	if (rc == 0)	/* a file where state_dir belongs: exit 2 */
		rc = au_preflight_state_dir_shape(cfg->state_dir, diag);
	if (rc != 0)
		return rc;
	if (au_stat(cfg->state_dir, &sb, NULL) == 0 && sb.type == AU_FT_NONE) {
		*changed = 0;	/* nothing was ever installed */
		return 0;
	}
	if (snprintf(path, sizeof(path), "%s/lock", cfg->state_dir) >=
	    (int)sizeof(path))
		return au_diag_set(diag, AU_ECONFIG, "state_dir too long");
	rc = au_lock_take(path, &lk, diag);
	/* A state_dir that cannot be used (unwritable) is a deployment
	 * mistake, exit 2, as for --check and --apply (client/preflight.h). */
	if (rc != 0 && rc != AU_ELOCKED && rc != AU_ENOSPC)
		return au_preflight_state_dir(cfg->state_dir, diag);
	if (rc == 0)
		rc = edit_locked(cfg, name, fn, &n, diag);
	au_lock_release(lk);
	if (rc == 0)
		*changed = n;
	return rc;
}

int
au_trial_commit(const struct au_config *cfg, const char *name,
    int *committed, struct au_diag *diag)
{
	return edit_state(cfg, name, commit_one, committed, diag);
}

int
au_bad_clear(const struct au_config *cfg, const char *name, int *cleared,
    struct au_diag *diag)
{
	return edit_state(cfg, name, retry_one, cleared, diag);
}
