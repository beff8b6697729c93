/* SPDX-License-Identifier: ISC */
/* client/install/health.h - the health check run after each switch. */
#ifndef AU_HEALTH_H
#define AU_HEALTH_H

#include "port/err.h"

#define AU_HEALTH_MAX_CMD 1024	/* bytes of the health command line */
#define AU_HEALTH_MAX_ARGS 32	/* words of the health command line */

/*
 * Run the health check cmd: split on spaces into at most AU_HEALTH_MAX_ARGS
 * words (no shell, argv[0] searched in PATH), with the environment plus
 * AIUPDATE_TARGET=target, AIUPDATE_VERSION=version, AIUPDATE_PATH=path,
 * AIUPDATE_PREVIOUS_PATH=prev_path ("" when NULL), stdin /dev/null; killed
 * (with its process group) after timeout_s seconds (> 0).
 * Returns 0 if it exited with status 0.  Otherwise AU_EHEALTH, diag giving
 * the exit status, the signal, the timeout, or why it could not run (empty
 * or over-long command, bad timeout, spawn failure).
 */
AU_NODISCARD int au_health_run(const char *cmd, const char *target,
    const char *version, const char *path, const char *prev_path,
    int timeout_s, struct au_diag *diag);

#endif
