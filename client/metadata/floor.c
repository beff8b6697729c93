/* SPDX-License-Identifier: ISC */
/* client/metadata/floor.c - the signed version floor custom.min_version (floor.h). */
#include "client/metadata/floor.h"

#include "client/metadata/custom.h"
#include "port/ban.h"

int
au_floor_from_custom(const char *custom_json, int64_t *min_version,
    struct au_diag *diag)
{
	struct au_custom c;
	int rc = au_custom_parse(custom_json, &c, diag);

	if (rc == 0)
		*min_version = c.min_version;
	return rc;
}

int
au_floor_allows(int64_t min_version, int64_t version)
{
	return min_version < 0 || version >= min_version;
}
