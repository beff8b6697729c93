/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_devreport.c - client/report/devreport: the body's result,
 * phase and error of failed runs, the DNS answers that were not secure,
 * bad versions, and a report of a command that saw no repository.
 */
#include "client/report/devreport.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "port/ban.h"

static char target_name[] = "models/m.bin";
static char *targets[] = { target_name };

static void
config(struct au_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->targets[0] = targets[0];
	cfg->ntargets = 1;
}

static json_t *
body(const struct au_config *cfg, const struct au_devreport_run *run,
    const struct au_state *st)
{
	char *s = NULL;
	size_t len = 0;
	json_t *j;

	if (au_devreport_body(cfg, run, st, "dev-1", "whpk_x", "00ff", 7, 2, &s,
	    &len, NULL) != 0)
		return NULL;
	j = json_loadb(s, len, 0, NULL);
	free(s);
	return json_object_get(j, "data") != NULL ? j : NULL;
}

#define DATA(j, k) json_object_get(json_object_get(j, "data"), k)

TEST(failed_run_names_phase_error_and_forged_answer)
{
	static struct au_report rep;
	struct au_devreport_run run = { .mode = AU_DR_CHECK, .exit_code = 10,
		.err = AU_EDNS_BOGUS, .phase = "discovery",
		.message = "repo.x A: validation failure", .rep = &rep,
		.now = 1800000000, .clock = 1700000000, .floor = 1800000000 };
	struct au_config cfg;
	json_t *j, *q;

	config(&cfg);
	memset(&rep, 0, sizeof(rep));
	rep.root.version = rep.timestamp.version = -1;
	rep.snapshot.version = rep.targets.version = -1;
	rep.net.nq = 2;
	(void)snprintf(rep.net.q[0].name, sizeof(rep.net.q[0].name), "_aiupdate._tcp.x");
	(void)snprintf(rep.net.q[0].type, sizeof(rep.net.q[0].type), "SRV");
	rep.net.q[0].state = AU_DNS_SECURE;
	rep.net.q[0].rrsig_expires = 1900000000;
	(void)snprintf(rep.net.q[1].name, sizeof(rep.net.q[1].name), "repo.x");
	(void)snprintf(rep.net.q[1].type, sizeof(rep.net.q[1].type), "A");
	rep.net.q[1].state = AU_DNS_BOGUS;
	(void)snprintf(rep.net.q[1].why, sizeof(rep.net.q[1].why), "signature \x01 bad");
	REQUIRE((j = body(&cfg, &run, NULL)) != NULL);
	CHECK_STR(json_string_value(DATA(j, "result")), "failed");
	CHECK_STR(json_string_value(DATA(j, "phase")), "discovery");
	CHECK_STR(json_string_value(DATA(j, "error")), "repo.x A: validation failure");
	CHECK_EQ(json_integer_value(DATA(j, "counter")), 7);
	CHECK_EQ(json_integer_value(json_object_get(DATA(j, "outbox"), "dropped")), 2);
	CHECK(json_is_true(json_object_get(DATA(j, "clock"), "floor_used")));
	CHECK_EQ(json_array_size(DATA(j, "roles")), 0);
	q = json_object_get(DATA(j, "dnssec"), "non_secure");
	REQUIRE(json_array_size(q) == 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(q, 0), "qname")), "repo.x");
	CHECK_STR(json_string_value(json_object_get(json_array_get(q, 0), "state")), "bogus");
	/* control bytes never reach the JSON */
	CHECK_STR(json_string_value(json_object_get(json_array_get(q, 0), "why_bogus")),
	    "signature ? bad");
	CHECK_STR(json_string_value(json_object_get(DATA(j, "dnssec"),
	    "rrsig_expires_earliest")), "2030-03-17T17:46:40Z");
	json_decref(j);
}

TEST(results_of_each_kind)
{
	static struct au_report rep;
	struct au_devreport_run run = { .mode = AU_DR_APPLY, .rep = &rep };

	memset(&rep, 0, sizeof(rep));
	rep.n = 1;
	rep.t[0].name = target_name;
	rep.t[0].status = AU_T_UPTODATE;
	CHECK_STR(au_devreport_result(&run), "up-to-date");
	rep.updates = 1;
	CHECK_STR(au_devreport_result(&run), "update-available");
	rep.t[0].status = AU_T_INSTALLED;
	CHECK_STR(au_devreport_result(&run), "installed");
	run.err = AU_EHEALTH;	/* the previous version runs again */
	CHECK_STR(au_devreport_result(&run), "rolled-back");
	run.err = AU_EART_HASH;
	CHECK_STR(au_devreport_result(&run), "failed");
	run.err = 0;
	run.rep = NULL;
	run.mode = AU_DR_COMMIT;
	CHECK_STR(au_devreport_result(&run), "committed");
	run.mode = AU_DR_RETRY;
	CHECK_STR(au_devreport_result(&run), "retried");
	run.mode = AU_DR_ROLLBACK;
	CHECK_STR(au_devreport_result(&run), "rolled-back");
	CHECK_STR(au_devreport_mode_name(AU_DR_ROLLBACK), "rollback");
}

TEST(installed_trial_and_bad_versions_from_the_record)
{
	static struct au_state st;
	struct au_devreport_run run = { .mode = AU_DR_ROLLBACK, .now = 1800000000 };
	struct au_config cfg;
	struct au_state_target *t;
	json_t *j, *tj;

	config(&cfg);
	memset(&st, 0, sizeof(st));
	REQUIRE((t = au_state_find(&st, target_name, 1)) != NULL);
	t->version = 3;
	memset(t->hash, 'a', 64);
	t->prev_version = 4;
	memset(t->prev_hash, 'b', 64);
	t->trial = 1;
	memset(t->bad[0], 'b', 64);	/* v4, known from prev */
	memset(t->bad[1], 'c', 64);	/* a version no record names */
	t->nbad = 2;
	REQUIRE((j = body(&cfg, &run, &st)) != NULL);
	tj = json_array_get(DATA(j, "targets"), 0);
	CHECK_EQ(json_integer_value(json_object_get(json_object_get(tj,
	    "installed"), "version")), 3);
	CHECK(json_is_null(json_object_get(tj, "available")));
	CHECK(json_is_true(json_object_get(tj, "trial")));
	CHECK_EQ(json_array_size(json_object_get(tj, "bad_versions")), 1);
	CHECK_EQ(json_integer_value(json_array_get(json_object_get(tj,
	    "bad_versions"), 0)), 4);
	CHECK_EQ(json_array_size(json_object_get(tj, "bad_sha256")), 2);
	CHECK_STR(json_string_value(DATA(j, "mode")), "rollback");
	CHECK(json_is_null(DATA(j, "phase")) && json_is_null(DATA(j, "error")));
	json_decref(j);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(failed_run_names_phase_error_and_forged_answer);
	RUN(results_of_each_kind);
	RUN(installed_trial_and_bad_versions_from_the_record);
	return harness_done();
}
