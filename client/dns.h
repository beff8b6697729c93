/* SPDX-License-Identifier: ISC */
/*
 * client/dns.h - discovery of the update service through DNSSEC-validated
 * answers only (RFC 4033-4035 validation, RFC 2782 SRV, RFC 6698/7671 TLSA).
 *
 * One discovery asks, in this order, through one libunbound context:
 *   SRV  _aiupdate._tcp.<domain>        the service host and port
 *   TXT  _aiupdate._tcp.<domain>        optional "path=/..." (default "/")
 *   A    <host>, AAAA <host>            the addresses to connect to
 *   TLSA _<port>._tcp.<host>            optional DANE records
 * Every answer used must be DNSSEC-secure (RFC 4035 section 4.3).  Bogus and
 * insecure answers are errors; there is no fallback to another resolver.
 * A bogus answer still carries data: it is never copied out.
 */
#ifndef AU_DNS_H
#define AU_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"
#include "port/port.h"		/* struct au_addr */

#define AU_DNS_MAX_ADDRS 8	/* A + AAAA answers together; more is an error */
#define AU_DNS_MAX_TLSA 8	/* usable TLSA records; more is an error */
#define AU_DNS_MAX_SRV 16	/* SRV records at one name; more is an error */
#define AU_DNS_MAX_RRINFO 8	/* one per query of a discovery (5 used) */
#define AU_DNS_HOST_MAX 254	/* text host name incl. NUL, no trailing dot */
#define AU_DNS_PATH_MAX 256	/* TXT path incl. NUL */
#define AU_DNS_TA_MAX 65536	/* trust anchor file size cap, bytes */
#define AU_DNS_SERVICE "_aiupdate._tcp"	/* the SRV/TXT owner label pair */

/* One TLSA record (RFC 6698 section 2.1); only matching types 1 and 2 kept. */
struct au_tlsa {
	uint8_t usage, selector, mtype;	/* certificate usage, selector, matching type */
	uint8_t data[64];		/* SHA-256 (32 bytes) or SHA-512 (64 bytes) */
	size_t len;
};

/* What one query of a discovery returned, for `aiupdate --check -v`. */
struct au_dns_rr_info {
	char name[AU_DNS_HOST_MAX + 16];	/* owner name asked, no trailing dot */
	char type[8];				/* "SRV", "TXT", "A", "AAAA", "TLSA" */
	int64_t rrsig_expires;	/* earliest RRSIG expiration over the answer
				   (seconds since the epoch); 0: no records
				   (secure NODATA / NXDOMAIN) */
};

/* A discovered update service.  Plain value; every field validated. */
struct au_service {
	char host[AU_DNS_HOST_MAX];	/* SRV target, no trailing dot, lowercase */
	uint16_t port;
	char path[AU_DNS_PATH_MAX];	/* from TXT "path=/...", else "/"; starts with '/' */
	struct au_addr addrs[AU_DNS_MAX_ADDRS];	/* validated A then AAAA answers */
	size_t naddrs;
	struct au_tlsa tlsa[AU_DNS_MAX_TLSA];	/* secure TLSA at _PORT._tcp.HOST */
	size_t ntlsa;
	struct au_dns_rr_info rr[AU_DNS_MAX_RRINFO];	/* each query, in order */
	size_t nrr;
};

struct au_dns;	/* opaque: one libunbound context; use one per run */

/*
 * Create a validating resolver context.
 * trust_anchor: path of a file of DS or DNSKEY records in zone-file format
 * (ub_ctx_add_ta_file), e.g. the root's DS or a private parent zone's DS.
 * resolver: NULL or "" = full recursion from the root hints;
 * "ADDR" or "ADDR@PORT" (IPv4 or IPv6 literal) = forward every query to that
 * server with RD set (ub_ctx_set_fwd).  Forwarding works against a plain
 * authoritative server too (NSD serving a parent and its children answers
 * for all of them), so no stub mode is needed.  Validation always happens
 * here in the client, whichever mode.
 * The trust anchor is read and parsed before returning.
 * On success *out owns a new context; release with au_dns_free().
 * Errors: AU_EDNS_RESOLVER (diag names the file or the resolver value and
 * the libunbound error), AU_ENOMEM.
 */
AU_NODISCARD int au_dns_new(const char *trust_anchor, const char *resolver,
    struct au_dns **out, struct au_diag *diag);

/* Release a context; NULL is fine. */
void au_dns_free(struct au_dns *d);

/*
 * Discover the update service of `domain` (a host name, trailing dot
 * optional, at most AU_DNS_HOST_MAX - 1 - strlen("_aiupdate._tcp.") chars).
 * The SRV record with the lowest priority wins; among equal priorities, the
 * highest weight, then the first listed (weights are not randomised).
 * A secure NODATA or NXDOMAIN for TXT or TLSA is fine (path "/", no TLSA);
 * TLSA records with a matching type other than 1 or 2 are skipped as
 * unusable (RFC 7671 section 5).
 * Validation failures are cached by the context: use a new context to retry.
 * Unreachable resolvers give AU_EDNS_SERVFAIL after libunbound's own
 * retries (about 17 s measured).
 * *out is written only on success.
 * Errors (diag names the query and why):
 *   AU_EDNS_BOGUS     any answer failed validation (diag has why_bogus)
 *   AU_EDNS_INSECURE  any answer provably unsigned
 *   AU_EDNS_NXDOMAIN  secure proof that the SRV name does not exist
 *   AU_EDNS_NODATA    secure proof of no SRV, or no A and no AAAA
 *   AU_EDNS_SERVFAIL  resolver failure, timeout, or unexpected rcode
 *   AU_EDNS_NOSERVICE SRV target "." (RFC 2782)
 *   AU_EDNS_MALFORMED bad domain, unparsable rdata, over a named maximum,
 *                     or two different TXT paths
 *   AU_EDNS_RESOLVER  the context could not be initialised
 *   AU_ENOMEM
 */
AU_NODISCARD int au_dns_discover(struct au_dns *d, const char *domain,
    struct au_service *out, struct au_diag *diag);

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

/*
 * TLSA rdata (RFC 6698 section 2.1).  Matching type 1 needs 32 bytes of data,
 * 2 needs 64; other matching types are accepted when their data fits in
 * 64 bytes (1..64).  Usage and selector values are not judged here.
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
