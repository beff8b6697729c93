/* SPDX-License-Identifier: ISC */
/* client/metadata/floor.c - the signed version floor custom.min_version (floor.h). */
#include "client/metadata/floor.h"

#include <string.h>

#include <jansson.h>

#include "port/ban.h"

int
au_floor_from_custom(const char *custom_json, int64_t *min_version,
    struct au_diag *diag)
{
	json_t *o, *v;
	int rc = 0;

	if (custom_json == NULL) {
		*min_version = -1;
		return 0;
	}
	if (strlen(custom_json) > AU_FLOOR_CUSTOM_MAX)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom metadata "
		    "over %d bytes", AU_FLOOR_CUSTOM_MAX);
	o = json_loads(custom_json, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom metadata "
		    "is not a JSON object");
	}
	v = json_object_get(o, "min_version");
	if (v == NULL)
		*min_version = -1;
	else if (!json_is_integer(v) || json_integer_value(v) < 0)
		rc = au_diag_set(diag, AU_EMETA_MALFORMED, "custom.min_version "
		    "is not an integer >= 0");
	else
		*min_version = (int64_t)json_integer_value(v);
	json_decref(o);
	return rc;
}

int
au_floor_allows(int64_t min_version, int64_t version)
{
	return min_version < 0 || version >= min_version;
}
