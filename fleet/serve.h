/* SPDX-License-Identifier: ISC */
/*
 * fleet/serve.h - the collector's HTTP side: libmicrohttpd on a loopback
 * address (TLS is nginx in front: README "Fleet collector"), POST on one
 * path, each request handed to fleet_ingest() (fleet/ingest.h).
 *
 * Limits, so that no client can hold the collector: at most
 * FLEET_CONN_MAX connections at once; a connection idle for FLEET_IDLE_S
 * (opts.idle_s) is closed (libmicrohttpd's timeout); a connection still
 * open FLEET_DEADLINE_S (opts.deadline_s) after it was accepted is cut
 * whatever it sends, within a second (a
 * slowloris client trickling bytes); headers within FLEET_HEADER_MEM bytes
 * of memory; of a body over FLEET_BODY_MAX nothing past the cap is kept:
 * declared so by its Content-Length, nothing of it at all; the rest is
 * discarded and 413 answered at its end (answering early and closing on
 * unread bytes would reset the connection under the answer, which a proxy
 * in front turns into 502), except that a client waiting for "100
 * Continue", or a body going on more than FLEET_DRAIN_MAX bytes past the
 * cap, is answered at once and its connection closed.
 */
#ifndef AU_FLEET_SERVE_H
#define AU_FLEET_SERVE_H

#include <stdint.h>

#include "fleet/db.h"
#include "fleet/ingest.h"
#include "port/port.h"

#define FLEET_CONN_MAX 64	/* simultaneous connections */
#define FLEET_IDLE_S 10		/* seconds without a byte */
#define FLEET_DEADLINE_S 30	/* seconds from accept to the last byte */
#define FLEET_HEADER_MEM 32768	/* bytes of per-connection header memory */
#define FLEET_DRAIN_MAX (1024 * 1024)	/* bytes discarded past the cap */
#define FLEET_PATH_MAX 256
#define FLEET_DEFAULT_PATH "/aiupdate/v1/report"

struct fleet_serve_opts {
	struct au_addr addr;	/* where to listen */
	uint16_t port;
	const char *path;	/* the POST path, FLEET_DEFAULT_PATH by default */
	unsigned idle_s;	/* FLEET_IDLE_S by default */
	unsigned deadline_s;	/* FLEET_DEADLINE_S by default */
	struct fleet_keys keys;
};

/*
 * Serve until the process is stopped (SIGTERM/SIGINT end it: every report
 * is its own committed transaction, so nothing is lost or half written).
 * Logs one line per request (au_log, info level) and "listening on ..."
 * once ready.  Returns only on a failure to start or of the event loop:
 * AU_EIO (listen, libmicrohttpd), AU_ENOMEM.
 */
AU_NODISCARD int fleet_serve(struct fleet_db *db,
    const struct fleet_serve_opts *o, struct au_diag *diag);

#endif
