/* SPDX-License-Identifier: ISC */
/*
 * tests/tools/dnsprobe.c - run one DNSSEC discovery and print the result.
 *
 *   dnsprobe TRUST_ANCHOR_FILE RESOLVER DOMAIN
 *
 * RESOLVER is "ADDR@PORT", or "" / "-" for full recursion.  On success it
 * prints the service (host, port, path, addresses, TLSA, per-query RRSIG
 * expiry) and exits 0; on a discovery error it prints
 * "error: <code name>: <text>: <diag>" to stderr and exits 10; usage 2.
 */
#include <stdio.h>
#include <string.h>

#include "client/dns.h"
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
	for (size_t i = 0; i < s->nrr; i++)
		printf("rr %s %s rrsig_expires %lld\n", s->rr[i].name,
		    s->rr[i].type, (long long)s->rr[i].rrsig_expires);
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
	default: return "other";
	}
}

int
main(int argc, char **argv)
{
	struct au_diag diag = { "", 0 };
	struct au_service svc;
	struct au_dns *d = NULL;
	const char *res;
	int r;

	if (argc != 4) {
		fprintf(stderr, "usage: dnsprobe TRUST_ANCHOR_FILE RESOLVER DOMAIN\n");
		return 2;
	}
	res = strcmp(argv[2], "-") == 0 ? "" : argv[2];
	r = au_dns_new(argv[1], res, &d, &diag);
	if (r == 0)
		r = au_dns_discover(d, argv[3], &svc, &diag);
	au_dns_free(d);
	if (r != 0) {
		fprintf(stderr, "error: %s: %s: %s\n", code_name(r),
		    au_strerror(r), diag.msg);
		return 10;
	}
	print_service(&svc);
	return 0;
}
