/* SPDX-License-Identifier: ISC */
/*
 * tests/tools/dnsprobe.c - run one DNSSEC discovery and print the result.
 *
 *   dnsprobe TRUST_ANCHOR_FILE RESOLVER DOMAIN [VALIDATE_AT]
 *
 * RESOLVER is "ADDR@PORT", or "" / "-" for full recursion; VALIDATE_AT
 * (seconds since the epoch) judges signature dates at that time.  On
 * success it prints the ordered hosts ("target N HOST PORT SOURCE"), the
 * first host resolved (host, port, path, addresses, TLSA) and every query
 * ("rr NAME TYPE rrsig_expires T", "q NAME TYPE STATE") and exits 0; on a
 * discovery error it prints the queries, then
 * "error: <code name>: <text>: <diag>" to stderr and exits 10; usage 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/discover/dns.h"
#include "port/port.h"

#include "port/ban.h"

static void
print_service(const struct au_service *s)
{
	char buf[64];

	printf("host %s\nport %u\npath %s\n", s->host, (unsigned)s->port, s->path);
	for (size_t i = 0; i < s->naddrs; i++) {
		au_addr_format(&s->addrs[i], buf, sizeof(buf));
		printf("addr %s\n", buf);
	}
	for (size_t i = 0; i < s->ntlsa; i++) {
		printf("tlsa %u %u %u ", s->tlsa[i].usage, s->tlsa[i].selector,
		    s->tlsa[i].mtype);
		for (size_t j = 0; j < s->tlsa[i].len; j++)
			printf("%02x", s->tlsa[i].data[j]);
		printf("\n");
	}
}

static void
print_queries(const struct au_dns *d)
{
	for (size_t i = 0; i < au_dns_query_count(d); i++) {
		const struct au_dns_query_info *q = au_dns_query(d, i);

		printf("rr %s %s rrsig_expires %lld\n", q->name, q->type,
		    (long long)q->rrsig_expires);
		printf("q %s %s %s\n", q->name, q->type,
		    au_dns_state_name(q->state));
	}
}

static const char *
code_name(int r)
{
	switch (r) {
	case AU_EDNS_BOGUS: return "bogus";
	case AU_EDNS_INSECURE: return "insecure";
	case AU_EDNS_NXDOMAIN: return "nxdomain";
	case AU_EDNS_NODATA: return "nodata";
	case AU_EDNS_SERVFAIL: return "servfail";
	case AU_EDNS_NOSERVICE: return "noservice";
	case AU_EDNS_RESOLVER: return "resolver";
	case AU_EDNS_MALFORMED: return "malformed";
	case AU_ECONFIG: return "config";
	default: return "other";
	}
}

int
main(int argc, char **argv)
{
	static struct au_dns_services sv;
	static struct au_service svc;
	struct au_diag diag = { "", 0 };
	struct au_dns_opts o = { NULL, NULL, NULL, 0 };
	struct au_dns *d = NULL;
	int r;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: dnsprobe TRUST_ANCHOR_FILE RESOLVER DOMAIN "
		    "[VALIDATE_AT]\n");
		return 2;
	}
	o.trust_anchor = argv[1];
	o.resolver = strcmp(argv[2], "-") == 0 ? "" : argv[2];
	o.validate_at = argc == 5 ? strtoll(argv[4], NULL, 10) : 0;
	r = au_dns_open(&o, &d, &diag);
	if (r == 0)
		r = au_dns_services(d, argv[3], &sv, &diag);
	for (size_t i = 0; r == 0 && i < sv.n; i++)
		printf("target %zu %s %u %s\n", i, sv.t[i].host,
		    (unsigned)sv.t[i].port, sv.t[i].source);
	if (r == 0)
		r = au_dns_resolve(d, &sv, 0, &svc, &diag);
	print_queries(d);
	au_dns_free(d);
	if (r != 0) {
		fprintf(stderr, "error: %s: %s: %s\n", code_name(r),
		    au_strerror(r), diag.msg);
		return r == AU_ECONFIG ? 2 : 10;	/* as aiupdate's exit */
	}
	print_service(&svc);
	return 0;
}
