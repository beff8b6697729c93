/* SPDX-License-Identifier: ISC */
/*
 * repo/cmd_root.c - `aiupdate-repo root DIR [--expires DURATION]`: renew the
 * root.  Signs root version N+1 with the same keys, roles and thresholds and
 * a new expiry (TUF 1.0 section 4.3), checks that a device holding root N
 * takes it (section 5.3), then writes public/metadata/N+1.root.json and
 * root.json.  Devices fetch it on their next run.
 */
#include "repo/repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "port/port.h"

#include "port/ban.h"

/* --expires for a root: default one year, never in the past. */
static int
root_expires(const char *text, int64_t *secs, struct au_diag *diag)
{
	int rc;

	*secs = AU_REPO_ROOT_EXPIRES;
	if (text == NULL)
		return 0;
	if ((rc = au_repo_duration(text, secs, diag)) != 0)
		return rc;
	if (*secs <= 0)
		return au_diag_set(diag, AU_EUSAGE, "--expires %s: a root must expire "
		    "in the future", text);
	return 0;
}

int
au_repo_cmd_root(int argc, char **argv, struct au_diag *diag)
{
	struct au_repo_opt opts[] = { { "--expires", 1, NULL } };
	json_t *state = NULL, *cur = NULL, *next = NULL;
	char *cur_text = NULL, *text = NULL;
	size_t cur_len = 0, len = 0;
	int64_t now = au_now(), secs = 0, version = 0;
	const char *pos[1];
	int rc;

	if ((rc = au_repo_args(argc, argv, opts, 1, pos, 1, 1, diag)) != 0 ||
	    (rc = root_expires(opts[0].value, &secs, diag)) != 0 ||
	    (rc = au_repo_state_load(pos[0], &state, diag)) != 0)
		return rc;
	rc = au_repo_root_load(pos[0], state, &cur_text, &cur_len, &cur, diag);
	if (rc == 0 && (next = au_repo_root_next(cur, now, secs)) == NULL)
		rc = au_diag_set(diag, AU_ENOMEM, "building the new root failed");
	if (rc == 0) {
		version = json_integer_value(json_object_get(next, "version"));
		rc = au_repo_root_sign(pos[0], cur_text, cur_len, cur, next, now,
		    &text, &len, diag);
	}
	if (rc == 0)
		rc = au_repo_root_write(pos[0], version, text, len, diag);
	if (rc == 0)
		rc = au_repo_state_save_root(pos[0], state, version, diag);
	if (rc == 0)
		printf("root version %" PRId64 ", expires %s: %s/public/metadata/%"
		    PRId64 ".root.json and root.json\n", version,
		    json_string_value(json_object_get(next, "expires")), pos[0],
		    version);
	json_decref(state);
	json_decref(cur);
	json_decref(next);
	free(cur_text);
	free(text);
	return rc;
}
