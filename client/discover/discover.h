/* SPDX-License-Identifier: ISC */
/*
 * client/discover/discover.h - discovery and transport of one run: a validating DNS
 * context, the ordered service hosts (client/discover/dns.h), and a TLS connection
 * to the first host that can be resolved securely, reached and
 * authenticated (client/transport/http.h), with failover to the next one
 * (RFC 2782 "Usage rules"; RFC 9460 section 3).  Records what it saw for
 * the field-support report.
 */
#ifndef AU_DISCOVER_H
#define AU_DISCOVER_H

#include <stdint.h>

#include "client/config.h"
#include "client/discover/dns.h"
#include "client/report/run_report.h"	/* struct au_net_report */
#include "client/transport/http.h"
#include "client/transport/tls.h"
#include "port/err.h"

#define AU_DISCOVER_TA_FILE "trust-anchor.rfc5011"	/* under state_dir */

/*
 * Open a DNS context (cfg's anchor, resolver and rfc5011 setting; dates
 * judged at `at`), list the service hosts of cfg->domain, and connect to
 * the first that works: its A/AAAA/TLSA resolve securely, TCP connects,
 * and TLS authenticates it by cfg->tls_auth with certificate dates judged
 * at `at`.  A host that fails in any of these ways is recorded and the
 * next one tried.  On success *dns, *svc (the host used) and *http are
 * the caller's (au_dns_free, au_http_close); on error *dns may still be
 * set and *http is NULL.  net is always filled.
 * Errors: the error of au_dns_open / au_dns_services, or when every host
 * failed, the first host's error (AU_EDNS_*, AU_ECONNECT, AU_ETLS,
 * AU_ETIMEOUT, AU_ECONFIG ...) with every host's reason in diag.
 */
AU_NODISCARD int au_discover_connect(const struct au_config *cfg, int64_t at,
    struct au_dns **dns, struct au_service *svc, struct au_http **http,
    struct au_net_report *net, struct au_diag *diag);

/*
 * The status reports' endpoint (client/report/send.h), found as strictly
 * as the repository: with [report] endpoint = DOMAIN the SRV records at
 * _aiupdate-report._tcp.DOMAIN (no SVCB/HTTPS fallback) and its TXT
 * "path=" (else AU_CONFIG_REPORT_PATH); with url = https://HOST[:PORT]/PATH
 * that one host.  Then as au_discover_connect(): A/AAAA and TLSA secure,
 * cfg->tls_auth, failover; every connect and handshake ends by
 * deadline_ms (au_monotonic_ms() clock; 0 = none), which stays set on
 * *http.  svc->path is the path to POST to.  Errors: as
 * au_discover_connect(), AU_ECONFIG (no endpoint configured).
 */
AU_NODISCARD int au_discover_report(const struct au_config *cfg, int64_t at,
    int64_t deadline_ms, struct au_dns **dns, struct au_service *svc,
    struct au_http **http, struct au_net_report *net, struct au_diag *diag);

/* "dane", "ca", "dane-or-ca", "dane-and-ca" for an enum au_tls_auth. */
const char *au_discover_auth_name(int auth);

#endif
