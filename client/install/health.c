/* SPDX-License-Identifier: ISC */
/* client/install/health.c - the health check command (health.h). */
#include "client/install/health.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/install/store_int.h"
#include "port/port.h"

#include "port/ban.h"

/* ---- health check ---- */

struct hc {
	char line[AU_HEALTH_MAX_CMD + 1];
	char *argv[AU_HEALTH_MAX_ARGS + 1];
	char *env[5];
	char e[4][PMAX + 32];
};

/* Split h->line on spaces into h->argv; 0, or -1 when empty or too many. */
static int
split_words(struct hc *h)
{
	char *p = h->line;
	size_t n = 0;

	for (;;) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n == AU_HEALTH_MAX_ARGS)
			return -1;
		h->argv[n++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	h->argv[n] = NULL;
	return n ? 0 : -1;
}

static int
set_env(struct hc *h, int i, const char *var, const char *val)
{
	int n = snprintf(h->e[i], sizeof(h->e[i]), "%s=%s", var,
	    val ? val : "");

	h->env[i] = h->e[i];
	return (n < 0 || (size_t)n >= sizeof(h->e[i])) ? -1 : 0;
}

/* The AIUPDATE_* variables; -1 when one does not fit (a local limit). */
static int
health_env(struct hc *h, const char *target, const char *version,
    const char *path, const char *prev_path)
{
	if (set_env(h, 0, "AIUPDATE_TARGET", target) != 0 ||
	    set_env(h, 1, "AIUPDATE_VERSION", version) != 0 ||
	    set_env(h, 2, "AIUPDATE_PATH", path) != 0 ||
	    set_env(h, 3, "AIUPDATE_PREVIOUS_PATH", prev_path) != 0)
		return -1;
	h->env[4] = NULL;
	return 0;
}

/* The command line into h->argv; -1 when empty or over the limits. */
static int
health_words(struct hc *h, const char *cmd)
{
	if (cmd == NULL || strlen(cmd) > AU_HEALTH_MAX_CMD)
		return -1;
	memcpy(h->line, cmd, strlen(cmd) + 1);
	return split_words(h);
}

static int
health_verdict(const char *cmd, int status, int timeout_s,
    struct au_diag *diag)
{
	if (status == 0)
		return 0;
	if (status < 0)
		return au_diag_set(diag, AU_EHEALTH, "health check \"%.200s\" "
		    "timed out after %d s and was killed", cmd, timeout_s);
	if (status == 127 || status == 126)
		return au_diag_set(diag, AU_EHEALTH, "health check \"%.200s\" "
		    "exited with status %d (command %s?)", cmd, status,
		    status == 127 ? "not found" : "not executable");
	if (status > 128)
		return au_diag_set(diag, AU_EHEALTH, "health check \"%.200s\" "
		    "exited with status %d (killed by signal %d?)", cmd, status,
		    status - 128);
	return au_diag_set(diag, AU_EHEALTH, "health check \"%.200s\" exited "
	    "with status %d", cmd, status);
}

/*
 * Only what the command itself did is AU_EHEALTH (it rolls back and marks
 * the version bad).  A failure of this machine to start it - no memory, an
 * environment over its limit, fork failing - is returned with its own class
 * (AU_ENOMEM, AU_EINSTALL, AU_EIO): it says nothing about the version.
 */
int
au_health_run(const char *cmd, const char *target, const char *version,
    const char *path, const char *prev_path, int timeout_s,
    struct au_diag *diag)
{
	struct hc *h;
	int rc, status = 0;

	if (timeout_s <= 0)
		return au_diag_set(diag, AU_EHEALTH, "health check timeout %d s "
		    "is not positive", timeout_s);
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory before the "
		    "health check");
	if (health_words(h, cmd) != 0) {
		rc = au_diag_set(diag, AU_EHEALTH, "health check command "
		    "empty, or over %d bytes or %d words", AU_HEALTH_MAX_CMD,
		    AU_HEALTH_MAX_ARGS);
		goto out;
	}
	if (health_env(h, target, version, path, prev_path) != 0) {
		rc = au_diag_set(diag, AU_EINSTALL, "health check \"%.200s\" "
		    "not run: its environment (AIUPDATE_PATH etc.) is over %d "
		    "bytes a variable", cmd, (int)sizeof(h->e[0]) - 1);
		goto out;
	}
	rc = au_spawn(h->argv, h->env, timeout_s, &status, diag);
	if (rc != 0)
		rc = au_diag_wrap(diag, rc, "health check \"%.200s\" could not "
		    "be started", cmd);
	else
		rc = health_verdict(cmd, status, timeout_s, diag);
out:
	free(h);
	return rc;
}
