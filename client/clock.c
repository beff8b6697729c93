/* SPDX-License-Identifier: ISC */
/* client/clock.c - the persisted time floor (client/clock.h). */
#include "client/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "port/text.h"
#include "port/ban.h"

#define PATH_MAX_ 4200
#define AU_CLOCK_FLOOR_MAX 253402300799LL	/* 9999-12-31T23:59:59Z */

static int
floor_path(const char *dir, char *buf, size_t size)
{
	return au_path_join(buf, size, dir, AU_CLOCK_FILE) != 0 ? AU_EIO : 0;
}

/* Decimal digits, optional final newline, 1..AU_CLOCK_FILE_MAX bytes. */
static int
parse_floor(const uint8_t *b, size_t len, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (len > 0 && b[len - 1] == '\n')
		len--;
	if (len == 0 || len > 18)
		return -1;
	for (i = 0; i < len; i++) {
		if (b[i] < '0' || b[i] > '9')
			return -1;
		v = v * 10 + (b[i] - '0');
	}
	/* Past the year 9999 no metadata date can be judged: corrupt. */
	if (v > AU_CLOCK_FLOOR_MAX)
		return -1;
	*out = v;
	return 0;
}

int
au_clock_floor_load(const char *state_dir, int64_t build_time, int64_t *floor,
    struct au_diag *diag)
{
	char path[PATH_MAX_];
	struct au_stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	int64_t v = 0;
	int rc;

	*floor = build_time;
	if (floor_path(state_dir, path, sizeof(path)) != 0)
		return au_diag_set(diag, AU_EIO, "state_dir too long");
	if (au_stat(path, &st, NULL) != 0 || st.type == AU_FT_NONE)
		return 0;
	rc = au_file_read_all(path, AU_CLOCK_FILE_MAX, &buf, &len, diag);
	if (rc == AU_ETOOBIG || (rc == 0 && parse_floor(buf, len, &v) != 0))
		rc = au_diag_set(diag, AU_ECLOCK, "%s does not hold a time "
		    "(decimal seconds since the epoch): the time floor is "
		    "unknown, refusing to judge expiry; if the device was not "
		    "tampered with, delete the file", path);
	free(buf);
	if (rc != 0)
		return rc;
	if (v > *floor)
		*floor = v;
	return 0;
}

int64_t
au_clock_effective(int64_t now, int64_t floor)
{
	return now > floor ? now : floor;
}

int
au_clock_floor_advance(const char *state_dir, int64_t t, struct au_diag *diag)
{
	char path[PATH_MAX_], text[32];
	int64_t cur = 0;
	int rc, n;

	rc = au_clock_floor_load(state_dir, 0, &cur, diag);
	if (rc == AU_ECLOCK)
		cur = 0;	/* a corrupt file is replaced by a good one */
	else if (rc != 0)
		return rc;
	if (t < cur + AU_CLOCK_FLOOR_STEP)
		return 0;	/* not worth a write: see AU_CLOCK_FLOOR_STEP */
	if (floor_path(state_dir, path, sizeof(path)) != 0)
		return au_diag_set(diag, AU_EIO, "state_dir too long");
	n = snprintf(text, sizeof(text), "%lld\n", (long long)t);
	return au_file_replace(path, text, (size_t)n, 0644, diag);
}
