/* SPDX-License-Identifier: ISC */
/* client/discover/anchor.c - the RFC 5011 tracked trust anchor (anchor.h). */
#include "client/discover/anchor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "port/port.h"

#include "port/ban.h"

#define WORK_SUFFIX ".work"

struct au_anchor {
	char tracked[AU_ANCHOR_PATH_MAX];
	char work[AU_ANCHOR_PATH_MAX + sizeof(WORK_SUFFIX)];
	uint8_t *have;		/* TRACKED's complete content, or NULL */
	size_t have_len;
	int from_tracked;
};

/* A decimal token 0..max; 1 when it is one. */
static int
number(const char *t, unsigned long max)
{
	unsigned long v = 0;

	if (*t == '\0')
		return 0;
	for (; *t != '\0'; t++) {
		if (*t < '0' || *t > '9' || v > max / 10)
			return 0;
		v = v * 10 + (unsigned long)(*t - '0');
	}
	return v <= max;
}

static int
owner_ok(const char *t)
{
	size_t n = strlen(t);

	return n > 0 && n <= 255 && strspn(t, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_*\\") == n;
}

/* The rest of a record, tokens joined, into out (size >= the line). */
static void
join(char **tok, size_t n, char *out)
{
	size_t i, k = 0, m;

	for (i = 0; i < n; i++) {
		m = strlen(tok[i]);
		memcpy(out + k, tok[i], m);
		k += m;
	}
	out[k] = '\0';
}

static int
ds_ok(char **tok, size_t n, char *scratch)
{
	static const size_t want[] = { 0, 40, 64, 0, 96 };
	unsigned long dt;
	size_t len;

	if (n < 4 || !number(tok[0], 65535) || !number(tok[1], 255) ||
	    !number(tok[2], 255))
		return 0;
	dt = strtoul(tok[2], NULL, 10);
	join(tok + 3, n - 3, scratch);
	len = strlen(scratch);
	if (len == 0 || len % 2 != 0 ||
	    strspn(scratch, "0123456789abcdefABCDEF") != len)
		return 0;
	return dt >= sizeof(want) / sizeof(want[0]) || want[dt] == 0 ||
	    len == want[dt];
}

/* scratch holds 2 * half bytes: the joined base64, then what it decodes to. */
static int
dnskey_ok(char **tok, size_t n, char *scratch, size_t half)
{
	size_t bin = 0;

	if (n < 4 || !number(tok[0], 65535) || strcmp(tok[1], "3") != 0 ||
	    !number(tok[2], 255))
		return 0;
	join(tok + 3, n - 3, scratch);
	return sodium_base642bin((unsigned char *)scratch + half, half,
	    scratch, strlen(scratch), NULL, &bin, NULL,
	    sodium_base64_VARIANT_ORIGINAL) == 0 && bin > 0;
}

#define TOK_MAX 64	/* tokens of one record: a DNSKEY split in chunks */

/*
 * One line of an anchor file, comments (from ';') removed, as RFC 1035
 * section 5.1 master-file text: 1 for a DS or DNSKEY record, 0 for a blank
 * line or a $ directive, -1 for anything else.  line is modified.
 */
static int
record(char *line, char *scratch, size_t half)
{
	char *tok[TOK_MAX], *p = line;
	size_t n = 0, i;

	line[strcspn(line, ";")] = '\0';
	while (n < TOK_MAX) {
		p += strspn(p, " \t\r");
		if (*p == '\0')
			break;
		tok[n++] = p;
		p += strcspn(p, " \t\r");
		if (*p != '\0')
			*p++ = '\0';
	}
	if (n == 0 || tok[0][0] == '$')
		return 0;
	p += strspn(p, " \t\r");
	if (*p != '\0' || !owner_ok(tok[0]))
		return -1;
	for (i = 1; i < n && i < 3 && (number(tok[i], 0x7fffffffUL) ||
	    strcasecmp(tok[i], "IN") == 0); i++)
		;	/* TTL and class, either order */
	if (i < n && strcasecmp(tok[i], "DS") == 0)
		return ds_ok(tok + i + 1, n - i - 1, scratch) ? 1 : -1;
	if (i < n && strcasecmp(tok[i], "DNSKEY") == 0)
		return dnskey_ok(tok + i + 1, n - i - 1, scratch, half) ? 1 : -1;
	return -1;
}

int
au_anchor_check(const uint8_t *buf, size_t len)
{
	char *text, *scratch, *line, *next;
	int r = 0, n = 0;

	if (len == 0 || len > AU_ANCHOR_TA_MAX || buf[len - 1] != '\n' ||
	    memchr(buf, '\0', len) != NULL)
		return -1;	/* empty, cut short, or not text */
	text = malloc(len + 1);
	scratch = malloc(2 * (len + 1));
	if (text == NULL || scratch == NULL) {
		free(text);
		free(scratch);
		return AU_ENOMEM;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	for (line = text; r >= 0 && *line != '\0'; line = next) {
		next = line + strcspn(line, "\n");
		if (*next == '\n')
			*next++ = '\0';
		r = record(line, scratch, len + 1);
		n += r > 0;
	}
	free(text);
	free(scratch);
	return r >= 0 && n > 0 ? 0 : -1;
}

/* TRACKED's content into a->have when complete; 0, or an error. */
static int
read_tracked(struct au_anchor *a, struct au_diag *diag)
{
	struct au_diag fd = { "", 0 };
	struct au_stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (au_stat(a->tracked, &st, NULL) == 0 && st.type == AU_FT_NONE)
		return 0;	/* first run: seeded */
	rc = au_file_read_all(a->tracked, AU_ANCHOR_TA_MAX, &buf, &len, &fd);
	if (rc == AU_ETOOBIG) {
		len = 0;	/* not an anchor file anyone wrote: damaged */
	} else if (rc != 0) {
		if (diag != NULL)
			*diag = fd;
		return au_diag_wrap(diag, rc == AU_ENOMEM ? rc :
		    AU_EDNS_RESOLVER, "RFC 5011 trust anchor file %s",
		    a->tracked);
	}
	rc = au_anchor_check(buf, len);
	if (rc == AU_ENOMEM) {
		free(buf);
		return au_diag_set(diag, rc, "out of memory");
	}
	if (rc != 0) {
		au_log(AU_LOG_WARN, "RFC 5011 trust anchor file %s is damaged "
		    "(%s); tracking starts again from the configured anchor",
		    a->tracked, len == 0 ? "empty" : len > 0 && buf[len - 1] !=
		    '\n' ? "cut short" : "not DS or DNSKEY records");
		free(buf);
		return 0;
	}
	a->have = buf;
	a->have_len = len;
	return 0;
}

int
au_anchor_open(const char *tracked, const uint8_t *seed, size_t seed_len,
    int use_seed, struct au_anchor **out, struct au_diag *diag)
{
	struct au_diag wd = { "", 0 };
	struct au_anchor *a;
	int rc, n;

	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	n = snprintf(a->tracked, sizeof(a->tracked), "%s", tracked);
	rc = (n < 0 || (size_t)n >= sizeof(a->tracked)) ?
	    au_diag_set(diag, AU_EDNS_RESOLVER, "RFC 5011 trust anchor file "
	    "%.200s...: path too long", tracked) : 0;
	if (rc == 0) {
		memcpy(a->work, a->tracked, (size_t)n);
		memcpy(a->work + n, WORK_SUFFIX, sizeof(WORK_SUFFIX));
		rc = read_tracked(a, diag);
	}
	a->from_tracked = rc == 0 && a->have != NULL && !use_seed;
	if (rc == 0 && a->from_tracked)
		rc = au_file_replace(a->work, a->have, a->have_len, 0644, &wd);
	else if (rc == 0)
		rc = au_file_replace(a->work, seed, seed_len, 0644, &wd);
	if (rc != 0 && wd.msg[0] != '\0') {
		if (diag != NULL)
			*diag = wd;
		rc = au_diag_wrap(diag, rc == AU_ENOMEM ? rc : AU_EDNS_RESOLVER,
		    "RFC 5011 trust anchor working copy");
	}
	if (rc != 0) {
		au_anchor_close(a, 0);
		return rc;
	}
	*out = a;
	return 0;
}

const char *
au_anchor_work_path(const struct au_anchor *a)
{
	return a->work;
}

int
au_anchor_from_tracked(const struct au_anchor *a)
{
	return a->from_tracked;
}

/* What libunbound left in the working copy, durably into TRACKED. */
static void
keep_work(const struct au_anchor *a)
{
	struct au_diag d = { "", 0 };
	uint8_t *buf = NULL;
	size_t len = 0;

	if (au_file_read_all(a->work, AU_ANCHOR_TA_MAX, &buf, &len, &d) != 0) {
		au_log(AU_LOG_WARN, "RFC 5011 trust anchor: %s", d.msg);
		return;
	}
	if (au_anchor_check(buf, len) != 0)
		au_log(AU_LOG_WARN, "RFC 5011 trust anchor: %s is not complete; "
		    "%s stays as it was", a->work, a->tracked);
	else if ((a->have == NULL || len != a->have_len ||
	    memcmp(buf, a->have, len) != 0) &&
	    au_file_replace(a->tracked, buf, len, 0644, &d) != 0)
		au_log(AU_LOG_WARN, "RFC 5011 trust anchor not kept: %s",
		    d.msg);
	free(buf);
}

void
au_anchor_close(struct au_anchor *a, int keep)
{
	if (a == NULL)
		return;
	if (keep)
		keep_work(a);
	free(a->have);
	free(a);
}
