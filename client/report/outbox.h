/* SPDX-License-Identifier: ISC */
/*
 * client/report/outbox.h - store-and-forward queue of signed-at-send status
 * reports in STATE_DIR/outbox/ (docs/report.md "Outbox").
 *
 * Each report waits in its own file, NNNNNNNNNNNNNNNNNNNN.report (its
 * counter, 20 decimal digits, so name order is report order):
 *
 *     aiupdate-outbox 1 REPORT_ID BODY_LENGTH\n
 *     BODY
 *
 * REPORT_ID is 32 lowercase hex digits (the webhook-id), BODY_LENGTH the
 * decimal byte count of the JSON body that follows (at most
 * AU_OUTBOX_BODY_MAX).  STATE_DIR/outbox/state holds two lines,
 * "counter N\n" (the last counter given, N >= 0) and "dropped M\n"
 * (reports dropped since the last report was built).  Every file is
 * written through au_file_replace() (temp, fsync, rename, directory
 * fsync): after a power cut the outbox holds every earlier report and the
 * new one whole or not at all.  Leftover *.tmp files are removed; an
 * entry that does not parse is removed and counted as dropped, never sent.
 * STATE_DIR/outbox/lock serialises runs (a second run skips reporting).
 *
 * The counter is strictly increasing per device: it is saved before the
 * entry that uses it, and never set below the highest entry's counter.
 */
#ifndef AU_OUTBOX_H
#define AU_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

#define AU_OUTBOX_DIR "outbox"		/* under state_dir */
#define AU_OUTBOX_BODY_MAX 65536	/* = the collector's cap (contract) */
#define AU_OUTBOX_HEAD_MAX 96		/* the entry's first line, newline included */
#define AU_OUTBOX_ID_LEN 32		/* hex digits of a report id */
#define AU_OUTBOX_MAX_COUNT 1024	/* [report] outbox_max at most */
#define AU_OUTBOX_STATE_MAX 128		/* bytes of outbox/state */

struct au_outbox_limits {
	size_t max_count;		/* entries kept, 1..AU_OUTBOX_MAX_COUNT */
	uint64_t max_bytes;		/* entry file bytes kept, >= 65536 + head */
};

/* What an add or a flush did, for the WARN line, --json and metrics. */
struct au_outbox_stats {
	uint64_t counter;		/* add: the new report's counter */
	char report_id[AU_OUTBOX_ID_LEN + 1];	/* add: the new report's id */
	size_t evicted;			/* add: oldest entries dropped for room */
	size_t sent;			/* flush: delivered (2xx) */
	size_t duplicate;		/* flush: 409, delivered before */
	size_t refused;			/* flush: other 4xx, dropped */
	size_t corrupt;			/* entries that did not parse, dropped */
	size_t queued;			/* entries left afterwards */
	uint64_t queued_bytes;		/* their file bytes */
	int send_err;			/* flush: the failure that stopped it, or 0 */
};

/*
 * Build the body of report number counter: dropped reports were dropped
 * since the last one; report_id its 32-hex id.  On success *body is a new
 * malloc'd buffer of *len bytes (<= AU_OUTBOX_BODY_MAX), freed by the caller.
 */
typedef int (*au_outbox_build_fn)(void *arg, uint64_t counter,
    uint64_t dropped, const char *report_id, char **body, size_t *len,
    struct au_diag *diag);

/*
 * Queue one new report in STATE_DIR/outbox/ (made if missing): a fresh
 * random id, the next counter, the body from build; oldest entries are
 * dropped first (counted in the body's dropped number) to keep the count
 * and bytes within lim.  *st (zeroed first) gets counter, report_id,
 * evicted, queued, queued_bytes.
 * Errors: AU_ELOCKED (another run holds the outbox), AU_ETOOBIG (body
 * over AU_OUTBOX_BODY_MAX or over lim), AU_EIO, AU_ENOSPC, AU_ENOMEM,
 * AU_EINTERNAL, or build's own error.  Nothing is queued on error.
 */
AU_NODISCARD int au_outbox_add(const char *state_dir,
    const struct au_outbox_limits *lim, au_outbox_build_fn build, void *arg,
    struct au_outbox_stats *st, struct au_diag *diag);

enum au_outbox_verdict {
	AU_OUTBOX_SENT = 0,		/* 2xx: remove */
	AU_OUTBOX_DUPLICATE,		/* 409: delivered before; remove */
	AU_OUTBOX_REFUSED,		/* other 4xx: remove, counted dropped */
	AU_OUTBOX_KEEP,			/* 5xx, transport: keep; stop the flush */
};

/*
 * Send one entry: return an enum au_outbox_verdict (>= 0), with diag
 * saying why for REFUSED and KEEP; *err (never NULL) gets the AU_E* code
 * behind a KEEP.
 */
typedef int (*au_outbox_send_fn)(void *arg, const char *report_id,
    const uint8_t *body, size_t len, int *err, struct au_diag *diag);

/*
 * Send the queued reports in order (oldest first) through send, removing
 * each one it settles; the first KEEP stops the flush (later reports wait
 * behind it, so they arrive in order).  *st (zeroed first) counts them;
 * refused and corrupt entries are added to the dropped number of the
 * next report.  A missing outbox is empty.  Errors: AU_ELOCKED, AU_EIO,
 * AU_ENOMEM (the send failures are in st, not errors).
 */
AU_NODISCARD int au_outbox_flush(const char *state_dir, au_outbox_send_fn send,
    void *arg, struct au_outbox_stats *st, struct au_diag *diag);

/*
 * Parse an entry file's bytes: on success id gets the report id (33 bytes
 * with the NUL), *off the body's offset and *blen its length.
 * Errors: AU_EINTERNAL (not the format above: corrupt).
 */
AU_NODISCARD int au_outbox_entry_parse(const uint8_t *buf, size_t len,
    char id[AU_OUTBOX_ID_LEN + 1], size_t *off, size_t *blen);

/*
 * Parse outbox/state ("counter N\ndropped M\n", exactly).
 * Errors: AU_EINTERNAL (corrupt).
 */
AU_NODISCARD int au_outbox_state_parse(const uint8_t *buf, size_t len,
    uint64_t *counter, uint64_t *dropped);

#endif
