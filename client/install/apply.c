/* SPDX-License-Identifier: ISC */
/* client/install/apply.c - switch, health check, and back (apply.h). */
#include "client/install/apply.h"

#include <stdio.h>
#include <string.h>

#include "client/install/health.h"
#include "client/install/retain.h"
#include "client/install/trial.h"
#include "client/metadata/floor.h"
#include "port/port.h"
#include "port/ban.h"

int
au_apply_health_runnable(const struct au_config *cfg, struct au_diag *diag)
{
	char prog[AU_CONFIG_PATH_MAX];
	struct au_diag d = { "", 0 };
	size_t n;

	if (cfg->health_check[0] == '\0')
		return 0;
	n = strcspn(cfg->health_check, " ");	/* as client/install/health.c splits */
	(void)snprintf(prog, sizeof(prog), "%.*s", (int)n, cfg->health_check);
	if (au_executable(prog, &d) == 0)
		return 0;
	return au_diag_set(diag, AU_ECONFIG, "[install] health_check \"%.200s\" "
	    "cannot be run: %s", cfg->health_check, d.msg);
}

static int
health_check(struct au_install *in, const struct au_config *cfg,
    const struct au_target_report *tr, struct au_diag *diag)
{
	char cur[65], prev[65], path[AU_CONFIG_PATH_MAX + 600], ver[32];
	char prevpath[sizeof(path) + 16];
	int rc;

	if (cfg->health_check[0] == '\0')
		return 0;
	rc = au_store_get(in->store, tr->name, cur, prev, path, sizeof(path),
	    diag);
	if (rc != 0)
		return rc;
	(void)snprintf(ver, sizeof(ver), "%lld",
	    (long long)tr->available_version);
	(void)snprintf(prevpath, sizeof(prevpath), "%.*sprevious",
	    (int)(strlen(path) - strlen("current")), path);
	return au_health_run(cfg->health_check, tr->name, ver, path,
	    prev[0] ? prevpath : "", cfg->health_timeout, diag);
}

/*
 * A failed health check, but the version before is below the signed floor
 * (client/metadata/floor.h): running a version the publisher forbids is worse
 * than a failed check, so the new version stays current; exit 15 says why.
 */
static int
keep_above_floor(struct au_target_report *tr, const struct au_state_target *old,
    const struct au_diag *hd, struct au_diag *diag)
{
	tr->status = AU_T_FAILED;
	tr->err = AU_EHEALTH;
	(void)snprintf(tr->msg, sizeof(tr->msg), "%.400s; kept: cannot roll "
	    "back below min_version %lld", hd->msg, (long long)old->min_version);
	return au_diag_set(diag, AU_EHEALTH, "%s version %lld: %s; cannot "
	    "roll back below min_version %lld (previous is version %lld): "
	    "version %lld stays installed", tr->name,
	    (long long)tr->available_version, hd->msg,
	    (long long)old->min_version, (long long)old->version,
	    (long long)tr->available_version);
}

/* The switch failed its health check: go back, remember the bad version. */
static int
roll_back(struct au_install *in, struct au_target_report *tr,
    const struct au_diag *hd, struct au_diag *diag)
{
	const struct au_state_target *old = &in->before;
	int rc;

	if (old->hash[0] != '\0' && !au_floor_allows(old->min_version,
	    old->version))
		return keep_above_floor(tr, old, hd, diag);
	rc = au_install_undo(in, tr->name, 1, diag);
	if (rc != 0)
		return rc;
	tr->status = AU_T_ROLLED_BACK;
	tr->err = AU_EHEALTH;
	(void)snprintf(tr->msg, sizeof(tr->msg), "%s", hd->msg);
	return au_diag_set(diag, AU_EHEALTH, "%s version %lld: %s; "
	    "previous version restored", tr->name,
	    (long long)tr->available_version, hd->msg);
}

/*
 * The health check could not be judged (a local failure: its spawn, the
 * store): the version is not blamed, nor kept unchecked.  Back to the
 * version before, nothing marked bad: the next run tries it again.
 */
static int
not_judged(struct au_install *in, struct au_target_report *tr, int rc,
    struct au_diag *diag)
{
	struct au_diag ud = { "", 0 };

	if (au_install_undo(in, tr->name, 0, &ud) != 0)
		au_log(AU_LOG_WARN, "%s: not switched back: %s", tr->name,
		    ud.msg);
	tr->status = AU_T_FAILED;
	tr->err = rc;
	(void)snprintf(tr->msg, sizeof(tr->msg), "%s", diag->msg);
	return rc;
}

int
au_apply_target(struct au_install *in, const struct au_config *cfg,
    struct au_target_report *tr, const char **phase, struct au_diag *diag)
{
	struct au_state_target *st;
	struct au_diag hd;
	int rc;

	*phase = "install";
	rc = au_install_switch(in, tr->name, tr->available_version,
	    tr->available_hash, au_retain_older(cfg), diag);
	if (rc != 0) {
		tr->status = AU_T_FAILED;
		tr->err = rc;
		(void)snprintf(tr->msg, sizeof(tr->msg), "%s", diag->msg);
		return rc;
	}
	/* The OMS verdict goes with the version (undone with it). */
	st = au_state_find(in->state, tr->name, 0);
	if (st != NULL)
		(void)snprintf(st->provenance, sizeof(st->provenance), "%s",
		    tr->provenance);
	*phase = "health";
	rc = health_check(in, cfg, tr, diag);
	if (rc == AU_EHEALTH) {
		hd = *diag;
		return roll_back(in, tr, &hd, diag);
	}
	if (rc != 0)
		return not_judged(in, tr, rc, diag);
	tr->status = AU_T_INSTALLED;
	if (cfg->confirm) {	/* [install] confirm: client/install/trial.h */
		au_trial_begin(au_state_find(in->state, tr->name, 0), in->now);
		(void)snprintf(tr->msg, sizeof(tr->msg), "in trial until "
		    "aiupdate --commit");
	}
	return 0;
}
