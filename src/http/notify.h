/* notify.h - wakes long-polling readers of the event feed when a write commits. */
#ifndef SW_NOTIFY_H
#define SW_NOTIFY_H
#include <stdint.h>

struct notify;

struct notify *notify_new(void);
void notify_free(struct notify *n);
/* The current generation; pass it to notify_wait. */
uint64_t notify_generation(struct notify *n);
/* Called after a commit that appended events: wakes every waiter. */
void notify_bump(struct notify *n);
/* Waits until the generation moves past gen or timeout_ms passes; returns the new
 * generation. */
uint64_t notify_wait(struct notify *n, uint64_t gen, int timeout_ms);

#endif
