/* SPDX-License-Identifier: ISC */
/*
 * client/report/report.h - the reports of a run, for the command line (the only
 * layer that prints).  The JSON form is the stable, documented schema of
 * --json; field names never change meaning, new fields may be added.
 */
#ifndef AU_REPORT_H
#define AU_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "client/report/run_report.h"

/* RFC 3339 UTC time of t (seconds since the epoch), "-" when t <= 0. */
void au_report_fmt_time(int64_t t, char *buf, size_t size);

/* The human report of a check or apply on stdout, errors on stderr.
 * verbose > 0 adds the metadata roles even when the run succeeded. */
void au_report_print(const struct au_report *rep, enum au_mode mode,
    int verbose);

/* The --json report; exit_code is the process's exit status.  New
 * reference, owned by the caller (json_decref). */
json_t *au_report_json(const struct au_report *rep, int exit_code);

/*
 * client/report/report_net.c, the field-support diagnosis (README "Field
 * support"; schema in docs/json-schema.md):
 * au_report_print_net: the clock line when the clock is behind the floor;
 * with verbose also the resolver, trust anchor, each DNS query (state,
 * records, days until its RRSIG expires), each host tried and the TLS peer.
 * au_report_print_warnings: a "WARN what name expires T (in N days)" line
 * for each RRSIG, certificate and metadata role expiring within
 * rep->warn_days; the timestamp role, re-signed every few days by design,
 * within AU_WARN_TIMESTAMP_DAYS when that is shorter.
 * au_report_json_net: adds "clock", "dns", "hosts", "tls", "warn_days" and
 * "warnings" to the --json object o.
 */
#define AU_WARN_TIMESTAMP_DAYS 1

void au_report_print_net(const struct au_report *rep, int verbose);
void au_report_print_warnings(const struct au_report *rep);
void au_report_json_net(const struct au_report *rep, json_t *o);

#endif
