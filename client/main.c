/* SPDX-License-Identifier: ISC */
/* client/main.c - the aiupdate command: argument parsing and dispatch. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli.h"
#include "client/clock.h"
#include "client/config.h"
#include "client/preflight.h"
#include "client/report/events.h"
#include "client/report/progress.h"
#include "client/install/state.h"
#include "client/install/store.h"
#include "client/install/trial.h"
#include "client/report/report.h"
#include "client/report/send.h"
#include "client/install/rollback.h"
#include "client/update.h"
#include "manifest/tuf.h"
#include "port/port.h"
#include "port/ban.h"

#ifndef AU_BUILD_TIME
#define AU_BUILD_TIME 0
#endif
#define AU_VERSION "0.1.0"

struct opts {
	const char *config;
	const char *rollback_name;
	int json;
	int verbose;
	const char *from;	/* --from DIR: a repository copy */
	int syslog;		/* --syslog */
};

static const char usage_text[] =
"usage: aiupdate [-c FILE] [--json] [-v] --check | --apply | --status\n"
"       aiupdate [-c FILE] --rollback [NAME]\n"
"       aiupdate [-c FILE] --commit [NAME]\n"
"       aiupdate [-c FILE] --retry [NAME]\n"
"       aiupdate [-c FILE] [--json] --device-key\n"
"       aiupdate --version | --help\n"
"\n"
"  --check       discover the repository, refresh the signed metadata and\n"
"                compare with what is installed; downloads no artifact\n"
"  --apply       as --check, then download, verify and install every tracked\n"
"                target with a newer signed version (health-checked)\n"
"  --status      offline: what is installed, and the last run's result\n"
"  --rollback    switch NAME (default: every tracked target) back to its\n"
"                previous installed version (never below the signed\n"
"                min_version)\n"
"  --commit      end the trial of NAME (default: every tracked target in\n"
"                trial) installed with [install] confirm = yes\n"
"  --retry       forget the versions of NAME (default: every tracked target)\n"
"                marked bad by a failed health check, an expired trial or\n"
"                --rollback, so the next --apply may install them again\n"
"  --device-key  print this device's id and status-report public key\n"
"                (whpk_...) for enrolment in the fleet; made when missing\n"
"  -c, --config  config file (default " AU_CONFIG_DEFAULT ")\n"
"  --from DIR    with --check or --apply: read the repository from a copy\n"
"                (DIR/metadata, DIR/targets; aiupdate-repo export) instead\n"
"                of DNS and HTTPS; the same verification, no downgrade\n"
"  --json        machine-readable output for --check, --apply, --status\n"
"  --syslog      log events to syslog as well (default when stderr is not\n"
"                a terminal)\n"
"  -v            more detail (repeat for debug logs)\n"
"\n"
"exit status:\n"
"    0  success; --check: every tracked target is up to date\n"
"  100  --check: at least one update is available\n"
"    1  internal error\n"
"    2  usage or configuration error\n"
"   10  discovery failed: DNS answer bogus or insecure, missing, resolver failed\n"
"   11  transport failed: TLS verification, connection, HTTP error, timeout\n"
"   12  metadata refused: signature or threshold, expired, rollback, malformed,\n"
"       over its size cap\n"
"   13  artifact refused: length or hash mismatch, unsafe bundle\n"
"   14  install failed before the switch; nothing changed (also a --rollback\n"
"       refused: no previous version, or below the signed min_version)\n"
"   15  health check failed, or a trial expired uncommitted; the previous\n"
"       version was restored (unless below min_version: the message says)\n"
"   16  the clock cannot be trusted\n"
"   17  not enough disk space\n"
"   75  another aiupdate run holds the lock\n";

static void
print_error(const char *what, int err, const struct au_diag *d)
{
	fprintf(stderr, "aiupdate: %s: %s\n", what, au_strerror(err));
	if (d->msg[0] != '\0')
		fprintf(stderr, "  %s\n", d->msg);
}

/* ---- check / apply ---- */

/* The progress bar (client/report/progress.h), redrawn in place on stderr. */
static struct au_progress progress;
static int progress_shown;

static void
progress_cb(void *arg, const char *target, uint64_t done, uint64_t total)
{
	char line[AU_PROGRESS_LINE_MAX];
	int64_t ms = au_monotonic_ms();

	(void)arg;
	if (!progress_shown) {	/* a new transfer */
		au_progress_begin(&progress, target, total, ms);
		progress_shown = 1;
	}
	if (au_progress_update(&progress, done, ms, line, sizeof(line)))
		fprintf(stderr, "\r%s\033[K", line);
	if (done >= total) {
		fputc('\n', stderr);
		progress_shown = 0;
	}
}

static void
progress_end(void)
{
	if (progress_shown)
		fputc('\n', stderr);
	progress_shown = 0;
}

/* --from, and a progress bar only on a terminal and without --json. */
static void
run_opts(const struct opts *o, struct au_source *local, struct au_run_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	if (o->from != NULL) {
		au_source_local(local, o->from);
		ro->source = local;
	}
	if (!o->json && au_log_stderr_is_tty())
		ro->progress = progress_cb;
}

static int
exit_for_run(int rc, const struct au_report *rep, enum au_mode mode)
{
	if (rc != 0)
		return au_exit_status(rc);
	if (mode == AU_MODE_CHECK && rep->updates > 0)
		return AU_EXIT_UPDATES;
	return AU_EXIT_OK;
}

/*
 * The run's status report to the fleet ([report], client/report/send.h):
 * queued, and sent unless --from; never changes the exit status.  With
 * j (--json) its outcome becomes j's "report" member.
 */
static void
report_run(const struct au_config *cfg, const struct opts *o,
    enum au_devreport_mode mode, const struct au_report *rep, int err,
    const char *msg, int code, json_t *j)
{
	struct au_devreport_run r = { .mode = mode, .offline = o->from != NULL,
		.exit_code = code, .err = err, .message = msg, .rep = rep,
		.version = AU_VERSION };
	struct au_devreport_outcome out;

	/* Off; or a run locked out by another learned nothing to report. */
	if ((cfg->report_endpoint[0] == '\0' && cfg->report_host[0] == '\0') ||
	    err == AU_ELOCKED)
		return;
	if (rep != NULL) {
		r.phase = rep->phase;
		r.now = rep->now;
		r.clock = rep->clock;
		r.floor = rep->floor;
	} else {
		r.clock = au_now();
		if (au_clock_floor_load(cfg->state_dir, (int64_t)AU_BUILD_TIME,
		    &r.floor, NULL) != 0)
			r.floor = 0;
		r.now = au_clock_effective(r.clock, r.floor);
	}
	au_devreport_send(cfg, &r, &out);
	au_devreport_log(cfg, &out, j == NULL);
	if (j != NULL)
		json_object_set_new(j, "report", au_devreport_outcome_json(&out));
}

static int
cmd_run(const struct au_config *cfg, const struct opts *o, enum au_mode mode)
{
	struct au_report *rep;
	struct au_source local;
	struct au_run_opts ro;
	struct au_diag cd = { "", 0 };
	int64_t now = au_now(), floor;
	int rc, code;
	json_t *j;

	/* The clock policy (client/clock.h): dates are judged at
	 * max(clock, time floor); the floor starts at the build time. */
	rc = au_clock_floor_load(cfg->state_dir, (int64_t)AU_BUILD_TIME, &floor,
	    &cd);
	if (rc != 0) {
		print_error("time floor", rc, &cd);
		return au_exit_status(rc);
	}
	rep = calloc(1, sizeof(*rep));
	if (rep == NULL)
		return AU_EXIT_INTERNAL;
	run_opts(o, &local, &ro);
	rc = au_update_run(cfg, mode, au_clock_effective(now, floor), &ro, rep);
	rep->clock = now;
	rep->floor = floor;
	rep->warn_days = cfg->warn_days;
	progress_end();
	au_events_log(rep, mode);
	code = exit_for_run(rc, rep, mode);
	if (o->json) {
		j = au_report_json(rep, code);
		report_run(cfg, o, mode == AU_MODE_APPLY ? AU_DR_APPLY : AU_DR_CHECK,
		    rep, rc, rep->diag.msg, code, j);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(j);
	} else {
		au_report_print(rep, mode, o->verbose);
		fflush(stdout);
		report_run(cfg, o, mode == AU_MODE_APPLY ? AU_DR_APPLY : AU_DR_CHECK,
		    rep, rc, rep->diag.msg, code, NULL);
	}
	free(rep);
	return code;
}

/* ---- status (offline) ---- */

static json_t *
load_last_run(const struct au_config *cfg)
{
	char path[AU_CONFIG_PATH_MAX + 32];
	uint8_t *buf = NULL;
	size_t len;
	json_t *j = NULL;

	(void)snprintf(path, sizeof(path), "%s/last-run.json", cfg->state_dir);
	if (au_file_read_all(path, 65536, &buf, &len, NULL) == 0)
		j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES,
		    NULL);
	free(buf);
	return j;
}

/* --status: the signed floor, older versions kept, and the trial
 * (client/metadata/floor.h, client/install/retain.h, client/install/trial.h). */
static json_t *
status_extra(const struct au_config *cfg, const struct au_state_target *t,
    json_t *o)
{
	char since[32], until[32] = "";
	int64_t deadline = au_trial_deadline(t, cfg);
	json_t *older = json_array();
	size_t i;

	for (i = 0; i < t->nolder; i++)
		json_array_append_new(older, json_integer(
		    (json_int_t)t->older[i].version));
	json_object_set_new(o, "min_version", json_integer(
	    (json_int_t)t->min_version));
	json_object_set_new(o, "older_versions", older);
	json_object_set_new(o, "provenance", json_string(t->provenance));
	if (!t->trial) {
		json_object_set_new(o, "trial", json_null());
		return o;
	}
	au_report_fmt_time(t->trial_since, since, sizeof(since));
	if (deadline != 0)
		au_report_fmt_time(deadline, until, sizeof(until));
	json_object_set_new(o, "trial", json_pack("{s:s,s:I,s:i,s:s,s:b}",
	    "since", since, "runs", (json_int_t)t->trial_runs, "max_runs",
	    cfg->trial_runs, "deadline", until, "expired",
	    au_trial_expired(t, cfg, au_now())));
	return o;
}

static json_t *
status_target(const struct au_config *cfg, struct au_state *st,
    const char *name)
{
	struct au_state_target *t = au_state_find(st, name, 0);
	char path[AU_CONFIG_PATH_MAX + 600], when[32];
	struct au_stat sb;

	(void)snprintf(path, sizeof(path), "%s/targets/%s/current",
	    cfg->state_dir, name);
	if (t == NULL || t->hash[0] == '\0' || au_stat(path, &sb, NULL) != 0 ||
	    sb.type == AU_FT_NONE)
		return json_pack("{s:s,s:b}", "name", name, "installed", 0);
	au_report_fmt_time(t->installed_at, when, sizeof(when));
	return status_extra(cfg, t, json_pack("{s:s,s:b,s:I,s:s,s:s,s:s,s:I,"
	    "s:s}", "name", name,
	    "installed", 1, "version", (json_int_t)t->version, "sha256",
	    t->hash, "path", path, "installed_at", when, "previous_version",
	    (json_int_t)(t->prev_hash[0] ? t->prev_version : -1),
	    "previous_sha256", t->prev_hash));
}

static void
print_status_extra(const json_t *t)
{
	const json_t *tr = json_object_get(t, "trial"), *v;
	json_int_t floor = json_integer_value(json_object_get(t,
	    "min_version"));
	size_t i;

	if (json_array_size(json_object_get(t, "older_versions")) > 0) {
		printf("  kept       versions");
		json_array_foreach(json_object_get(t, "older_versions"), i, v)
			printf(" %lld", (long long)json_integer_value(v));
		printf("\n");
	}
	if (floor >= 0)
		printf("  min        version %lld (signed floor for rollbacks)\n",
		    (long long)floor);
	if (json_string_length(json_object_get(t, "provenance")) > 0)
		printf("  provenance %s\n", json_string_value(json_object_get(t,
		    "provenance")));
	if (!json_is_object(tr))
		return;
	printf("  trial      since %s, %lld run%s", json_string_value(
	    json_object_get(tr, "since")), (long long)json_integer_value(
	    json_object_get(tr, "runs")), json_integer_value(json_object_get(
	    tr, "runs")) == 1 ? "" : "s");
	if (json_integer_value(json_object_get(tr, "max_runs")) > 0)
		printf(" of %lld", (long long)json_integer_value(
		    json_object_get(tr, "max_runs")));
	if (json_string_length(json_object_get(tr, "deadline")) > 0)
		printf(", until %s", json_string_value(json_object_get(tr,
		    "deadline")));
	printf("%s\n", json_is_true(json_object_get(tr, "expired")) ?
	    "; expired: the next --apply rolls it back" :
	    "; waits for aiupdate --commit");
}

static void
print_status(const json_t *j)
{
	const json_t *t, *last = json_object_get(j, "last_run");
	size_t i;

	json_array_foreach(json_object_get(j, "targets"), i, t) {
		printf("%s\n", json_string_value(json_object_get(t, "name")));
		if (!json_is_true(json_object_get(t, "installed"))) {
			printf("  not installed\n");
			continue;
		}
		printf("  version    %lld\n  sha256     %s\n  path       %s\n"
		    "  installed  %s\n", (long long)json_integer_value(
		    json_object_get(t, "version")), json_string_value(
		    json_object_get(t, "sha256")), json_string_value(
		    json_object_get(t, "path")), json_string_value(
		    json_object_get(t, "installed_at")));
		if (json_integer_value(json_object_get(t,
		    "previous_version")) >= 0)
			printf("  previous   version %lld\n", (long long)
			    json_integer_value(json_object_get(t,
			    "previous_version")));
		print_status_extra(t);
	}
	if (json_is_object(last)) {
		char when[32];

		au_report_fmt_time(json_integer_value(json_object_get(last, "time")),
		    when, sizeof(when));
		printf("last run: %s, %s%s%s\n", when,
		    json_integer_value(json_object_get(last, "result")) == 0 ?
		    "ok" : json_string_value(json_object_get(last, "error")),
		    json_string_length(json_object_get(last, "message")) ?
		    ": " : "", json_string_value(json_object_get(last,
		    "message")));
	} else {
		printf("last run: none recorded\n");
	}
}

static int
cmd_status(const struct au_config *cfg, const struct opts *o)
{
	char path[AU_CONFIG_PATH_MAX + 32];
	struct au_state *st;
	struct au_diag d;
	json_t *j, *ts;
	size_t i;
	int rc;

	struct au_stat sd;

	/* A file where the directory belongs: exit 2, as for --check. */
	rc = au_preflight_state_dir_shape(cfg->state_dir, &d);
	if (rc != 0) {
		print_error("status", rc, &d);
		return au_exit_status(rc);
	}
	if (au_stat(cfg->state_dir, &sd, NULL) == 0 && sd.type == AU_FT_NONE)
		fprintf(stderr, "aiupdate: warning: state directory %s does not "
		    "exist: nothing was ever installed with this config (%s)\n",
		    cfg->state_dir, o->config);
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return AU_EXIT_INTERNAL;
	(void)snprintf(path, sizeof(path), "%s/state.json", cfg->state_dir);
	rc = au_state_load(path, st, &d);
	if (rc != 0) {
		print_error("status", rc, &d);
		free(st);
		return au_exit_status(rc);
	}
	ts = json_array();
	for (i = 0; i < cfg->ntargets; i++)
		json_array_append_new(ts, status_target(cfg, st,
		    cfg->targets[i]));
	j = json_pack("{s:o,s:o*}", "targets", ts, "last_run",
	    load_last_run(cfg));
	if (o->json) {
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
	} else {
		print_status(j);
	}
	json_decref(j);
	free(st);
	return AU_EXIT_OK;
}

/* The --json form of a command that has no report of its own; with cfg
 * (not NULL) the status report of mode is sent and its outcome added. */
static int
json_result(int err, const struct au_diag *d, const struct au_config *cfg,
    const struct opts *o, enum au_devreport_mode mode)
{
	int code = au_exit_status(err);
	json_t *j;

	j = json_pack("{s:i,s:s,s:s}", "exit", code, "result",
	    err ? au_strerror(err) : "ok", "message", err ? d->msg : "");
	if (cfg != NULL)
		report_run(cfg, o, mode, NULL, err, d->msg, code, j);
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("\n");
	json_decref(j);
	return code;
}

static int
cmd_rollback(const struct au_config *cfg, const struct opts *o)
{
	struct au_diag d = { "", 0 };
	int rc;

	rc = au_rollback_run(cfg, o->rollback_name, &d);
	if (o->json)
		return json_result(rc, &d, cfg, o, AU_DR_ROLLBACK);
	if (rc != 0)
		print_error("rollback", rc, &d);
	else
		printf("rolled back %s\n", o->rollback_name ? o->rollback_name :
		    "every tracked target that has a previous version");
	fflush(stdout);
	report_run(cfg, o, AU_DR_ROLLBACK, NULL, rc, d.msg, au_exit_status(rc),
	    NULL);
	return au_exit_status(rc);
}

/*
 * --commit [NAME]: end trials; --retry [NAME]: forget versions marked bad
 * (client/install/trial.h).
 */
static int
cmd_edit(const struct au_config *cfg, const struct opts *o, int retry)
{
	const char *what = retry ? "retry" : "commit";
	struct au_diag d = { "", 0 };
	int rc, n = 0;

	rc = retry ? au_bad_clear(cfg, o->rollback_name, &n, &d) :
	    au_trial_commit(cfg, o->rollback_name, &n, &d);
	if (rc == 0 && n == 0)
		(void)snprintf(d.msg, sizeof(d.msg), "%s", retry ?
		    "no version is marked bad" : "nothing in trial to commit");
	else if (rc == 0)
		(void)snprintf(d.msg, sizeof(d.msg), "%s %d %s%s%s%s", retry ?
		    "forgot" : "committed", n, retry ? "bad version" :
		    "trial version", n == 1 ? "" : "s", o->rollback_name ?
		    " of " : "", o->rollback_name ? o->rollback_name : "");
	if (rc == 0 && retry && n > 0)
		au_log_event(AU_LOG_INFO, "event=retry target=%s cleared=%d",
		    o->rollback_name ? o->rollback_name : "*", n);
	if (o->json) {
		json_t *j = json_pack("{s:i,s:s,s:s,s:i}", "exit",
		    au_exit_status(rc), "result", rc ? au_strerror(rc) : "ok",
		    "message", d.msg, retry ? "cleared" : "committed", n);

		report_run(cfg, o, retry ? AU_DR_RETRY : AU_DR_COMMIT, NULL, rc,
		    d.msg, au_exit_status(rc), j);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(j);
		return au_exit_status(rc);
	}
	if (rc != 0)
		print_error(what, rc, &d);
	else
		printf("%s\n", d.msg);
	fflush(stdout);
	report_run(cfg, o, retry ? AU_DR_RETRY : AU_DR_COMMIT, NULL, rc, d.msg,
	    au_exit_status(rc), NULL);
	return au_exit_status(rc);
}

/* ---- main: parse, load config, dispatch ---- */

enum cmd { CMD_NONE, CMD_CHECK, CMD_APPLY, CMD_STATUS, CMD_ROLLBACK,
	CMD_COMMIT, CMD_RETRY, CMD_DEVKEY };

/* --device-key: the id and public key to enrol (client/report/send.h). */
static int
cmd_devkey(const struct au_config *cfg, const struct opts *o)
{
	struct au_diag d = { "", 0 };
	int rc = au_devreport_print_key(cfg, o->json, &d);

	if (rc != 0 && o->json)
		return json_result(rc, &d, NULL, o, AU_DR_CHECK);
	if (rc != 0)
		print_error("device key", rc, &d);
	return au_exit_status(rc);
}

static int
usage_error(const char *msg)
{
	fprintf(stderr, "aiupdate: %s\n%s", msg, usage_text);
	return AU_EXIT_USAGE;
}

static int
parse_args(int argc, char **argv, struct opts *o, enum cmd *cmd)
{
	static const struct option lopts[] = {
		{ "check", no_argument, NULL, 'C' },
		{ "apply", no_argument, NULL, 'A' },
		{ "status", no_argument, NULL, 'S' },
		{ "rollback", no_argument, NULL, 'R' },
		{ "commit", no_argument, NULL, 'K' },
		{ "retry", no_argument, NULL, 'T' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "from", required_argument, NULL, 'F' },
		{ "syslog", no_argument, NULL, 'L' },
		{ "device-key", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	enum cmd c = CMD_NONE;
	int ch;

	while ((ch = getopt_long(argc, argv, "c:vh", lopts, NULL)) != -1) {
		enum cmd next = CMD_NONE;

		switch (ch) {
		case 'C': next = CMD_CHECK; break;
		case 'A': next = CMD_APPLY; break;
		case 'S': next = CMD_STATUS; break;
		case 'R': next = CMD_ROLLBACK; break;
		case 'K': next = CMD_COMMIT; break;
		case 'T': next = CMD_RETRY; break;
		case 'D': next = CMD_DEVKEY; break;
		case 'c': o->config = optarg; break;
		case 'j': o->json = 1; break;
		case 'v': o->verbose++; break;
		case 'V': printf("aiupdate %s\n", AU_VERSION); exit(0);
		case 'h': printf("%s", usage_text); exit(0);
		case 'F': o->from = optarg; break;
		case 'L': o->syslog = 1; break;
		default: return usage_error("unknown option");
		}
		if (next != CMD_NONE && c != CMD_NONE)
			return usage_error("give exactly one of --check, "
			    "--apply, --status, --rollback, --commit, --retry, "
			    "--device-key");
		if (next != CMD_NONE)
			c = next;
	}
	if ((c == CMD_ROLLBACK || c == CMD_COMMIT || c == CMD_RETRY) &&
	    optind < argc)
		o->rollback_name = argv[optind++];	/* or the NAME to commit */
	if (optind < argc)
		return usage_error("unexpected argument");
	if (c == CMD_NONE)
		return usage_error("give one of --check, --apply, --status, "
		    "--rollback, --commit, --retry");
	if (o->from != NULL && c != CMD_CHECK && c != CMD_APPLY)
		return usage_error("--from goes with --check or --apply");
	*cmd = c;
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = { .config = AU_CONFIG_DEFAULT };
	struct au_config cfg;
	struct au_diag d = { "", 0 };
	enum cmd cmd = CMD_NONE;
	int rc;

	rc = parse_args(argc, argv, &o, &cmd);
	if (rc != 0)
		return rc;
	au_log_set_level(o.verbose > 1 ? AU_LOG_DEBUG : o.verbose ?
	    AU_LOG_INFO : AU_LOG_WARN);
	if (o.syslog || !au_log_stderr_is_tty())
		au_log_set_syslog(1);
	rc = au_config_load(o.config, &cfg, &d);
	if (rc != 0 && o.json)
		return json_result(rc, &d, NULL, &o, AU_DR_CHECK);
	if (rc != 0) {
		fprintf(stderr, "aiupdate: %s\n", d.msg);
		return AU_EXIT_USAGE;
	}
	switch (cmd) {
	case CMD_CHECK: rc = cmd_run(&cfg, &o, AU_MODE_CHECK); break;
	case CMD_APPLY: rc = cmd_run(&cfg, &o, AU_MODE_APPLY); break;
	case CMD_STATUS: rc = cmd_status(&cfg, &o); break;
	case CMD_COMMIT: rc = cmd_edit(&cfg, &o, 0); break;
	case CMD_RETRY: rc = cmd_edit(&cfg, &o, 1); break;
	case CMD_DEVKEY: rc = cmd_devkey(&cfg, &o); break;
	default: rc = cmd_rollback(&cfg, &o); break;
	}
	au_config_clear(&cfg);
	return rc;
}
