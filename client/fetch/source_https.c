/* SPDX-License-Identifier: ISC */
/* client/fetch/source_https.c - the repository over HTTPS (source.h). */
#include "client/fetch/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/discover/discover.h"
#include "client/discover/dns.h"
#include "client/fetch/download.h"
#include "client/transport/http.h"
#include "client/report/run_report.h"
#include "port/port.h"
#include "port/text.h"

#include "port/ban.h"

#define URL_MAX 2048

struct https {
	const struct au_config *cfg;
	struct au_service svc;
	struct au_http *http;
};

/*
 * BASE/DIR/NAME with NAME percent-encoded: everything but RFC 3986 unreserved
 * characters and '/', and '%' too unless keep_pct (metadata file names come
 * from client/tufclient already encoded, e.g. delegated role "a/b" is
 * "a%2Fb.json").
 */
static int
url_path(const struct https *h, const char *dir, const char *name,
    int keep_pct, char *buf, size_t size)
{
	const char *base = h->svc.path;
	size_t n;
	int w;

	n = strlen(base);
	w = snprintf(buf, size, "%s%s%s/", base,
	    (n > 0 && base[n - 1] == '/') ? "" : "/", dir);
	if (w < 0 || (size_t)w >= size)
		return AU_ETOOBIG;
	return au_pct_encode(buf, size, (size_t)w, name, keep_pct ? "/%" : "/");
}

/*
 * Slow retrieval (TUF threat model): the next GET must end within
 * deadline_base seconds plus `bytes` at min_rate bytes per second, or it
 * fails with AU_ETIMEOUT.
 */
static void
set_deadline(struct https *h, uint64_t bytes)
{
	uint64_t rate = (uint64_t)h->cfg->min_rate;
	uint64_t ms = (uint64_t)h->cfg->deadline_base * 1000 +
	    bytes / rate * 1000 + bytes % rate * 1000 / rate;

	if (ms > (uint64_t)INT64_MAX / 2)
		ms = (uint64_t)INT64_MAX / 2;
	au_http_set_deadline(h->http, au_monotonic_ms() + (int64_t)ms);
}

/* client/discover/discover.c: DNS (dates judged at now, the time floor
 * when the clock is behind it), then each host in turn until one resolves,
 * connects and authenticates. */
static int
https_open(struct au_source *src, const struct au_config *cfg, int64_t now,
    struct au_report *rep, struct au_diag *diag)
{
	struct au_dns *dns = NULL;
	struct https *h = calloc(1, sizeof(*h));
	int rc;

	if (h == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	src->ctx = h;
	h->cfg = cfg;
	rc = au_discover_connect(cfg, now, &dns, &h->svc, &h->http, &rep->net,
	    diag);
	/* The resolver is not needed past here: its caches and buffers
	 * (about 1 MiB) go before the download's ring is allocated. */
	au_dns_free(dns);
	if (rc != 0)
		return rc;
	(void)snprintf(rep->host, sizeof(rep->host), "%s", h->svc.host);
	(void)snprintf(rep->path, sizeof(rep->path), "%s", h->svc.path);
	rep->port = h->svc.port;
	if (h->svc.naddrs > 0)
		au_addr_format(&h->svc.addrs[0], rep->addr, sizeof(rep->addr));
	rep->tls_auth = au_http_auth_used(h->http);
	return 0;
}

static int
https_meta(struct au_source *src, const char *file, size_t cap,
    uint8_t **buf, size_t *len, struct au_diag *diag)
{
	struct https *h = src->ctx;
	char url[URL_MAX];

	if (url_path(h, "metadata", file, 1, url, sizeof(url)) != 0)
		return au_diag_set(diag, AU_EINTERNAL, "URL too long");
	set_deadline(h, cap);
	return au_http_get_mem(h->http, url, cap, buf, len, diag);
}

static int
https_small(struct au_source *src, const char *file, size_t cap,
    uint8_t **buf, size_t *len, struct au_diag *diag)
{
	struct https *h = src->ctx;
	char url[URL_MAX];

	if (url_path(h, "targets", file, 0, url, sizeof(url)) != 0)
		return au_diag_set(diag, AU_EINTERNAL, "URL too long");
	set_deadline(h, cap);
	return au_http_get_mem(h->http, url, cap, buf, len, diag);
}

/* Resumable, see client/fetch/download.h. */
static int
https_artifact(struct au_source *src, struct au_store *s, const char *file,
    const char *name, const struct au_stage_expect *ex,
    au_progress_fn progress, void *parg, char hash_hex[65], uint64_t *moved,
    struct au_diag *diag)
{
	struct https *h = src->ctx;
	char url[URL_MAX];

	*moved = 0;
	if (url_path(h, "targets", file, 0, url, sizeof(url)) != 0)
		return au_diag_set(diag, AU_EINTERNAL, "URL too long");
	set_deadline(h, ex->length);
	return au_download(h->http, s, url, ex, name, progress, parg, hash_hex,
	    moved, diag);
}

/* One range of an artifact, for a delta update (client/fetch/delta.h). */
static int
https_range(struct au_source *src, const char *file, struct au_http_range *r,
    au_http_sink sink, void *arg, uint64_t *got, struct au_diag *diag)
{
	struct https *h = src->ctx;
	char url[URL_MAX];

	if (got != NULL)
		*got = 0;
	if (url_path(h, "targets", file, 0, url, sizeof(url)) != 0)
		return au_diag_set(diag, AU_EINTERNAL, "URL too long");
	set_deadline(h, r->last >= r->first ? r->last - r->first + 1 : 0);
	return au_http_get_range(h->http, url, r, sink, arg, got, diag);
}

static void
https_close(struct au_source *src)
{
	struct https *h = src->ctx;

	if (h != NULL)
		au_http_close(h->http);
	free(h);
	src->ctx = NULL;
}

void
au_source_https(struct au_source *src)
{
	memset(src, 0, sizeof(*src));
	src->open = https_open;
	src->fetch_meta = https_meta;
	src->fetch_small = https_small;
	src->fetch_artifact = https_artifact;
	src->fetch_range = https_range;
	src->close = https_close;
}
