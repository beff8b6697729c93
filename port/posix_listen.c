/* SPDX-License-Identifier: ISC */
/*
 * port/posix_listen.c - the POSIX backend of port/port.h, server sockets:
 * a listening TCP socket for the collector (fleet/serve.c hands it to
 * libmicrohttpd) and a way to cut one connection short.  Not linked into
 * the device binary's code paths (nothing in client/ calls it).
 */
#include "port/port.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "port/ban.h"

int
au_listen_tcp(const struct au_addr *a, uint16_t port, int backlog, int *fd,
    struct au_diag *diag)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int s, one = 1, e;

	memset(&ss, 0, sizeof(ss));
	if (a->family == 4) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, a->addr, 4);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		memcpy(&in6->sin6_addr, a->addr, 16);
		len = sizeof(*in6);
	}
	s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return au_diag_sys(diag, AU_EIO, errno, "socket: %s", strerror(errno));
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(s, (struct sockaddr *)&ss, len) != 0 || listen(s, backlog) != 0) {
		e = errno;
		close(s);
		return au_diag_sys(diag, AU_EIO, e, "listen on port %u: %s",
		    (unsigned)port, strerror(e));
	}
	*fd = s;
	return AU_OK;
}

void
au_fd_shutdown(int fd)
{
	shutdown(fd, SHUT_RDWR);
}
