/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_update.c - the update run end to end (au_update_run,
 * au_rollback_run) through an in-memory repository source (struct
 * au_source, client/fetch/source.h) serving metadata signed with the TUF
 * fixtures (tests/unit/tuf_fixture.h): no DNS, no TLS, no server, a
 * temporary state_dir per test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/tuf_fixture.h"

#include "client/cli.h"
#include "client/config.h"
#include "client/fetch/source.h"
#include "client/install/install.h"
#include "client/install/rollback.h"
#include "client/update.h"
#include "port/port.h"
#include "port/ban.h"

#define NAME "model.bin"
#define MEM_FILES 16

/* ---- an in-memory repository as a source ---- */

struct mem_file {
	char name[64];		/* "metadata/FILE" or "targets/FILE" */
	struct blob b;
};

struct mem {
	struct au_source src;	/* first: a struct au_source * is a struct mem * */
	struct mem_file f[MEM_FILES];
	size_t n;
	int open_rc;		/* what open() answers (0: reachable) */
	int meta_fetches, artifact_fetches;
};

static struct mem_file *
mem_find(struct mem *m, const char *dir, const char *file)
{
	char name[64];
	size_t i;

	(void)snprintf(name, sizeof(name), "%s/%s", dir, file);
	for (i = 0; i < m->n; i++)
		if (strcmp(m->f[i].name, name) == 0)
			return &m->f[i];
	return NULL;
}

/* Serve bytes p (copied) as DIR/FILE, replacing what was there. */
static void
mem_put(struct mem *m, const char *dir, const char *file, const void *p,
    size_t len)
{
	struct mem_file *f = mem_find(m, dir, file);

	if (f == NULL) {
		if (m->n == MEM_FILES)
			abort();
		f = &m->f[m->n++];
		(void)snprintf(f->name, sizeof(f->name), "%s/%s", dir, file);
	}
	free(f->b.p);
	f->b.p = malloc(len + 1);
	if (f->b.p == NULL)
		abort();
	memcpy(f->b.p, p, len);
	f->b.len = len;
}

static int
mem_open(struct au_source *src, const struct au_config *cfg, int64_t now,
    struct au_report *rep, struct au_diag *diag)
{
	struct mem *m = (struct mem *)src;

	(void)cfg;
	(void)now;
	(void)snprintf(rep->host, sizeof(rep->host), "memory");
	if (m->open_rc != 0)
		return au_diag_set(diag, m->open_rc, "memory: unreachable");
	return 0;
}

static int
mem_meta(struct au_source *src, const char *file, size_t cap, uint8_t **buf,
    size_t *len, struct au_diag *diag)
{
	struct mem *m = (struct mem *)src;
	struct mem_file *f = mem_find(m, "metadata", file);

	m->meta_fetches++;
	if (f == NULL)
		return au_diag_set(diag, AU_ENOTFOUND, "%s: 404", file);
	if (f->b.len > cap)
		return au_diag_set(diag, AU_ETOOBIG, "%s: over %zu", file, cap);
	*buf = malloc(f->b.len + 1);
	if (*buf == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	memcpy(*buf, f->b.p, f->b.len);
	*len = f->b.len;
	return 0;
}

static int
mem_artifact(struct au_source *src, struct au_store *s, const char *file,
    const char *name, const struct au_stage_expect *ex,
    au_progress_fn progress, void *parg, char hash_hex[65], uint64_t *moved,
    struct au_diag *diag)
{
	struct mem *m = (struct mem *)src;
	struct mem_file *f = mem_find(m, "targets", file);
	struct au_stage *st = NULL;
	int rc;

	(void)progress;
	(void)parg;
	*moved = 0;
	m->artifact_fetches++;
	if (f == NULL)
		return au_diag_set(diag, AU_ENOTFOUND, "%s: 404", file);
	rc = au_stage_begin(s, ex, &st, diag);
	if (rc != 0)
		return rc;
	rc = au_stage_write(st, f->b.p, f->b.len, diag);
	if (rc != 0) {
		au_stage_abort(st);
		return rc;
	}
	*moved = f->b.len;
	return au_stage_commit(st, name, hash_hex, diag);
}

static void
mem_close(struct au_source *src)
{
	(void)src;
}

static void
mem_init(struct mem *m)
{
	memset(m, 0, sizeof(*m));
	m->src.open = mem_open;
	m->src.fetch_meta = mem_meta;
	m->src.fetch_artifact = mem_artifact;
	m->src.close = mem_close;
}

static void
mem_free(struct mem *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->f[i].b.p);
	m->n = 0;
}

/* ---- repository versions ---- */

/* targets version v: NAME listed with content `listed`, custom.version v. */
static json_t *
targets_v(int64_t v, const char *listed)
{
	json_t *s = common("targets", v, FUT), *t = json_object();
	json_t *e = target_entry(listed);

	json_object_set_new(e, "custom", json_pack("{s:I}", "version",
	    (json_int_t)v));
	json_object_set_new(t, NAME, e);
	json_object_set_new(s, "targets", t);
	return s;
}

/* Publish version v: metadata listing `listed`, the artifact `served`. */
static void
publish(struct mem *m, int64_t v, const char *listed, const char *served)
{
	struct blob tg, sn, ts;

	tg = seal(targets_v(v, listed), TG, -1);
	sn = seal(sn_signed(v, FUT, v, &tg), SN, -1);
	ts = seal(ts_signed(v, FUT, v, &sn), TS, -1);
	mem_put(m, "metadata", "targets.json", tg.p, tg.len);
	mem_put(m, "metadata", "snapshot.json", sn.p, sn.len);
	mem_put(m, "metadata", "timestamp.json", ts.p, ts.len);
	mem_put(m, "targets", NAME, served, strlen(served));
	blob_free(&tg);
	blob_free(&sn);
	blob_free(&ts);
}

/* ---- a device: temporary directory, config, state_dir ---- */

struct dev {
	char dir[512];
	char sd[AU_CONFIG_PATH_MAX];	/* state_dir */
	struct au_config cfg;
	struct mem m;
	struct au_report rep;
};

static void
put_file(const char *dir, const char *name, const char *text)
{
	char path[1024];

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (au_file_replace(path, text, strlen(text), 0644, NULL) != 0)
		abort();
}

/* Load the device's config: [install] lines `install` (may be "");
 * state_dir sd, or dir/state when sd is NULL.  A config line holds at most
 * 198 bytes: a longer sd is set in the loaded struct, as a caller of
 * au_update_run could. */
static int
dev_config(struct dev *d, const char *sd, const char *install)
{
	char conf[4096], path[600];
	struct au_diag dg = { "", 0 };
	int rc;

	if (sd != NULL)
		(void)snprintf(d->sd, sizeof(d->sd), "%s", sd);
	else
		(void)snprintf(d->sd, sizeof(d->sd), "%s/state", d->dir);
	(void)snprintf(conf, sizeof(conf), "[discovery]\ndomain = mem.test\n"
	    "[repository]\ntrusted_root = %s/root.json\ntargets = " NAME "\n"
	    "[install]\nstate_dir = %s/state\n%s\n[fleet]\n"
	    "device_id = unit-test\n", d->dir, d->dir, install);
	put_file(d->dir, "aiupdate.conf", conf);
	(void)snprintf(path, sizeof(path), "%s/aiupdate.conf", d->dir);
	au_config_clear(&d->cfg);
	memset(&d->cfg, 0, sizeof(d->cfg));
	rc = au_config_load(path, &d->cfg, &dg);
	if (rc != 0)
		fprintf(stderr, "  config: %s\n", dg.msg);
	(void)snprintf(d->cfg.state_dir, sizeof(d->cfg.state_dir), "%s", d->sd);
	return rc;
}

/* A device with root v1 (no consistent snapshots) trusted and version 1
 * of NAME ("model one") published. */
static int
dev_init(struct dev *d, const char *install)
{
	json_t *rs;
	struct blob root;
	char path[600];

	memset(d, 0, sizeof(*d));
	(void)snprintf(d->dir, sizeof(d->dir), "%s/au-update-XXXXXX",
	    harness_tmpbase());
	if (mkdtemp(d->dir) == NULL)
		return -1;
	rs = root_signed(1, FUT, 1, R0, -1, TS, SN, TG);
	json_object_set_new(rs, "consistent_snapshot", json_false());
	root = seal(rs, R0, -1);
	(void)snprintf(path, sizeof(path), "%s/root.json", d->dir);
	if (au_file_replace(path, root.p, root.len, 0644, NULL) != 0)
		abort();
	mem_init(&d->m);
	mem_put(&d->m, "metadata", "1.root.json", root.p, root.len);
	blob_free(&root);
	publish(&d->m, 1, "model one", "model one");
	return dev_config(d, NULL, install);
}

static void
dev_done(struct dev *d)
{
	mem_free(&d->m);
	au_config_clear(&d->cfg);
	if (au_remove_tree(d->dir, NULL) != 0)
		fprintf(stderr, "  cannot remove %s\n", d->dir);
}

/* One run at time `at`; the exit status the command line would give. */
static int
dev_run(struct dev *d, enum au_mode mode, int64_t at)
{
	struct au_run_opts o = { &d->m.src, NULL, NULL };
	int rc = au_update_run(&d->cfg, mode, at, &o, &d->rep);

	if (rc != 0)
		return au_exit_status(rc);
	return mode == AU_MODE_CHECK && d->rep.updates > 0 ? AU_EXIT_UPDATES :
	    AU_EXIT_OK;
}

/* STATE_DIR/REL read whole into a NUL-terminated string, or NULL. */
static char *
dev_read(const struct dev *d, const char *rel)
{
	char path[AU_CONFIG_PATH_MAX + 128];
	uint8_t *buf = NULL, *s;
	size_t len = 0;

	(void)snprintf(path, sizeof(path), "%s/%s", d->sd, rel);
	if (au_file_read_all(path, 1 << 20, &buf, &len, NULL) != 0)
		return NULL;
	s = realloc(buf, len + 1);
	if (s == NULL) {
		free(buf);
		return NULL;
	}
	s[len] = '\0';
	return (char *)s;
}

/* 1 when the running version of NAME holds exactly `content`. */
static int
current_is(const struct dev *d, const char *content)
{
	char *s = dev_read(d, "targets/" NAME "/current/" NAME);
	int same = s != NULL && strcmp(s, content) == 0;

	free(s);
	return same;
}

/* The install record of NAME, loaded from state.json. */
static int
record(const struct dev *d, struct au_state *st, struct au_state_target **t)
{
	char path[AU_CONFIG_PATH_MAX + 32];

	(void)snprintf(path, sizeof(path), "%s/state.json", d->sd);
	if (au_state_load(path, st, NULL) != 0)
		return -1;
	*t = au_state_find(st, NAME, 0);
	return *t != NULL ? 0 : -1;
}

static struct au_state rec_st;	/* large: not on the stack */

/* ---- the cases ---- */

TEST(up_to_date)
{
	struct dev d;

	REQUIRE(dev_init(&d, "") == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	CHECK_EQ(d.rep.t[0].status, AU_T_INSTALLED);
	CHECK(current_is(&d, "model one"));
	CHECK_EQ(dev_run(&d, AU_MODE_CHECK, NOW), AU_EXIT_OK);
	CHECK_EQ(d.rep.t[0].status, AU_T_UPTODATE);
	CHECK_EQ(d.rep.updates, 0);
	CHECK_STR(d.rep.host, "memory");
	CHECK_EQ(d.rep.targets.version, 1);
	dev_done(&d);
}

TEST(update_available)
{
	struct dev d;

	REQUIRE(dev_init(&d, "") == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	publish(&d.m, 2, "model two", "model two");
	d.m.artifact_fetches = 0;
	CHECK_EQ(dev_run(&d, AU_MODE_CHECK, NOW), AU_EXIT_UPDATES);
	CHECK_EQ(d.rep.t[0].status, AU_T_AVAILABLE);
	CHECK_EQ(d.rep.t[0].installed_version, 1);
	CHECK_EQ(d.rep.t[0].available_version, 2);
	CHECK_EQ(d.m.artifact_fetches, 0);	/* --check never downloads */
	CHECK(current_is(&d, "model one"));
	dev_done(&d);
}

TEST(install)
{
	struct au_state_target *t = NULL;
	struct dev d;

	REQUIRE(dev_init(&d, "") == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	publish(&d.m, 2, "model two", "model two");
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW + 60), AU_EXIT_OK);
	CHECK_EQ(d.rep.t[0].status, AU_T_INSTALLED);
	CHECK_EQ(d.rep.t[0].downloaded, strlen("model two"));
	CHECK(current_is(&d, "model two"));
	REQUIRE(record(&d, &rec_st, &t) == 0);
	CHECK_EQ(t->version, 2);
	CHECK_EQ(t->prev_version, 1);
	CHECK_EQ(t->installed_at, NOW + 60);
	CHECK_STR(t->hash, d.rep.t[0].available_hash);
	dev_done(&d);
}

/* Served bytes that are not the signed ones: refused, nothing changes. */
TEST(refused_artifact)
{
	char *before, *after, *ts_before, *ts_after;
	struct dev d;

	REQUIRE(dev_init(&d, "") == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	before = dev_read(&d, "state.json");
	ts_before = dev_read(&d, "metadata/timestamp.json");
	publish(&d.m, 2, "model two", "model 2wo");	/* same length */
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW + 60), AU_EXIT_ARTIFACT);
	CHECK_EQ(d.rep.t[0].status, AU_T_FAILED);
	CHECK_STR(d.rep.phase, "download");
	after = dev_read(&d, "state.json");
	ts_after = dev_read(&d, "metadata/timestamp.json");
	CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
	CHECK(ts_before != NULL && ts_after != NULL &&
	    strcmp(ts_before, ts_after) == 0);	/* trusted metadata too */
	CHECK(current_is(&d, "model one"));
	free(before);
	free(after);
	free(ts_before);
	free(ts_after);
	dev_done(&d);
}

/* A failed health check: previous restored, the new version marked bad. */
TEST(health_check_fails)
{
	struct au_state_target *t = NULL;
	char hc[700];
	struct dev d;

	REQUIRE(dev_init(&d, "") == 0);
	put_file(d.dir, "hc.sh", "[ \"$AIUPDATE_VERSION\" != 2 ]\n");
	(void)snprintf(hc, sizeof(hc), "health_check = /bin/sh %s/hc.sh",
	    d.dir);
	REQUIRE(dev_config(&d, NULL, hc) == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	publish(&d.m, 2, "model two", "model two");
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_HEALTH);
	CHECK_EQ(d.rep.t[0].status, AU_T_ROLLED_BACK);
	CHECK_STR(d.rep.phase, "health");
	CHECK(strstr(d.rep.diag.msg, "previous version restored") != NULL);
	CHECK(current_is(&d, "model one"));
	REQUIRE(record(&d, &rec_st, &t) == 0);
	CHECK_EQ(t->version, 1);
	CHECK(au_state_is_bad(&rec_st, NAME, d.rep.t[0].available_hash));
	/* and it is not tried again */
	CHECK_EQ(dev_run(&d, AU_MODE_CHECK, NOW), AU_EXIT_OK);
	CHECK_EQ(d.rep.t[0].status, AU_T_BAD);
	dev_done(&d);
}

TEST(rollback)
{
	struct au_state_target *t = NULL;
	struct au_diag dg = { "", 0 };
	char v2[65];
	struct dev d;

	REQUIRE(dev_init(&d, "") == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	publish(&d.m, 2, "model two", "model two");
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	memcpy(v2, d.rep.t[0].available_hash, sizeof(v2));
	CHECK_EQ(au_rollback_run(&d.cfg, NAME, &dg), 0);
	CHECK(current_is(&d, "model one"));
	REQUIRE(record(&d, &rec_st, &t) == 0);
	CHECK_EQ(t->version, 1);
	CHECK_EQ(t->prev_version, 2);	/* keep = 2: the two swap */
	CHECK(au_state_is_bad(&rec_st, NAME, v2));
	/* the version before is now marked bad: no second rollback onto it */
	CHECK_EQ(au_rollback_run(&d.cfg, NAME, &dg), AU_EINSTALL);
	CHECK(current_is(&d, "model one"));
	dev_done(&d);
}

/*
 * A health check that could not be judged (a local failure, not the
 * update's): au_install_undo without blame puts links and record back
 * exactly, dirty included, also for a record the switch created.
 */
TEST(undo_without_blame)
{
	struct au_install in;
	struct au_diag dg = { "", 0 };
	struct au_state_target before;
	char v1[65];
	size_t n;
	struct dev d;

	REQUIRE(dev_init(&d, "") == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	memcpy(v1, d.rep.t[0].available_hash, sizeof(v1));
	publish(&d.m, 2, "model two", "model two");
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	REQUIRE(au_install_open(&in, d.sd, NOW + 5, &dg) == 0);
	before = *au_state_find(in.state, NAME, 0);
	n = in.state->n;
	CHECK_EQ(au_install_switch(&in, NAME, 1, v1, 0, &dg), 0);
	CHECK(current_is(&d, "model one"));
	CHECK_EQ(au_install_undo(&in, NAME, 0, &dg), 0);
	CHECK(current_is(&d, "model two"));
	CHECK(memcmp(au_state_find(in.state, NAME, 0), &before,
	    sizeof(before)) == 0);
	CHECK_EQ(in.dirty, 0);
	CHECK(!au_state_is_bad(in.state, NAME, v1));
	CHECK_EQ(au_install_switch(&in, "other.bin", 1, v1, 0, &dg), 0);
	CHECK_EQ(in.state->n, n + 1);
	CHECK_EQ(au_install_undo(&in, "other.bin", 0, &dg), 0);
	CHECK_EQ(in.state->n, n);
	CHECK(au_state_find(in.state, "other.bin", 0) == NULL);
	CHECK_EQ(in.dirty, 0);
	au_install_close(&in);
	dev_done(&d);
}

/* [install] confirm: a trial not committed in time rolls back at the
 * start of the next --apply, without the network. */
TEST(trial_expiry)
{
	struct au_state_target *t = NULL;
	struct dev d;

	REQUIRE(dev_init(&d, "") == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	REQUIRE(dev_config(&d, NULL, "confirm = yes\ntrial_runs = 0\n"
	    "trial_seconds = 100") == 0);
	publish(&d.m, 2, "model two", "model two");
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	CHECK(current_is(&d, "model two"));
	REQUIRE(record(&d, &rec_st, &t) == 0);
	CHECK(t->trial);
	d.m.meta_fetches = 0;
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW + 100), AU_EXIT_HEALTH);
	CHECK_STR(d.rep.phase, "trial");
	CHECK_EQ(d.rep.t[0].status, AU_T_ROLLED_BACK);
	CHECK_EQ(d.m.meta_fetches, 0);
	CHECK(current_is(&d, "model one"));
	REQUIRE(record(&d, &rec_st, &t) == 0);
	CHECK_EQ(t->version, 1);
	CHECK(!t->trial);
	dev_done(&d);
}

/* The repository cannot be reached: transport's phase, nothing changes. */
TEST(unreachable)
{
	char *before, *after;
	struct dev d;

	REQUIRE(dev_init(&d, "") == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	before = dev_read(&d, "state.json");
	d.m.open_rc = AU_ECONNECT;
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW + 60), AU_EXIT_TRANSPORT);
	CHECK_STR(d.rep.phase, "transport");
	CHECK_STR(d.rep.diag.msg, "memory: unreachable");
	after = dev_read(&d, "state.json");
	CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
	free(before);
	free(after);
	dev_done(&d);
}

/* Where a run stops is one of the phases docs/json-schema.md documents
 * (once also "config", "source" and "setup"). */
TEST(phases_are_documented)
{
	struct au_run_opts o = { NULL, NULL, NULL };
	struct au_source local;
	char path[700], sd[AU_CONFIG_PATH_MAX];
	struct dev d;

	REQUIRE(dev_init(&d, "") == 0);
	/* a health check that cannot run: the health phase, not "config" */
	REQUIRE(dev_config(&d, NULL, "health_check = /nonexistent/hc") == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_USAGE);
	CHECK_EQ(d.rep.err, AU_ECONFIG);
	CHECK_STR(d.rep.phase, "health");
	/* a --from copy that is not one: transport, not "source" */
	REQUIRE(dev_config(&d, NULL, "") == 0);
	(void)snprintf(path, sizeof(path), "%s/no-such-copy", d.dir);
	au_source_local(&local, path);
	o.source = &local;
	CHECK(au_update_run(&d.cfg, AU_MODE_APPLY, NOW, &o, &d.rep) != 0);
	CHECK_STR(d.rep.phase, "transport");
	/* a state_dir that is a file: install, not "setup" */
	(void)snprintf(sd, sizeof(sd), "%s/file", d.dir);
	put_file(d.dir, "file", "not a directory\n");
	REQUIRE(dev_config(&d, sd, "") == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_USAGE);
	CHECK_STR(d.rep.phase, "install");
	dev_done(&d);
}

/*
 * The first error's code goes with the first error's message: a health
 * check that fails (15) and, in failing, makes state.json unwritable (here:
 * a non-empty directory in its place).  The save that follows fails too;
 * its message used to replace the health check's while the code stayed 15.
 */
TEST(first_error_keeps_its_message)
{
	char hc[1400], script[1200];
	struct dev d;

	REQUIRE(dev_init(&d, "") == 0);
	(void)snprintf(script, sizeof(script), "[ \"$AIUPDATE_VERSION\" != 2 ] "
	    "&& exit 0\nrm -f '%s/state/state.json'\n"
	    "mkdir -p '%s/state/state.json/x'\nexit 1\n", d.dir, d.dir);
	put_file(d.dir, "hc.sh", script);
	(void)snprintf(hc, sizeof(hc), "health_check = /bin/sh %s/hc.sh",
	    d.dir);
	REQUIRE(dev_config(&d, NULL, hc) == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	publish(&d.m, 2, "model two", "model two");
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_HEALTH);
	CHECK_STR(d.rep.phase, "health");
	CHECK(strstr(d.rep.diag.msg, "previous version restored") != NULL);
	CHECK(strstr(d.rep.diag.msg, "state.json") == NULL);
	CHECK(current_is(&d, "model one"));
	dev_done(&d);
}

/*
 * The lock is taken whatever the length of state_dir: at the longest the
 * config allows, a run with the lock held elsewhere stops (AU_ELOCKED);
 * and a state_dir too long for its lock path is refused, never run
 * without the lock.
 */
TEST(lock_at_path_limit)
{
	char sd[AU_CONFIG_PATH_MAX], lock[AU_CONFIG_PATH_MAX + 8];
	char *huge;
	struct au_install in;
	struct au_lock *lk = NULL;
	struct au_diag dg = { "", 0 };
	struct dev d;
	size_t n;

	REQUIRE(dev_init(&d, "") == 0);
	n = (size_t)snprintf(sd, sizeof(sd), "%s", d.dir);
	while (sizeof(sd) - 1 - n > 250) {	/* components of 200 bytes */
		sd[n++] = '/';
		memset(sd + n, 'a', 200);
		n += 200;
	}
	sd[n++] = '/';	/* the last one: the rest, 50 to 249 bytes */
	memset(sd + n, 'b', sizeof(sd) - 1 - n);
	sd[sizeof(sd) - 1] = '\0';
	REQUIRE(strlen(sd) == AU_CONFIG_PATH_MAX - 1);
	REQUIRE(dev_config(&d, sd, "") == 0);
	REQUIRE(au_mkdir_p(sd, 0755, NULL) == 0);
	(void)snprintf(lock, sizeof(lock), "%s/lock", sd);
	REQUIRE(au_lock_take(lock, &lk, NULL) == 0);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_LOCKED);
	CHECK(dev_read(&d, "state.json") == NULL);	/* nothing was done */
	au_lock_release(lk);
	CHECK_EQ(dev_run(&d, AU_MODE_APPLY, NOW), AU_EXIT_OK);
	CHECK(current_is(&d, "model one"));

	huge = malloc(AU_INSTALL_PATH_MAX);
	REQUIRE(huge != NULL);
	memset(huge, 'c', AU_INSTALL_PATH_MAX - 1);
	huge[0] = '/';
	huge[AU_INSTALL_PATH_MAX - 1] = '\0';
	CHECK_EQ(au_install_open(&in, huge, NOW, &dg), AU_ECONFIG);
	CHECK(in.lock == NULL && in.store == NULL);
	au_install_close(&in);
	free(huge);
	dev_done(&d);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	keys_init();
	au_log_set_level(AU_LOG_ERR);
	RUN(up_to_date);
	RUN(update_available);
	RUN(install);
	RUN(refused_artifact);
	RUN(health_check_fails);
	RUN(rollback);
	RUN(undo_without_blame);
	RUN(trial_expiry);
	RUN(unreachable);
	RUN(phases_are_documented);
	RUN(first_error_keeps_its_message);
	RUN(lock_at_path_limit);
	return harness_done();
}
