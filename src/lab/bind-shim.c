/*
 * LD_PRELOAD shim that pins a server's wildcard listen to one loopback address.
 *
 * Orthanc, dcmqrscp and storescp bind INADDR_ANY and have no option to bind a
 * single address. The lab runs each on its product's standard port, so each
 * needs its own 127.x address: this rewrites bind(0.0.0.0:PORT) into
 * bind(EXPOSURE_LAB_BIND:PORT). Safety first: a wildcard bind is refused
 * (EADDRNOTAVAIL) when the variable is missing or not in 127.0.0.0/8, so a lab
 * server can never end up listening on a real interface. IPv6 wildcard binds
 * fail with EAFNOSUPPORT: Orthanc (CivetWeb, DCMTK) and DCMTK then stay on
 * IPv4, and nothing listens on ::.
 *
 * Built at lab start: cc -shared -fPIC -O2 -o DIR/bind-shim.so bind-shim.c -ldl
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*bind_fn)(int, const struct sockaddr *, socklen_t);

static bind_fn real_bind;

__attribute__((constructor)) static void resolve_real_bind(void) {
  real_bind = (bind_fn)dlsym(RTLD_NEXT, "bind");
}

/* The pinned address, or 0 when the variable is unusable. Network byte order. */
static int pinned_address(struct in_addr *out) {
  const char *text = getenv("EXPOSURE_LAB_BIND");
  if (text == NULL || inet_pton(AF_INET, text, out) != 1) return 0;
  return (ntohl(out->s_addr) >> 24) == 127; /* loopback only */
}

static int is_ipv6_wildcard(const struct sockaddr *addr, socklen_t len) {
  if (addr->sa_family != AF_INET6 || len < (socklen_t)sizeof(struct sockaddr_in6)) return 0;
  const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
  return memcmp(&in6->sin6_addr, &in6addr_any, sizeof in6addr_any) == 0;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  if (real_bind == NULL) resolve_real_bind();
  if (real_bind == NULL) {
    errno = ENOSYS;
    return -1;
  }
  if (addr == NULL) return real_bind(fd, addr, len);

  if (addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
    if (in->sin_addr.s_addr != htonl(INADDR_ANY)) return real_bind(fd, addr, len);
    struct sockaddr_in pinned = *in;
    if (!pinned_address(&pinned.sin_addr)) {
      errno = EADDRNOTAVAIL;
      return -1;
    }
    return real_bind(fd, (const struct sockaddr *)&pinned, sizeof pinned);
  }
  if (is_ipv6_wildcard(addr, len)) {
    errno = EAFNOSUPPORT;
    return -1;
  }
  return real_bind(fd, addr, len);
}
