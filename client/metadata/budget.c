/* SPDX-License-Identifier: ISC */
/* client/metadata/budget.c - a bundle's extraction budget from signed custom metadata. */
#include "client/metadata/budget.h"

#include "client/install/bundle.h"
#include "port/ban.h"

/* A signed member (0: absent) replaces the configured *val, lowered to hard. */
static void
member(uint64_t signed_val, uint64_t hard, uint64_t *val)
{
	if (signed_val != 0)
		*val = signed_val < hard ? signed_val : hard;
}

void
au_budget_apply(const struct au_custom *c, uint64_t *max_bytes,
    uint64_t *max_entries)
{
	member(c->bundle_max_bytes, AU_BUNDLE_MAX_BYTES, max_bytes);
	member(c->bundle_max_entries, AU_BUNDLE_MAX_ENTRIES, max_entries);
}

int
au_budget_from_custom(const char *custom_json, uint64_t *max_bytes,
    uint64_t *max_entries, struct au_diag *diag)
{
	struct au_custom c;
	int rc = au_custom_parse(custom_json, &c, diag);

	if (rc == 0)
		au_budget_apply(&c, max_bytes, max_entries);
	return rc;
}
