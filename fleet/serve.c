/* SPDX-License-Identifier: ISC */
/* fleet/serve.c - libmicrohttpd in front of fleet_ingest() (fleet/serve.h). */
#include "fleet/serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "port/ban.h"

/* One request being read. */
struct req {
	uint8_t *buf;
	size_t len, cap;
	size_t drained;		/* bytes discarded after the cap was passed */
	int too_big;		/* over FLEET_BODY_MAX: no byte more is kept */
	int answered;		/* 413 queued before the body (nothing to discard) */
};

/* One open connection, for the accept-to-last-byte deadline. */
struct conn {
	struct conn *prev, *next;
	struct MHD_Connection *c;
	int64_t start_ms;
	int cut;
};

struct server {
	struct fleet_db *db;
	const struct fleet_serve_opts *o;
	struct conn *conns;
};

/* Header values as printed in the log: visible ASCII, at most 64 bytes. */
static void
printable(const char *s, char *out, size_t size)
{
	size_t i = 0;

	for (; s != NULL && s[i] != '\0' && i + 1 < size && i < 64; i++)
		out[i] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = '\0';
	if (i == 0)
		snprintf(out, size, "-");
}

static enum MHD_Result
respond(struct MHD_Connection *c, int status, const char *reason, int close)
{
	struct MHD_Response *r;
	json_t *j = json_pack("{s:i, s:s}", "status", status, "reason", reason);
	char *text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	enum MHD_Result ret = MHD_NO;

	json_decref(j);
	if (text == NULL)
		return MHD_NO;
	r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (close)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static const char *
header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* The declared Content-Length, saturating at SIZE_MAX; 0 when absent (a
 * length that is not a number is left to libmicrohttpd, which refuses it). */
static size_t
declared_length(struct MHD_Connection *c)
{
	const char *cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
	size_t n = 0;

	for (; cl != NULL && *cl >= '0' && *cl <= '9'; cl++) {
		if (n > (SIZE_MAX - 9) / 10)
			return SIZE_MAX;
		n = n * 10 + (size_t)(*cl - '0');
	}
	return n;
}

/* Append a piece of the body; 0, or -1 when it would pass the cap. */
static int
append(struct req *q, const char *data, size_t n)
{
	uint8_t *nb;
	size_t want;

	if (n > FLEET_BODY_MAX - q->len)
		return -1;
	if (q->len + n > q->cap) {
		want = q->cap ? q->cap : 4096;
		while (want < q->len + n)
			want *= 2;
		if (want > FLEET_BODY_MAX)
			want = FLEET_BODY_MAX;
		nb = realloc(q->buf, want + 1);
		if (nb == NULL)
			return -2;
		q->buf = nb;
		q->cap = want;
	}
	memcpy(q->buf + q->len, data, n);
	q->len += n;
	return 0;
}

static enum MHD_Result
finish(struct server *s, struct MHD_Connection *c, struct req *q)
{
	struct fleet_request r = {
		.id = header(c, "webhook-id"),
		.timestamp = header(c, "webhook-timestamp"),
		.signature = header(c, "webhook-signature"),
		.content_type = header(c, MHD_HTTP_HEADER_CONTENT_TYPE),
		.body = q->buf != NULL ? q->buf : (const uint8_t *)"",
		.len = q->len,
	};
	struct fleet_verdict v;
	struct au_diag d = {0};
	char id[80];
	int rc = fleet_ingest(s->db, &s->o->keys, &r, au_now(), &v, &d);

	printable(r.id, id, sizeof(id));
	if (rc != AU_OK)
		au_log(AU_LOG_ERR, "report %s: %s", id, d.msg);
	au_log(AU_LOG_INFO, "report %s device %s: %d %s", id,
	    v.device_id[0] ? v.device_id : "-", v.status, v.reason);
	return respond(c, v.status, v.reason, v.status >= 400);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	struct server *s = cls;
	struct req *q = *req_cls;
	const char *expect;
	size_t len;
	int rc;

	(void)version;
	if (q == NULL) {
		if (strcmp(url, s->o->path) != 0)
			return respond(c, 404, "no such path", 1);
		if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
			return respond(c, 405, "only POST", 1);
		q = calloc(1, sizeof(*q));
		if (q == NULL)
			return MHD_NO;
		*req_cls = q;
		len = declared_length(c);
		if (len <= FLEET_BODY_MAX)
			return MHD_YES;
		/* Over the cap by its Content-Length: nothing of it is kept.  A
		 * client waiting for "100 Continue", or a body too long to
		 * discard, is answered now; else the body is discarded and 413
		 * answered at its end (answering now and closing on unread
		 * bytes would reset the connection under the answer: a proxy in
		 * front would see 502) */
		au_log(AU_LOG_INFO, "refused before reading: 413 body over 64 KiB");
		q->too_big = 1;
		expect = header(c, MHD_HTTP_HEADER_EXPECT);
		if (len - FLEET_BODY_MAX > FLEET_DRAIN_MAX ||
		    (expect != NULL && strcasecmp(expect, "100-continue") == 0)) {
			q->answered = 1;
			return respond(c, 413, "body over 64 KiB", 1);
		}
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/* libmicrohttpd answers only before or after the body: past the
		 * cap nothing is kept, the rest is discarded (FLEET_DRAIN_MAX at
		 * most, then the connection is closed) and 413 answered at its
		 * end */
		if (q->too_big) {
			q->drained += *upload_size;
			*upload_size = 0;
			return q->drained > FLEET_DRAIN_MAX ? MHD_NO : MHD_YES;
		}
		rc = append(q, upload, *upload_size);
		*upload_size = 0;
		if (rc == -2)
			return MHD_NO;
		if (rc == -1) {
			q->too_big = 1;
			free(q->buf);
			q->buf = NULL;
			q->len = q->cap = 0;
			au_log(AU_LOG_INFO, "refused while reading: 413 body over 64 KiB");
		}
		return MHD_YES;
	}
	if (q->too_big)
		return q->answered ? MHD_YES : respond(c, 413, "body over 64 KiB", 1);
	return finish(s, c, q);
}

static void
completed(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *q = *req_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (q != NULL) {
		free(q->buf);
		free(q);
		*req_cls = NULL;
	}
}

static void
notify(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;
	struct conn *k = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		k = calloc(1, sizeof(*k));
		if (k == NULL)
			return;	/* not tracked: the idle timeout still holds */
		k->c = c;
		k->start_ms = au_monotonic_ms();
		k->next = s->conns;
		if (s->conns != NULL)
			s->conns->prev = k;
		s->conns = k;
		*socket_context = k;
	} else if (k != NULL) {
		if (k->prev != NULL)
			k->prev->next = k->next;
		else
			s->conns = k->next;
		if (k->next != NULL)
			k->next->prev = k->prev;
		free(k);
		*socket_context = NULL;
	}
}

/* Cut every connection open longer than FLEET_DEADLINE_S. */
static void
reap(struct server *s)
{
	int64_t now = au_monotonic_ms();
	struct conn *k;
	const union MHD_ConnectionInfo *ci;

	for (k = s->conns; k != NULL; k = k->next) {
		if (k->cut || now - k->start_ms < (int64_t)s->o->deadline_s * 1000)
			continue;
		ci = MHD_get_connection_info(k->c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci != NULL) {
			au_log(AU_LOG_INFO, "connection open %u s: cut", s->o->deadline_s);
			au_fd_shutdown(ci->connect_fd);
		}
		k->cut = 1;
	}
}

int
fleet_serve(struct fleet_db *db, const struct fleet_serve_opts *o,
    struct au_diag *diag)
{
	struct server s = { .db = db, .o = o };
	struct MHD_Daemon *d;
	char addr[64];
	int fd, rc;

	rc = au_listen_tcp(&o->addr, o->port, 64, &fd, diag);
	if (rc != AU_OK)
		return rc;
	d = MHD_start_daemon(MHD_USE_ERROR_LOG | MHD_USE_AUTO, 0, NULL, NULL,
	    handle, &s,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)FLEET_CONN_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT, o->idle_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)FLEET_HEADER_MEM,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, notify, &s,
	    MHD_OPTION_END);
	if (d == NULL)
		return au_diag_set(diag, AU_EIO, "libmicrohttpd did not start");
	au_addr_format(&o->addr, addr, sizeof(addr));
	au_log(AU_LOG_WARN, "listening on %s port %u, POST %s", addr,
	    (unsigned)o->port, o->path);
	for (;;) {
		if (MHD_run_wait(d, 1000) != MHD_YES) {
			rc = au_diag_set(diag, AU_EIO, "libmicrohttpd event loop failed");
			break;
		}
		reap(&s);
	}
	MHD_stop_daemon(d);
	return rc;
}
