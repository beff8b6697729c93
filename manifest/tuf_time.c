/* SPDX-License-Identifier: ISC */
/*
 * manifest/tuf_time.c - RFC 3339 "expires" times (civil-date arithmetic after
 * H. Hinnant's days_from_civil/civil_from_days; no gmtime).
 */
#include "manifest/tuf.h"

#include <stdio.h>
#include <string.h>

#include "port/text.h"

#include "port/ban.h"

#define SECS_PER_DAY 86400

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dim[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return dim[m - 1] + (m == 2 && leap);
}

/* n decimal digits at s; -1 if any is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
au_time_parse(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec;

	if (s == NULL || strlen(s) != 20 || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return AU_EMETA_MALFORMED;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || sec < 0 || sec > 59 ||
	    (unsigned)d > days_in_month(y, (unsigned)mo))
		return AU_EMETA_MALFORMED;
	*out = au_days_from_civil(y, (unsigned)mo, (unsigned)d) * SECS_PER_DAY +
	    h * 3600 + mi * 60 + sec;
	return AU_OK;
}

int
au_time_format(int64_t t, char *buf, size_t size)
{
	int64_t days, secs, y;
	unsigned m, d;
	int n;

	if (buf == NULL || size < AU_TIME_STR_SIZE)
		return AU_ETOOBIG;
	if (t < au_days_from_civil(1, 1, 1) * SECS_PER_DAY ||
	    t > au_days_from_civil(9999, 12, 31) * SECS_PER_DAY + SECS_PER_DAY - 1)
		return AU_EUSAGE;
	days = t / SECS_PER_DAY;
	secs = t % SECS_PER_DAY;
	if (secs < 0) {
		secs += SECS_PER_DAY;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	n = snprintf(buf, size, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m, d,
	    (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	if (n != AU_TIME_STR_SIZE - 1)
		return AU_EINTERNAL;
	return AU_OK;
}
