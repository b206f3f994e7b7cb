#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
  struct arena_chunk *next;
  size_t cap, off;
  _Alignas(16) unsigned char data[];
};

#define ARENA_CHUNK 8192

void arena_init(struct arena *a, size_t limit) {
  a->head = NULL;
  a->used = 0;
  a->limit = limit;
}

void arena_release(struct arena *a) {
  struct arena_chunk *c = a->head;
  while (c) {
    struct arena_chunk *n = c->next;
    free(c);
    c = n;
  }
  a->head = NULL;
  a->used = 0;
}

void *arena_alloc_uninit(struct arena *a, size_t n) {
  size_t need = (n + 15) & ~(size_t)15;
  if (need < n) return NULL;
  if (a->limit && a->used + need > a->limit) return NULL;
  struct arena_chunk *c = a->head;
  if (!c || c->cap - c->off < need) {
    size_t cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;
    c = malloc(sizeof(*c) + cap);
    if (!c) return NULL;
    c->cap = cap;
    c->off = 0;
    c->next = a->head;
    a->head = c;
  }
  void *p = c->data + c->off;
  c->off += need;
  a->used += need;
  return p;
}

void *arena_alloc(struct arena *a, size_t n) {
  void *p = arena_alloc_uninit(a, n);
  if (p) memset(p, 0, n);
  return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n) {
  char *p = arena_alloc_uninit(a, n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *arena_strdup(struct arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_printf(struct arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *p = arena_alloc(a, (size_t)n + 1);
  if (!p) return NULL;
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}
