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
 * Returns 0 if it exited with status 0.  AU_EHEALTH when the check failed:
 * diag gives the exit status (127: not found, 126: not executable), the
 * signal, the timeout, or an empty or over-long command or a bad timeout.
 * A local failure to start it is not a failed check, and has its own code:
 * AU_ENOMEM (allocation; fork found no memory), AU_EINSTALL (an AIUPDATE_*
 * variable over its limit), AU_EIO (fork or waitpid failed; diag->sys).
 * Callers roll back and mark the version bad only for AU_EHEALTH.
 */
AU_NODISCARD int au_health_run(const char *cmd, const char *target,
    const char *version, const char *path, const char *prev_path,
    int timeout_s, struct au_diag *diag);

#endif
