/* SPDX-License-Identifier: ISC */
/* client/discover/dns.c - DNSSEC-validated service discovery through libunbound. */
#include "client/discover/dns.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unbound.h>

#include "client/discover/anchor.h"
#include "port/port.h"

#include "port/ban.h"

enum {
	T_A = 1, T_TXT = 16, T_AAAA = 28, T_SRV = 33, T_TLSA = 52, T_SVCB = 64,
	T_HTTPS = 65,
	RCODE_NOERROR = 0, RCODE_SERVFAIL = 2, RCODE_NXDOMAIN = 3,
	LABEL_MAX = 63, HTTPS_PORT = 443,
};

struct au_dns {
	struct ub_ctx *ctx;
	struct au_anchor *anchor;	/* RFC 5011 tracking, or NULL */
	struct au_dns_query_info q[AU_DNS_MAX_QUERIES];
	size_t nq;
};

/* ---- context ---- */

struct pending {
	int done;
	int err;
	struct ub_result *res;
};

static void
resolved(void *arg, int err, struct ub_result *res)
{
	struct pending *p = arg;

	p->err = err;
	p->res = res;
	p->done = 1;
}

/*
 * One query, answered through libunbound's background worker (a thread:
 * ub_ctx_async(ctx, 1) in ctx_setup), which lives as long as the context.
 * The synchronous ub_resolve() builds a new worker for every call, and each
 * seeds its random generator anew (Nettle's Yarrow: 1,500 SHA-256 rounds),
 * which was a third of an up-to-date --check's instructions.  Returns a
 * libunbound error code (0, UB_*); on 0, *out is the caller's.
 */
static int
resolve(struct ub_ctx *ctx, const char *name, int type, struct ub_result **out)
{
	struct pending p = { 0, 0, NULL };
	int err;

	*out = NULL;
	err = ub_resolve_async(ctx, name, type, 1, &p, resolved, NULL);
	while (err == 0 && !p.done)
		err = ub_wait(ctx);
	if (err == 0)
		err = p.err;
	if (err == 0)
		*out = p.res;
	else
		ub_resolve_free(p.res);
	return err;
}

/*
 * libunbound reads the trust anchor lazily, at the first query.  Ask for
 * "localhost." (a built-in local zone, answered without any network
 * traffic) so that a broken anchor file is reported here.
 */
static int
ctx_finalize(struct ub_ctx *ctx, const char *ta, struct au_diag *diag)
{
	struct ub_result *res = NULL;
	int r = resolve(ctx, "localhost.", T_A, &res);

	ub_resolve_free(res);
	if (r == 0)
		return 0;
	return au_diag_sys(diag, AU_EDNS_RESOLVER, r,
	    "trust anchor %s: libunbound could not load it (%s); expected DS "
	    "or DNSKEY records in zone-file format", ta, ub_strerror(r));
}

/* Read the anchor file (to name a missing or empty one clearly). */
static int
ta_read(const char *ta, uint8_t **buf, size_t *len, struct au_diag *diag)
{
	struct au_diag fd = { "", 0 };
	int r;

	/* Missing, unreadable or empty: the image's mistake (exit 2), not
	 * DNS's; a failing disk or memory stays the machine's (exit 1). */
	r = au_file_read_all(ta, AU_DNS_TA_MAX, buf, len, &fd);
	if (r != 0)
		return au_diag_sys(diag, r == AU_ENOMEM || fd.sys == EIO ?
		    r : AU_ECONFIG, fd.sys, "[discovery] trust_anchor %s: "
		    "cannot read it (%s: %s)", ta, au_strerror(r), fd.msg);
	if (*len == 0) {
		free(*buf);
		*buf = NULL;
		return au_diag_set(diag, AU_ECONFIG,
		    "[discovery] trust_anchor %s is empty", ta);
	}
	return 0;
}

/*
 * RFC 5011: libunbound rewrites its auto-trust-anchor-file as the zone
 * rolls its keys.  It is given a working copy of the tracked file, seeded
 * from the configured anchor on the first run, after damage, or when
 * use_seed (client/discover/anchor.h: only the client writes the tracked
 * file, durably).
 */
static int
ta_setup(struct ub_ctx *ctx, const struct au_dns_opts *o, int use_seed,
    struct au_anchor **anchor, struct au_diag *diag)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	if ((r = ta_read(o->trust_anchor, &buf, &len, diag)) != 0)
		return r;
	if (o->rfc5011_file != NULL && o->rfc5011_file[0] != '\0') {
		r = au_anchor_open(o->rfc5011_file, buf, len, use_seed, anchor,
		    diag);
		free(buf);
		if (r != 0)
			return r;
		if ((r = ub_ctx_set_option(ctx, "auto-trust-anchor-file:",
		    au_anchor_work_path(*anchor))) != 0)
			return au_diag_sys(diag, AU_EDNS_RESOLVER, r,
			    "trust anchor %s: %s", au_anchor_work_path(*anchor),
			    ub_strerror(r));
		return 0;
	}
	free(buf);
	if ((r = ub_ctx_add_ta_file(ctx, o->trust_anchor)) != 0)
		return au_diag_sys(diag, AU_EDNS_RESOLVER, r,
		    "trust anchor %s: %s", o->trust_anchor, ub_strerror(r));
	return 0;
}

static int
ctx_setup(struct ub_ctx *ctx, const struct au_dns_opts *o, int use_seed,
    struct au_anchor **anchor, struct au_diag *diag)
{
	char when[32];
	int r;

	if ((r = ta_setup(ctx, o, use_seed, anchor, diag)) != 0)
		return r;
	if ((r = ub_ctx_async(ctx, 1)) != 0)	/* a thread, not a fork */
		return au_diag_sys(diag, AU_EDNS_RESOLVER, r,
		    "libunbound background thread: %s", ub_strerror(r));
	if (o->validate_at > 0) {
		(void)snprintf(when, sizeof(when), "%lld",
		    (long long)o->validate_at);
		if ((r = ub_ctx_set_option(ctx, "val-override-date:", when)) != 0)
			return au_diag_sys(diag, AU_EDNS_RESOLVER, r,
			    "val-override-date %s: %s", when, ub_strerror(r));
	}
	if (o->resolver != NULL && o->resolver[0] != '\0') {
		if (!au_dns_resolver_valid(o->resolver))
			return au_diag_set(diag, AU_EDNS_RESOLVER,
			    "resolver \"%s\": expected ADDR or ADDR@PORT with a "
			    "literal IPv4/IPv6 address", o->resolver);
		if ((r = ub_ctx_set_fwd(ctx, o->resolver)) != 0)
			return au_diag_sys(diag, AU_EDNS_RESOLVER, r,
			    "resolver \"%s\": %s", o->resolver, ub_strerror(r));
	}
	return 0;
}

/* A fresh libunbound context in d (use_seed: see ta_setup); *refused
 * when libunbound could not load the anchor. */
static int
ctx_open(struct au_dns *d, const struct au_dns_opts *o, int use_seed,
    int *refused, struct au_diag *diag)
{
	int r;

	if (d->ctx != NULL)
		ub_ctx_delete(d->ctx);
	au_anchor_close(d->anchor, 0);
	d->anchor = NULL;
	if ((d->ctx = ub_ctx_create()) == NULL)
		return au_diag_set(diag, AU_EDNS_RESOLVER, "ub_ctx_create failed");
	if ((r = ctx_setup(d->ctx, o, use_seed, &d->anchor, diag)) != 0)
		return r;
	r = ctx_finalize(d->ctx, o->rfc5011_file && o->rfc5011_file[0] ?
	    o->rfc5011_file : o->trust_anchor, diag);
	*refused = r != 0;
	return r;
}

int
au_dns_open(const struct au_dns_opts *o, struct au_dns **out,
    struct au_diag *diag)
{
	struct au_dns *d = NULL;
	int r, refused = 0;

	if (o == NULL || o->trust_anchor == NULL || o->trust_anchor[0] == '\0')
		return au_diag_set(diag, AU_EDNS_RESOLVER,
		    "no trust anchor file configured");
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	r = ctx_open(d, o, 0, &refused, diag);
	if (r != 0 && refused && d->anchor != NULL &&
	    au_anchor_from_tracked(d->anchor)) {
		/* The tracked file looked whole, but libunbound refuses it. */
		au_log(AU_LOG_WARN, "%s; RFC 5011 tracking starts again from "
		    "%s", diag != NULL ? diag->msg : "tracked trust anchor "
		    "refused", o->trust_anchor);
		r = ctx_open(d, o, 1, &refused, diag);
	}
	if (r != 0)
		goto out;
	*out = d;
	d = NULL;
out:
	if (d != NULL) {
		au_anchor_close(d->anchor, 0);	/* nothing of it is kept */
		d->anchor = NULL;
	}
	au_dns_free(d);
	return r;
}

int
au_dns_new(const char *trust_anchor, const char *resolver,
    struct au_dns **out, struct au_diag *diag)
{
	struct au_dns_opts o = { trust_anchor, resolver, NULL, 0 };

	return au_dns_open(&o, out, diag);
}

void
au_dns_free(struct au_dns *d)
{
	if (d == NULL)
		return;
	if (d->ctx != NULL)
		ub_ctx_delete(d->ctx);	/* libunbound is done with the anchor */
	au_anchor_close(d->anchor, 1);
	free(d);
}

size_t
au_dns_query_count(const struct au_dns *d)
{
	return d == NULL ? 0 : d->nq;
}

const struct au_dns_query_info *
au_dns_query(const struct au_dns *d, size_t i)
{
	return (d == NULL || i >= d->nq) ? NULL : &d->q[i];
}

/* ---- queries ---- */

static const char *
type_name(int t)
{
	switch (t) {
	case T_A: return "A";
	case T_TXT: return "TXT";
	case T_AAAA: return "AAAA";
	case T_SRV: return "SRV";
	case T_TLSA: return "TLSA";
	case T_SVCB: return "SVCB";
	case T_HTTPS: return "HTTPS";
	default: return "?";
	}
}

static enum au_dns_state
state_of(const struct ub_result *res)
{
	if (res->bogus)
		return AU_DNS_BOGUS;
	if (res->rcode != RCODE_NOERROR && res->rcode != RCODE_NXDOMAIN)
		return AU_DNS_FAILED;
	if (!res->secure)
		return AU_DNS_INSECURE;
	if (res->rcode == RCODE_NXDOMAIN)
		return AU_DNS_SECURE_NXDOMAIN;
	return res->havedata ? AU_DNS_SECURE : AU_DNS_SECURE_NODATA;
}

/* Record what a query returned, for -v. */
static void
note_query(struct au_dns *d, const char *name, int type,
    const struct ub_result *res, const char *why)
{
	struct au_dns_query_info *q;
	int64_t exp = 0;

	if (d->nq >= AU_DNS_MAX_QUERIES)
		return;
	q = &d->q[d->nq++];
	memset(q, 0, sizeof(*q));
	(void)snprintf(q->name, sizeof(q->name), "%s", name);
	(void)snprintf(q->type, sizeof(q->type), "%s", type_name(type));
	q->state = res != NULL ? state_of(res) : AU_DNS_FAILED;
	(void)snprintf(q->why, sizeof(q->why), "%s", why);
	if (res == NULL || q->state != AU_DNS_SECURE)
		return;
	for (q->records = 0; res->data[q->records] != NULL; q->records++)
		;
	if (res->answer_packet != NULL && au_dns_rrsig_expiry(
	    res->answer_packet, (size_t)res->answer_len, (uint16_t)type,
	    &exp) == 0)
		q->rrsig_expires = exp;
}

/* Map a finished libunbound result to 0 (secure data) or an error. */
static int
classify(const struct ub_result *res, const char *name, int type,
    struct au_diag *diag)
{
	const char *t = type_name(type);

	switch (state_of(res)) {
	case AU_DNS_BOGUS:
		return au_diag_set(diag, AU_EDNS_BOGUS, "%s %s: bogus: %s", name,
		    t, res->why_bogus ? res->why_bogus : "(no reason given)");
	case AU_DNS_FAILED:
		return au_diag_sys(diag, AU_EDNS_SERVFAIL, res->rcode,
		    "%s %s: resolver answered rcode %d%s", name, t, res->rcode,
		    res->rcode == RCODE_SERVFAIL ?
		    " (SERVFAIL: resolver unreachable or failing)" : "");
	case AU_DNS_INSECURE:
		return au_diag_set(diag, AU_EDNS_INSECURE,
		    "%s %s: insecure answer (no DNSSEC chain of trust from the "
		    "trust anchor), refused", name, t);
	case AU_DNS_SECURE_NXDOMAIN:
		return au_diag_set(diag, AU_EDNS_NXDOMAIN,
		    "%s %s: name does not exist (secure NXDOMAIN)", name, t);
	case AU_DNS_SECURE_NODATA:
		return au_diag_set(diag, AU_EDNS_NODATA,
		    "%s %s: no such record (secure NODATA)", name, t);
	default:
		return 0;
	}
}

/* The short reason kept per query: why_bogus or the rcode. */
static void
why_text(const struct ub_result *res, char *buf, size_t size)
{
	buf[0] = '\0';
	if (res->bogus && res->why_bogus != NULL)
		(void)snprintf(buf, size, "%s", res->why_bogus);
	else if (state_of(res) == AU_DNS_FAILED)
		(void)snprintf(buf, size, "rcode %d", res->rcode);
}

/*
 * Resolve name/type.  On success *res holds secure data (caller frees).
 * When `optional`, a secure NODATA/NXDOMAIN is success with *res == NULL
 * (the error code is still left in *absent when absent != NULL).
 */
static int
query(struct au_dns *d, const char *name, int type, int optional,
    struct ub_result **res, struct au_diag *diag)
{
	struct ub_result *r = NULL;
	char why[160];
	int err;

	err = resolve(d->ctx, name, type, &r);
	if (err != 0) {
		ub_resolve_free(r);
		note_query(d, name, type, NULL, ub_strerror(err));
		return au_diag_sys(diag, err == UB_NOMEM ? AU_ENOMEM :
		    err == UB_INITFAIL ? AU_EDNS_RESOLVER : AU_EDNS_SERVFAIL, err,
		    "%s %s: libunbound: %s", name, type_name(type), ub_strerror(err));
	}
	why_text(r, why, sizeof(why));
	note_query(d, name, type, r, why);
	err = classify(r, name, type, diag);
	if (err == 0) {
		*res = r;
		return 0;
	}
	ub_resolve_free(r);
	if (optional && (err == AU_EDNS_NODATA || err == AU_EDNS_NXDOMAIN)) {
		*res = NULL;
		return optional > 1 ? err : 0;
	}
	return err;
}

/* ---- discovery steps ---- */

static int
host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Lowercase, trailing dot removed, LDH/underscore labels of 1..63. */
static int
domain_norm(const char *in, char *out, size_t size, struct au_diag *diag)
{
	size_t n = strlen(in), lab = 0;

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0 || n + 1 > size)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == '.') {
			if (lab == 0)
				goto bad;
			lab = 0;
		} else if (!host_char(in[i]) || ++lab > LABEL_MAX) {
			goto bad;
		}
		out[i] = (in[i] >= 'A' && in[i] <= 'Z') ?
		    (char)(in[i] - 'A' + 'a') : in[i];
	}
	if (lab == 0)
		goto bad;
	out[n] = '\0';
	return 0;
bad:
	return au_diag_set(diag, AU_EDNS_MALFORMED,
	    "domain \"%.200s\": not a valid host name of at most %d characters",
	    in, (int)size - 1);
}

static uint32_t
rnd32(void *arg)
{
	uint32_t v = 0;

	(void)arg;
	if (au_random(&v, sizeof(v), NULL) != 0)
		v = 0;
	return v;
}

static void
add_target(struct au_dns_services *sv, const char *host, uint16_t port,
    uint16_t prio, uint16_t weight, const char *source)
{
	struct au_dns_target *t = &sv->t[sv->n++];

	(void)snprintf(t->host, sizeof(t->host), "%.*s", AU_DNS_HOST_MAX - 1, host);
	t->port = port;
	t->priority = prio;
	t->weight = weight;
	(void)snprintf(t->source, sizeof(t->source), "%s", source);
}

/* Every SRV record; a lone "." is "no service" (RFC 2782). */
static int
take_srv(const struct ub_result *res, const char *name,
    struct au_dns_services *sv, struct au_diag *diag)
{
	char t[AU_DNS_HOST_MAX];
	uint16_t pr, w, port;
	int n, dots = 0;

	for (n = 0; res->data[n] != NULL; n++) {
		if (n >= AU_DNS_MAX_SRV)
			return au_diag_set(diag, AU_EDNS_MALFORMED,
			    "%s SRV: more than %d records", name, AU_DNS_MAX_SRV);
		if (au_dns_parse_srv((const uint8_t *)res->data[n],
		    (size_t)res->len[n], &pr, &w, &port, t, sizeof(t)) != 0)
			return au_diag_set(diag, AU_EDNS_MALFORMED,
			    "%s SRV: record %d does not parse", name, n + 1);
		if (strcmp(t, ".") == 0)
			dots++;
		else if (port != 0)
			add_target(sv, t, port, pr, w, "SRV");
	}
	if (n == 1 && dots == 1)
		return au_diag_set(diag, AU_EDNS_NOSERVICE,
		    "%s SRV: target \".\": the service is not offered", name);
	if (sv->n == 0)
		return au_diag_set(diag, AU_EDNS_MALFORMED,
		    "%s SRV: no record with a target and a port", name);
	au_dns_srv_order(sv->t, sv->n, rnd32, NULL);
	return 0;
}

/* RFC 9460 section 7.1: the alpn set, with the default unless disabled. */
static int
svcb_usable(const struct au_svcb *s, int https)
{
	if (s->mandatory_unknown)
		return 0;
	if (s->alpn_http11)
		return 1;
	if (s->no_default_alpn)
		return 0;
	return https || !s->has_alpn || 1;
}

/* ServiceMode records into sv; *alias gets an AliasMode target if any. */
static int
take_svcb(const struct ub_result *res, const char *name, const char *owner,
    int type, struct au_dns_services *sv, char *alias, struct au_diag *diag)
{
	struct au_svcb s;
	int n;

	alias[0] = '\0';
	for (n = 0; res->data[n] != NULL; n++) {
		if (n >= AU_DNS_MAX_SRV)
			return au_diag_set(diag, AU_EDNS_MALFORMED, "%s %s: more "
			    "than %d records", name, type_name(type), AU_DNS_MAX_SRV);
		if (au_dns_parse_svcb((const uint8_t *)res->data[n],
		    (size_t)res->len[n], &s) != 0)
			return au_diag_set(diag, AU_EDNS_MALFORMED, "%s %s: record "
			    "%d does not parse", name, type_name(type), n + 1);
		if (s.priority == 0) {
			if (alias[0] == '\0')
				memcpy(alias, s.target, sizeof(s.target));
		} else if (svcb_usable(&s, type == T_HTTPS)) {
			add_target(sv, strcmp(s.target, ".") == 0 ? owner :
			    s.target, s.has_port ? s.port : HTTPS_PORT,
			    s.priority, 0, type_name(type));
		}
	}
	if (sv->n > 0)
		au_dns_srv_order(sv->t, sv->n, rnd32, NULL);
	return 0;
}

/*
 * SVCB at _aiupdate._tcp.<dom> or HTTPS at <dom>, following AliasMode.
 * Returns 0 with sv->n > 0, or the error of the first query.
 */
static int
step_svcb(struct au_dns *d, const char *qname, const char *dom, int type,
    struct au_dns_services *sv, struct au_diag *diag)
{
	char name[AU_DNS_HOST_MAX + 16], alias[AU_DNS_HOST_MAX];
	struct ub_result *res = NULL;
	int r, step;

	(void)snprintf(name, sizeof(name), "%s", qname);
	for (step = 0; step <= AU_DNS_ALIAS_MAX; step++) {
		r = query(d, name, type, step > 0 ? 2 : 0, &res, diag);
		if (r != 0 && step > 0 && (r == AU_EDNS_NODATA ||
		    r == AU_EDNS_NXDOMAIN)) {	/* alias to a plain host */
			add_target(sv, name, HTTPS_PORT, 1, 0, type_name(type));
			return 0;
		}
		if (r != 0)
			return r;
		r = take_svcb(res, name, dom, type, sv, alias, diag);
		ub_resolve_free(res);
		if (r != 0 || sv->n > 0)
			return r;
		if (alias[0] == '\0' || strcmp(alias, ".") == 0)
			return au_diag_set(diag, AU_EDNS_NODATA, "%s %s: no "
			    "usable record (needs alpn http/1.1 and no unknown "
			    "mandatory key)", name, type_name(type));
		(void)snprintf(name, sizeof(name), "%s", alias);
	}
	return au_diag_set(diag, AU_EDNS_MALFORMED, "%s %s: more than %d "
	    "AliasMode steps", qname, type_name(type), AU_DNS_ALIAS_MAX);
}

static int
step_hosts(struct au_dns *d, const char *svc, int srv_only, const char *dom,
    struct au_dns_services *sv, struct au_diag *diag)
{
	char name[AU_DNS_HOST_MAX + 16];
	struct ub_result *res = NULL;
	struct au_diag first;
	int r, r1;

	(void)snprintf(name, sizeof(name), "%s.%s", svc, dom);
	r1 = query(d, name, T_SRV, 0, &res, diag);
	if (r1 == 0) {
		r = take_srv(res, name, sv, diag);
		ub_resolve_free(res);
		return r;
	}
	if (srv_only || (r1 != AU_EDNS_NODATA && r1 != AU_EDNS_NXDOMAIN))
		return r1;
	first = diag ? *diag : (struct au_diag){ "", 0 };
	/* Provably no SRV: the RFC 9460 alternatives, when present. */
	r = r1 == AU_EDNS_NODATA ? step_svcb(d, name, dom, T_SVCB, sv, diag) :
	    AU_EDNS_NXDOMAIN;
	if (r == AU_EDNS_NODATA || r == AU_EDNS_NXDOMAIN)
		r = step_svcb(d, dom, dom, T_HTTPS, sv, diag);
	if ((r == AU_EDNS_NODATA || r == AU_EDNS_NXDOMAIN) && diag != NULL) {
		(void)snprintf(diag->msg, sizeof(diag->msg), "%.300s; no SVCB "
		    "or HTTPS record either", first.msg);
		return r1;
	}
	return r;
}

static int
step_txt(struct au_dns *d, const char *svc, const char *dom,
    struct au_dns_services *sv, struct au_diag *diag)
{
	char name[AU_DNS_HOST_MAX + 16], p[AU_DNS_PATH_MAX];
	struct ub_result *res = NULL;
	int r, found = 0;

	(void)snprintf(name, sizeof(name), "%s.%s", svc, dom);
	memcpy(sv->path, "/", 2);
	if ((r = query(d, name, T_TXT, 1, &res, diag)) != 0 || res == NULL)
		return r;
	for (int i = 0; res->data[i] != NULL && r == 0; i++) {
		r = au_dns_parse_txt_path((const uint8_t *)res->data[i],
		    (size_t)res->len[i], p, sizeof(p));
		if (r == AU_EDNS_NODATA) {
			r = 0;
		} else if (r != 0) {
			(void)au_diag_set(diag, r, "%s TXT: bad \"path=\" value",
			    name);
		} else if (found && strcmp(p, sv->path) != 0) {
			r = au_diag_set(diag, AU_EDNS_MALFORMED,
			    "%s TXT: two different paths", name);
		} else {
			found = 1;
			memcpy(sv->path, p, strlen(p) + 1);
		}
	}
	ub_resolve_free(res);
	return r;
}

int
au_dns_services(struct au_dns *d, const char *domain,
    struct au_dns_services *out, struct au_diag *diag)
{
	return au_dns_services_at(d, AU_DNS_SERVICE, 0, domain, out, diag);
}

int
au_dns_services_at(struct au_dns *d, const char *service, int srv_only,
    const char *domain, struct au_dns_services *out, struct au_diag *diag)
{
	char dom[AU_DNS_HOST_MAX];
	struct au_dns_services *sv;
	int r;

	if (d == NULL || domain == NULL || out == NULL || service == NULL ||
	    strlen(service) >= sizeof(AU_DNS_SERVICE_REPORT))
		return au_diag_set(diag, AU_EINTERNAL,
		    "au_dns_services: bad argument");
	/* Room for "SERVICE." in front of the name. */
	if ((r = domain_norm(domain, dom, sizeof(dom) - strlen(service) - 1,
	    diag)) != 0)
		return r;
	if ((sv = calloc(1, sizeof(*sv))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	if ((r = step_hosts(d, service, srv_only, dom, sv, diag)) == 0 &&
	    (r = step_txt(d, service, dom, sv, diag)) == 0)
		*out = *sv;
	free(sv);
	return r;
}

static int
step_addr(struct au_dns *d, struct au_service *s, int type,
    struct au_diag *diag)
{
	struct ub_result *res = NULL;
	size_t want = type == T_A ? 4 : 16;
	int r;

	if ((r = query(d, s->host, type, 1, &res, diag)) != 0 || res == NULL)
		return r;
	for (int i = 0; res->data[i] != NULL; i++) {
		if ((size_t)res->len[i] != want || s->naddrs >= AU_DNS_MAX_ADDRS) {
			r = au_diag_set(diag, AU_EDNS_MALFORMED, "%s %s: %s", s->host,
			    type_name(type), s->naddrs >= AU_DNS_MAX_ADDRS ?
			    "more than 8 addresses (AU_DNS_MAX_ADDRS)" :
			    "bad address length");
			break;
		}
		s->addrs[s->naddrs].family = type == T_A ? 4 : 6;
		memcpy(s->addrs[s->naddrs].addr, res->data[i], want);
		s->naddrs++;
	}
	ub_resolve_free(res);
	return r;
}

static int
step_tlsa(struct au_dns *d, struct au_service *s, struct au_diag *diag)
{
	char name[AU_DNS_HOST_MAX + 16];
	struct ub_result *res = NULL;
	int r;

	(void)snprintf(name, sizeof(name), "_%u._tcp.%s", (unsigned)s->port,
	    s->host);
	if ((r = query(d, name, T_TLSA, 1, &res, diag)) != 0 || res == NULL)
		return r;
	for (int i = 0; res->data[i] != NULL && r == 0; i++) {
		const uint8_t *rd = (const uint8_t *)res->data[i];

		if (res->len[i] >= 3 && rd[2] > 2)
			continue;	/* unusable matching type (RFC 7671 s5) */
		if (s->ntlsa >= AU_DNS_MAX_TLSA)
			r = au_diag_set(diag, AU_EDNS_MALFORMED,
			    "%s TLSA: more than %d records", name, AU_DNS_MAX_TLSA);
		else if (au_dns_parse_tlsa(rd, (size_t)res->len[i],
		    &s->tlsa[s->ntlsa]) != 0)
			r = au_diag_set(diag, AU_EDNS_MALFORMED,
			    "%s TLSA: record %d does not parse", name, i + 1);
		else
			s->ntlsa++;
	}
	ub_resolve_free(res);
	return r;
}

int
au_dns_resolve(struct au_dns *d, const struct au_dns_services *sv, size_t i,
    struct au_service *out, struct au_diag *diag)
{
	struct au_service *s;
	int r;

	if (d == NULL || sv == NULL || out == NULL || i >= sv->n)
		return au_diag_set(diag, AU_EINTERNAL, "au_dns_resolve: bad "
		    "argument");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	memcpy(s->host, sv->t[i].host, sizeof(s->host));
	s->port = sv->t[i].port;
	memcpy(s->path, sv->path, sizeof(s->path));
	memcpy(s->source, sv->t[i].source, sizeof(s->source));
	if ((r = step_addr(d, s, T_A, diag)) != 0 ||
	    (r = step_addr(d, s, T_AAAA, diag)) != 0)
		goto out;
	if (s->naddrs == 0) {
		r = au_diag_set(diag, AU_EDNS_NODATA,
		    "%s: no A and no AAAA record (secure denial)", s->host);
		goto out;
	}
	if ((r = step_tlsa(d, s, diag)) != 0)
		goto out;
	*out = *s;
out:
	free(s);
	return r;
}

int
au_dns_discover(struct au_dns *d, const char *domain, struct au_service *out,
    struct au_diag *diag)
{
	struct au_dns_services *sv = calloc(1, sizeof(*sv));
	int r;

	if (sv == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	r = au_dns_services(d, domain, sv, diag);
	if (r == 0)
		r = au_dns_resolve(d, sv, 0, out, diag);
	free(sv);
	return r;
}
