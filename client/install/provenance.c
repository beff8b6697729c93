/* SPDX-License-Identifier: ISC */
/* client/install/provenance.c - the model's OMS signature before the switch (provenance.h). */
#include "client/install/provenance.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "keys/digest.h"
#include "client/install/bundle.h"
#include "client/install/oms_files.h"
#include "client/install/store.h"
#include "client/report/run_report.h"
#include "keys/ec.h"
#include "manifest/json.h"
#include "port/port.h"
#include "port/ban.h"

/* The trusted signers of [provenance], loaded for one check. */
struct signers {
	struct au_oms_signer s[AU_CONFIG_MAX_SIGNERS];
	struct au_eckey *keys[AU_CONFIG_MAX_SIGNERS];
	uint8_t *pem[AU_CONFIG_MAX_SIGNERS];
	size_t n;
};

static int
matches(const char *patterns, const char *name)
{
	char buf[AU_CONFIG_LINE_MAX + 1], *p, *save = NULL;

	(void)snprintf(buf, sizeof(buf), "%s", patterns);
	for (p = strtok_r(buf, " \t,", &save); p != NULL;
	    p = strtok_r(NULL, " \t,", &save))
		if (fnmatch(p, name, FNM_PATHNAME) == 0)
			return 1;
	return 0;
}

enum au_prov_mode
au_prov_mode_for(const struct au_config *cfg, const char *name)
{
	if (matches(cfg->prov_require, name))
		return AU_PROV_REQUIRE;
	if (matches(cfg->prov_warn, name))
		return AU_PROV_WARN;
	if (matches(cfg->prov_off, name))
		return AU_PROV_OFF;
	return (enum au_prov_mode)cfg->prov_mode;
}

static void
signers_free(struct signers *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		au_eckey_free(t->keys[i]);
		free(t->pem[i]);
	}
	t->n = 0;
}

static int
signers_load(const struct au_config *cfg, struct signers *t,
    struct au_diag *diag)
{
	const struct au_config_signer *c;
	size_t i, len;
	int rc;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < cfg->nsigners; i++) {
		c = &cfg->signers[i];
		rc = au_file_read_all(c->path, c->is_ca ? AU_X509_PEM_MAX :
		    AU_EC_PEM_MAX, &t->pem[i], &len, diag);
		t->n = i + 1;
		if (rc == 0 && c->is_ca)
			rc = au_x509_check_ca(t->pem[i], len, diag);
		else if (rc == 0)
			rc = au_eckey_parse_pem(t->pem[i], len, &t->keys[i], diag);
		if (rc == AU_ENOMEM)
			return rc;
		if (rc != 0)
			return au_diag_set(diag, AU_ECONFIG, "[provenance] %s.%s = "
			    "%s: %s", c->is_ca ? "ca" : "key", c->name, c->path,
			    diag != NULL ? diag->msg : "unusable");
		t->s[i].name = c->name;
		t->s[i].key = t->keys[i];
		t->s[i].ca_pem = c->is_ca ? t->pem[i] : NULL;
		t->s[i].ca_len = c->is_ca ? len : 0;
	}
	return 0;
}

int
au_provenance_preflight(const struct au_config *cfg, struct au_diag *diag)
{
	struct signers t;
	int rc = signers_load(cfg, &t, diag);

	signers_free(&t);
	return rc;
}

/* custom.oms.bundle (required) and custom.oms.publisher (may be absent). */
static int
oms_custom(const char *custom_json, char *bundle, size_t bsize, char *pin,
    size_t psize, struct au_diag *diag)
{
	json_t *c = NULL;
	const json_t *o, *b, *p;
	int rc = 0;

	bundle[0] = pin[0] = '\0';
	if (custom_json == NULL)
		return 0;
	if (au_json_parse((const uint8_t *)custom_json, strlen(custom_json),
	    AU_PROV_CUSTOM_MAX, &c, diag) != 0)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "custom is not a "
		    "JSON object");
	o = json_object_get(c, "oms");
	b = json_object_get(o, "bundle");
	p = json_object_get(o, "publisher");
	/* no other member: a misspelt "publisher" must not drop the pin */
	if (o != NULL && (!json_is_object(o) || !json_is_string(b) ||
	    json_string_length(b) >= bsize || (p != NULL && (!json_is_string(p) ||
	    json_string_length(p) >= psize)) ||
	    json_object_size(o) != 1 + (p != NULL) ||
	    memchr(json_string_value(b), '\0', json_string_length(b)) != NULL ||
	    (p != NULL && memchr(json_string_value(p), '\0',
	    json_string_length(p)) != NULL)))
		rc = au_diag_set(diag, AU_EMETA_MALFORMED, "custom.oms must be "
		    "{\"bundle\": TARGET[, \"publisher\": NAME]}");
	if (rc == 0 && o != NULL) {
		(void)snprintf(bundle, bsize, "%s", json_string_value(b));
		if (p != NULL)
			(void)snprintf(pin, psize, "%s", json_string_value(p));
	}
	json_decref(c);
	return rc;
}

/* The bundle target's bytes, with its signed length and SHA-256. */
static int
get_bundle(const char *bname, au_prov_find_fn find, au_prov_fetch_fn fetch,
    void *arg, uint8_t **buf, size_t *len, enum au_oms_fail *why,
    struct au_diag *diag)
{
	struct au_target tg;
	struct au_sha256 h;
	uint8_t got[32];
	int rc;

	memset(&tg, 0, sizeof(tg));
	rc = find(arg, bname, &tg, diag);
	if (rc == AU_EMETA_NOTARGET) {
		*why = AU_OMS_MALFORMED;
		rc = au_diag_set(diag, AU_EART_PROVENANCE, "OMS bundle %s is not "
		    "in the signed targets", bname);
	}
	if (rc == 0 && (tg.length > AU_OMS_BUNDLE_MAX || !tg.has_sha256))
		rc = au_diag_set(diag, AU_EART_PROVENANCE, "OMS bundle %s: over "
		    "%u bytes or no sha256 signed", bname, AU_OMS_BUNDLE_MAX);
	if (rc == 0)
		rc = fetch(arg, bname, &tg, (size_t)tg.length, buf, len, diag);
	if (rc == AU_ETOOBIG)
		rc = au_diag_set(diag, AU_EART_LENGTH, "OMS bundle %s: more than "
		    "the signed %llu bytes", bname, (unsigned long long)tg.length);
	if (rc == 0) {
		au_sha256_init(&h);
		au_sha256_update(&h, *buf, *len);
		au_sha256_final(&h, got);
		if (*len != tg.length || memcmp(got, tg.sha256, 32) != 0) {
			free(*buf);
			rc = au_diag_set(diag, AU_EART_HASH, "OMS bundle %s: "
			    "length or sha256 differs from the signed targets",
			    bname);
		}
	}
	au_target_clear(&tg);
	return rc;
}

static int
check(const struct au_config *cfg, const char *bname, const char *pin,
    const char *staged, int is_tree, int64_t now, au_prov_find_fn find,
    au_prov_fetch_fn fetch, void *arg, struct au_prov_result *res,
    struct au_diag *diag)
{
	struct signers t;
	struct au_oms_bundle *b = NULL;
	struct au_oms_statement *st = NULL;
	struct au_oms_who who;
	uint8_t *buf = NULL;
	size_t len = 0, nun = 0;
	int rc;

	if ((rc = signers_load(cfg, &t, diag)) != 0) {
		signers_free(&t);
		return rc;
	}
	rc = get_bundle(bname, find, fetch, arg, &buf, &len, &res->why, diag);
	if (rc == 0)
		rc = au_oms_parse(buf, len, &b, &res->why, diag);
	if (rc == 0)
		rc = au_oms_verify(b, t.s, t.n, pin[0] ? pin : NULL, now, &st,
		    &who, &res->why, diag);
	if (rc == 0 && is_tree)
		rc = au_oms_check_tree(st, staged, cfg->prov_allow_unsigned, &nun,
		    &res->why, diag);
	else if (rc == 0)
		rc = au_oms_check_file(st, staged, &res->why, diag);
	if (rc == 0)
		(void)snprintf(res->text, sizeof(res->text), "verified: %.60s (%.300s)"
		    "%s", who.name, who.detail, nun ? ", unsigned files allowed" :
		    "");
	au_oms_statement_free(st);
	au_oms_bundle_free(b);
	free(buf);
	signers_free(&t);
	return rc;
}

int
au_provenance_check(const struct au_config *cfg, const char *name,
    const char *custom_json, const char *staged, int is_tree, int64_t now,
    au_prov_find_fn find, au_prov_fetch_fn fetch, void *arg,
    struct au_prov_result *res, struct au_diag *diag)
{
	char bname[AU_TARGET_NAME_MAX + 1], pin[64];
	int rc;

	memset(res, 0, sizeof(*res));
	res->mode = au_prov_mode_for(cfg, name);
	if (res->mode == AU_PROV_OFF)
		return 0;
	res->checked = 1;
	rc = oms_custom(custom_json, bname, sizeof(bname), pin, sizeof(pin), diag);
	if (rc == AU_ENOMEM)
		return rc;
	if (rc != 0) {
		res->why = AU_OMS_MALFORMED;	/* the target's, like the rest */
	} else if (bname[0] == '\0') {
		res->why = AU_OMS_MALFORMED;
		rc = au_diag_set(diag, AU_EART_PROVENANCE, "%s: no OMS bundle "
		    "named in its signed custom (custom.oms.bundle)", name);
	} else {
		rc = check(cfg, bname, pin, staged, is_tree, now, find, fetch, arg,
		    res, diag);
	}
	if (rc == 0)
		return 0;
	if (rc == AU_ECONFIG || rc == AU_ENOMEM || au_err_class(rc) ==
	    AU_ECONNECT || rc == AU_EIO)
		return rc;	/* not the model's fault */
	if (res->why == AU_OMS_OK)
		res->why = AU_OMS_MALFORMED;
	(void)snprintf(res->text, sizeof(res->text), "FAILED (%s): %.360s",
	    au_oms_fail_name(res->why), diag != NULL ? diag->msg : "");
	if (res->mode == AU_PROV_WARN)
		return 0;
	return au_diag_set(diag, AU_EART_PROVENANCE, "%s: model provenance: "
	    "%.400s; nothing installed", name, diag != NULL ? diag->msg : "");
}

int
au_provenance_before_switch(const struct au_config *cfg, struct au_store *store,
    struct au_target_report *tr, const struct au_target *tg, int fresh,
    int64_t now, au_prov_find_fn find, au_prov_fetch_fn fetch, void *arg,
    struct au_diag *diag)
{
	struct au_prov_result res;
	const char *base = strrchr(tr->name, '/');
	int tree = au_bundle_kind(tr->name) >= 0, n, rc;
	char path[AU_CONFIG_PATH_MAX + AU_TARGET_NAME_MAX + 96];
	const char *state_dir = au_store_dir(store);
	struct au_diag dd = { "", 0 };

	n = snprintf(path, sizeof(path), "%s/store/%s%s%s", state_dir,
	    tr->available_hash, tree ? "" : "/", tree ? "" :
	    base != NULL ? base + 1 : tr->name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return au_diag_set(diag, AU_EINTERNAL, "store path too long");
	rc = au_provenance_check(cfg, tr->name, tg->custom_json, path, tree, now,
	    find, fetch, arg, &res, diag);
	/* this version's verdict replaces the installed one's (or nothing) */
	(void)snprintf(tr->provenance, sizeof(tr->provenance), "%s", res.text);
	if (rc == 0 && res.checked && res.why != AU_OMS_OK)
		au_log(AU_LOG_WARN, "WARN %s: model provenance %s (mode warn: "
		    "installing anyway)", tr->name, res.text);
	if (rc == AU_EART_PROVENANCE && fresh &&
	    au_store_discard(store, tr->available_hash, &dd) != 0)
		au_log(AU_LOG_WARN, "%s: the refused download stays in the store "
		    "(never pointed at; checked again before any use): %s",
		    tr->name, dd.msg);
	return rc;
}
