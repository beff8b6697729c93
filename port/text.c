/* SPDX-License-Identifier: ISC */
/* port/text.c - hex, path joining and percent-encoding (port/text.h). */
#include "port/text.h"

#include <stdio.h>
#include <string.h>

#include "port/ban.h"

void
au_hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
au_hex_decode(const char *hex, uint8_t *out, size_t outlen)
{
	size_t i;

	if (hex == NULL || strlen(hex) != 2 * outlen)
		return AU_EMETA_MALFORMED;
	for (i = 0; i < outlen; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return AU_EMETA_MALFORMED;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return AU_OK;
}

int
au_path_join(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s/%s", a, b);

	return (n < 0 || (size_t)n >= size) ? AU_ETOOBIG : AU_OK;
}

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

int
au_pct_encode(char *buf, size_t size, size_t at, const char *src,
    const char *safe)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];

		if (unreserved(c) || (safe != NULL && strchr(safe, c) != NULL)) {
			if (at + 1 >= size)
				return AU_ETOOBIG;
			buf[at++] = (char)c;
			continue;
		}
		if (at + 3 >= size)
			return AU_ETOOBIG;
		buf[at++] = '%';
		buf[at++] = digits[c >> 4];
		buf[at++] = digits[c & 15];
	}
	if (at >= size)
		return AU_ETOOBIG;
	buf[at] = '\0';
	return AU_OK;
}

int64_t
au_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}
