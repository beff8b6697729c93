/* SPDX-License-Identifier: ISC */
/*
 * client/transport/endpoint.h - where the transport connects and how it
 * authenticates the server: values only, shared by client/transport/http.h
 * (which callers use) and client/transport/tls.h (the TLS layer under it),
 * so that neither header includes the other (STYLE 4b: no include cycle).
 */
#ifndef AU_ENDPOINT_H
#define AU_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

#define AU_HTTP_HOST_MAX 253		/* DNS name in Host and SNI */
#define AU_HTTP_ADDRS_MAX 16		/* addresses tried in order */
#define AU_HTTP_TLSA_MAX 16		/* TLSA records considered */
#define AU_HTTP_CA_FILE_MAX (4u << 20)	/* PEM bundle read at open */

struct au_addr;		/* port/port.h */
struct au_tlsa;		/* client/discover/dns.h: { uint8_t usage, selector, mtype; uint8_t data[64]; size_t len; } */

/*
 * How the server is authenticated (RFC 7671 section 5):
 * AU_TLS_CA            CA chain from ca_file and the host name.
 * AU_TLS_DANE          DANE-EE only: a usable TLSA record must match the
 *                      server certificate; CA, name and dates are ignored.
 * AU_TLS_DANE_OR_CA    DANE-EE when there is at least one usable TLSA
 *                      record (then a set that matches nothing is refused
 *                      whatever the CA says), else the CA check.
 * AU_TLS_DANE_AND_CA   both: a TLSA match and a valid CA chain + name.
 * AU_TLS_NONE_PLAIN_HTTP  plain http without TLS; refused unless every
 *                      address is loopback (127.0.0.0/8, ::1).  Only for the
 *                      TUF conformance entry point.
 * Usable TLSA records: usage 3 (DANE-EE) or 2 (DANE-TA: the record matches
 * a CA certificate the server sent in its chain, the chain verifies up to
 * it and the host name is checked, RFC 7671 section 5.2), selector 0 (full
 * certificate) or 1 (SubjectPublicKeyInfo), matching type 0 (exact),
 * 1 (SHA-256) or 2 (SHA-512).  The PKIX usages 0/1 count as unusable
 * (RFC 7671 section 4.1).  "DANE-EE" in the modes below reads "DANE".
 * DANE without any usable record is AU_ETLS.  Certificate dates are judged
 * at verify_time when it is set.
 */
enum au_tls_auth {
	AU_TLS_CA = 0,
	AU_TLS_DANE,
	AU_TLS_DANE_OR_CA,
	AU_TLS_DANE_AND_CA,
	AU_TLS_NONE_PLAIN_HTTP,
};

/* Where to connect and how to authenticate; au_http_open() copies it all. */
struct au_endpoint {
	const char *host;		/* SNI + certificate name (always set) */
	const struct au_addr *addrs;	/* DNSSEC-validated, tried in order */
	size_t naddrs;			/* 1..AU_HTTP_ADDRS_MAX */
	uint16_t port;
	enum au_tls_auth auth;
	const char *ca_file;		/* PEM bundle, for AU_TLS_CA and *_CA */
	const struct au_tlsa *tlsa;	/* DNSSEC-secure TLSA records (DANE) */
	size_t ntlsa;			/* 0..AU_HTTP_TLSA_MAX */
	int64_t deadline_ms;		/* overall limit on the au_monotonic_ms()
					   clock, from au_http_open() on; 0 = none
					   (see au_http_set_deadline) */
	int64_t verify_time;		/* seconds since the epoch at which
					   certificate dates are judged (the run's
					   time, client/clock.h); 0 = the clock */
};

#endif
