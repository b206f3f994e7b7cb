/* edi_json.c - streaming JSON view of an interchange (see edi_json.h). */
#include "codec/edifact/edi_json.h"

#include "core/err.h"

#include <stdlib.h>
#include <string.h>

struct edi_json {
  FILE *f;
  int in_ic, in_msg;
  int nic, nmsg, nseg; /* items written in the open arrays */
};

int edi_json_new(struct edi_json **out, FILE *f) {
  struct edi_json *j = calloc(1, sizeof *j);
  *out = NULL;
  if (!j) return -SW_ENOMEM;
  j->f = f;
  fputs("{\"interchanges\": [", f);
  *out = j;
  return 0;
}

void edi_json_free(struct edi_json *j) { free(j); }

void edi_json_string(FILE *f, const char *s, size_t n) {
  putc('"', f);
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    fwrite(s + start, 1, i - start, f);
    if (c == '"' || c == '\\') {
      putc('\\', f);
      putc(c, f);
    } else {
      fprintf(f, "\\u%04x", c);
    }
    start = i + 1;
  }
  fwrite(s + start, 1, n - start, f);
  putc('"', f);
}

static void jstr(FILE *f, const char *s) { edi_json_string(f, s, strlen(s)); }

static void open_interchange(struct edi_json *j, const struct edi_envelope *env) {
  FILE *f = j->f;
  const struct edi_interchange *ic = &env->ic;
  fputs(j->nic++ ? ",\n {" : "\n {", f);
  if (ic->present) {
    fputs("\"syntax_id\": ", f);
    jstr(f, ic->syntax_id);
    fprintf(f, ", \"syntax_version\": %d, \"sender\": ", ic->version);
    jstr(f, ic->sender);
    fputs(", \"recipient\": ", f);
    jstr(f, ic->recipient);
    fputs(", \"date\": ", f);
    jstr(f, ic->date);
    fputs(", \"time\": ", f);
    jstr(f, ic->time);
    fputs(", \"control_ref\": ", f);
    jstr(f, ic->ref);
  } else {
    fputs("\"syntax_id\": null, \"syntax_version\": null, \"sender\": null, \"recipient\": null, "
          "\"date\": null, \"time\": null, \"control_ref\": null",
          f);
  }
  fputs(", \"messages\": [", f);
  j->in_ic = 1;
  j->nmsg = 0;
}

static void close_message(struct edi_json *j) {
  if (!j->in_msg) return;
  fputs("]}", j->f);
  j->in_msg = 0;
}

static void close_interchange(struct edi_json *j) {
  close_message(j);
  if (!j->in_ic) return;
  fputs("]}", j->f);
  j->in_ic = 0;
}

static void write_components(FILE *f, const struct edi_segment *s, const struct edi_elem *e) {
  unsigned n = e->ncomp;
  while (n > 1 && s->comp[e->first + n - 1].len == 0)
    n--;
  putc('[', f);
  for (unsigned k = 0; k < n; k++) {
    if (k) fputs(", ", f);
    edi_json_string(f, s->comp[e->first + k].p, s->comp[e->first + k].len);
  }
  putc(']', f);
}

int edi_json_segment(struct edi_json *j, const struct edi_segment *s,
                     const struct edi_envelope *env) {
  FILE *f = j->f;
  if (!memcmp(s->tag, "UNB", 4)) {
    close_interchange(j);
    open_interchange(j, env);
    return 0;
  }
  if (!s->msg || !env->in_message) return 0;
  if (!j->in_ic) open_interchange(j, env);
  if (!memcmp(s->tag, "UNH", 4)) {
    close_message(j);
    const struct edi_message *m = &env->msg;
    fputs(j->nmsg++ ? ",\n  {" : "\n  {", f);
    fprintf(f, "\"number\": %u, \"ref\": ", m->number);
    jstr(f, m->ref);
    fputs(", \"type\": ", f);
    jstr(f, m->type);
    fputs(", \"version\": ", f);
    jstr(f, m->version);
    fputs(", \"release\": ", f);
    jstr(f, m->release);
    fputs(", \"agency\": ", f);
    jstr(f, m->agency);
    fputs(", \"assoc\": ", f);
    jstr(f, m->assoc);
    fputs(", \"group\": ", f);
    if (env->in_group)
      jstr(f, env->grp.ref);
    else
      fputs("null", f);
    fputs(", \"segments\": [", f);
    j->in_msg = 1;
    j->nseg = 0;
  }
  if (!j->in_msg) return 0;
  fputs(j->nseg++ ? ",\n   {\"tag\": " : "\n   {\"tag\": ", f);
  jstr(f, s->tag);
  fprintf(f, ", \"index\": %u, \"offset\": %llu, \"elements\": [", s->index,
          (unsigned long long)s->offset);
  /* Positions are contiguous (each element separator opens the next one). */
  for (uint32_t i = 0; i < s->nel;) {
    uint32_t k = i;
    while (k < s->nel && s->el[k].pos == s->el[i].pos)
      k++;
    if (i) fputs(", ", f);
    if (k - i == 1) {
      write_components(f, s, &s->el[i]);
    } else {
      fputs("{\"repeats\": [", f);
      for (uint32_t m = i; m < k; m++) {
        if (m > i) fputs(", ", f);
        write_components(f, s, &s->el[m]);
      }
      fputs("]}", f);
    }
    i = k;
  }
  fputs("]}", f);
  return ferror(f) ? -SW_EIO : 0;
}

void edi_json_end(struct edi_json *j, int level, const struct edi_envelope *env) {
  (void)env;
  if (level == EDI_LVL_MESSAGE)
    close_message(j);
  else if (level == EDI_LVL_INTERCHANGE)
    close_interchange(j);
}

static const char *level_name(int level) {
  switch (level) {
  case EDI_LVL_INTERCHANGE: return "interchange";
  case EDI_LVL_GROUP: return "group";
  case EDI_LVL_MESSAGE: return "message";
  default: return "segment";
  }
}

int edi_json_finish(struct edi_json *j, const struct edi_report *r) {
  FILE *f = j->f;
  close_interchange(j);
  fputs("],\n\"errors\": [", f);
  for (size_t i = 0; i < r->n; i++) {
    const struct edi_error *e = &r->items[i];
    fprintf(f, "%s\n {\"severity\": \"%s\", \"code\": %u, \"code_name\": ", i ? "," : "",
            e->severity == EDI_ERROR ? "error" : "warning", e->code);
    jstr(f, edi_code_name(e->code));
    fprintf(f,
            ", \"level\": \"%s\", \"offset\": %llu, \"message\": %u, \"segment\": %u, "
            "\"tag\": ",
            level_name(e->level), (unsigned long long)e->pos.offset, e->pos.msg, e->pos.seg);
    jstr(f, e->pos.tag);
    fprintf(f, ", \"element\": %u, \"component\": %u, \"repetition\": %u, \"text\": ", e->pos.elem,
            e->pos.comp, e->pos.rep);
    jstr(f, e->text);
    putc('}', f);
  }
  fprintf(f,
          "],\n\"summary\": {\"bytes\": %llu, \"interchanges\": %llu, \"messages\": %llu, "
          "\"segments\": %llu, \"errors\": %llu, \"warnings\": %llu, \"errors_listed\": %zu, "
          "\"valid\": %s}}\n",
          (unsigned long long)r->bytes, (unsigned long long)r->interchanges,
          (unsigned long long)r->messages, (unsigned long long)r->segments,
          (unsigned long long)r->errors, (unsigned long long)r->warnings, r->n,
          r->errors ? "false" : "true");
  return ferror(f) ? -SW_EIO : 0;
}
