/* SPDX-License-Identifier: ISC */
/*
 * client/discover/dns.h - discovery of the update service through DNSSEC-validated
 * answers only (RFC 4033-4035 validation, RFC 2782 SRV, RFC 9460 SVCB and
 * HTTPS, RFC 6698/7671 TLSA).
 *
 * A discovery runs in two steps through one libunbound context:
 *   au_dns_services(): the ordered list of service hosts
 *     SRV   _aiupdate._tcp.<domain>   several records, ordered by priority
 *                                     and weight (RFC 2782)
 *     SVCB  _aiupdate._tcp.<domain>   only when there is provably no SRV
 *     HTTPS <domain>                  only when there is provably no SVCB
 *     TXT   _aiupdate._tcp.<domain>   optional "path=/..." (default "/")
 *   au_dns_resolve(): for one host of that list, just before connecting
 *     A, AAAA <host>                  both asked; A answers first
 *     TLSA  _<port>._tcp.<host>       optional DANE records
 * Every answer used must be DNSSEC-secure (RFC 4035 section 4.3).  Bogus and
 * insecure answers are errors; there is no fallback to another resolver.
 * A bogus answer still carries data: it is never copied out.
 * Every query and its validation state is recorded in the context for the
 * field-support report (au_dns_query_count / au_dns_query).
 */
#ifndef AU_DNS_H
#define AU_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "client/discover/anchor.h"
#include "client/report/run_report.h"	/* struct au_dns_query_info */
#include "port/err.h"
#include "port/port.h"		/* struct au_addr */

#define AU_DNS_MAX_ADDRS 8	/* A + AAAA answers together; more is an error */
#define AU_DNS_MAX_TLSA 8	/* usable TLSA records; more is an error */
#define AU_DNS_MAX_SRV AU_REPORT_MAX_HOSTS	/* SRV/SVCB records at one name; more is an error */
#define AU_DNS_MAX_QUERIES AU_REPORT_MAX_QUERIES	/* queries recorded per context (more: not recorded) */
#define AU_DNS_HOST_MAX AU_REPORT_HOST_MAX	/* text host name incl. NUL, no trailing dot */
#define AU_DNS_PATH_MAX 256	/* TXT path incl. NUL */
#define AU_DNS_TA_MAX AU_ANCHOR_TA_MAX	/* trust anchor file size cap, bytes (anchor.h) */
#define AU_DNS_TLSA_DATA_MAX 2048	/* TLSA association data (a full certificate for x 0 0) */
#define AU_DNS_ALIAS_MAX 4	/* SVCB/HTTPS AliasMode steps followed */
#define AU_DNS_SERVICE "_aiupdate._tcp"	/* the SRV/TXT/SVCB owner label pair */
#define AU_DNS_SERVICE_REPORT "_aiupdate-report._tcp"	/* status reports (client/report/send.h);
				   the longest service label pair */

/* One TLSA record (RFC 6698 section 2.1). */
struct au_tlsa {
	uint8_t usage, selector, mtype;	/* certificate usage, selector, matching type */
	uint8_t data[AU_DNS_TLSA_DATA_MAX];	/* hash (types 1, 2) or the bytes (type 0) */
	size_t len;
};

/* Text for a state: "secure", "secure-nodata", "secure-nxdomain",
 * "insecure", "bogus", "failed". */
const char *au_dns_state_name(enum au_dns_state s);

/* One service host, in the order to try. */
struct au_dns_target {
	char host[AU_DNS_HOST_MAX];	/* no trailing dot, lowercase */
	uint16_t port;
	uint16_t priority, weight;	/* SRV priority/weight; SVCB SvcPriority, 0 */
	char source[8];			/* "SRV", "SVCB" or "HTTPS" */
};

/* The result of au_dns_services(). */
struct au_dns_services {
	char path[AU_DNS_PATH_MAX];	/* from TXT "path=/...", else "/" */
	struct au_dns_target t[AU_DNS_MAX_SRV];
	size_t n;			/* 1..AU_DNS_MAX_SRV */
};

/* One host of the list, resolved.  Plain value; every field validated. */
struct au_service {
	char host[AU_DNS_HOST_MAX];	/* target, no trailing dot, lowercase */
	uint16_t port;
	char path[AU_DNS_PATH_MAX];	/* starts with '/' */
	char source[8];			/* "SRV", "SVCB", "HTTPS" */
	struct au_addr addrs[AU_DNS_MAX_ADDRS];	/* validated A then AAAA answers */
	size_t naddrs;
	struct au_tlsa tlsa[AU_DNS_MAX_TLSA];	/* secure TLSA at _PORT._tcp.HOST */
	size_t ntlsa;
};

/* How to build a context. */
struct au_dns_opts {
	const char *trust_anchor;	/* file of DS or DNSKEY records, zone-file format */
	const char *resolver;		/* NULL/"" = full recursion from the root
					   hints; "ADDR" or "ADDR@PORT" = forwarder */
	const char *rfc5011_file;	/* NULL/"" = the anchor is static; else a
					   file kept up to date by RFC 5011: libunbound
					   tracks a working copy (auto-trust-anchor-
					   file), which au_dns_free() writes back
					   durably; seeded from trust_anchor when
					   missing or damaged (client/discover/anchor.h) */
	int64_t validate_at;		/* 0 = judge signature dates by the system
					   clock; else by this time (seconds since
					   the epoch; val-override-date) */
};

struct au_dns;	/* opaque: one libunbound context; use one per run */

/*
 * 1 when r is a resolver as [discovery] resolver takes it: "ADDR" or
 * "ADDR@PORT", a literal IPv4/IPv6 address and a port 1-65535; else 0.
 */
int au_dns_resolver_valid(const char *r);

/*
 * Create a validating resolver context.  Forwarding works against a plain
 * authoritative server too (NSD serving a parent and its children answers
 * for all of them).  Validation always happens here in the client,
 * whichever mode.  The trust anchor is read and parsed before returning;
 * a tracked RFC 5011 file that libunbound refuses is started again from
 * trust_anchor (logged), so that a damaged file never stops validation.
 * On success *out owns a new context; release with au_dns_free().
 * Errors: AU_EDNS_RESOLVER (diag names the file or the resolver value and
 * the libunbound error), AU_ENOMEM.
 */
AU_NODISCARD int au_dns_open(const struct au_dns_opts *o, struct au_dns **out,
    struct au_diag *diag);

/* au_dns_open() with a static anchor and the system clock. */
AU_NODISCARD int au_dns_new(const char *trust_anchor, const char *resolver,
    struct au_dns **out, struct au_diag *diag);

/*
 * Release a context; NULL is fine.  With RFC 5011 tracking, the anchor
 * libunbound wrote during the run is then kept, durably (anchor.h).
 */
void au_dns_free(struct au_dns *d);

/* The queries made through d so far, in order (at most AU_DNS_MAX_QUERIES). */
size_t au_dns_query_count(const struct au_dns *d);
const struct au_dns_query_info *au_dns_query(const struct au_dns *d, size_t i);

/*
 * Find the service hosts of `domain` (a host name, trailing dot optional,
 * at most AU_DNS_HOST_MAX - 1 - strlen("_aiupdate._tcp.") chars), in the
 * order to try them:
 *  - SRV (RFC 2782 section "Usage rules"): lowest priority first; within a
 *    priority, a weighted random order (weight-0 records rarely first).
 *    A lone target "." means the service is not offered; records with port
 *    0 or target "." among others are skipped.
 *  - else SVCB at _aiupdate._tcp.<domain>, else HTTPS at <domain>
 *    (RFC 9460): ServiceMode records by SvcPriority; target "." is the
 *    domain; port default 443; records whose mandatory keys are unknown or
 *    whose alpn set (with the default) lacks "http/1.1" are skipped;
 *    AliasMode is followed (at most AU_DNS_ALIAS_MAX steps; an alias
 *    target without SVCB/HTTPS records is the host itself, port 443).
 *    As for SRV, the TLS name and the TLSA owner are the target host (not
 *    the origin, unlike browsers); ipv4hint/ipv6hint are ignored (only
 *    validated A/AAAA are used); ECH is not supported.
 * Errors (diag names the query and why):
 *   AU_EDNS_BOGUS     an answer failed validation (diag has why_bogus)
 *   AU_EDNS_INSECURE  an answer provably unsigned
 *   AU_EDNS_NXDOMAIN  secure proof that the SRV name does not exist
 *                     (and no HTTPS record at the domain)
 *   AU_EDNS_NODATA    secure proof of no SRV, SVCB and HTTPS, or none usable
 *   AU_EDNS_SERVFAIL  resolver failure, timeout, or unexpected rcode
 *   AU_EDNS_NOSERVICE SRV target "." (RFC 2782)
 *   AU_EDNS_MALFORMED bad domain, unparsable rdata, over a named maximum,
 *                     or two different TXT paths
 *   AU_ENOMEM
 * Validation failures are cached by the context: use a new one to retry.
 */
AU_NODISCARD int au_dns_services(struct au_dns *d, const char *domain,
    struct au_dns_services *out, struct au_diag *diag);

/*
 * au_dns_services() for another service label pair (at most as long as
 * AU_DNS_SERVICE_REPORT): SRV and TXT at SERVICE.<domain>; with srv_only
 * no SVCB/HTTPS alternative is tried (a missing SRV is the error).  The
 * status reports' endpoint (client/report/send.h) is found this way.
 * Errors: as au_dns_services(), AU_EINTERNAL (bad service).
 */
AU_NODISCARD int au_dns_services_at(struct au_dns *d, const char *service,
    int srv_only, const char *domain, struct au_dns_services *out,
    struct au_diag *diag);

/*
 * Resolve host i of sv: A and AAAA (at least one must exist) and the TLSA
 * records at _PORT._tcp.HOST (secure NODATA/NXDOMAIN = none).  TLSA records
 * with a matching type other than 0, 1 or 2 are skipped (RFC 7671 s5).
 * Errors: as au_dns_services (AU_EDNS_NODATA: no A and no AAAA).
 */
AU_NODISCARD int au_dns_resolve(struct au_dns *d,
    const struct au_dns_services *sv, size_t i, struct au_service *out,
    struct au_diag *diag);

/* au_dns_services() then au_dns_resolve() of the first host. */
AU_NODISCARD int au_dns_discover(struct au_dns *d, const char *domain,
    struct au_service *out, struct au_diag *diag);

/*
 * Order SRV targets t[0..n) by RFC 2782: ascending priority; within one
 * priority, repeatedly pick a record with probability weight/sum (weight-0
 * records are placed first and picked only when the random number is 0).
 * rnd(arg) returns a uniform 32-bit number.  Stable for equal entries.
 */
void au_dns_srv_order(struct au_dns_target *t, size_t n,
    uint32_t (*rnd)(void *), void *arg);

/*
 * Raw rdata parsers (exposed for unit tests and fuzzing).  None allocates;
 * outputs are written only on success.  All return AU_EDNS_MALFORMED on
 * truncated, overlong or otherwise invalid input.
 */

/*
 * SRV rdata (RFC 2782): priority, weight, port, uncompressed target name.
 * The target is written as lowercase text without the trailing dot into
 * target[tsize]; the root name is written as ".".  Labels may hold only
 * letters, digits, '-' and '_'.
 */
AU_NODISCARD int au_dns_parse_srv(const uint8_t *rd, size_t len,
    uint16_t *prio, uint16_t *weight, uint16_t *port, char *target,
    size_t tsize);

/* SVCB/HTTPS rdata (RFC 9460 section 2.2), the parts this client uses. */
struct au_svcb {
	uint16_t priority;		/* 0 = AliasMode */
	char target[AU_DNS_HOST_MAX];	/* "." = the owner name */
	int has_port;
	uint16_t port;
	int has_alpn;			/* key 1 present */
	int alpn_http11;		/* "http/1.1" in the alpn list */
	int no_default_alpn;		/* key 2 present */
	int mandatory_unknown;		/* key 0 names a key this client cannot honour */
};

/*
 * SvcPriority, TargetName (uncompressed, letters, digits, '-', '_'), then
 * SvcParams: keys strictly increasing; mandatory (0) a non-empty, strictly
 * increasing list of keys other than 0, each present in the record; alpn
 * (1) a non-empty list of non-empty strings; no-default-alpn (2) empty;
 * port (3) two bytes; ipv4hint (4) / ipv6hint (6) non-empty multiples of 4
 * / 16 bytes (parsed, not used: addresses come from validated A/AAAA);
 * other keys skipped.  AliasMode parameters are ignored.
 */
AU_NODISCARD int au_dns_parse_svcb(const uint8_t *rd, size_t len,
    struct au_svcb *out);

/*
 * TLSA rdata (RFC 6698 section 2.1).  Matching type 1 needs 32 bytes of data,
 * 2 needs 64; others 1..AU_DNS_TLSA_DATA_MAX bytes.  Usage and selector
 * values are not judged here.
 */
AU_NODISCARD int au_dns_parse_tlsa(const uint8_t *rd, size_t len,
    struct au_tlsa *out);

/*
 * TXT rdata (RFC 1035 section 3.3.14): find the character-string
 * "path=/..." and copy the path into path[psize].  The path must start with
 * '/', be shorter than AU_DNS_PATH_MAX and hold only RFC 3986 path
 * characters (unreserved, sub-delims, ':', '@', '%', '/').
 * Errors: AU_EDNS_NODATA (well-formed, but no "path=" string),
 * AU_EDNS_MALFORMED.
 */
AU_NODISCARD int au_dns_parse_txt_path(const uint8_t *rd, size_t len,
    char *path, size_t psize);

/*
 * Earliest expiration (seconds since the epoch) of the RRSIGs covering
 * qtype in the answer section of a DNS wire message; 0 if there are none.
 * Errors: AU_EDNS_MALFORMED.
 */
AU_NODISCARD int au_dns_rrsig_expiry(const uint8_t *msg, size_t len,
    uint16_t qtype, int64_t *expires);

#endif
