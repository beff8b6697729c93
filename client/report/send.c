/* SPDX-License-Identifier: ISC */
/* client/report/send.c - queue a run's report, send the outbox, say what happened. */
#include "client/report/send.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "client/clock.h"
#include "client/discover/discover.h"
#include "client/metadata/fleet.h"
#include "client/report/devkey.h"
#include "client/transport/http_post.h"
#include "keys/webhook.h"
#include "port/port.h"
#include "port/ban.h"

/* Everything one send needs; the secret is wiped at the end. */
struct sender {
	const struct au_config *cfg;
	const struct au_devreport_run *run;
	const struct au_state *st;
	struct au_devkey *key;
	char device_id[AU_FLEET_ID_MAX + 1];
	char device_key[AU_WEBHOOK_PK_TEXT];
	uint8_t secret[AU_WEBHOOK_SECRET_MAX];
	size_t secret_len;
	struct au_http *http;
	const char *path;
};

static int
build(void *arg, uint64_t counter, uint64_t dropped, const char *id,
    char **body, size_t *len, struct au_diag *diag)
{
	struct sender *s = arg;

	return au_devreport_body(s->cfg, s->run, s->st, s->device_id,
	    s->device_key, id, counter, dropped, body, len, diag);
}

/* 2xx sent, 409 before, other 4xx refused, anything else kept. */
static int
verdict(int status, int *err, struct au_diag *diag)
{
	if (status >= 200 && status < 300)
		return AU_OUTBOX_SENT;
	if (status == 409)
		return AU_OUTBOX_DUPLICATE;
	*err = AU_EHTTP_STATUS;
	(void)au_diag_set(diag, AU_EHTTP_STATUS, "HTTP %d%s", status,
	    status / 100 == 3 ? " (redirects are not followed)" : "");
	return status >= 400 && status < 500 ? AU_OUTBOX_REFUSED : AU_OUTBOX_KEEP;
}

static int
post(void *arg, const char *id, const uint8_t *body, size_t len, int *err,
    struct au_diag *diag)
{
	struct sender *s = arg;
	char sig[AU_WEBHOOK_SIGN_MAX], hdr[AU_WEBHOOK_SIGN_MAX + 160];
	int64_t ts = au_clock_effective(au_now(), s->run->floor);
	int rc, n, status = 0;

	rc = au_webhook_sign(id, ts, body, len, s->secret, s->secret_len,
	    (s->cfg->report_signing & AU_REPORT_SIGN_ED25519) ?
	    au_devkey_sk(s->key) : NULL, sig, sizeof(sig), diag);
	if (rc != 0) {
		*err = rc;
		return AU_OUTBOX_KEEP;
	}
	n = snprintf(hdr, sizeof(hdr), "webhook-id: %s\r\nwebhook-timestamp: %"
	    PRId64 "\r\nwebhook-signature: %s\r\n", id, ts, sig);
	if (n < 0 || (size_t)n >= sizeof(hdr)) {
		*err = au_diag_set(diag, AU_EINTERNAL, "report headers too long");
		return AU_OUTBOX_KEEP;
	}
	rc = au_http_post(s->http, s->path, "application/json", hdr, body, len,
	    &status, diag);
	if (rc != 0) {
		*err = rc;
		return AU_OUTBOX_KEEP;
	}
	return verdict(status, err, diag);
}

static int
load_secret(struct sender *s, struct au_diag *diag)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if ((s->cfg->report_signing & AU_REPORT_SIGN_HMAC) == 0)
		return 0;
	rc = au_file_read_all(s->cfg->report_secret_file,
	    AU_WEBHOOK_SECRET_TEXT_MAX + 2, &buf, &len, diag);
	if (rc == 0)
		rc = au_webhook_secret_parse((const char *)buf, s->secret,
		    sizeof(s->secret), &s->secret_len, diag);
	if (buf != NULL)
		sodium_memzero(buf, len);
	free(buf);
	return rc;
}

/* The device's identity: [fleet] device_id or /etc/machine-id, else its key. */
static int
identity(struct sender *s, struct au_diag *diag)
{
	int rc;

	if ((rc = au_devkey_load(s->cfg->state_dir, 1, &s->key, NULL, diag)) != 0 ||
	    (rc = au_webhook_pk_format(au_devkey_pk(s->key), s->device_key)) != 0)
		return rc;
	if (au_fleet_device_id(s->cfg->device_id, NULL, s->device_id,
	    sizeof(s->device_id), NULL) != 0 || s->device_id[0] == '\0')
		(void)snprintf(s->device_id, sizeof(s->device_id), "%s",
		    s->device_key);
	return 0;
}

/* Deadline of the whole send: deadline_base plus the bytes at min_rate. */
static int64_t
send_deadline(const struct au_config *cfg, const struct au_outbox_stats *q)
{
	uint64_t bytes = q->queued_bytes + (uint64_t)q->queued *
	    AU_HTTP_POST_REPLY_MAX;

	return au_monotonic_ms() + (int64_t)cfg->deadline_base * 1000 +
	    (int64_t)(bytes * 1000 / (uint64_t)cfg->min_rate);
}

static void
fail(struct au_devreport_outcome *o, int err, const struct au_diag *d)
{
	if (o->err != 0)
		return;
	o->err = err;
	(void)snprintf(o->msg, sizeof(o->msg), "%s", d->msg[0] ? d->msg :
	    au_strerror(err));
}

static void
send_all(struct sender *s, const struct au_outbox_stats *q,
    struct au_devreport_outcome *o)
{
	struct au_net_report *net = calloc(1, sizeof(*net));
	struct au_service *svc = calloc(1, sizeof(*svc));
	struct au_dns *dns = NULL;
	struct au_diag d = { "", 0 };
	int rc = AU_ENOMEM;

	o->attempted = 1;
	if (net != NULL && svc != NULL && (rc = load_secret(s, &d)) == 0)
		rc = au_discover_report(s->cfg, s->run->now, send_deadline(s->cfg,
		    q), &dns, svc, &s->http, net, &d);
	if (rc == 0) {
		(void)snprintf(o->endpoint, sizeof(o->endpoint), "https://%s:%u%s",
		    svc->host, (unsigned)svc->port, svc->path);
		s->path = svc->path;
		rc = au_outbox_flush(s->cfg->state_dir, post, s, &o->flush, &d);
		if (rc == 0 && o->flush.send_err != 0)
			rc = o->flush.send_err;
		else if (rc == 0 && o->flush.refused > 0)
			rc = au_diag_set(&d, AU_EHTTP_STATUS, "%zu report%s refused "
			    "by the endpoint and dropped", o->flush.refused,
			    o->flush.refused == 1 ? "" : "s");
	}
	if (rc != 0)
		fail(o, rc, &d);
	au_http_close(s->http);
	s->http = NULL;
	au_dns_free(dns);
	free(net);
	free(svc);
}

void
au_devreport_send(const struct au_config *cfg,
    const struct au_devreport_run *run, struct au_devreport_outcome *out)
{
	struct au_outbox_limits lim = { (size_t)cfg->report_outbox_max,
		cfg->report_outbox_bytes };
	struct au_outbox_stats q;
	struct sender *s = NULL;
	struct au_state *st = NULL;
	struct au_diag d = { "", 0 };
	char path[AU_CONFIG_PATH_MAX + 32];
	int rc;

	memset(out, 0, sizeof(*out));
	out->enabled = cfg->report_endpoint[0] != '\0' ||
	    cfg->report_host[0] != '\0';
	if (!out->enabled)
		return;
	s = sodium_malloc(sizeof(*s));
	st = calloc(1, sizeof(*st));
	if (s == NULL || st == NULL) {
		fail(out, au_diag_set(&d, AU_ENOMEM, "out of memory"), &d);
		goto done;
	}
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->run = run;
	(void)snprintf(path, sizeof(path), "%s/state.json", cfg->state_dir);
	s->st = au_state_load(path, st, NULL) == 0 ? st : NULL;
	if ((rc = identity(s, &d)) != 0 ||
	    (rc = au_outbox_add(cfg->state_dir, &lim, build, s, &q, &d)) != 0) {
		fail(out, rc, &d);
		goto done;
	}
	out->queued = 1;
	out->counter = q.counter;
	memcpy(out->report_id, q.report_id, sizeof(out->report_id));
	out->evicted = q.evicted;
	out->flush.queued = q.queued;
	out->flush.queued_bytes = q.queued_bytes;
	if (!run->offline)
		send_all(s, &q, out);
done:
	if (s != NULL) {
		au_devkey_free(s->key);
		sodium_free(s);	/* wipes the secret */
	}
	free(st);
}
