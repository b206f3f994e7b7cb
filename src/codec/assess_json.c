#include "codec/assess_json.h"

#include "core/decimal.h"

static json_t *dec(int64_t v, int scale, unsigned flags) {
  char buf[40];
  return dec_format(v, scale, flags, buf, sizeof buf) < 0 ? json_null() : json_string(buf);
}

json_t *assessment_to_json(const struct assessment *as) {
  json_t *lines = json_array();
  for (size_t i = 0; i < as->n_lines; i++) {
    const struct assess_line *l = &as->lines[i];
    json_t *j = json_pack("{s:I, s:s, s:o, s:o, s:o}", "item", (json_int_t)l->item, "tax",
                          tax_kind_name(l->tax), "base", dec(l->base, DEC_SCALE_MONEY, 0),
                          "rate", dec(l->rate_ppm, 4, DEC_FMT_TRIM), "amount",
                          dec(l->amount, DEC_SCALE_MONEY, 0));
    if (l->specific) json_object_set_new(j, "specific", dec(l->specific, DEC_SCALE_MONEY, 0));
    if (l->basis[0]) json_object_set_new(j, "basis", json_string(l->basis));
    json_array_append_new(lines, j);
  }
  return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "currency", as->currency,
                   "exchange_rate", dec(as->rate_micro, 6, DEC_FMT_TRIM), "customs_value",
                   dec(as->customs_value, DEC_SCALE_MONEY, 0), "duty",
                   dec(as->duty, DEC_SCALE_MONEY, 0), "excise",
                   dec(as->excise, DEC_SCALE_MONEY, 0), "vat", dec(as->vat, DEC_SCALE_MONEY, 0),
                   "total", dec(as->total, DEC_SCALE_MONEY, 0), "lines", lines);
}
