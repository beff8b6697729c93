/* SPDX-License-Identifier: ISC */
/* client/discover/discover.c - discovery, then TLS with failover over the hosts. */
#include "client/discover/discover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "port/ban.h"

const char *
au_discover_auth_name(int auth)
{
	switch (auth) {
	case AU_TLS_CA: return "ca";
	case AU_TLS_DANE: return "dane";
	case AU_TLS_DANE_OR_CA: return "dane-or-ca";
	case AU_TLS_DANE_AND_CA: return "dane-and-ca";
	default: return "?";
	}
}

/* The first record's owner is "." (a root anchor: DS/DNSKEY of the root). */
static int
anchor_is_root(const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0, i = 0;
	int root = 0;

	if (au_file_read_all(path, AU_DNS_TA_MAX, &buf, &len, NULL) != 0)
		return 0;
	while (i < len) {
		size_t e = i;

		while (e < len && buf[e] != '\n')
			e++;
		if (e > i && buf[i] != ';' && buf[i] != ' ' && buf[i] != '\t' &&
		    buf[i] != '\r') {
			root = buf[i] == '.' && (i + 1 == len || buf[i + 1] == ' ' ||
			    buf[i + 1] == '\t');
			break;
		}
		i = e + 1;
	}
	free(buf);
	return root;
}

static int
open_dns(const struct au_config *cfg, int64_t at, struct au_dns **dns,
    struct au_net_report *net, struct au_diag *diag)
{
	char file[AU_CONFIG_PATH_MAX + 32];
	struct au_dns_opts o = { cfg->trust_anchor, cfg->resolver, NULL, at };
	int n, rc;

	(void)snprintf(net->resolver, sizeof(net->resolver), "%s", cfg->resolver);
	(void)snprintf(net->trust_anchor, sizeof(net->trust_anchor), "%s",
	    cfg->trust_anchor);
	net->anchor_mode = "static";
	net->validated_at = at;
	n = snprintf(file, sizeof(file), "%s/%s", cfg->state_dir,
	    AU_DISCOVER_TA_FILE);
	if (cfg->rfc5011 == AU_RFC5011_YES || (cfg->rfc5011 == AU_RFC5011_AUTO &&
	    anchor_is_root(cfg->trust_anchor))) {
		o.rfc5011_file = (n > 0 && (size_t)n < sizeof(file)) ? file : NULL;
		rc = au_dns_open(&o, dns, diag);
		if (rc == 0 && o.rfc5011_file != NULL) {
			net->anchor_mode = "RFC 5011";
			(void)snprintf(net->trust_anchor, sizeof(net->trust_anchor),
			    "%s", file);
			return 0;
		}
		if (rc == 0)
			return 0;
		au_log(AU_LOG_WARN, "RFC 5011 trust anchor tracking off: %s",
		    diag ? diag->msg : "");
		o.rfc5011_file = NULL;	/* state dir not writable: static */
	}
	return au_dns_open(&o, dns, diag);
}

static void
copy_queries(const struct au_dns *d, struct au_net_report *net)
{
	size_t i;

	net->nq = 0;
	for (i = 0; i < au_dns_query_count(d) && i < AU_DNS_MAX_QUERIES; i++)
		net->q[net->nq++] = *au_dns_query(d, i);
}

static int
try_host(const struct au_config *cfg, int64_t at, int64_t deadline_ms,
    struct au_dns *dns, const struct au_dns_services *sv, size_t i,
    struct au_service *svc, struct au_http **http, struct au_host_attempt *a,
    struct au_diag *diag)
{
	struct au_endpoint ep;
	int rc;

	rc = au_dns_resolve(dns, sv, i, svc, diag);
	if (rc != 0)
		return rc;
	if (svc->naddrs > 0)
		au_addr_format(&svc->addrs[0], a->addr, sizeof(a->addr));
	memset(&ep, 0, sizeof(ep));
	ep.host = svc->host;
	ep.addrs = svc->addrs;
	ep.naddrs = svc->naddrs;
	ep.port = svc->port;
	ep.auth = (enum au_tls_auth)cfg->tls_auth;
	ep.ca_file = cfg->ca_file;
	ep.tlsa = svc->tlsa;
	ep.ntlsa = svc->ntlsa;
	ep.verify_time = at;
	ep.deadline_ms = deadline_ms;
	return au_http_open(&ep, http, diag);
}

/* Every host failed: the first host's code, every host's reason. */
static int
all_failed(const struct au_net_report *net, struct au_diag *diag)
{
	char msg[AU_DIAG_MAX];
	size_t i, o = 0;
	int n;

	for (i = 0; i < net->nhosts && o + 1 < sizeof(msg); i++) {
		n = snprintf(msg + o, sizeof(msg) - o, "%s%s:%u: %s",
		    i ? "; then " : "", net->hosts[i].host,
		    (unsigned)net->hosts[i].port, net->hosts[i].msg);
		if (n < 0)
			break;
		o += (size_t)n < sizeof(msg) - o ? (size_t)n : sizeof(msg) - o - 1;
	}
	msg[o] = '\0';
	return au_diag_set(diag, net->hosts[0].err, "%s", msg);
}

/* Try the hosts of sv in order until one connects (failover). */
static int
connect_list(const struct au_config *cfg, int64_t at, int64_t deadline_ms,
    struct au_dns *dns, const struct au_dns_services *sv,
    struct au_service *svc, struct au_http **http, struct au_net_report *net,
    struct au_diag *diag)
{
	size_t i;

	for (i = 0; i < sv->n && net->nhosts < AU_REPORT_MAX_HOSTS; i++) {
		struct au_host_attempt *a = &net->hosts[net->nhosts++];
		struct au_diag hd = { "", 0 };

		(void)snprintf(a->host, sizeof(a->host), "%s", sv->t[i].host);
		a->port = sv->t[i].port;
		(void)snprintf(a->source, sizeof(a->source), "%s", sv->t[i].source);
		a->err = try_host(cfg, at, deadline_ms, dns, sv, i, svc, http, a,
		    &hd);
		(void)snprintf(a->msg, sizeof(a->msg), "%.*s",
		    (int)sizeof(a->msg) - 1, hd.msg);
		if (a->err == 0)
			return 0;
		if (a->err == AU_ENOMEM)
			break;
	}
	if (net->nhosts == 0)
		return au_diag_set(diag, AU_EINTERNAL, "no service host");
	return all_failed(net, diag);
}

int
au_discover_connect(const struct au_config *cfg, int64_t at,
    struct au_dns **dns, struct au_service *svc, struct au_http **http,
    struct au_net_report *net, struct au_diag *diag)
{
	struct au_dns_services *sv;
	int rc;

	*http = NULL;
	if ((rc = open_dns(cfg, at, dns, net, diag)) != 0)
		return rc;
	if ((sv = calloc(1, sizeof(*sv))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	rc = au_dns_services(*dns, cfg->domain, sv, diag);
	if (rc == 0)
		rc = connect_list(cfg, at, 0, *dns, sv, svc, http, net, diag);
	free(sv);
	copy_queries(*dns, net);
	if (rc == 0)
		au_http_peer(*http, &net->tls);
	return rc;
}

/* The report endpoint's host list: SRV (endpoint) or the url's host. */
static int
report_services(const struct au_config *cfg, struct au_dns *dns,
    struct au_dns_services *sv, struct au_diag *diag)
{
	int rc;

	if (cfg->report_endpoint[0] != '\0') {
		rc = au_dns_services_at(dns, AU_DNS_SERVICE_REPORT, 1,
		    cfg->report_endpoint, sv, diag);
		if (rc == 0 && strcmp(sv->path, "/") == 0)	/* no TXT path= */
			(void)snprintf(sv->path, sizeof(sv->path), "%s",
			    AU_CONFIG_REPORT_PATH);
		return rc;
	}
	if (cfg->report_host[0] == '\0')
		return au_diag_set(diag, AU_ECONFIG, "no [report] endpoint or url");
	sv->n = 1;
	(void)snprintf(sv->t[0].host, sizeof(sv->t[0].host), "%s",
	    cfg->report_host);
	sv->t[0].port = cfg->report_port;
	(void)snprintf(sv->t[0].source, sizeof(sv->t[0].source), "URL");
	(void)snprintf(sv->path, sizeof(sv->path), "%s", cfg->report_path[0] ?
	    cfg->report_path : AU_CONFIG_REPORT_PATH);
	return 0;
}

int
au_discover_report(const struct au_config *cfg, int64_t at,
    int64_t deadline_ms, struct au_dns **dns, struct au_service *svc,
    struct au_http **http, struct au_net_report *net, struct au_diag *diag)
{
	struct au_dns_services *sv;
	int rc;

	*http = NULL;
	if ((rc = open_dns(cfg, at, dns, net, diag)) != 0)
		return rc;
	if ((sv = calloc(1, sizeof(*sv))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	rc = report_services(cfg, *dns, sv, diag);
	if (rc == 0)
		rc = connect_list(cfg, at, deadline_ms, *dns, sv, svc, http, net,
		    diag);
	free(sv);
	copy_queries(*dns, net);
	if (rc == 0)
		au_http_peer(*http, &net->tls);
	return rc;
}
