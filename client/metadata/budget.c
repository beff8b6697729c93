/* SPDX-License-Identifier: ISC */
/* client/metadata/budget.c - a bundle's extraction budget from signed custom metadata. */
#include "client/metadata/budget.h"

#include <string.h>

#include <jansson.h>

#include "client/install/bundle.h"
#include "port/ban.h"

/* A signed member replaces the configured *val, lowered to hard. */
static int
member(json_t *o, const char *key, uint64_t *val, uint64_t hard,
    struct au_diag *diag)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom.%s is not "
		    "an integer >= 1", key);
	*val = (uint64_t)json_integer_value(v);
	if (*val > hard)
		*val = hard;
	return 0;
}

int
au_budget_from_custom(const char *custom_json, uint64_t *max_bytes,
    uint64_t *max_entries, struct au_diag *diag)
{
	uint64_t b = *max_bytes, e = *max_entries;
	json_t *o;
	int rc;

	if (custom_json == NULL)
		return 0;
	if (strlen(custom_json) > AU_BUDGET_CUSTOM_MAX)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom metadata "
		    "over %d bytes", AU_BUDGET_CUSTOM_MAX);
	o = json_loads(custom_json, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom metadata "
		    "is not a JSON object");
	}
	rc = member(o, "bundle_max_bytes", &b, AU_BUNDLE_MAX_BYTES, diag);
	if (rc == 0)
		rc = member(o, "bundle_max_entries", &e, AU_BUNDLE_MAX_ENTRIES,
		    diag);
	json_decref(o);
	if (rc == 0) {
		*max_bytes = b;
		*max_entries = e;
	}
	return rc;
}
