/* SPDX-License-Identifier: ISC */
/*
 * client/report/report_net.c - the field-support part of the reports: the clock
 * policy, resolver and trust anchor, every DNS query with its validation
 * state and RRSIG expiry, the hosts tried, the TLS peer, and the WARN lines
 * for whatever expires within warn_days.
 */
#include "client/report/report.h"

#include <stdio.h>
#include <string.h>

#include "client/discover/dns.h"
#include "manifest/tuf.h"
#include "port/ban.h"

#define DAY 86400

/* Whole days from now to t, rounded down (negative: in the past). */
static long long
days_until(int64_t t, int64_t now)
{
	int64_t d = t - now;

	return (long long)(d >= 0 ? d / DAY : -((-d + DAY - 1) / DAY));
}

static void
print_clock(const struct au_report *rep)
{
	char c[32], f[32];

	if (au_time_format(rep->clock, c, sizeof(c)) != 0)	/* 1970 too */
		(void)snprintf(c, sizeof(c), "%lld", (long long)rep->clock);
	au_report_fmt_time(rep->floor, f, sizeof(f));
	if (rep->clock < rep->floor)
		printf("WARN clock %s is earlier than the time floor %s: the "
		    "clock is not believed; signatures, certificates and "
		    "metadata are judged at the floor\n", c, f);
}

static void
print_dns(const struct au_net_report *n, int64_t now)
{
	size_t i;

	printf("resolver:   %s%s, DNSSEC validated here\n",
	    n->resolver[0] ? "forwarder " : "full recursion from the root hints",
	    n->resolver);
	printf("anchor:     %s (%s)\n", n->trust_anchor, n->anchor_mode ?
	    n->anchor_mode : "static");
	if (n->nq > 0)
		printf("dns:\n");
	for (i = 0; i < n->nq; i++) {
		const struct au_dns_query_info *q = &n->q[i];

		printf("  %-40s %-5s %-15s", q->name, q->type,
		    au_dns_state_name(q->state));
		if (q->state == AU_DNS_SECURE)
			printf(" %d record%s", q->records, q->records == 1 ? "" : "s");
		if (q->rrsig_expires > 0)
			printf(", RRSIG expires in %lld days",
			    days_until(q->rrsig_expires, now));
		if (q->why[0] != '\0')
			printf(": %s", q->why);
		printf("\n");
	}
}

static void
print_hosts(const struct au_net_report *n)
{
	size_t i;

	if (n->nhosts > 0)
		printf("hosts:\n");
	for (i = 0; i < n->nhosts; i++) {
		const struct au_host_attempt *h = &n->hosts[i];

		printf("  %s:%u (%s%s%s) %s%s%s\n", h->host, (unsigned)h->port,
		    h->source, h->addr[0] ? ", " : "", h->addr,
		    h->err == 0 ? "used" : au_strerror(h->err),
		    h->err && h->msg[0] ? ": " : "", h->err ? h->msg : "");
	}
}

static void
print_tls(const struct au_tls_peer *t, int64_t now)
{
	char na[32];

	if (t->auth == NULL || t->auth[0] == '\0')
		return;
	au_report_fmt_time(t->leaf_not_after, na, sizeof(na));
	printf("tls:        %s, %s, %s, authenticated by %s\n",
	    t->name[0] ? t->name : "(no name)", t->version, t->cipher, t->auth);
	printf("            certificate expires %s (in %lld days), SPKI "
	    "SHA-256 %s\n", na, days_until(t->leaf_not_after, now),
	    t->spki_sha256);
}

void
au_report_print_net(const struct au_report *rep, int verbose)
{
	char t[32];

	print_clock(rep);
	if (!verbose)
		return;
	au_report_fmt_time(rep->now, t, sizeof(t));
	printf("time:       %s%s\n", t, rep->clock < rep->floor ?
	    " (the time floor)" : "");
	if (rep->net.anchor_mode == NULL && rep->net.nq == 0)
		return;		/* no DNS in this run */
	print_dns(&rep->net, rep->now);
	print_hosts(&rep->net);
	print_tls(&rep->net.tls, rep->now);
}

/* ---- what expires soon ---- */

struct warn_ctx {
	const struct au_report *rep;
	void (*emit)(void *arg, const char *what, const char *name,
	    int64_t expires, long long days);
	void *arg;
};

static void
check_within(struct warn_ctx *w, const char *what, const char *name,
    int64_t exp, int days)
{
	long long d;

	if (exp <= 0)
		return;
	d = days_until(exp, w->rep->now);
	if (exp - w->rep->now < (int64_t)days * DAY)
		w->emit(w->arg, what, name, exp, d);
}

static void
check(struct warn_ctx *w, const char *what, const char *name, int64_t exp)
{
	check_within(w, what, name, exp, w->rep->warn_days);
}

static void
walk_warnings(struct warn_ctx *w)
{
	const struct au_report *rep = w->rep;
	const struct au_role_report *roles[] = { &rep->root, &rep->timestamp,
		&rep->snapshot, &rep->targets };
	static const char *const names[] = { "root", "timestamp", "snapshot",
		"targets" };
	char name[AU_DNS_HOST_MAX + 24];
	size_t i;

	for (i = 0; i < rep->net.nq; i++) {
		(void)snprintf(name, sizeof(name), "%s %s", rep->net.q[i].name,
		    rep->net.q[i].type);
		check(w, "dns-rrsig", name, rep->net.q[i].rrsig_expires);
	}
	if (rep->net.tls.auth != NULL && rep->net.tls.auth[0] != '\0') {
		check(w, "certificate", rep->host, rep->net.tls.leaf_not_after);
		if (rep->net.tls.chain_not_after < rep->net.tls.leaf_not_after)
			check(w, "certificate-chain", rep->host,
			    rep->net.tls.chain_not_after);
	}
	/* The timestamp is re-signed every few days by design (aiupdate-repo
	 * signs it for 7): it warns within a day, else every healthy run
	 * would warn (AU_WARN_TIMESTAMP_DAYS). */
	for (i = 0; i < 4; i++)
		if (roles[i]->version >= 0)
			check_within(w, "metadata", names[i], roles[i]->expires,
			    i == 1 && rep->warn_days > AU_WARN_TIMESTAMP_DAYS ?
			    AU_WARN_TIMESTAMP_DAYS : rep->warn_days);
}

static void
emit_text(void *arg, const char *what, const char *name, int64_t expires,
    long long days)
{
	char t[32];

	(void)arg;
	au_report_fmt_time(expires, t, sizeof(t));
	printf("WARN %s %s expires %s (in %lld days)\n", what, name, t, days);
}

void
au_report_print_warnings(const struct au_report *rep)
{
	struct warn_ctx w = { rep, emit_text, NULL };

	walk_warnings(&w);
}

/* ---- JSON ---- */

static void
emit_json(void *arg, const char *what, const char *name, int64_t expires,
    long long days)
{
	json_array_append_new(arg, json_pack("{s:s,s:s,s:I,s:I}", "what", what,
	    "name", name, "expires", (json_int_t)expires, "days",
	    (json_int_t)days));
}

static json_t *
json_dns(const struct au_net_report *n)
{
	json_t *qs = json_array();
	size_t i;

	for (i = 0; i < n->nq; i++)
		json_array_append_new(qs, json_pack("{s:s,s:s,s:s,s:i,s:I,s:s}",
		    "name", n->q[i].name, "type", n->q[i].type, "state",
		    au_dns_state_name(n->q[i].state), "records", n->q[i].records,
		    "rrsig_expires", (json_int_t)n->q[i].rrsig_expires, "why",
		    n->q[i].why));
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:o}", "mode", n->resolver[0] ?
	    "forwarder" : "recursion", "resolver", n->resolver, "trust_anchor",
	    n->trust_anchor, "anchor_mode", n->anchor_mode ? n->anchor_mode :
	    "static", "validated_at", (json_int_t)n->validated_at, "queries", qs);
}

static json_t *
json_hosts(const struct au_net_report *n)
{
	json_t *hs = json_array();
	size_t i;

	for (i = 0; i < n->nhosts; i++)
		json_array_append_new(hs, json_pack("{s:s,s:i,s:s,s:s,s:s,s:s}",
		    "host", n->hosts[i].host, "port", (int)n->hosts[i].port,
		    "source", n->hosts[i].source, "address", n->hosts[i].addr,
		    "result", n->hosts[i].err ? au_strerror(n->hosts[i].err) :
		    "used", "message", n->hosts[i].msg));
	return hs;
}

static json_t *
json_tls(const struct au_tls_peer *t)
{
	if (t->auth == NULL || t->auth[0] == '\0')
		return json_null();
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "peer", t->name,
	    "version", t->version, "cipher", t->cipher, "auth", t->auth,
	    "spki_sha256", t->spki_sha256, "not_after",
	    (json_int_t)t->leaf_not_after, "chain_not_after",
	    (json_int_t)t->chain_not_after);
}

void
au_report_json_net(const struct au_report *rep, json_t *o)
{
	json_t *warn = json_array();
	struct warn_ctx w = { rep, emit_json, warn };

	walk_warnings(&w);
	json_object_set_new(o, "clock", json_pack("{s:I,s:I,s:I,s:b}", "now",
	    (json_int_t)rep->clock, "floor", (json_int_t)rep->floor,
	    "judged_at", (json_int_t)rep->now, "behind_floor",
	    rep->clock < rep->floor));
	json_object_set_new(o, "dns", json_dns(&rep->net));
	json_object_set_new(o, "hosts", json_hosts(&rep->net));
	json_object_set_new(o, "tls", json_tls(&rep->net.tls));
	json_object_set_new(o, "warn_days", json_integer(rep->warn_days));
	json_object_set_new(o, "warnings", warn);
}
