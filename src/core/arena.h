/* arena.h - bump allocator for per-request memory; everything is freed at once. */
#ifndef SW_ARENA_H
#define SW_ARENA_H
#include <stddef.h>

struct arena_chunk;
struct arena {
  struct arena_chunk *head;
  size_t used;  /* bytes handed out, for limits */
  size_t limit; /* 0 = unlimited; allocation past it returns NULL */
};

/* Prepares an empty arena; limit 0 means no cap. */
void arena_init(struct arena *a, size_t limit);
/* Frees every chunk; the arena is empty and reusable afterwards. */
void arena_release(struct arena *a);
/* Returns 16-byte aligned zeroed memory owned by the arena, or NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* The same without zeroing, for memory the caller fills before reading (large buffers). */
void *arena_alloc_uninit(struct arena *a, size_t n);
/* Copies n bytes of s plus a NUL into the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* printf into arena memory. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
