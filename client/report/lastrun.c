/* SPDX-License-Identifier: ISC */
/* client/report/lastrun.c - STATE_DIR/last-run.json (lastrun.h). */
#include "client/report/lastrun.h"

#include <stdio.h>

#include "port/port.h"
#include "port/ban.h"

/* The message JSON-escaped by hand: only printable ASCII kept. */
static void
escape(const char *in, char *out, size_t size)
{
	size_t i, j = 0;

	for (i = 0; in[i] != '\0' && j + 2 < size; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '"' || c == '\\')
			out[j++] = '\\';
		out[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[j] = '\0';
}

int
au_lastrun_write(const char *state_dir, const struct au_report *rep,
    struct au_diag *diag)
{
	char path[AU_REPORT_PATH_MAX + 32], buf[AU_LASTRUN_MAX_BYTES];
	char msg[AU_DIAG_MAX];
	int n, p;

	escape(rep->diag.msg, msg, sizeof(msg));
	n = snprintf(buf, sizeof(buf), "{\"time\":%lld,\"result\":%d,"
	    "\"error\":\"%s\",\"phase\":\"%s\",\"message\":\"%s\"}\n",
	    (long long)rep->now, rep->err, rep->err ? au_strerror(rep->err) :
	    "", rep->err ? rep->phase : "", rep->err ? msg : "");
	p = snprintf(path, sizeof(path), "%s/%s", state_dir, AU_LASTRUN_FILE);
	if (n < 0 || (size_t)n >= sizeof(buf) || p < 0 ||
	    (size_t)p >= sizeof(path))
		return au_diag_set(diag, AU_ETOOBIG, "the run's record does not "
		    "fit in %zu bytes", sizeof(buf));
	return au_file_replace(path, buf, (size_t)n, 0644, diag);
}
