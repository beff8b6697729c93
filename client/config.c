/* SPDX-License-Identifier: ISC */
/* client/config.c - aiupdate.conf through libinih, strict. */
#include "client/config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "client/install/bundle.h"
#include "client/discover/dns.h"
#include "client/metadata/fleet.h"
#include "keys/webhook.h"
#include "manifest/tuf.h"
#include "port/port.h"
#include "port/ban.h"

#define SEEN_MAX 64		/* distinct keys remembered (the config has ~30) */

struct parse_ctx {
	struct au_config *cfg;
	char err[256];		/* first error, without file:line */
	int have_targets;
	char seen[SEEN_MAX][48];	/* "section.key" of every key set */
	size_t nseen;
};


static int
fail(struct parse_ctx *c, const char *fmt, const char *a, const char *b)
{
	if (c->err[0] == '\0')
		(void)snprintf(c->err, sizeof(c->err), fmt, a, b);
	return 0;
}

/* A key given twice is an error (only [repository] targets adds up): the
 * second would silently win. */
static int
first_time(struct parse_ctx *c, const char *section, const char *name)
{
	char k[48];
	size_t i;

	if (strcmp(section, "repository") == 0 && strcmp(name, "targets") == 0)
		return 1;
	(void)snprintf(k, sizeof(k), "%s.%s", section, name);
	for (i = 0; i < c->nseen; i++)
		if (strcmp(c->seen[i], k) == 0)
			return fail(c, "'%s' is given twice in [%s]", name,
			    section);
	if (c->nseen < SEEN_MAX)
		memcpy(c->seen[c->nseen++], k, sizeof(k));
	return 1;
}

static int
set_str(struct parse_ctx *c, char *dst, size_t size, const char *key,
    const char *val)
{
	size_t n = strlen(val);

	if (n >= size)
		return fail(c, "value of '%s' is too long%s", key, "");
	memcpy(dst, val, n + 1);
	return 1;
}

static int
set_int(struct parse_ctx *c, int *dst, const char *key, const char *val,
    long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (errno != 0 || end == val || *end != '\0' || v < lo || v > hi)
		return fail(c, "'%s' must be an integer in range, got '%s'",
		    key, val);
	*dst = (int)v;
	return 1;
}

static int
add_targets(struct parse_ctx *c, const char *val)
{
	struct au_config *cfg = c->cfg;
	struct au_diag d;
	const char *p = val;
	size_t i, n;
	char *name;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		n = strcspn(p, " \t,");
		if (n == 0)
			break;
		if (cfg->ntargets == AU_CONFIG_MAX_TARGETS)
			return fail(c, "too many targets (max %s)%s", "32", "");
		name = strndup(p, n);
		if (name == NULL)
			return fail(c, "out of memory%s%s", "", "");
		cfg->targets[cfg->ntargets++] = name;
		if (au_target_name_check(name, &d) != 0)
			return fail(c, "%.200s: no device can track or "
			    "install it%s", d.msg, "");
		for (i = 0; i + 1 < cfg->ntargets; i++)
			if (strcmp(cfg->targets[i], name) == 0)
				return fail(c, "target '%s' listed twice%s",
				    name, "");
		p += n;
	}
	c->have_targets = 1;
	return 1;
}

/* [fleet] device_class, device_tags, device_id (client/metadata/fleet.h). */
static int
set_fleet(struct parse_ctx *c, const char *name, const char *val)
{
	struct au_config *cfg = c->cfg;

	if (strcmp(name, "device_class") == 0) {
		if (val[0] != '\0' && au_fleet_name_check(val, strlen(val)) != 0)
			return fail(c, "device_class '%s' is not a name (1-64 of "
			    "A-Z a-z 0-9 . _ -)%s", val, "");
		return set_str(c, cfg->device_class, sizeof(cfg->device_class),
		    name, val);
	}
	if (strcmp(name, "device_tags") == 0) {
		if (au_fleet_list_check(val, NULL) != 0)
			return fail(c, "device_tags '%s': at most 32 names of "
			    "A-Z a-z 0-9 . _ - separated by spaces or commas%s",
			    val, "");
		return set_str(c, cfg->device_tags, sizeof(cfg->device_tags),
		    name, val);
	}
	if (strcmp(name, "device_id") == 0) {
		char id[AU_FLEET_ID_MAX + 1];

		if (au_fleet_device_id(val, NULL, id, sizeof(id), NULL) != 0)
			return fail(c, "device_id is over %s bytes or has a "
			    "control character%s", "128", "");
		return set_str(c, cfg->device_id, sizeof(cfg->device_id), name,
		    val);
	}
	return fail(c, "unknown key '%s' in [%s]", name, "fleet");
}

/* [tls] auth (enum au_tls_auth) and [discovery] rfc5011 (AU_RFC5011_*). */
static int
set_enum(struct parse_ctx *c, const char *name, const char *val)
{
	static const char *const auth[] = { "ca", "dane", "dane-or-ca",
		"dane-and-ca", NULL };	/* in enum au_tls_auth order */
	static const char *const tri[] = { "no", "yes", "auto", NULL };
	const char *const *v = strcmp(name, "auth") == 0 ? auth : tri;
	int i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(val, v[i]) == 0)
			break;
	if (v[i] == NULL)
		return fail(c, "'%s' must be %s", name, v == auth ?
		    "dane, ca, dane-or-ca or dane-and-ca" : "yes, no or auto");
	if (v == auth)
		c->cfg->tls_auth = i;
	else
		c->cfg->rfc5011 = i;
	return 1;
}

static int
set_u64(struct parse_ctx *c, uint64_t *dst, const char *key, const char *val,
    uint64_t hi)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(val, &end, 10);
	if (errno != 0 || end == val || *end != '\0' || val[0] == '-' ||
	    v < 1 || v > hi)
		return fail(c, "'%s' must be an integer in range, got '%s'",
		    key, val);
	*dst = (uint64_t)v;
	return 1;
}

/* [install] confirm, trial_runs, trial_seconds, keep (client/install/trial.h) and
 * bundle_max_bytes, bundle_max_entries (client/metadata/budget.h); 0: not one. */
static int
set_install(struct parse_ctx *c, const char *name, const char *val)
{
	struct au_config *cfg = c->cfg;

	if (strcmp(name, "confirm") == 0) {
		if (strcmp(val, "yes") != 0 && strcmp(val, "no") != 0)
			return fail(c, "'%s' must be yes or no, got '%s'",
			    name, val);
		cfg->confirm = strcmp(val, "yes") == 0;
		return 1;
	}
	if (strcmp(name, "trial_runs") == 0)
		return set_int(c, &cfg->trial_runs, name, val, 0, 1000);
	if (strcmp(name, "trial_seconds") == 0)
		return set_int(c, &cfg->trial_seconds, name, val, 0, 31536000);
	if (strcmp(name, "keep") == 0)
		return set_int(c, &cfg->keep, name, val, 1, AU_CONFIG_MAX_KEEP);
	if (strcmp(name, "bundle_max_bytes") == 0)
		return set_u64(c, &cfg->bundle_max_bytes, name, val,
		    AU_BUNDLE_MAX_BYTES);
	if (strcmp(name, "bundle_max_entries") == 0)
		return set_u64(c, &cfg->bundle_max_entries, name, val,
		    AU_BUNDLE_MAX_ENTRIES);
	return fail(c, "unknown key '%s' in [%s]", name, "install");
}

/* [provenance] (client/install/provenance.h); 0: not one. */
static int
set_provenance(struct parse_ctx *c, const char *name, const char *val)
{
	struct au_config *cfg = c->cfg;
	struct au_config_signer *s;
	int ca = strncmp(name, "ca.", 3) == 0;

	if (strcmp(name, "mode") == 0) {
		cfg->prov_mode = strcmp(val, "off") == 0 ? 0 :
		    strcmp(val, "warn") == 0 ? 1 : strcmp(val, "require") == 0 ?
		    2 : -1;
		if (cfg->prov_mode < 0)
			return fail(c, "'%s' must be off, warn or require, got "
			    "'%s'", name, val);
		return 1;
	}
	if (strcmp(name, "require") == 0)
		return set_str(c, cfg->prov_require, sizeof(cfg->prov_require),
		    name, val);
	if (strcmp(name, "warn") == 0)
		return set_str(c, cfg->prov_warn, sizeof(cfg->prov_warn), name, val);
	if (strcmp(name, "off") == 0)
		return set_str(c, cfg->prov_off, sizeof(cfg->prov_off), name, val);
	if (strcmp(name, "allow_unsigned") == 0) {
		if (strcmp(val, "yes") != 0 && strcmp(val, "no") != 0)
			return fail(c, "'%s' must be yes or no, got '%s'", name, val);
		cfg->prov_allow_unsigned = strcmp(val, "yes") == 0;
		return 1;
	}
	if (!ca && strncmp(name, "key.", 4) != 0)
		return fail(c, "unknown key '%s' in [%s]", name, "provenance");
	if (name[ca ? 3 : 4] == '\0' || strlen(name + (ca ? 3 : 4)) >= 64)
		return fail(c, "'%s': the publisher name must be 1 to 63 bytes%s",
		    name, "");
	if (cfg->nsigners == AU_CONFIG_MAX_SIGNERS)
		return fail(c, "'%s': more than 16 publishers%s", name, "");
	s = &cfg->signers[cfg->nsigners];
	(void)snprintf(s->name, sizeof(s->name), "%s", name + (ca ? 3 : 4));
	s->is_ca = ca;
	if (!set_str(c, s->path, sizeof(s->path), name, val))
		return 0;
	cfg->nsigners++;
	return 1;
}

/* LDH labels, not an address literal: the name is resolved by DNSSEC. */
static int
dns_name_ok(const char *h, size_t n)
{
	size_t i, lab = 0;
	int alpha = 0;

	if (n == 0 || n >= AU_CONFIG_HOST_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = h[i];

		if (ch == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-') || ++lab > 63)
			return 0;
		alpha |= (ch < '0' || ch > '9');
	}
	return lab > 0 && alpha;
}

/* [report] url = https://HOST[:PORT][/PATH] */
static int
set_report_url(struct parse_ctx *c, const char *val)
{
	struct au_config *cfg = c->cfg;
	const char *h = val + 8, *end;
	size_t hn;
	long port = 443;

	if (strncmp(val, "https://", 8) != 0)
		return fail(c, "[report] url must start with https://, got '%s'%s",
		    val, "");
	hn = strcspn(h, ":/");
	if (!dns_name_ok(h, hn))
		return fail(c, "[report] url: the host of '%s' is not a DNS name "
		    "(an address literal cannot be validated by DNSSEC)%s", val, "");
	end = h + hn;
	if (*end == ':') {
		char *e;

		errno = 0;
		port = strtol(end + 1, &e, 10);
		if (errno != 0 || e == end + 1 || port < 1 || port > 65535 ||
		    (*e != '\0' && *e != '/'))
			return fail(c, "[report] url: bad port in '%s'%s", val, "");
		end = e;
	}
	if (*end != '\0' && (strlen(end) >= sizeof(cfg->report_path) ||
	    strcspn(end, " \t\"<>\\^`{|}") != strlen(end)))
		return fail(c, "[report] url: path too long or with a byte that "
		    "must be percent-encoded: '%s'%s", val, "");
	memcpy(cfg->report_host, h, hn);
	cfg->report_host[hn] = '\0';
	cfg->report_port = (uint16_t)port;
	(void)snprintf(cfg->report_path, sizeof(cfg->report_path), "%s", end);
	return 1;
}

/* [report] (client/report/send.h); warn_days is the human report's. */
static int
set_report(struct parse_ctx *c, const char *name, const char *val)
{
	struct au_config *cfg = c->cfg;

	if (strcmp(name, "warn_days") == 0)
		return set_int(c, &cfg->warn_days, name, val, 0, 3650);
	if (strcmp(name, "endpoint") == 0) {
		if (!dns_name_ok(val, strlen(val)))
			return fail(c, "[report] endpoint must be a DNS name "
			    "(SRV _aiupdate-report._tcp.NAME), got '%s'%s", val, "");
		return set_str(c, cfg->report_endpoint,
		    sizeof(cfg->report_endpoint), name, val);
	}
	if (strcmp(name, "url") == 0)
		return set_report_url(c, val);
	if (strcmp(name, "signing") == 0) {
		cfg->report_signing = strcmp(val, "ed25519") == 0 ?
		    AU_REPORT_SIGN_ED25519 : strcmp(val, "hmac") == 0 ?
		    AU_REPORT_SIGN_HMAC : strcmp(val, "both") == 0 ?
		    AU_REPORT_SIGN_BOTH : 0;
		if (cfg->report_signing == 0)
			return fail(c, "'%s' must be ed25519, hmac or both, got "
			    "'%s'", name, val);
		return 1;
	}
	if (strcmp(name, "hmac_secret_file") == 0)
		return set_str(c, cfg->report_secret_file,
		    sizeof(cfg->report_secret_file), name, val);
	if (strcmp(name, "outbox_max") == 0)
		return set_int(c, &cfg->report_outbox_max, name, val, 1, 1024);
	if (strcmp(name, "outbox_max_bytes") == 0) {
		if (!set_u64(c, &cfg->report_outbox_bytes, name, val, 64u << 20))
			return 0;
		if (cfg->report_outbox_bytes < 65536)
			return fail(c, "'%s' must be at least 65536, got '%s'",
			    name, val);
		return 1;
	}
	return fail(c, "unknown key '%s' in [%s]", name, "report");
}

/* The [report] keys that go together, and the HMAC secret file parses. */
static int
check_report(const char *path, const struct au_config *cfg,
    struct au_diag *diag)
{
	uint8_t sec[AU_WEBHOOK_SECRET_MAX], *buf = NULL;
	size_t slen = 0, len = 0;
	struct au_diag d;
	int rc;

	if (cfg->report_endpoint[0] != '\0' && cfg->report_host[0] != '\0')
		return au_diag_set(diag, AU_ECONFIG, "%s: [report] endpoint and "
		    "url exclude each other", path);
	if ((cfg->report_signing & AU_REPORT_SIGN_HMAC) == 0)
		return 0;
	if (cfg->report_secret_file[0] == '\0')
		return au_diag_set(diag, AU_ECONFIG, "%s: [report] signing = %s "
		    "needs hmac_secret_file", path,
		    cfg->report_signing == AU_REPORT_SIGN_BOTH ? "both" : "hmac");
	rc = au_file_read_all(cfg->report_secret_file,
	    AU_WEBHOOK_SECRET_TEXT_MAX + 2, &buf, &len, &d);
	if (rc == 0)
		rc = au_webhook_secret_parse((const char *)buf, sec, sizeof(sec),
		    &slen, &d);
	if (buf != NULL)
		sodium_memzero(buf, len);
	free(buf);
	sodium_memzero(sec, sizeof(sec));
	if (rc != 0)
		return au_diag_set(diag, AU_ECONFIG, "%s: [report] "
		    "hmac_secret_file %s: %s", path, cfg->report_secret_file,
		    d.msg);
	return 0;
}

#define KEY(s, k) (strcmp(section, s) == 0 && strcmp(name, k) == 0)

static int
on_entry(void *arg, const char *section, const char *name, const char *val)
{
	struct parse_ctx *c = arg;
	struct au_config *cfg = c->cfg;

	if (!first_time(c, section, name))
		return 0;
	if (KEY("discovery", "domain"))
		return set_str(c, cfg->domain, sizeof(cfg->domain), name, val);
	if (KEY("discovery", "trust_anchor"))
		return set_str(c, cfg->trust_anchor, sizeof(cfg->trust_anchor),
		    name, val);
	if (KEY("discovery", "resolver")) {
		if (val[0] != '\0' && !au_dns_resolver_valid(val))
			return fail(c, "'%s' must be ADDR or ADDR@PORT with a "
			    "literal IPv4/IPv6 address, got '%s'", name, val);
		return set_str(c, cfg->resolver, sizeof(cfg->resolver), name,
		    val);
	}
	if (KEY("tls", "ca_file"))
		return set_str(c, cfg->ca_file, sizeof(cfg->ca_file), name,
		    val);
	if (KEY("tls", "auth") || KEY("discovery", "rfc5011"))
		return set_enum(c, name, val);
	if (strcmp(section, "report") == 0)
		return set_report(c, name, val);
	if (KEY("transport", "min_rate"))
		return set_int(c, &cfg->min_rate, name, val, 1, 1 << 30);
	if (KEY("transport", "deadline_base"))
		return set_int(c, &cfg->deadline_base, name, val, 1, 86400);
	if (KEY("delta", "max_share"))
		return set_int(c, &cfg->delta_max_share, name, val, 0, 100);
	if (KEY("repository", "trusted_root"))
		return set_str(c, cfg->trusted_root, sizeof(cfg->trusted_root),
		    name, val);
	if (KEY("repository", "targets"))
		return add_targets(c, val);
	if (KEY("install", "state_dir"))
		return set_str(c, cfg->state_dir, sizeof(cfg->state_dir), name,
		    val);
	if (KEY("install", "health_check"))
		return set_str(c, cfg->health_check, sizeof(cfg->health_check),
		    name, val);
	if (KEY("install", "health_timeout"))
		return set_int(c, &cfg->health_timeout, name, val, 1, 86400);
	if (KEY("install", "metrics_file"))
		return set_str(c, cfg->metrics_file, sizeof(cfg->metrics_file),
		    name, val);
	if (strcmp(section, "install") == 0)
		return set_install(c, name, val);
	if (strcmp(section, "fleet") == 0)
		return set_fleet(c, name, val);
	if (strcmp(section, "provenance") == 0)
		return set_provenance(c, name, val);
	return fail(c, "unknown key '%s' in [%s]", name, section);
}

static int
check_required(const char *path, struct parse_ctx *c, struct au_diag *diag)
{
	const struct au_config *cfg = c->cfg;
	const char *missing = NULL;

	if (cfg->domain[0] == '\0')
		missing = "[discovery] domain";
	else if (cfg->trusted_root[0] == '\0')
		missing = "[repository] trusted_root";
	else if (cfg->ntargets == 0)
		missing = "[repository] targets";
	else if (cfg->state_dir[0] == '\0')
		missing = "[install] state_dir";
	if (missing != NULL)
		return au_diag_set(diag, AU_ECONFIG, "%s: required key %s is "
		    "missing or empty", path, missing);
	if (cfg->state_dir[0] != '/')
		return au_diag_set(diag, AU_ECONFIG, "%s: [install] state_dir "
		    "must be an absolute path", path);
	return 0;
}

static void
set_defaults(struct au_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	(void)snprintf(cfg->trust_anchor, sizeof(cfg->trust_anchor), "%s",
	    "/usr/share/dns/root.key");
	(void)snprintf(cfg->ca_file, sizeof(cfg->ca_file), "%s",
	    "/etc/ssl/certs/ca-certificates.crt");
	cfg->health_timeout = 60;
	cfg->min_rate = AU_CONFIG_MIN_RATE;
	cfg->deadline_base = AU_CONFIG_DEADLINE_BASE;
	cfg->delta_max_share = AU_CONFIG_DELTA_MAX_SHARE;
	cfg->tls_auth = 2;	/* AU_TLS_DANE_OR_CA (client/transport/http.h) */
	cfg->rfc5011 = AU_RFC5011_AUTO;
	cfg->warn_days = 7;
	cfg->report_port = 443;
	cfg->report_signing = AU_REPORT_SIGN_ED25519;
	cfg->report_outbox_max = AU_CONFIG_OUTBOX_MAX;
	cfg->report_outbox_bytes = AU_CONFIG_OUTBOX_BYTES;
	cfg->trial_runs = 3;
	cfg->trial_seconds = 86400;
	cfg->keep = 2;
	cfg->bundle_max_bytes = AU_BUNDLE_MAX_BYTES;
	cfg->bundle_max_entries = AU_BUNDLE_MAX_ENTRIES;
}

/* libinih would cut a longer line in two and read the rest as a new line. */
static int
long_line(const char *path, const uint8_t *buf, size_t len,
    struct au_diag *diag)
{
	size_t i, start = 0;
	int line = 1;

	for (i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\n')
			continue;
		if (i - start > AU_CONFIG_LINE_MAX)
			return au_diag_set(diag, AU_ECONFIG, "%s:%d: line of %zu "
			    "bytes, over the limit of %d (a long targets list "
			    "can be split over several \"targets =\" lines)",
			    path, line, i - start, AU_CONFIG_LINE_MAX);
		start = i + 1;
		line++;
	}
	return 0;
}

int
au_config_load(const char *path, struct au_config *cfg, struct au_diag *diag)
{
	struct parse_ctx c;
	struct au_diag d;
	uint8_t *buf = NULL;
	size_t len;
	int rc, line;

	memset(&c, 0, sizeof(c));
	set_defaults(cfg);
	c.cfg = cfg;
	rc = au_file_read_all(path, AU_CONFIG_MAX_BYTES, &buf, &len, &d);
	if (rc != 0) {
		rc = au_diag_sys(diag, AU_ECONFIG, d.sys, "%s: cannot read "
		    "config file: %s", path, d.msg);
		goto out;
	}
	if (memchr(buf, '\0', len) != NULL) {
		rc = au_diag_set(diag, AU_ECONFIG, "%s: contains a NUL byte",
		    path);
		goto out;
	}
	if ((rc = long_line(path, buf, len, diag)) != 0)
		goto out;
	line = ini_parse_string((const char *)buf, on_entry, &c);
	if (line != 0) {
		rc = au_diag_set(diag, AU_ECONFIG, "%s:%d: %s", path, line,
		    c.err[0] ? c.err : "syntax error");
		goto out;
	}
	rc = check_required(path, &c, diag);
	if (rc == 0)
		rc = check_report(path, cfg, diag);
out:
	free(buf);
	if (rc != 0)
		au_config_clear(cfg);
	return rc;
}

void
au_config_clear(struct au_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->ntargets; i++)
		free(cfg->targets[i]);
	cfg->ntargets = 0;
}
