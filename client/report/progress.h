/* SPDX-License-Identifier: ISC */
/*
 * client/report/progress.h - a one-line terminal progress bar for downloads:
 * target, bar, percent, bytes, rate and time left, e.g.
 *   models/eng.traineddata [#########.......] 56%  8.4/15.0 MiB  3.1 MiB/s  0:02 left
 * This module only formats (and throttles); the command line prints the
 * line, and only when stderr is a terminal and --json is not given.
 */
#ifndef AU_PROGRESS_H
#define AU_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#define AU_PROGRESS_LINE_MAX 160	/* bytes of one formatted line */
#define AU_PROGRESS_BAR 20		/* characters of the bar itself */
#define AU_PROGRESS_INTERVAL_MS 100	/* at most ten redraws a second */

struct au_progress {
	char name[64];		/* target name, shortened from the left */
	uint64_t total;		/* bytes, as signed */
	int64_t start_ms;	/* monotonic time of the first byte */
	int64_t last_ms;	/* monotonic time of the last redraw */
	int started;
};

/* Start tracking a new transfer of total bytes of target name. */
void au_progress_begin(struct au_progress *p, const char *name,
    uint64_t total, int64_t now_ms);

/*
 * Bytes done so far at monotonic time now_ms: returns 1 and fills line
 * (NUL-terminated, no newline) when the line should be redrawn (throttled to
 * AU_PROGRESS_INTERVAL_MS; always at the last byte), else 0.
 */
int au_progress_update(struct au_progress *p, uint64_t done, int64_t now_ms,
    char *line, size_t size);

/*
 * The line itself for done of total bytes after elapsed_ms; rate and time
 * left are "--" until elapsed_ms > 0.  Truncated to size (always
 * NUL-terminated when size > 0).
 */
void au_progress_format(const char *name, uint64_t done, uint64_t total,
    int64_t elapsed_ms, char *line, size_t size);

#endif
