/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_custom.c - a target's signed custom parsed once into one
 * struct (client/metadata/custom.h), and its three readers (budget, floor,
 * fleet) agreeing on what is malformed.
 */
#include "client/metadata/custom.h"

#include <string.h>

#include "client/install/bundle.h"
#include "client/metadata/budget.h"
#include "client/metadata/fleet.h"
#include "client/metadata/floor.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

TEST(absent_members)
{
	struct au_custom c;
	struct au_diag d;

	CHECK_EQ(au_custom_parse(NULL, &c, &d), 0);
	CHECK_EQ(c.min_version, -1);
	CHECK_EQ(c.bundle_max_bytes, 0);
	CHECK_EQ(c.bundle_max_entries, 0);
	CHECK_EQ(c.rollout, -1);
	CHECK(!c.classes.present && !c.tags.present);
	CHECK_EQ(au_custom_parse("{\"version\":3,\"other\":[1.5]}", &c, &d), 0);
	CHECK_EQ(c.min_version, -1);
	CHECK_EQ(c.rollout, -1);
}

TEST(every_member_in_one_parse)
{
	struct au_custom c;
	struct au_diag d;

	CHECK_EQ(au_custom_parse("{\"bundle_max_bytes\":500,"
	    "\"bundle_max_entries\":7,\"device_classes\":[\"rpi5\",\"jetson-orin\"],"
	    "\"device_tags\":[],\"min_version\":2,\"rollout\":25,\"version\":3}",
	    &c, &d), 0);
	CHECK_EQ(c.min_version, 2);
	CHECK_EQ(c.bundle_max_bytes, 500);
	CHECK_EQ(c.bundle_max_entries, 7);
	CHECK_EQ(c.rollout, 25);
	CHECK(c.classes.present);
	CHECK_EQ(c.classes.n, 2);
	CHECK_STR(c.classes.name[0], "rpi5");
	CHECK_STR(c.classes.name[1], "jetson-orin");
	CHECK(c.tags.present);
	CHECK_EQ(c.tags.n, 0);
}

TEST(malformed_refused_and_out_untouched)
{
	static const char *const bad[] = {
		"[1]", "{", "{\"min_version\":1,\"min_version\":2}",
		"{\"min_version\":-1}", "{\"min_version\":\"3\"}",
		"{\"bundle_max_bytes\":0}", "{\"bundle_max_entries\":1.5}",
		"{\"device_classes\":\"rpi5\"}", "{\"device_tags\":[\"a b\"]}",
		"{\"rollout\":101}", "{\"rollout\":true}",
	};
	struct au_custom c;
	struct au_diag d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0x5a, sizeof(c));
		CHECK_EQ(au_custom_parse(bad[i], &c, &d), AU_EMETA_MALFORMED);
		CHECK_EQ(c.rollout, 0x5a5a5a5a);
	}
	CHECK(strstr(d.msg, "custom.rollout") != NULL);
}

/* Before the one parser, the floor and the budget read a custom that the
 * fleet refused (and the other way round): one verdict for all now. */
TEST(readers_agree_on_malformed)
{
	static const char *const bad[] = {
		"{\"rollout\":101}", "{\"device_tags\":{}}",
		"{\"min_version\":-1}", "{\"bundle_max_bytes\":0}",
	};
	static const struct au_device dev = { "", "", "" };
	enum au_fleet_verdict v;
	uint64_t b = 1, e = 1;
	int64_t floor = 0;
	struct au_diag d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(au_floor_from_custom(bad[i], &floor, &d),
		    AU_EMETA_MALFORMED);
		CHECK_EQ(au_budget_from_custom(bad[i], &b, &e, &d),
		    AU_EMETA_MALFORMED);
		CHECK_EQ(au_fleet_decide(bad[i], "m", &dev, &v, &d),
		    AU_EMETA_MALFORMED);
	}
	CHECK_EQ(floor, 0);
	CHECK_EQ(b, 1);
}

TEST(readers_of_the_struct)
{
	static const struct au_device orin = { "jetson-orin", "canary", "id" };
	struct au_custom c;
	struct au_diag d;
	uint64_t b = 1000, e = 10;

	REQUIRE(au_custom_parse("{\"bundle_max_bytes\":9000000000000,"
	    "\"device_classes\":[\"rpi5\"]}", &c, &d) == 0);
	au_budget_apply(&c, &b, &e);
	CHECK_EQ(b, AU_BUNDLE_MAX_BYTES);	/* never past the built-in cap */
	CHECK_EQ(e, 10);
	CHECK_EQ(au_fleet_verdict(&c, "m", &orin), AU_FLEET_WRONG_CLASS);
	REQUIRE(au_custom_parse("{\"rollout\":0}", &c, &d) == 0);
	CHECK_EQ(au_fleet_verdict(&c, "m", &orin), AU_FLEET_NOT_YET);
	REQUIRE(au_custom_parse("{\"rollout\":100,\"device_tags\":[\"canary\"]}",
	    &c, &d) == 0);
	CHECK_EQ(au_fleet_verdict(&c, "m", &orin), AU_FLEET_OK);
}

/* Issue 13: "chunk_index" names a target under the one name policy. */
TEST(chunk_index_member)
{
	static const char *const bad[] = {
		"{\"chunk_index\":7}", "{\"chunk_index\":\"\"}",
		"{\"chunk_index\":\"/abs.cidx\"}",
		"{\"chunk_index\":\"a/../b.cidx\"}",
		"{\"chunk_index\":\"m/current\"}",
		"{\"chunk_index\":\"a\\nb\"}",
	};
	struct au_custom c;
	struct au_diag d;
	char big[700];
	size_t i;

	CHECK_EQ(au_custom_parse("{\"version\":2}", &c, &d), 0);
	CHECK_STR(c.chunk_index, "");
	CHECK_EQ(au_custom_parse("{\"chunk_index\":\"models/m.bin.cidx\","
	    "\"version\":2}", &c, &d), 0);
	CHECK_STR(c.chunk_index, "models/m.bin.cidx");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0x5a, sizeof(c));
		CHECK_EQ(au_custom_parse(bad[i], &c, &d), AU_EMETA_MALFORMED);
		CHECK(strstr(d.msg, "custom.chunk_index") != NULL);
		CHECK_EQ(c.rollout, 0x5a5a5a5a);
	}
	memcpy(big, "{\"chunk_index\":\"", 16);
	memset(big + 16, 'a', 600);
	memcpy(big + 616, "\"}", 3);
	CHECK_EQ(au_custom_parse(big, &c, &d), AU_EMETA_MALFORMED);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(absent_members);
	RUN(every_member_in_one_parse);
	RUN(malformed_refused_and_out_untouched);
	RUN(readers_agree_on_malformed);
	RUN(readers_of_the_struct);
	RUN(chunk_index_member);
	return harness_done();
}

