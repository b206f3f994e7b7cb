/* server.h - the HTTP server over libmicrohttpd. */
#ifndef SW_SERVER_H
#define SW_SERVER_H

struct app;
struct server;

/* Binds cfg.listen:cfg.port and starts the worker threads. On port 0 the kernel chooses;
 * server_port tells which. */
int server_start(struct app *app, struct server **out);
int server_port(const struct server *s);
/* Stops accepting, waits (up to grace_ms) for in-flight requests, then stops. */
void server_stop(struct server *s, int grace_ms);

#endif
