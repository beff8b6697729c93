/* SPDX-License-Identifier: ISC */
/*
 * tests/tools/httpget.c - one or more GETs over client/transport/http.h.
 *
 *   httpget [--tlsa 'U S M HEX' | --tlsa HEX]... [--auth MODE]
 *           [--count N] [--pause-ms MS] [--deadline-ms MS] [--then PATH2]
 *           CA_FILE HOST ADDR PORT PATH [MAXBYTES]
 *
 * Writes the body to stdout (N times with --count, over one connection
 * that reconnects if the server closed it; --pause-ms sleeps between GETs).
 * CA_FILE "-" means none.  --tlsa HEX alone is DANE-EE "3 1 1 HEX".
 * MODE: ca (default), dane (default when --tlsa is given), dane-or-ca,
 * dane-and-ca, plain.  MAXBYTES defaults to 64 MiB.  --deadline-ms sets
 * an overall deadline (struct au_endpoint deadline_ms).  --then PATH2 GETs
 * PATH2 on the same handle after PATH, also when PATH answered 404 (the
 * TUF 5.3 root probe followed by timestamp.json), after --pause-ms when
 * given; the exit status is then PATH2's.
 * On success prints "auth: <what authenticated the peer>" to stderr and
 * exits 0; on a transport error prints "httpget: <code>: <diag>" to stderr
 * and exits 11; usage 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/discover/dns.h"
#include "client/transport/http.h"
#include "port/port.h"

#include "port/ban.h"

#define MAX_TLSA 8

struct opts {
	struct au_tlsa tlsa[MAX_TLSA];
	size_t ntlsa;
	int auth;		/* -1 until chosen */
	unsigned long count, pause_ms, deadline_ms;
	const char *then;	/* --then PATH2, or NULL */
};

static int
usage(void)
{
	fprintf(stderr, "usage: httpget [--tlsa 'U S M HEX']... [--auth "
	    "ca|dane|dane-or-ca|dane-and-ca|plain] [--count N] [--pause-ms MS]"
	    " [--deadline-ms MS] [--then PATH2] CA_FILE HOST ADDR PORT PATH [MAXBYTES]\n");
	return 2;
}

static int
parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	*out = strtoul(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

static int
parse_hex(const char *s, struct au_tlsa *t)
{
	size_t n = strlen(s), i;
	unsigned v;

	if (n == 0 || n % 2 != 0 || n / 2 > sizeof(t->data))
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		t->data[i] = (uint8_t)v;
	}
	t->len = n / 2;
	return 0;
}

static int
parse_tlsa(const char *s, struct au_tlsa *t)
{
	unsigned u, sel, m;
	char hex[160];

	memset(t, 0, sizeof(*t));
	if (strchr(s, ' ') == NULL) {
		t->usage = 3;
		t->selector = 1;
		t->mtype = 1;
		return parse_hex(s, t);
	}
	if (sscanf(s, "%u %u %u %159s", &u, &sel, &m, hex) != 4 || u > 255 ||
	    sel > 255 || m > 255)
		return -1;
	t->usage = (uint8_t)u;
	t->selector = (uint8_t)sel;
	t->mtype = (uint8_t)m;
	return parse_hex(hex, t);
}

static int
parse_auth(const char *s)
{
	static const char *names[] = { "ca", "dane", "dane-or-ca",
	    "dane-and-ca", "plain" };
	static const int modes[] = { AU_TLS_CA, AU_TLS_DANE,
	    AU_TLS_DANE_OR_CA, AU_TLS_DANE_AND_CA, AU_TLS_NONE_PLAIN_HTTP };
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return modes[i];
	return -1;
}

/* Options first; returns the index of the first positional argument. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->auth = -1;
	o->count = 1;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = v == NULL;

		if (!bad && strcmp(argv[i], "--tlsa") == 0)
			bad = o->ntlsa == MAX_TLSA ||
			    parse_tlsa(v, &o->tlsa[o->ntlsa++]) != 0;
		else if (!bad && strcmp(argv[i], "--auth") == 0)
			bad = (o->auth = parse_auth(v)) < 0;
		else if (!bad && strcmp(argv[i], "--count") == 0)
			bad = parse_ulong(v, &o->count) != 0 || o->count == 0;
		else if (!bad && strcmp(argv[i], "--pause-ms") == 0)
			bad = parse_ulong(v, &o->pause_ms) != 0;
		else if (!bad && strcmp(argv[i], "--deadline-ms") == 0)
			bad = parse_ulong(v, &o->deadline_ms) != 0;
		else if (!bad && strcmp(argv[i], "--then") == 0)
			o->then = v;
		else
			bad = 1;
		if (bad)
			return -1;
	}
	if (o->auth < 0)
		o->auth = o->ntlsa > 0 ? AU_TLS_DANE : AU_TLS_CA;
	return i;
}

static int
to_stdout(void *arg, const uint8_t *buf, size_t len)
{
	(void)arg;
	return fwrite(buf, 1, len, stdout) == len ? 0 : AU_EIO;
}

static void
pause_ms(unsigned long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };

	(void)nanosleep(&ts, NULL);
}

static int
fail(int rc, const struct au_diag *d)
{
	fprintf(stderr, "httpget: %s: %s\n", au_strerror(rc), d->msg);
	return au_err_class(rc) == AU_EUSAGE ? 2 : 11;
}

int
main(int argc, char **argv)
{
	struct au_diag d = { "", 0 };
	struct au_endpoint ep;
	struct au_http *c = NULL;
	struct au_addr addr;
	struct opts o;
	unsigned long port, max = 64ul << 20, i;
	int at = parse_opts(argc, argv, &o), rc = 0;

	if (at < 0 || (argc - at != 5 && argc - at != 6) ||
	    au_addr_parse(argv[at + 2], &addr) != 0 ||
	    parse_ulong(argv[at + 3], &port) != 0 || port == 0 ||
	    port > 65535 || (argc - at == 6 &&
	    parse_ulong(argv[at + 5], &max) != 0))
		return usage();
	memset(&ep, 0, sizeof(ep));
	ep.host = argv[at + 1];
	ep.addrs = &addr;
	ep.naddrs = 1;
	ep.port = (uint16_t)port;
	ep.auth = (enum au_tls_auth)o.auth;
	ep.ca_file = strcmp(argv[at], "-") == 0 ? NULL : argv[at];
	ep.tlsa = o.tlsa;
	ep.ntlsa = o.ntlsa;
	if (o.deadline_ms > 0)
		ep.deadline_ms = au_monotonic_ms() + (int64_t)o.deadline_ms;
	rc = au_http_open(&ep, &c, &d);
	if (rc != 0)
		return fail(rc, &d);
	for (i = 0; i < o.count && rc == 0; i++) {
		if (i > 0 && o.pause_ms > 0)
			pause_ms(o.pause_ms);
		rc = au_http_get(c, argv[at + 4], max, to_stdout, NULL, NULL,
		    &d);
	}
	if (o.then != NULL && (rc == 0 || rc == AU_ENOTFOUND)) {
		if (o.pause_ms > 0)
			pause_ms(o.pause_ms);
		rc = au_http_get(c, o.then, max, to_stdout, NULL, NULL, &d);
	}
	if (rc == 0)
		fprintf(stderr, "auth: %s\n", au_http_auth_used(c));
	au_http_close(c);
	if (fflush(stdout) != 0 && rc == 0)
		return 1;
	return rc != 0 ? fail(rc, &d) : 0;
}
