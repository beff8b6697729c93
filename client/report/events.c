/* SPDX-License-Identifier: ISC */
/* client/report/events.c - key=value log lines of a run. */
#include "client/report/events.h"

#include <stdio.h>
#include <string.h>

#include "port/port.h"
#include "port/ban.h"

static void
append_char(char *line, size_t size, size_t *n, char c)
{
	if (*n + 1 < size) {
		line[(*n)++] = c;
		line[*n] = '\0';
	}
}

void
au_event_kv(char *line, size_t size, const char *key, const char *value)
{
	size_t n = strlen(line);
	int quote = value[0] == '\0' || strpbrk(value, " \"=\\") != NULL;
	const char *p;

	if (n > 0)
		append_char(line, size, &n, ' ');
	for (p = key; *p != '\0'; p++)
		append_char(line, size, &n, *p);
	append_char(line, size, &n, '=');
	if (quote)
		append_char(line, size, &n, '"');
	for (p = value; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			append_char(line, size, &n, '\\');
		append_char(line, size, &n, c >= 0x20 && c < 0x7f ? (char)c : '?');
	}
	if (quote)
		append_char(line, size, &n, '"');
}

static void
kv_int(char *line, size_t size, const char *key, long long v)
{
	char buf[24];

	(void)snprintf(buf, sizeof(buf), "%lld", v);
	au_event_kv(line, size, key, buf);
}

static enum au_log_level
target_level(enum au_target_status s)
{
	switch (s) {
	case AU_T_FAILED:
	case AU_T_ROLLED_BACK: return AU_LOG_ERR;
	case AU_T_OLDER:
	case AU_T_BAD: return AU_LOG_WARN;
	default: return AU_LOG_INFO;
	}
}

static void
target_event(const struct au_target_report *t)
{
	char line[AU_EVENT_LINE_MAX] = "";

	if (t->status == AU_T_UNKNOWN || t->status == AU_T_UPTODATE)
		return;
	au_event_kv(line, sizeof(line), "event", au_target_status_name(t->status));
	au_event_kv(line, sizeof(line), "target", t->name);
	if (t->available_version >= 0)
		kv_int(line, sizeof(line), "version", t->available_version);
	if (t->installed_version >= 0)
		kv_int(line, sizeof(line), "installed", t->installed_version);
	if (t->status == AU_T_INSTALLED)
		au_event_kv(line, sizeof(line), "sha256", t->available_hash);
	if (t->err != 0)
		au_event_kv(line, sizeof(line), "error", au_strerror(t->err));
	if (t->msg[0] != '\0')
		au_event_kv(line, sizeof(line), "msg", t->msg);
	if (t->provenance[0] != '\0')	/* client/install/provenance.h */
		au_event_kv(line, sizeof(line), "provenance", t->provenance);
	if (t->delta.tried) {	/* client/fetch/delta.h */
		au_event_kv(line, sizeof(line), "delta", t->delta.used ?
		    "used" : "fallback");
		kv_int(line, sizeof(line), "bytes_fetched",
		    (int64_t)t->delta.fetched);
		kv_int(line, sizeof(line), "bytes_reused",
		    (int64_t)t->delta.reused);
	}
	au_log_event(target_level(t->status), "%s", line);
}

void
au_events_log(const struct au_report *rep, enum au_mode mode)
{
	char line[AU_EVENT_LINE_MAX] = "";
	size_t i;

	for (i = 0; i < rep->n; i++)
		target_event(&rep->t[i]);
	au_event_kv(line, sizeof(line), "event", "run");
	au_event_kv(line, sizeof(line), "mode",
	    mode == AU_MODE_APPLY ? "apply" : "check");
	au_event_kv(line, sizeof(line), "result", rep->err ? "failed" : "ok");
	kv_int(line, sizeof(line), "updates", rep->updates);
	if (rep->err != 0) {
		au_event_kv(line, sizeof(line), "phase", rep->phase);
		au_event_kv(line, sizeof(line), "error", au_strerror(rep->err));
		au_event_kv(line, sizeof(line), "msg", rep->diag.msg);
	}
	au_log_event(rep->err ? AU_LOG_ERR : AU_LOG_INFO, "%s", line);
}
