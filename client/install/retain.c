/* SPDX-License-Identifier: ISC */
/* client/install/retain.c - versions kept per target, [install] keep (retain.h). */
#include "client/install/retain.h"

#include <stdlib.h>

#include "port/ban.h"

size_t
au_retain_older(const struct au_config *cfg)
{
	if (cfg->keep <= 2)
		return 0;
	return (size_t)cfg->keep - 2;
}

size_t
au_retain_prune(const struct au_config *cfg, struct au_install *in,
    int *err, struct au_diag *diag)
{
	struct au_state_target *t;
	size_t i, n = 0;
	int rc;

	*err = 0;
	for (i = 0; i < cfg->ntargets; i++) {
		t = au_state_find(in->state, cfg->targets[i], 0);
		if (t != NULL && t->nolder > au_retain_older(cfg)) {
			t->nolder = au_retain_older(cfg);	/* keep lowered */
			n++;
		}
		if (cfg->keep != 1 || t == NULL || t->trial ||
		    t->prev_hash[0] == '\0')
			continue;
		rc = au_install_drop_previous(in, t->name, diag);
		if (rc != 0 && *err == 0)
			*err = rc;
		if (rc == 0)
			n++;
	}
	return n;
}

int
au_retain_gc(struct au_store *s, const struct au_state *st,
    struct au_diag *diag)
{
	char (*keep)[65];
	size_t n;
	int rc;

	keep = calloc(AU_STATE_MAX_TARGETS * AU_STATE_MAX_OLDER, 65);
	if (keep == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	n = au_state_older_hashes(st, keep, AU_STATE_MAX_TARGETS *
	    AU_STATE_MAX_OLDER);
	rc = au_store_gc_keep(s, (const char (*)[65])keep, n, diag);
	free(keep);
	return rc;
}
