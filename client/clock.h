/* SPDX-License-Identifier: ISC */
/*
 * client/clock.h - the time floor: the clock policy of a device that may
 * boot without a trustworthy clock (no RTC: 1970 at boot; a drifting or
 * tampered clock).
 *
 * The floor is the latest time this device has reason to believe has
 * passed: the maximum of the binary's build time and the time of the last
 * run that verified fresh metadata.  It lives in STATE_DIR/time-floor as
 * decimal seconds since the epoch, replaced atomically.
 *
 * Policy (see README "Clock policy"):
 *  - A run judges every date (DNSSEC signatures through libunbound's
 *    val-override-date, certificate validity, TUF expiry) at
 *    max(clock, floor).  A clock behind the floor is not believed: the
 *    floor is used and the report says so.  Metadata that expired before
 *    the floor is therefore refused even when the clock reads earlier.
 *  - The floor moves only forward, and only to the time of a run that
 *    verified fresh metadata at that time: the DNSSEC signatures, the
 *    server certificate and the signed timestamp were all valid then.  A
 *    clock far ahead fails those checks (the timestamp, which lives days,
 *    has expired by then), so it never becomes the floor, and correcting
 *    the clock recovers the device.  A clock ahead by less than the
 *    timestamp's lifetime can move the floor at most to a time before the
 *    timestamp's expiry, which the publisher's next timestamp covers.
 */
#ifndef AU_CLOCK_H
#define AU_CLOCK_H

#include <stdint.h>

#include "port/err.h"

#define AU_CLOCK_FILE "time-floor"	/* under state_dir */
#define AU_CLOCK_FILE_MAX 32		/* bytes; larger is corrupt */
/*
 * The floor is rewritten only when it moves by at least this many seconds:
 * a device on a 15-minute timer would otherwise replace (and fsync twice)
 * the file on every run, wearing its flash for nothing.  The floor may lag
 * the last verified run by up to an hour, which widens the window in which
 * a device without a clock could accept metadata that expired meanwhile by
 * that hour; TUF expiry works in days.
 */
#define AU_CLOCK_FLOOR_STEP 3600

/*
 * *floor = max(build_time, the value in STATE_DIR/time-floor).  A missing
 * file is not an error (a new device: the build time alone).
 * Errors: AU_ECLOCK (the file exists but does not hold a decimal time:
 * diag says delete it only if the device was not tampered with), AU_EIO.
 */
AU_NODISCARD int au_clock_floor_load(const char *state_dir, int64_t build_time,
    int64_t *floor, struct au_diag *diag);

/* The time a run judges dates at: max(now, floor). */
int64_t au_clock_effective(int64_t now, int64_t floor);

/*
 * Record that a run verified fresh metadata at time t: the file becomes t
 * when t is at least AU_CLOCK_FLOOR_STEP past its value (a missing or
 * corrupt file: always).  Never moves it backwards.
 * Errors: AU_EIO, AU_ENOSPC (the floor stays as it was).
 */
AU_NODISCARD int au_clock_floor_advance(const char *state_dir, int64_t t,
    struct au_diag *diag);

#endif
