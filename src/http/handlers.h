/* handlers.h - every route's handler, grouped by resource file (h_*.c). */
#ifndef SW_HANDLERS_H
#define SW_HANDLERS_H
#include <stdint.h>

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
/* h_decl.c */
void h_decl_submit(struct http_req *r);
void h_decl_get(struct http_req *r);
void h_decl_list(struct http_req *r);
void h_decl_events(struct http_req *r);
void h_decl_respond(struct http_req *r);
void h_decl_cancel(struct http_req *r);
/* The numeric path parameter; answers 404 and returns 0 when it is not a positive id. */
int64_t req_id_param(struct http_req *r, const char *name);
/* h_tasks.c */
void h_agency_tasks(struct http_req *r);
void h_task_decide(struct http_req *r);
/* h_events.c */
void h_events(struct http_req *r);
/* h_permits.c */
void h_doc_types(struct http_req *r);
void h_permit_create(struct http_req *r);
void h_permit_list(struct http_req *r);
void h_permit_get(struct http_req *r);
void h_permit_history(struct http_req *r);
void h_permit_amend(struct http_req *r);
void h_permit_suspend(struct http_req *r);
void h_permit_reinstate(struct http_req *r);
void h_permit_revoke(struct http_req *r);
void h_permit_close(struct http_req *r);
void h_req_rules_list(struct http_req *r);
void h_req_rule_create(struct http_req *r);
void h_req_rule_replace(struct http_req *r);
/* h_payments.c */
void h_tariff_get(struct http_req *r);
void h_rates_list(struct http_req *r);
void h_rate_put(struct http_req *r);
void h_bills_list(struct http_req *r);
void h_bill_get(struct http_req *r);
void h_payment_confirm(struct http_req *r);
void h_agreements_list(struct http_req *r);
void h_agreement_create(struct http_req *r);
void h_guarantees_list(struct http_req *r);
void h_guarantee_create(struct http_req *r);
void h_revenue(struct http_req *r);
/* h_logistics.c */
void h_logistics_post(struct http_req *r);
void h_logistics_list(struct http_req *r);
void h_logistics_get(struct http_req *r);
void h_logistics_notices(struct http_req *r);
/* h_stats.c */
void h_stats_release_times(struct http_req *r);
void h_stats_declarations(struct http_req *r);
void h_export_declarations(struct http_req *r);
/* h_fees.c */
void h_fees_list(struct http_req *r);
void h_fee_publish(struct http_req *r);
void h_fee_estimate(struct http_req *r);
/* h_rules.c */
void h_rules_list(struct http_req *r);
void h_rule_get(struct http_req *r);
void h_rule_history(struct http_req *r);
void h_rule_create(struct http_req *r);
void h_rule_replace(struct http_req *r);
void h_rule_disable(struct http_req *r);
void h_rule_enable(struct http_req *r);

/* h_public.c */
void h_public_decl_status(struct http_req *r);
/* h_users.c */
void h_users_list(struct http_req *r);
void h_user_create(struct http_req *r);
void h_user_disable(struct http_req *r);
void h_user_enable(struct http_req *r);
void h_user_tokens(struct http_req *r);
void h_user_token_issue(struct http_req *r);
void h_token_revoke(struct http_req *r);
void h_agencies_list(struct http_req *r);
void h_parties_list(struct http_req *r);
/* h_edi.c */
void h_edi(struct http_req *r);
void h_edi_cusres(struct http_req *r);

#endif
