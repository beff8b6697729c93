/* SPDX-License-Identifier: ISC */
/* client/dns.c - DNSSEC-validated service discovery through libunbound. */
#include "client/dns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unbound.h>

#include "port/ban.h"

enum {
	T_A = 1, T_TXT = 16, T_AAAA = 28, T_SRV = 33, T_RRSIG = 46, T_TLSA = 52,
	RCODE_NOERROR = 0, RCODE_NXDOMAIN = 3,
	WIRE_NAME_MAX = 255, LABEL_MAX = 63,
};

struct au_dns {
	struct ub_ctx *ctx;
};

/* ---- rdata parsers ---- */

static int
host_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/*
 * Uncompressed wire name at rd[*off..len) to lowercase text without the
 * trailing dot (root: ".") in buf[AU_DNS_HOST_MAX]; advances *off.
 */
static int
wire_name_text(const uint8_t *rd, size_t len, size_t *off, char *buf)
{
	size_t o = *off, n = 0, start = *off;
	uint8_t l;

	while (o < len && (l = rd[o]) != 0) {
		if (l > LABEL_MAX || o + 1 + l > len)
			return AU_EDNS_MALFORMED;
		if (n + l + 2 > AU_DNS_HOST_MAX)
			return AU_EDNS_MALFORMED;
		if (n > 0)
			buf[n++] = '.';
		for (size_t i = 0; i < l; i++) {
			if (!host_char(rd[o + 1 + i]))
				return AU_EDNS_MALFORMED;
			buf[n++] = lower((char)rd[o + 1 + i]);
		}
		o += 1 + (size_t)l;
	}
	if (o >= len || o + 1 - start > WIRE_NAME_MAX)
		return AU_EDNS_MALFORMED;
	if (n == 0)
		buf[n++] = '.';
	buf[n] = '\0';
	*off = o + 1;
	return 0;
}

int
au_dns_parse_srv(const uint8_t *rd, size_t len, uint16_t *prio,
    uint16_t *weight, uint16_t *port, char *target, size_t tsize)
{
	char name[AU_DNS_HOST_MAX];
	size_t off = 6;
	size_t n;

	if (rd == NULL || len < 7 || target == NULL)
		return AU_EDNS_MALFORMED;
	if (wire_name_text(rd, len, &off, name) != 0 || off != len)
		return AU_EDNS_MALFORMED;
	n = strlen(name);
	if (n + 1 > tsize)
		return AU_EDNS_MALFORMED;
	memcpy(target, name, n + 1);
	*prio = (uint16_t)(rd[0] << 8 | rd[1]);
	*weight = (uint16_t)(rd[2] << 8 | rd[3]);
	*port = (uint16_t)(rd[4] << 8 | rd[5]);
	return 0;
}

int
au_dns_parse_tlsa(const uint8_t *rd, size_t len, struct au_tlsa *out)
{
	size_t dlen;

	if (rd == NULL || len < 4 || out == NULL)
		return AU_EDNS_MALFORMED;
	dlen = len - 3;
	if (dlen > sizeof(out->data))
		return AU_EDNS_MALFORMED;
	if ((rd[2] == 1 && dlen != 32) || (rd[2] == 2 && dlen != 64))
		return AU_EDNS_MALFORMED;
	out->usage = rd[0];
	out->selector = rd[1];
	out->mtype = rd[2];
	memcpy(out->data, rd + 3, dlen);
	out->len = dlen;
	return 0;
}

static int
hexdigit(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* RFC 3986 section 3.3 path characters, '%' followed by two hex digits. */
static int
path_valid(const uint8_t *p, size_t n)
{
	static const char extra[] = "-._~!$&'()*+,;=:@/";

	if (n == 0 || p[0] != '/' || n >= AU_DNS_PATH_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '%') {
			if (i + 2 >= n || !hexdigit(p[i + 1]) || !hexdigit(p[i + 2]))
				return 0;
		} else if (!((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
		    (p[i] != '\0' && strchr(extra, p[i]) != NULL))) {
			return 0;
		}
	}
	return 1;
}

int
au_dns_parse_txt_path(const uint8_t *rd, size_t len, char *path, size_t psize)
{
	const uint8_t *found = NULL;
	size_t flen = 0, off = 0, l;

	if (rd == NULL || len == 0 || path == NULL)
		return AU_EDNS_MALFORMED;
	while (off < len) {
		l = rd[off];
		if (off + 1 + l > len)
			return AU_EDNS_MALFORMED;
		if (l >= 5 && memcmp(rd + off + 1, "path=", 5) == 0) {
			if (found != NULL)	/* two paths in one record */
				return AU_EDNS_MALFORMED;
			found = rd + off + 6;
			flen = l - 5;
		}
		off += 1 + l;
	}
	if (found == NULL)
		return AU_EDNS_NODATA;
	if (!path_valid(found, flen) || flen + 1 > psize)
		return AU_EDNS_MALFORMED;
	memcpy(path, found, flen);
	path[flen] = '\0';
	return 0;
}

/* ---- DNS message walking (RFC 1035 section 4.1) ---- */

static int
skip_name(const uint8_t *m, size_t len, size_t *off)
{
	size_t o = *off;

	for (int labels = 0; labels < 128; labels++) {
		if (o >= len)
			return AU_EDNS_MALFORMED;
		if ((m[o] & 0xC0) == 0xC0) {
			if (o + 2 > len)
				return AU_EDNS_MALFORMED;
			*off = o + 2;
			return 0;
		}
		if (m[o] & 0xC0)
			return AU_EDNS_MALFORMED;
		if (m[o] == 0) {
			*off = o + 1;
			return 0;
		}
		o += 1 + (size_t)m[o];
	}
	return AU_EDNS_MALFORMED;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int
au_dns_rrsig_expiry(const uint8_t *msg, size_t len, uint16_t qtype,
    int64_t *expires)
{
	size_t off = 12;
	unsigned qd, an;
	int64_t best = 0, e;

	if (msg == NULL || len < 12)
		return AU_EDNS_MALFORMED;
	qd = get16(msg + 4);
	an = get16(msg + 6);
	for (unsigned i = 0; i < qd; i++) {
		if (skip_name(msg, len, &off) != 0 || off + 4 > len)
			return AU_EDNS_MALFORMED;
		off += 4;
	}
	for (unsigned i = 0; i < an; i++) {
		size_t rdlen;

		if (skip_name(msg, len, &off) != 0 || off + 10 > len)
			return AU_EDNS_MALFORMED;
		rdlen = get16(msg + off + 8);
		if (off + 10 + rdlen > len)
			return AU_EDNS_MALFORMED;
		if (get16(msg + off) == T_RRSIG && rdlen >= 18 &&
		    get16(msg + off + 10) == qtype) {
			const uint8_t *x = msg + off + 18;

			e = (int64_t)((uint32_t)x[0] << 24 | (uint32_t)x[1] << 16 |
			    (uint32_t)x[2] << 8 | x[3]);
			if (best == 0 || e < best)
				best = e;
		}
		off += 10 + rdlen;
	}
	*expires = best;
	return 0;
}

/* ---- context ---- */

/* "ADDR" or "ADDR@PORT" with a literal address and a port 1-65535. */
static int
resolver_valid(const char *r)
{
	char addr[64];
	const char *at = strrchr(r, '@');
	size_t n = at ? (size_t)(at - r) : strlen(r);
	struct au_addr a;

	if (n == 0 || n >= sizeof(addr))
		return 0;
	memcpy(addr, r, n);
	addr[n] = '\0';
	if (au_addr_parse(addr, &a) != 0)
		return 0;
	if (at != NULL) {
		char *end = NULL;
		unsigned long p = strtoul(at + 1, &end, 10);

		if (at[1] < '0' || at[1] > '9' || *end != '\0' || p == 0 || p > 65535)
			return 0;
	}
	return 1;
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
	int r = ub_resolve(ctx, "localhost.", T_A, 1, &res);

	ub_resolve_free(res);
	if (r == 0)
		return 0;
	return au_diag_sys(diag, AU_EDNS_RESOLVER, r,
	    "trust anchor %s: libunbound could not load it (%s); expected DS "
	    "or DNSKEY records in zone-file format", ta, ub_strerror(r));
}

static int
ctx_setup(struct ub_ctx *ctx, const char *ta, const char *resolver,
    struct au_diag *diag)
{
	struct au_diag fd = { "", 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	r = au_file_read_all(ta, AU_DNS_TA_MAX, &buf, &len, &fd);
	free(buf);
	if (r != 0)
		return au_diag_sys(diag, AU_EDNS_RESOLVER, fd.sys,
		    "trust anchor %s: cannot read it (%s: %s)", ta,
		    au_strerror(r), fd.msg);
	if (len == 0)
		return au_diag_set(diag, AU_EDNS_RESOLVER,
		    "trust anchor %s is empty", ta);
	if ((r = ub_ctx_add_ta_file(ctx, ta)) != 0)
		return au_diag_sys(diag, AU_EDNS_RESOLVER, r,
		    "trust anchor %s: %s", ta, ub_strerror(r));
	if (resolver != NULL && resolver[0] != '\0') {
		if (!resolver_valid(resolver))
			return au_diag_set(diag, AU_EDNS_RESOLVER,
			    "resolver \"%s\": expected ADDR or ADDR@PORT with a "
			    "literal IPv4/IPv6 address", resolver);
		if ((r = ub_ctx_set_fwd(ctx, resolver)) != 0)
			return au_diag_sys(diag, AU_EDNS_RESOLVER, r,
			    "resolver \"%s\": %s", resolver, ub_strerror(r));
	}
	return ctx_finalize(ctx, ta, diag);
}

int
au_dns_new(const char *trust_anchor, const char *resolver,
    struct au_dns **out, struct au_diag *diag)
{
	struct au_dns *d = NULL;
	int r;

	if (trust_anchor == NULL || trust_anchor[0] == '\0')
		return au_diag_set(diag, AU_EDNS_RESOLVER,
		    "no trust anchor file configured");
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	if ((d->ctx = ub_ctx_create()) == NULL) {
		r = au_diag_set(diag, AU_EDNS_RESOLVER, "ub_ctx_create failed");
		goto out;
	}
	if ((r = ctx_setup(d->ctx, trust_anchor, resolver, diag)) != 0)
		goto out;
	*out = d;
	d = NULL;
out:
	au_dns_free(d);
	return r;
}

void
au_dns_free(struct au_dns *d)
{
	if (d == NULL)
		return;
	if (d->ctx != NULL)
		ub_ctx_delete(d->ctx);
	free(d);
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
	default: return "?";
	}
}

/* Record what a query returned, for -v. */
static void
note_rr(struct au_service *s, const char *name, int type,
    const struct ub_result *res)
{
	struct au_dns_rr_info *ri;
	int64_t exp = 0;

	if (s->nrr >= AU_DNS_MAX_RRINFO)
		return;
	ri = &s->rr[s->nrr++];
	snprintf(ri->name, sizeof(ri->name), "%s", name);
	snprintf(ri->type, sizeof(ri->type), "%s", type_name(type));
	if (res != NULL && res->havedata && res->answer_packet != NULL &&
	    au_dns_rrsig_expiry(res->answer_packet, (size_t)res->answer_len,
	    (uint16_t)type, &exp) != 0)
		exp = 0;
	ri->rrsig_expires = exp;
}

/* Map a finished libunbound result to 0 (secure data) or an error. */
static int
classify(const struct ub_result *res, const char *name, int type,
    struct au_diag *diag)
{
	const char *t = type_name(type);

	if (res->bogus)
		return au_diag_set(diag, AU_EDNS_BOGUS, "%s %s: bogus: %s", name,
		    t, res->why_bogus ? res->why_bogus : "(no reason given)");
	if (res->rcode != RCODE_NOERROR && res->rcode != RCODE_NXDOMAIN)
		return au_diag_sys(diag, AU_EDNS_SERVFAIL, res->rcode,
		    "%s %s: resolver answered rcode %d%s", name, t, res->rcode,
		    res->rcode == 2 ? " (SERVFAIL: resolver unreachable or failing)" : "");
	if (!res->secure)
		return au_diag_set(diag, AU_EDNS_INSECURE,
		    "%s %s: insecure answer (no DNSSEC chain of trust from the "
		    "trust anchor), refused", name, t);
	if (res->rcode == RCODE_NXDOMAIN)
		return au_diag_set(diag, AU_EDNS_NXDOMAIN,
		    "%s %s: name does not exist (secure NXDOMAIN)", name, t);
	if (!res->havedata)
		return au_diag_set(diag, AU_EDNS_NODATA,
		    "%s %s: no such record (secure NODATA)", name, t);
	return 0;
}

/*
 * Resolve name/type.  On success *res holds secure data (caller frees).
 * When `optional`, a secure NODATA/NXDOMAIN is success with *res == NULL.
 */
static int
query(struct au_dns *d, struct au_service *s, const char *name, int type,
    int optional, struct ub_result **res, struct au_diag *diag)
{
	struct ub_result *r = NULL;
	int err;

	err = ub_resolve(d->ctx, name, type, 1, &r);
	if (err != 0) {
		ub_resolve_free(r);
		return au_diag_sys(diag, err == UB_NOMEM ? AU_ENOMEM :
		    err == UB_INITFAIL ? AU_EDNS_RESOLVER : AU_EDNS_SERVFAIL, err,
		    "%s %s: libunbound: %s", name, type_name(type), ub_strerror(err));
	}
	err = classify(r, name, type, diag);
	note_rr(s, name, type, err == 0 ? r : NULL);
	if (err == 0) {
		*res = r;
		return 0;
	}
	ub_resolve_free(r);
	if (optional && (err == AU_EDNS_NODATA || err == AU_EDNS_NXDOMAIN)) {
		*res = NULL;
		return 0;
	}
	return err;
}

/* ---- discovery steps ---- */

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
		} else if (!host_char((uint8_t)in[i]) || ++lab > LABEL_MAX) {
			goto bad;
		}
		out[i] = lower(in[i]);
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

/* Lowest priority, then highest weight, then first listed (RFC 2782). */
static int
pick_srv(const struct ub_result *res, const char *name, struct au_service *s,
    struct au_diag *diag)
{
	char t[AU_DNS_HOST_MAX];
	uint16_t pr, w, port;
	int best = -1, bw = -1, n;

	for (n = 0; res->data[n] != NULL; n++) {
		if (n >= AU_DNS_MAX_SRV)
			return au_diag_set(diag, AU_EDNS_MALFORMED,
			    "%s SRV: more than %d records", name, AU_DNS_MAX_SRV);
		if (au_dns_parse_srv((const uint8_t *)res->data[n],
		    (size_t)res->len[n], &pr, &w, &port, t, sizeof(t)) != 0)
			return au_diag_set(diag, AU_EDNS_MALFORMED,
			    "%s SRV: record %d does not parse", name, n + 1);
		if (best < 0 || pr < best || (pr == best && w > bw)) {
			best = pr;
			bw = w;
			s->port = port;
			memcpy(s->host, t, sizeof(t));
		}
	}
	if (strcmp(s->host, ".") == 0)
		return au_diag_set(diag, AU_EDNS_NOSERVICE,
		    "%s SRV: target \".\": the service is not offered", name);
	if (s->port == 0)
		return au_diag_set(diag, AU_EDNS_MALFORMED, "%s SRV: port 0", name);
	return 0;
}

static int
step_srv(struct au_dns *d, const char *dom, struct au_service *s,
    struct au_diag *diag)
{
	char name[AU_DNS_HOST_MAX + 16];
	struct ub_result *res = NULL;
	int r;

	snprintf(name, sizeof(name), AU_DNS_SERVICE ".%s", dom);
	if ((r = query(d, s, name, T_SRV, 0, &res, diag)) != 0)
		return r;
	r = pick_srv(res, name, s, diag);
	ub_resolve_free(res);
	return r;
}

static int
step_txt(struct au_dns *d, const char *dom, struct au_service *s,
    struct au_diag *diag)
{
	char name[AU_DNS_HOST_MAX + 16], p[AU_DNS_PATH_MAX];
	struct ub_result *res = NULL;
	int r, found = 0;

	snprintf(name, sizeof(name), AU_DNS_SERVICE ".%s", dom);
	memcpy(s->path, "/", 2);
	if ((r = query(d, s, name, T_TXT, 1, &res, diag)) != 0 || res == NULL)
		return r;
	for (int i = 0; res->data[i] != NULL && r == 0; i++) {
		r = au_dns_parse_txt_path((const uint8_t *)res->data[i],
		    (size_t)res->len[i], p, sizeof(p));
		if (r == AU_EDNS_NODATA) {
			r = 0;
		} else if (r != 0) {
			au_diag_set(diag, r, "%s TXT: bad \"path=\" value", name);
		} else if (found && strcmp(p, s->path) != 0) {
			r = au_diag_set(diag, AU_EDNS_MALFORMED,
			    "%s TXT: two different paths", name);
		} else {
			found = 1;
			memcpy(s->path, p, strlen(p) + 1);
		}
	}
	ub_resolve_free(res);
	return r;
}

static int
step_addr(struct au_dns *d, struct au_service *s, int type,
    struct au_diag *diag)
{
	struct ub_result *res = NULL;
	size_t want = type == T_A ? 4 : 16;
	int r;

	if ((r = query(d, s, s->host, type, 1, &res, diag)) != 0 || res == NULL)
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
	struct au_tlsa t;
	int r;

	snprintf(name, sizeof(name), "_%u._tcp.%s", (unsigned)s->port, s->host);
	if ((r = query(d, s, name, T_TLSA, 1, &res, diag)) != 0 || res == NULL)
		return r;
	for (int i = 0; res->data[i] != NULL && r == 0; i++) {
		const uint8_t *rd = (const uint8_t *)res->data[i];

		if (res->len[i] >= 3 && rd[2] != 1 && rd[2] != 2)
			continue;	/* unusable matching type (RFC 7671 s5) */
		if (au_dns_parse_tlsa(rd, (size_t)res->len[i], &t) != 0)
			r = au_diag_set(diag, AU_EDNS_MALFORMED,
			    "%s TLSA: record %d does not parse", name, i + 1);
		else if (s->ntlsa >= AU_DNS_MAX_TLSA)
			r = au_diag_set(diag, AU_EDNS_MALFORMED,
			    "%s TLSA: more than %d records", name, AU_DNS_MAX_TLSA);
		else
			s->tlsa[s->ntlsa++] = t;
	}
	ub_resolve_free(res);
	return r;
}

int
au_dns_discover(struct au_dns *d, const char *domain, struct au_service *out,
    struct au_diag *diag)
{
	char dom[AU_DNS_HOST_MAX - sizeof(AU_DNS_SERVICE)];
	struct au_service *s = NULL;
	int r;

	if (d == NULL || domain == NULL || out == NULL)
		return au_diag_set(diag, AU_EINTERNAL, "au_dns_discover: NULL argument");
	if ((r = domain_norm(domain, dom, sizeof(dom), diag)) != 0)
		return r;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	if ((r = step_srv(d, dom, s, diag)) != 0 ||
	    (r = step_txt(d, dom, s, diag)) != 0 ||
	    (r = step_addr(d, s, T_A, diag)) != 0 ||
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
