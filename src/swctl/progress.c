/* progress.c - the progress bar swctl shows on a terminal while it loads a file. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "swctl/swctl.h"

void ctl_progress_init(struct ctl_progress *p, const char *label, FILE *f) {
  struct stat st;
  p->label = label;
  p->f = f;
  p->tty = isatty(2);
  p->last_pct = -1;
  p->size = fstat(fileno(f), &st) == 0 ? (long)st.st_size : 0;
}

void ctl_progress_show(struct ctl_progress *p, long rows) {
  if (!p->tty || p->size <= 0) return;
  int pct = (int)(ftell(p->f) * 100 / p->size);
  if (pct == p->last_pct) return;
  p->last_pct = pct;
  char bar[31];
  for (int i = 0; i < 30; i++) bar[i] = i < pct * 30 / 100 ? '#' : '.';
  bar[30] = 0;
  fprintf(stderr, "\r  %-10s [%s] %3d%% %ld rows", p->label, bar, pct, rows);
}

void ctl_progress_end(struct ctl_progress *p) {
  if (p->tty) fprintf(stderr, "\r\033[K");
}
