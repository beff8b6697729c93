/* SPDX-License-Identifier: ISC */
/*
 * port/posix_net.c - the POSIX backend of port/port.h, sockets: a TCP
 * connection to a validated address with a timeout, in mbedTLS's send/recv
 * shape, and address text.  Part of the same backend as port/posix.c;
 * port/fault.c includes it too.
 */
#include "port/port.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "port/ban.h"

struct au_sock {
	int fd;
	int timeout_ms;
};

static int
wait_writable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int n;

	do {
		n = poll(&p, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	return n;
}

static int
sock_make(const struct au_addr *addr, uint16_t port,
    struct sockaddr_storage *ss, socklen_t *sl)
{
	memset(ss, 0, sizeof(*ss));
	if (addr->family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, addr->addr, 4);
		*sl = sizeof(*s4);
		return AF_INET;
	}
	if (addr->family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, addr->addr, 16);
		*sl = sizeof(*s6);
		return AF_INET6;
	}
	return -1;
}

int
au_sock_connect(const struct au_addr *addr, uint16_t port, int timeout_ms,
    struct au_sock **out, struct au_diag *diag)
{
	struct sockaddr_storage ss;
	socklen_t sl, el = sizeof(int);
	struct au_sock *s;
	char txt[64];
	int fd, af, one = 1, err = 0, n;

	au_addr_format(addr, txt, sizeof(txt));
	af = sock_make(addr, port, &ss, &sl);
	if (af < 0)
		return au_diag_set(diag, AU_ECONNECT, "bad address family");
	fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return au_diag_sys(diag, AU_ECONNECT, errno, "socket: %s",
		    strerror(errno));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0) {
		if (errno != EINPROGRESS) {
			err = errno;
			goto fail;
		}
		n = wait_writable(fd, timeout_ms);
		if (n == 0) {
			close(fd);
			return au_diag_set(diag, AU_ETIMEOUT,
			    "connect to %s port %u: timed out after %d ms",
			    txt, port, timeout_ms);
		}
		if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
		    &el) != 0)
			err = errno;
		if (err != 0)
			goto fail;
	}
	/* Back to blocking mode: reads are bounded by poll() in recv. */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	s = malloc(sizeof(*s));
	if (s == NULL) {
		close(fd);
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	}
	s->fd = fd;
	s->timeout_ms = 30000;
	*out = s;
	return 0;
fail:
	close(fd);
	return au_diag_sys(diag, AU_ECONNECT, err, "connect to %s port %u: %s",
	    txt, port, strerror(err));
}

int
au_sock_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct au_sock *s = ctx;
	ssize_t n;

	do {
		n = send(s->fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : (int)n;
}

int
au_sock_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct au_sock *s = ctx;
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	ssize_t n;
	int r;

	/* Bytes waiting (the common case in a bulk transfer): one syscall. */
	do {
		n = recv(s->fd, buf, len, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n >= 0)
		return (int)n;
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		return -1;
	do {
		r = poll(&p, 1, s->timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		return -2;
	if (r < 0)
		return -1;
	do {
		n = recv(s->fd, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : (int)n;
}

void
au_sock_set_timeout(struct au_sock *s, int timeout_ms)
{
	s->timeout_ms = timeout_ms;
}

int
au_sock_readable(struct au_sock *s)
{
	struct pollfd p = { s->fd, POLLIN, 0 };

	return poll(&p, 1, 0) > 0;
}

void
au_sock_close(struct au_sock *s)
{
	if (s == NULL)
		return;
	close(s->fd);
	free(s);
}

int
au_addr_parse(const char *text, struct au_addr *out)
{
	struct au_addr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, text, a.addr) == 1)
		a.family = 4;
	else if (inet_pton(AF_INET6, text, a.addr) == 1)
		a.family = 6;
	else
		return AU_EUSAGE;
	*out = a;
	return 0;
}

void
au_addr_format(const struct au_addr *a, char *buf, size_t size)
{
	int af = a->family == 6 ? AF_INET6 : AF_INET;

	if (size == 0)
		return;
	if (inet_ntop(af, a->addr, buf, (socklen_t)size) == NULL)
		buf[0] = '\0';
}
