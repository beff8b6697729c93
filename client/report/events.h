/* SPDX-License-Identifier: ISC */
/*
 * client/report/events.h - the log lines of a run: one line per event, key=value
 * fields (event, mode, target, version, phase, error, msg), for syslog and
 * the journal, e.g.
 *   event=installed target=models/eng.traineddata version=3 sha256=ab12...
 *   event=run mode=apply result=failed phase=metadata error="metadata expired" msg="..."
 * A value holding a space, '"', '=' or '\' is quoted, with '"' and '\'
 * escaped; bytes outside printable ASCII become '?'.  The client holds no
 * secret; nothing logged comes from a private key.
 */
#ifndef AU_EVENTS_H
#define AU_EVENTS_H

#include <stddef.h>

#include "client/report/run_report.h"

#define AU_EVENT_LINE_MAX 1024	/* bytes of one line; longer is cut */

/* Log every event of a finished run through au_log: info for progress,
 * warning for refusals of one target, error for a failed run. */
void au_events_log(const struct au_report *rep, enum au_mode mode);

/*
 * Append " key=value" (value quoted and escaped as above) to line of size
 * bytes holding a NUL-terminated string; cut at size - 1.
 */
void au_event_kv(char *line, size_t size, const char *key, const char *value);

#endif
