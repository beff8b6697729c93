/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_trial.c - trial expiry and run counting (client/install/trial.h),
 * the signed floor (client/metadata/floor.h), bundle budgets from config and signed
 * custom (client/metadata/budget.h), and the [install] keys of the config.
 */
#include "client/install/trial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/metadata/budget.h"
#include "client/install/bundle.h"
#include "client/config.h"
#include "client/metadata/floor.h"
#include "client/install/retain.h"
#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

static struct au_config cfg;
static struct au_state st;

static void
policy(int runs, int seconds)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.trial_runs = runs;
	cfg.trial_seconds = seconds;
	cfg.keep = 2;
}

TEST(trial_expires_by_runs_or_time)
{
	struct au_state_target t;

	memset(&t, 0, sizeof(t));
	policy(3, 100);
	CHECK(!au_trial_expired(&t, &cfg, 1 << 30));	/* not in trial */
	CHECK_EQ(au_trial_deadline(&t, &cfg), 0);
	au_trial_begin(&t, 1000);
	CHECK_EQ(au_trial_deadline(&t, &cfg), 1100);
	CHECK(!au_trial_expired(&t, &cfg, 1099));
	CHECK(au_trial_expired(&t, &cfg, 1100));
	au_trial_count(&t);
	au_trial_count(&t);
	CHECK(!au_trial_expired(&t, &cfg, 1000));
	au_trial_count(&t);
	CHECK(au_trial_expired(&t, &cfg, 1000));	/* 3 runs of 3 */
	policy(0, 0);	/* no limit at all */
	CHECK(!au_trial_expired(&t, &cfg, (int64_t)1 << 40));
	CHECK_EQ(au_trial_deadline(&t, &cfg), 0);
	policy(0, 10);
	CHECK(!au_trial_expired(&t, &cfg, 1009));
	CHECK(au_trial_expired(&t, &cfg, 1010));
	au_trial_begin(NULL, 5);	/* ignored */
	t.trial = 0;
	au_trial_count(&t);	/* only trials count */
	CHECK_EQ(t.trial_runs, 3);
}

TEST(count_runs_skips_the_installing_run)
{
	struct au_report *rep = calloc(1, sizeof(*rep));
	struct au_state_target *a, *b;

	REQUIRE(rep != NULL);
	memset(&st, 0, sizeof(st));
	a = au_state_find(&st, "a", 1);
	b = au_state_find(&st, "b", 1);
	au_state_find(&st, "c", 1);
	au_trial_begin(a, 1);
	au_trial_begin(b, 1);
	rep->n = 4;
	rep->t[0].name = "a";
	rep->t[0].status = AU_T_IN_TRIAL;
	rep->t[1].name = "b";
	rep->t[1].status = AU_T_INSTALLED;	/* put in trial by this run */
	rep->t[2].name = "c";			/* not in trial */
	rep->t[3].name = "untracked-in-state";
	CHECK_EQ(au_trial_count_runs(&st, rep), 1);
	CHECK_EQ(a->trial_runs, 1);
	CHECK_EQ(b->trial_runs, 0);
	free(rep);
}

TEST(describe_says_runs_deadline_and_waiting_version)
{
	struct au_state_target t;
	char buf[512];

	memset(&t, 0, sizeof(t));
	policy(3, 86400);
	au_trial_begin(&t, 1790000000);
	au_trial_count(&t);
	au_trial_describe(&t, &cfg, 1790000000, 7, buf, sizeof(buf));
	CHECK(strstr(buf, "1 of 3 runs") != NULL);
	CHECK(strstr(buf, "until 2026-") != NULL);
	CHECK(strstr(buf, "version 7 is installed after") != NULL);
	CHECK(strstr(buf, "expired") == NULL);
	au_trial_describe(&t, &cfg, 1790086400, -1, buf, sizeof(buf));
	CHECK(strstr(buf, "expired: the next --apply rolls it back") != NULL);
	CHECK(strstr(buf, "is installed after") == NULL);
	policy(0, 0);
	au_trial_describe(&t, &cfg, 0, -1, buf, sizeof(buf));
	CHECK(strstr(buf, "no limit") != NULL);
}

TEST(floor_from_signed_custom)
{
	struct au_diag d = { "", 0 };
	int64_t v = 99;

	CHECK_EQ(au_floor_from_custom(NULL, &v, &d), 0);
	CHECK_EQ(v, -1);
	CHECK_EQ(au_floor_from_custom("{\"version\":3}", &v, &d), 0);
	CHECK_EQ(v, -1);
	CHECK_EQ(au_floor_from_custom("{\"min_version\":3,\"version\":4}", &v,
	    &d), 0);
	CHECK_EQ(v, 3);
	CHECK_EQ(au_floor_from_custom("{\"min_version\":0}", &v, &d), 0);
	CHECK_EQ(v, 0);
	v = 42;
	CHECK_EQ(au_floor_from_custom("{\"min_version\":-1}", &v, &d),
	    AU_EMETA_MALFORMED);
	CHECK(strstr(d.msg, "min_version") != NULL);
	CHECK_EQ(au_floor_from_custom("{\"min_version\":\"3\"}", &v, &d),
	    AU_EMETA_MALFORMED);
	CHECK_EQ(au_floor_from_custom("{\"min_version\":3.5}", &v, &d),
	    AU_EMETA_MALFORMED);
	CHECK_EQ(au_floor_from_custom("[1]", &v, &d), AU_EMETA_MALFORMED);
	CHECK_EQ(au_floor_from_custom("{\"min_version\":1,\"min_version\":2}",
	    &v, &d), AU_EMETA_MALFORMED);
	CHECK_EQ(v, 42);	/* untouched on error */
	CHECK(au_floor_allows(-1, 0));
	CHECK(au_floor_allows(3, 3));
	CHECK(au_floor_allows(3, 4));
	CHECK(!au_floor_allows(3, 2));
	CHECK(!au_floor_allows(0, -1));
}

TEST(budget_config_default_and_signed_override)
{
	struct au_diag d = { "", 0 };
	uint64_t b = 1000, e = 10;

	/* nothing signed: the configured values stay */
	CHECK_EQ(au_budget_from_custom(NULL, &b, &e, &d), 0);
	CHECK_EQ(b, 1000);
	CHECK_EQ(e, 10);
	CHECK_EQ(au_budget_from_custom("{\"version\":2}", &b, &e, &d), 0);
	CHECK_EQ(b, 1000);
	CHECK_EQ(e, 10);
	/* signed values win over the config, lower or higher */
	CHECK_EQ(au_budget_from_custom("{\"bundle_max_bytes\":500}", &b, &e,
	    &d), 0);
	CHECK_EQ(b, 500);
	CHECK_EQ(e, 10);
	CHECK_EQ(au_budget_from_custom("{\"bundle_max_bytes\":5000,"
	    "\"bundle_max_entries\":20}", &b, &e, &d), 0);
	CHECK_EQ(b, 5000);
	CHECK_EQ(e, 20);
	/* ... but never past the built-in maximum */
	CHECK_EQ(au_budget_from_custom("{\"bundle_max_bytes\":"
	    "9000000000000,\"bundle_max_entries\":99999999}", &b, &e, &d), 0);
	CHECK_EQ(b, AU_BUNDLE_MAX_BYTES);
	CHECK_EQ(e, AU_BUNDLE_MAX_ENTRIES);
	b = 7;
	CHECK_EQ(au_budget_from_custom("{\"bundle_max_entries\":0}", &b, &e,
	    &d), AU_EMETA_MALFORMED);
	CHECK_EQ(b, 7);
}

static char cdir[256];

static int
load_conf(const char *install, struct au_config *c, struct au_diag *d)
{
	char path[300];
	FILE *fp;
	int rc;

	snprintf(path, sizeof(path), "%s/c.conf", cdir);
	fp = fopen(path, "w");
	if (fp == NULL)
		return -12345;
	fprintf(fp, "[discovery]\ndomain = x.example\n[repository]\n"
	    "trusted_root = /r.json\ntargets = a/b\n[install]\n"
	    "state_dir = /var/lib/x\n%s", install);
	fclose(fp);
	rc = au_config_load(path, c, d);
	return rc;
}

TEST(config_install_keys)
{
	static const char *const bad[] = {
		"confirm = maybe\n", "trial_runs = -1\n", "trial_runs = 1001\n",
		"trial_seconds = 31536001\n", "keep = 0\n", "keep = 17\n",
		"bundle_max_bytes = 0\n", "bundle_max_bytes = -5\n",
		"bundle_max_bytes = 4294967297\n", "bundle_max_entries = 10001\n",
		"bundle_max_entries = 12x\n", "kep = 2\n",
	};
	struct au_config c;
	struct au_diag d = { "", 0 };
	size_t i;

	REQUIRE(harness_tmpdir(cdir, sizeof(cdir), "au-test-trial") != NULL);
	REQUIRE(load_conf("", &c, &d) == 0);
	CHECK_EQ(c.confirm, 0);
	CHECK_EQ(c.trial_runs, 3);
	CHECK_EQ(c.trial_seconds, 86400);
	CHECK_EQ(c.keep, 2);
	CHECK_EQ(c.bundle_max_bytes, AU_BUNDLE_MAX_BYTES);
	CHECK_EQ(c.bundle_max_entries, AU_BUNDLE_MAX_ENTRIES);
	au_config_clear(&c);
	REQUIRE(load_conf("confirm = yes\ntrial_runs = 0\ntrial_seconds = 60\n"
	    "keep = 5\nbundle_max_bytes = 1048576\nbundle_max_entries = 32\n",
	    &c, &d) == 0);
	CHECK_EQ(c.confirm, 1);
	CHECK_EQ(c.trial_runs, 0);
	CHECK_EQ(c.trial_seconds, 60);
	CHECK_EQ(c.keep, 5);
	CHECK_EQ(au_retain_older(&c), 3);
	CHECK_EQ(c.bundle_max_bytes, 1048576);
	CHECK_EQ(c.bundle_max_entries, 32);
	au_config_clear(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d.msg[0] = '\0';
		CHECK_EQ(load_conf(bad[i], &c, &d), AU_ECONFIG);
		CHECK(strstr(d.msg, "c.conf:8") != NULL);
	}
	CHECK(au_remove_tree(cdir, NULL) == 0);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(trial_expires_by_runs_or_time);
	RUN(count_runs_skips_the_installing_run);
	RUN(describe_says_runs_deadline_and_waiting_version);
	RUN(floor_from_signed_custom);
	RUN(budget_config_default_and_signed_override);
	RUN(config_install_keys);
	return harness_done();
}
