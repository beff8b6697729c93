/* SPDX-License-Identifier: ISC */
/* client/install/rollback.c - --rollback by hand (rollback.h). */
#include "client/install/rollback.h"

#include <string.h>

#include "client/install/install.h"
#include "client/metadata/floor.h"
#include "port/port.h"
#include "port/ban.h"

static int
rollback_one(struct au_install *in, const char *name, struct au_diag *diag)
{
	struct au_state_target *st = au_state_find(in->state, name, 0);

	if (st == NULL || st->prev_hash[0] == '\0')
		return au_diag_set(diag, AU_EINSTALL, "%s: no previous "
		    "version to roll back to", name);
	if (!au_floor_allows(st->min_version, st->prev_version))
		return au_diag_set(diag, AU_EINSTALL, "%s: cannot roll back "
		    "below min_version %lld: the previous version %lld is "
		    "older than the signed metadata allows", name,
		    (long long)st->min_version, (long long)st->prev_version);
	if (st->nolder == 0 && au_state_is_bad(in->state, name, st->prev_hash))
		return au_diag_set(diag, AU_EINSTALL, "%s: the previous "
		    "version %lld is marked bad (rolled back from, or failed "
		    "its health check): not switching back to it; `aiupdate "
		    "--retry %s` first if it should be allowed again", name,
		    (long long)st->prev_version, name);
	/* [install] keep > 2: one step further back; else a swap, so the
	 * version rolled back from stays as previous. */
	return au_install_step_back(in, name, st->nolder == 0, diag);
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
rollback_all(struct au_install *in, const struct au_config *cfg,
    struct au_diag *diag)
{
	struct au_state_target *st;
	size_t i, done = 0, floored = 0, bad = 0;
	int rc;

	for (i = 0; i < cfg->ntargets; i++) {
		st = au_state_find(in->state, cfg->targets[i], 0);
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
		if (st->nolder == 0 && au_state_is_bad(in->state,
		    cfg->targets[i], st->prev_hash)) {
			bad++;	/* already rolled back from it */
			au_log(AU_LOG_WARN, "%s: not rolled back: the previous "
			    "version %lld is marked bad", cfg->targets[i],
			    (long long)st->prev_version);
			continue;
		}
		rc = rollback_one(in, cfg->targets[i], diag);
		if (rc != 0)
			return rc;
		done++;
	}
	if (done == 0)
		return au_diag_set(diag, AU_EINSTALL, "no tracked target has "
		    "a previous version to roll back to%s%s", floored ? " that "
		    "is not below its signed min_version" : "", bad ? (floored ?
		    " or marked bad" : " that is not marked bad (see --retry)") :
		    "");
	return 0;
}

int
au_rollback_run(const struct au_config *cfg, const char *name,
    struct au_diag *diag)
{
	struct au_install in;
	struct au_diag sd = { "", 0 };
	int rc, src;

	if (name != NULL && !is_tracked(cfg, name))
		return au_diag_set(diag, AU_EUSAGE, "%s is not a tracked target "
		    "(see [repository] targets in the config)", name);
	rc = au_install_open(&in, cfg->state_dir, au_now(), diag);
	if (rc == 0)
		rc = name != NULL ? rollback_one(&in, name, diag) :
		    rollback_all(&in, cfg, diag);
	/* Links already switched are recorded even when a later one failed
	 * (whose message stays the one reported). */
	if (in.dirty && (src = au_install_save(&in, &sd)) != 0 && rc == 0) {
		rc = src;
		if (diag != NULL)
			*diag = sd;
	}
	au_install_close(&in);
	return rc;
}
