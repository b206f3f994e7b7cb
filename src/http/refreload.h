/* refreload.h - keeps every node's in-memory reference data (HS, countries, currencies,
 * UN/LOCODE) current: a thread checks the version `swctl import` writes (every 2 s) and,
 * when it changed, loads the tables again and swaps app->rd. Requests that already hold
 * the previous copy go on using it: retired copies are freed only at stop (reloads are
 * rare administrator actions). */
#ifndef SW_REFRELOAD_H
#define SW_REFRELOAD_H
#include <stdint.h>

struct app;
struct refreload;

/* Starts watching; version is that of the copy in app->rd. NULL if the thread cannot
 * start (the node then keeps its copy until restarted). */
struct refreload *refreload_start(struct app *app, int64_t version);
/* Stops the thread and frees retired copies (not the current one). NULL is ignored. */
void refreload_stop(struct refreload *w);

#endif
