/* assess_json.c - an assessment as JSON text (see assess_json.h). */
#include "codec/assess_json.h"

#include "codec/jtext.h"
#include "core/decimal.h"

/* ,"key":"decimal", or null when v cannot be formatted. */
static void member_dec(struct jtext *b, const char *key, int64_t v, int scale, unsigned flags) {
  char buf[40];
  jt_cstr(b, ",\"");
  jt_cstr(b, key);
  jt_put(b, "\":", 2);
  if (dec_format(v, scale, flags, buf, sizeof buf) < 0)
    jt_put(b, "null", 4);
  else
    jt_str(b, buf);
}

char *assessment_to_text(const struct assessment *as) {
  struct jtext b = {0};
  jt_cstr(&b, "{\"currency\":");
  jt_str(&b, as->currency);
  member_dec(&b, "exchange_rate", as->rate_micro, 6, DEC_FMT_TRIM);
  member_dec(&b, "customs_value", as->customs_value, DEC_SCALE_MONEY, 0);
  member_dec(&b, "duty", as->duty, DEC_SCALE_MONEY, 0);
  member_dec(&b, "excise", as->excise, DEC_SCALE_MONEY, 0);
  member_dec(&b, "vat", as->vat, DEC_SCALE_MONEY, 0);
  member_dec(&b, "total", as->total, DEC_SCALE_MONEY, 0);
  jt_cstr(&b, ",\"lines\":[");
  for (size_t i = 0; i < as->n_lines; i++) {
    const struct assess_line *l = &as->lines[i];
    jt_cstr(&b, i ? ",{\"item\":" : "{\"item\":");
    jt_int(&b, (int64_t)l->item);
    jt_cstr(&b, ",\"tax\":");
    jt_str(&b, tax_kind_name(l->tax));
    member_dec(&b, "base", l->base, DEC_SCALE_MONEY, 0);
    member_dec(&b, "rate", l->rate_ppm, 4, DEC_FMT_TRIM);
    member_dec(&b, "amount", l->amount, DEC_SCALE_MONEY, 0);
    if (l->specific) member_dec(&b, "specific", l->specific, DEC_SCALE_MONEY, 0);
    if (l->basis[0]) {
      jt_cstr(&b, ",\"basis\":");
      jt_str(&b, l->basis);
    }
    jt_put(&b, "}", 1);
  }
  jt_put(&b, "]}", 2);
  return jt_finish(&b);
}
