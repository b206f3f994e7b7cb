/* handlers.h - every route's handler, grouped by resource file (h_*.c). */
#ifndef SW_HANDLERS_H
#define SW_HANDLERS_H
#include "http/request.h"

/* h_system.c */
void h_healthz(struct http_req *r);
void h_readyz(struct http_req *r);
void h_metrics(struct http_req *r);
void h_openapi(struct http_req *r);
void h_static(struct http_req *r);
/* h_session.c */
void h_session_create(struct http_req *r);
void h_session_delete(struct http_req *r);
void h_me(struct http_req *r);
/* h_reference.c */
void h_ref_hs_get(struct http_req *r);
void h_ref_hs_search(struct http_req *r);
void h_ref_country_get(struct http_req *r);
void h_ref_country_search(struct http_req *r);
void h_ref_currency_get(struct http_req *r);
void h_ref_currency_search(struct http_req *r);
void h_ref_location_get(struct http_req *r);
void h_ref_location_search(struct http_req *r);
void h_ref_check(struct http_req *r);

#endif
