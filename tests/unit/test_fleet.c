/* SPDX-License-Identifier: ISC */
/* tests/unit/test_fleet.c - device targeting and staged rollout decisions. */
#include "client/metadata/fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "port/ban.h"

#define NDEV 1000
#define MODEL "models/eng.traineddata"

static const struct au_device orin = { "jetson-orin", "canary, eu", "dev-1" };

static enum au_fleet_verdict
decide(const char *custom, const char *name, const struct au_device *d)
{
	enum au_fleet_verdict v = (enum au_fleet_verdict)-1;
	struct au_diag diag;

	if (au_fleet_decide(custom, name, d, &v, &diag) != 0)
		return (enum au_fleet_verdict)-2;
	return v;
}

/* Pinned values: SHA-256(id || 0 || name), first 8 bytes big endian, mod 100
 * (computed independently with Python's hashlib). */
TEST(bucket_matches_independent_computation)
{
	CHECK_EQ(au_fleet_bucket("device-0001", MODEL), 90);
	CHECK_EQ(au_fleet_bucket("device-0002", MODEL), 57);
	CHECK_EQ(au_fleet_bucket("0123456789abcdef0123456789abcdef",
	    "policy/guard.tar.gz"), 98);
	CHECK_EQ(au_fleet_bucket("", "x"), 52);
}

static void
dev_id(char *buf, size_t size, int i)
{
	(void)snprintf(buf, size, "%08x-4f2c-device-%d", (unsigned)i * 2654435761u, i);
}

/* A table of device ids: raising the percentage only ever adds devices, and
 * the share in is close to the percentage. */
TEST(rollout_only_adds_devices)
{
	static int in_at[NDEV];
	char id[64], custom[64];
	int pct, i, count;

	memset(in_at, 0, sizeof(in_at));
	for (pct = 0; pct <= 100; pct += 5) {
		count = 0;
		(void)snprintf(custom, sizeof(custom), "{\"rollout\":%d}", pct);
		for (i = 0; i < NDEV; i++) {
			struct au_device d = { "", "", id };
			int in;

			dev_id(id, sizeof(id), i);
			in = decide(custom, MODEL, &d) == AU_FLEET_OK;
			CHECK(!(in_at[i] && !in));	/* once in, stays in */
			in_at[i] = in;
			count += in;
		}
		CHECK(count >= pct * NDEV / 100 - 50 && count <= pct * NDEV / 100 + 50);
		if (pct == 0)
			CHECK_EQ(count, 0);
		if (pct == 100)
			CHECK_EQ(count, NDEV);
	}
}

/* Deterministic per device, independent per target name. */
TEST(rollout_is_per_target)
{
	char id[64];
	int i, same = 0;

	for (i = 0; i < NDEV; i++) {
		dev_id(id, sizeof(id), i);
		CHECK_EQ(au_fleet_bucket(id, MODEL), au_fleet_bucket(id, MODEL));
		same += (au_fleet_bucket(id, MODEL) < 30) ==
		    (au_fleet_bucket(id, "policy/guard.tar.gz") < 30);
	}
	CHECK(same < NDEV - 100);	/* not the same 30% for every target */
}

TEST(rollout_table)
{
	static const struct {
		const char *id;
		int pct;
		enum au_fleet_verdict want;
	} t[] = {
		{ "device-0001", 90, AU_FLEET_NOT_YET },	/* bucket 90 */
		{ "device-0001", 91, AU_FLEET_OK },
		{ "device-0002", 57, AU_FLEET_NOT_YET },	/* bucket 57 */
		{ "device-0002", 58, AU_FLEET_OK },
		{ "device-0002", 100, AU_FLEET_OK },
		{ "device-0002", 0, AU_FLEET_NOT_YET },
		{ "", 99, AU_FLEET_NOT_YET },		/* no id: only 100% */
		{ "", 100, AU_FLEET_OK },
	};
	char custom[64];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct au_device d = { "", "", t[i].id };

		(void)snprintf(custom, sizeof(custom), "{\"rollout\":%d}", t[i].pct);
		CHECK_EQ(decide(custom, MODEL, &d), t[i].want);
	}
}

TEST(targeting_by_class_and_tag)
{
	static const struct au_device bare = { "", "", "dev-2" };

	CHECK_EQ(decide(NULL, MODEL, &orin), AU_FLEET_OK);
	CHECK_EQ(decide("{}", MODEL, &orin), AU_FLEET_OK);
	CHECK_EQ(decide("{\"version\":3}", MODEL, &orin), AU_FLEET_OK);
	CHECK_EQ(decide("{\"device_classes\":[\"rpi5\",\"jetson-orin\"]}", MODEL,
	    &orin), AU_FLEET_OK);
	CHECK_EQ(decide("{\"device_classes\":[\"rpi5\"]}", MODEL, &orin),
	    AU_FLEET_WRONG_CLASS);
	CHECK_EQ(decide("{\"device_classes\":[]}", MODEL, &orin),
	    AU_FLEET_WRONG_CLASS);
	CHECK_EQ(decide("{\"device_classes\":[\"jetson\"]}", MODEL, &orin),
	    AU_FLEET_WRONG_CLASS);	/* whole names only */
	CHECK_EQ(decide("{\"device_classes\":[\"rpi5\"]}", MODEL, &bare),
	    AU_FLEET_WRONG_CLASS);
	CHECK_EQ(decide("{\"device_tags\":[\"eu\"]}", MODEL, &orin), AU_FLEET_OK);
	CHECK_EQ(decide("{\"device_tags\":[\"us\",\"canary\"]}", MODEL, &orin),
	    AU_FLEET_OK);
	CHECK_EQ(decide("{\"device_tags\":[\"us\"]}", MODEL, &orin),
	    AU_FLEET_NO_TAG);
	CHECK_EQ(decide("{\"device_tags\":[\"canar\"]}", MODEL, &orin),
	    AU_FLEET_NO_TAG);
	CHECK_EQ(decide("{\"device_tags\":[\"eu\"]}", MODEL, &bare),
	    AU_FLEET_NO_TAG);
	CHECK_EQ(decide("{\"device_classes\":[\"jetson-orin\"],"
	    "\"device_tags\":[\"us\"]}", MODEL, &orin), AU_FLEET_NO_TAG);
	CHECK_EQ(decide("{\"device_classes\":[\"rpi5\"],\"rollout\":100}", MODEL,
	    &orin), AU_FLEET_WRONG_CLASS);
}

TEST(malformed_custom_is_refused)
{
	static const char *const bad[] = {
		"{\"device_classes\":\"jetson-orin\"}",
		"{\"device_classes\":[1]}",
		"{\"device_classes\":[\"a b\"]}",
		"{\"device_classes\":[\"\"]}",
		"{\"device_tags\":{}}",
		"{\"device_tags\":[\"x/y\"]}",
		"{\"rollout\":101}",
		"{\"rollout\":-1}",
		"{\"rollout\":\"50\"}",
		"{\"rollout\":true}",
		"[1]",
		"{\"rollout\":",
	};
	enum au_fleet_verdict v = AU_FLEET_OK;
	struct au_diag d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = (enum au_fleet_verdict)7;
		CHECK_EQ(au_fleet_decide(bad[i], MODEL, &orin, &v, &d),
		    AU_EMETA_MALFORMED);
		CHECK_EQ(v, 7);		/* untouched on error */
	}
}

TEST(name_and_list_checks)
{
	char big[AU_FLEET_NAME_MAX + 2];
	struct au_diag d;

	CHECK_EQ(au_fleet_name_check("rpi5", 4), 0);
	CHECK_EQ(au_fleet_name_check("a_b.c-D", 7), 0);
	CHECK_EQ(au_fleet_name_check("", 0), AU_EUSAGE);
	CHECK_EQ(au_fleet_name_check("a b", 3), AU_EUSAGE);
	memset(big, 'a', sizeof(big));
	CHECK_EQ(au_fleet_name_check(big, AU_FLEET_NAME_MAX), 0);
	CHECK_EQ(au_fleet_name_check(big, AU_FLEET_NAME_MAX + 1), AU_EUSAGE);
	CHECK_EQ(au_fleet_list_check("", &d), 0);
	CHECK_EQ(au_fleet_list_check("canary, eu  lab", &d), 0);
	CHECK_EQ(au_fleet_list_check("canary;eu", &d), AU_EUSAGE);
	CHECK(strstr(d.msg, "canary;eu") != NULL);
}

TEST(device_id_sources)
{
	char path[256], buf[AU_FLEET_ID_MAX + 1];
	char missing[sizeof(path) + 16], file[sizeof(path) + 16];
	struct au_diag d;
	FILE *f;

	REQUIRE(harness_tmpdir(path, sizeof(path), "aiu-fleet") != NULL);
	(void)snprintf(missing, sizeof(missing), "%s/none", path);
	(void)snprintf(file, sizeof(file), "%s/machine-id", path);
	CHECK_EQ(au_fleet_device_id("conf-id", file, buf, sizeof(buf), &d), 0);
	CHECK_STR(buf, "conf-id");
	CHECK_EQ(au_fleet_device_id("", missing, buf, sizeof(buf), &d), 0);
	CHECK_STR(buf, "");
	f = fopen(file, "w");
	REQUIRE(f != NULL);
	fputs("0123456789abcdef0123456789abcdef\n", f);
	fclose(f);
	CHECK_EQ(au_fleet_device_id(NULL, file, buf, sizeof(buf), &d), 0);
	CHECK_STR(buf, "0123456789abcdef0123456789abcdef");
	CHECK_EQ(au_fleet_device_id("bad\tid", file, buf, sizeof(buf), &d),
	    AU_ECONFIG);
	remove(file);
	remove(path);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(bucket_matches_independent_computation);
	RUN(rollout_only_adds_devices);
	RUN(rollout_is_per_target);
	RUN(rollout_table);
	RUN(targeting_by_class_and_tag);
	RUN(malformed_custom_is_refused);
	RUN(name_and_list_checks);
	RUN(device_id_sources);
	return harness_done();
}
