/* SPDX-License-Identifier: ISC */
/*
 * client/discover/dns_rdata.c - the pure parts of client/discover/dns.h: rdata parsers (SRV,
 * SVCB/HTTPS, TLSA, TXT), the RRSIG expiry scan of a wire message, and the
 * RFC 2782 ordering of SRV targets, the names of the validation states
 * and the syntax of a resolver address.  No I/O; every length is checked.
 */
#include "client/discover/dns.h"

#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "port/ban.h"

enum {
	T_RRSIG = 46,
	WIRE_NAME_MAX = 255, LABEL_MAX = 63,
	SVC_MANDATORY = 0, SVC_ALPN = 1, SVC_NODEFAULT = 2, SVC_PORT = 3,
	SVC_IPV4HINT = 4, SVC_ECH = 5, SVC_IPV6HINT = 6,
	SVC_MANDATORY_MAX = 16,	/* keys listed in one mandatory value */
};

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

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
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
	*prio = get16(rd);
	*weight = get16(rd + 2);
	*port = get16(rd + 4);
	return 0;
}

/* ---- SVCB / HTTPS (RFC 9460 section 2.2) ---- */

/* alpn value: a non-empty list of non-empty length-prefixed strings. */
static int
svcb_alpn(const uint8_t *v, size_t n, struct au_svcb *s)
{
	size_t o = 0;

	if (n == 0)
		return AU_EDNS_MALFORMED;
	while (o < n) {
		size_t l = v[o];

		if (l == 0 || o + 1 + l > n)
			return AU_EDNS_MALFORMED;
		if (l == 8 && memcmp(v + o + 1, "http/1.1", 8) == 0)
			s->alpn_http11 = 1;
		o += 1 + l;
	}
	s->has_alpn = 1;
	return 0;
}

/* mandatory value: keys strictly increasing, never 0; checked later
 * against the keys present (keys[] gets them). */
static int
svcb_mandatory(const uint8_t *v, size_t n, uint16_t *keys, size_t *nkeys)
{
	size_t i;

	if (n == 0 || n % 2 != 0 || n / 2 > SVC_MANDATORY_MAX)
		return AU_EDNS_MALFORMED;
	for (i = 0; i < n / 2; i++) {
		keys[i] = get16(v + 2 * i);
		if (keys[i] == SVC_MANDATORY || (i > 0 && keys[i] <= keys[i - 1]))
			return AU_EDNS_MALFORMED;
	}
	*nkeys = n / 2;
	return 0;
}

static int
svcb_param(uint16_t key, const uint8_t *v, size_t n, struct au_svcb *s)
{
	switch (key) {
	case SVC_ALPN:
		return svcb_alpn(v, n, s);
	case SVC_NODEFAULT:
		if (n != 0)
			return AU_EDNS_MALFORMED;
		s->no_default_alpn = 1;
		return 0;
	case SVC_PORT:
		if (n != 2)
			return AU_EDNS_MALFORMED;
		s->has_port = 1;
		s->port = get16(v);
		return 0;
	case SVC_IPV4HINT:
		return (n == 0 || n % 4 != 0) ? AU_EDNS_MALFORMED : 0;
	case SVC_IPV6HINT:
		return (n == 0 || n % 16 != 0) ? AU_EDNS_MALFORMED : 0;
	default:
		return 0;	/* ech and unknown keys: not used */
	}
}

/* Is a mandatory key one this client honours?  (ECH is not implemented.) */
static int
key_known(uint16_t k)
{
	return k == SVC_ALPN || k == SVC_NODEFAULT || k == SVC_PORT ||
	    k == SVC_IPV4HINT || k == SVC_IPV6HINT;
}

/* Every mandatory key must be present (RFC 9460 section 8). */
static int
mandatory_check(const uint16_t *mk, size_t nmk, const uint16_t *seen,
    size_t nseen, struct au_svcb *s)
{
	for (size_t i = 0; i < nmk; i++) {
		size_t j;

		for (j = 0; j < nseen && seen[j] != mk[i]; j++)
			;
		if (j == nseen)
			return AU_EDNS_MALFORMED;
		if (!key_known(mk[i]))
			s->mandatory_unknown = 1;
	}
	return 0;
}

static int
svcb_params(const uint8_t *rd, size_t len, size_t off, struct au_svcb *s)
{
	uint16_t mk[SVC_MANDATORY_MAX], seen[SVC_MANDATORY_MAX + 8];
	size_t nmk = 0, nseen = 0;
	int32_t last = -1;

	while (off < len) {
		uint16_t key, vlen;

		if (off + 4 > len)
			return AU_EDNS_MALFORMED;
		key = get16(rd + off);
		vlen = get16(rd + off + 2);
		off += 4;
		if ((int32_t)key <= last || off + vlen > len)
			return AU_EDNS_MALFORMED;
		last = key;
		if (key == SVC_MANDATORY) {
			if (svcb_mandatory(rd + off, vlen, mk, &nmk) != 0)
				return AU_EDNS_MALFORMED;
		} else if (svcb_param(key, rd + off, vlen, s) != 0) {
			return AU_EDNS_MALFORMED;
		}
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = key;
		off += vlen;
	}
	return mandatory_check(mk, nmk, seen, nseen, s);
}

int
au_dns_parse_svcb(const uint8_t *rd, size_t len, struct au_svcb *out)
{
	struct au_svcb s;
	size_t off = 2;

	if (rd == NULL || out == NULL || len < 3)
		return AU_EDNS_MALFORMED;
	memset(&s, 0, sizeof(s));
	s.priority = get16(rd);
	if (wire_name_text(rd, len, &off, s.target) != 0)
		return AU_EDNS_MALFORMED;
	if (s.priority != 0 && svcb_params(rd, len, off, &s) != 0)
		return AU_EDNS_MALFORMED;
	if (s.priority == 0) {	/* AliasMode: parameters ignored (2.4.2) */
		memset(&s, 0, sizeof(s));
		off = 2;
		if (wire_name_text(rd, len, &off, s.target) != 0)
			return AU_EDNS_MALFORMED;
	}
	*out = s;
	return 0;
}

/* ---- TLSA, TXT ---- */

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

/* ---- RFC 2782 ordering ---- */

/* Stable insertion sort by priority; weight-0 records first within one. */
static void
sort_priority(struct au_dns_target *t, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct au_dns_target x = t[i];
		size_t j = i;

		while (j > 0 && (t[j - 1].priority > x.priority ||
		    (t[j - 1].priority == x.priority && t[j - 1].weight > 0 &&
		    x.weight == 0))) {
			t[j] = t[j - 1];
			j--;
		}
		t[j] = x;
	}
}

/* Weighted selection within t[0..n) (one priority), in place. */
static void
order_weights(struct au_dns_target *t, size_t n, uint32_t (*rnd)(void *),
    void *arg)
{
	for (size_t k = 0; k + 1 < n; k++) {
		uint64_t sum = 0, run = 0, pick;
		size_t i;

		for (i = k; i < n; i++)
			sum += t[i].weight;
		pick = sum == 0 ? 0 : (uint64_t)rnd(arg) % (sum + 1);
		for (i = k; i < n; i++) {
			run += t[i].weight;
			if (run >= pick)
				break;
		}
		if (i != k) {
			struct au_dns_target x = t[i];

			memmove(t + k + 1, t + k, (i - k) * sizeof(*t));
			t[k] = x;
		}
	}
}

void
au_dns_srv_order(struct au_dns_target *t, size_t n, uint32_t (*rnd)(void *),
    void *arg)
{
	size_t start = 0;

	sort_priority(t, n);
	while (start < n) {
		size_t end = start + 1;

		while (end < n && t[end].priority == t[start].priority)
			end++;
		order_weights(t + start, end - start, rnd, arg);
		start = end;
	}
}

const char *
au_dns_state_name(enum au_dns_state s)
{
	switch (s) {
	case AU_DNS_SECURE: return "secure";
	case AU_DNS_SECURE_NODATA: return "secure-nodata";
	case AU_DNS_SECURE_NXDOMAIN: return "secure-nxdomain";
	case AU_DNS_INSECURE: return "insecure";
	case AU_DNS_BOGUS: return "bogus";
	default: return "failed";
	}
}

int
au_dns_resolver_valid(const char *r)
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
