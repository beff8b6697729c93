/* SPDX-License-Identifier: ISC */
/*
 * client/report.h - the reports of a run, for the command line (the only
 * layer that prints).  The JSON form is the stable, documented schema of
 * --json; field names never change meaning, new fields may be added.
 */
#ifndef AU_REPORT_H
#define AU_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "client/update.h"

/* RFC 3339 UTC time of t (seconds since the epoch), "-" when t <= 0. */
void au_report_fmt_time(int64_t t, char *buf, size_t size);

/* The human report of a check or apply on stdout, errors on stderr.
 * verbose > 0 adds the metadata roles even when the run succeeded. */
void au_report_print(const struct au_report *rep, enum au_mode mode,
    int verbose);

/* The --json report; exit_code is the process's exit status.  New
 * reference, owned by the caller (json_decref). */
json_t *au_report_json(const struct au_report *rep, int exit_code);

#endif
