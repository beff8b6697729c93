/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_custom.c - libFuzzer target: a target's signed custom
 * (client/metadata/custom.h).  Beyond "no crash": what au_custom_parse
 * accepts is in range, its names are valid, and the three readers (budget,
 * floor, fleet) agree with it on what is malformed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/metadata/budget.h"
#include "client/metadata/custom.h"
#include "client/metadata/fleet.h"
#include "client/metadata/floor.h"
#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_list(const struct au_custom_list *l)
{
	size_t i;

	if (l->n > AU_CUSTOM_LIST_MAX || (!l->present && l->n != 0))
		abort();
	for (i = 0; i < l->n; i++)
		if (!au_custom_name_ok(l->name[i], strlen(l->name[i])))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct au_device dev = { "rpi5", "canary", "id" };
	struct au_custom c;
	enum au_fleet_verdict v;
	uint64_t b = 1, e = 1;
	int64_t floor;
	char *s;
	int rc;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';		/* the JSON is a C string, as au_target keeps it */
	rc = au_custom_parse(s, &c, NULL);
	if (rc == 0) {
		if (c.min_version < -1 || c.rollout < -1 || c.rollout > 100)
			abort();
		check_list(&c.classes);
		check_list(&c.tags);
	}
	if ((au_budget_from_custom(s, &b, &e, NULL) == 0) != (rc == 0) ||
	    (au_floor_from_custom(s, &floor, NULL) == 0) != (rc == 0) ||
	    (au_fleet_decide(s, "m", &dev, &v, NULL) == 0) != (rc == 0))
		abort();
	free(s);
	return 0;
}
