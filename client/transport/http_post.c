/* SPDX-License-Identifier: ISC */
/* client/transport/http_post.c - POST of a small body (status reports). */
#include "client/transport/http_post.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/transport/http_int.h"
#include "port/ban.h"

#define HEAD_MAX (AU_HTTP_PATH_MAX + AU_HTTP_HOST_MAX + AU_HTTP_POST_HEADERS_MAX + 320)

/* Printable ASCII (and, with lines, tab and CRLF-terminated lines). */
static int
text_ok(const char *s, size_t max, int lines)
{
	size_t i, n = strnlen(s, max + 1);

	if (n > max)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (lines && ch == '\r' && s[i + 1] == '\n') {
			i++;
			continue;
		}
		if ((ch < 0x20 && !(lines && ch == '\t')) || ch >= 0x7f)
			return 0;
	}
	return !lines || n == 0 || (n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n');
}

static int
check_args(const char *path, const char *ctype, const char *headers,
    size_t len, struct au_diag *diag)
{
	size_t n = strlen(path);

	if (n == 0 || path[0] != '/' || n > AU_HTTP_PATH_MAX ||
	    strcspn(path, " \t\r\n") != n || !text_ok(path, AU_HTTP_PATH_MAX, 0))
		return au_diag_set(diag, AU_EUSAGE, "POST: bad request path");
	if (ctype[0] == '\0' || !text_ok(ctype, 128, 0) ||
	    !text_ok(headers, AU_HTTP_POST_HEADERS_MAX, 1))
		return au_diag_set(diag, AU_EUSAGE,
		    "POST: bad content type or header lines");
	if (len > AU_HTTP_POST_BODY_MAX)
		return au_diag_set(diag, AU_ETOOBIG,
		    "POST: body of %zu bytes over %d", len, AU_HTTP_POST_BODY_MAX);
	return 0;
}

static int
drop(void *arg, const uint8_t *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	return 0;
}

int
au_http_post(struct au_http *c, const char *path, const char *content_type,
    const char *headers, const uint8_t *body, size_t len, int *status,
    struct au_diag *diag)
{
	char port[8] = "";
	struct au_http_head h;
	const char *host;
	uint16_t p;
	uint8_t *req;
	int rc, n, tls;

	if ((rc = check_args(path, content_type, headers, len, diag)) != 0)
		return rc;
	host = au_http_int_host(c, &p, &tls);
	if (p != (tls ? 443 : 80))
		(void)snprintf(port, sizeof(port), ":%u", p);
	if ((req = malloc(HEAD_MAX + len)) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	n = snprintf((char *)req, HEAD_MAX, "POST %s HTTP/1.1\r\nHost: %s%s\r\n"
	    "User-Agent: aiupdate/0.1\r\nAccept-Encoding: identity\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n%s\r\n", path, host,
	    port, content_type, len, headers);
	if (n < 0 || n >= HEAD_MAX) {
		free(req);
		return au_diag_set(diag, AU_EINTERNAL, "POST: request too long");
	}
	if (len > 0)
		memcpy(req + n, body, len);
	rc = au_http_int_exchange(c, req, (size_t)n + len, &h, diag);
	free(req);
	if (rc == 0)
		rc = au_http_int_body(c, &h, AU_HTTP_POST_REPLY_MAX, drop, NULL,
		    path, diag);
	if (rc == 0)
		*status = h.status;
	return rc;
}
