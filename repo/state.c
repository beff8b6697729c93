/* SPDX-License-Identifier: ISC */
/* repo/state.c - paths, repo.json and durations for aiupdate-repo. */
#include "repo/repo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/json.h"
#include "port/port.h"
#include "port/text.h"

#include "port/ban.h"

const char *const au_repo_roles[4] = { "root", "targets", "snapshot", "timestamp" };

int
au_repo_path(char *buf, size_t size, const char *dir, const char *rel,
    struct au_diag *diag)
{
	if (au_path_join(buf, size, dir, rel) != 0)
		return au_diag_set(diag, AU_EUSAGE, "path %s/%s is longer than %zu bytes",
		    dir, rel, size - 1);
	return 0;
}

/* The shape every later command relies on. */
static int
state_check(const json_t *st)
{
	return json_is_object(json_object_get(st, "versions")) &&
	    json_is_object(json_object_get(st, "targets")) &&
	    json_integer_value(json_object_get(st, "format")) == 1;
}

int
au_repo_state_load(const char *dir, json_t **state, struct au_diag *diag)
{
	char path[AU_REPO_PATH_MAX];
	uint8_t *buf = NULL;
	json_t *st = NULL;
	size_t len = 0;
	int rc;

	if ((rc = au_repo_path(path, sizeof(path), dir, "repo.json", diag)) != 0)
		return rc;
	rc = au_file_read_all(path, AU_REPO_STATE_MAX, &buf, &len, diag);
	if (rc == AU_EIO && diag != NULL && diag->sys == ENOENT)
		return au_diag_set(diag, AU_ECONFIG, "%s is not an aiupdate repository "
		    "(no repo.json); run `aiupdate-repo init %s` first", dir, dir);
	if (rc != 0)
		return rc;
	rc = au_json_parse(buf, len, AU_REPO_STATE_MAX, &st, diag);
	free(buf);
	if (rc != 0)
		return au_diag_set(diag, AU_ECONFIG, "%s is not valid JSON", path);
	if (!state_check(st)) {
		json_decref(st);
		return au_diag_set(diag, AU_ECONFIG, "%s lacks format 1, versions "
		    "or targets", path);
	}
	*state = st;
	return 0;
}

int
au_repo_state_save(const char *dir, const json_t *state, struct au_diag *diag)
{
	char path[AU_REPO_PATH_MAX], *text;
	int rc;

	if ((rc = au_repo_path(path, sizeof(path), dir, "repo.json", diag)) != 0)
		return rc;
	text = json_dumps(state, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (text == NULL)
		return au_diag_set(diag, AU_ENOMEM, "serializing repo.json failed");
	rc = au_file_replace(path, text, strlen(text), 0644, diag);
	free(text);
	return rc;
}

int64_t
au_repo_state_version(const json_t *state, const char *role)
{
	return json_integer_value(json_object_get(json_object_get(state,
	    "versions"), role));
}

int
au_repo_state_save_root(const char *dir, json_t *state, int64_t version,
    struct au_diag *diag)
{
	if (json_object_set_new(json_object_get(state, "versions"), "root",
	    json_integer(version)) != 0)
		return au_diag_set(diag, AU_ENOMEM, "updating repo.json failed");
	return au_repo_state_save(dir, state, diag);
}

int
au_repo_duration(const char *text, int64_t *secs, struct au_diag *diag)
{
	const char *p = text;
	int64_t v = 0, unit;
	int neg = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > AU_REPO_DURATION_MAX)
			goto bad;
	}
	switch (*p) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: goto bad;
	}
	if (p[1] != '\0' || v * unit > AU_REPO_DURATION_MAX)
		goto bad;
	*secs = neg ? -v * unit : v * unit;
	return 0;
bad:
	return au_diag_set(diag, AU_EUSAGE, "bad duration \"%s\": use a number and "
	    "s, m, h or d (e.g. 30d), at most %lld days", text,
	    (long long)(AU_REPO_DURATION_MAX / 86400));
}
