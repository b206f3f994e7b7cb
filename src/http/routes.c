/* routes.c - the route table: every route declares who may call it. Order matters only
 * for the static catch-all, which is last. */
#include "http/handlers.h"
#include "http/router.h"

const struct route ROUTES[] = {
    {"GET", "/healthz", h_healthz, ACC_PUBLIC, "liveness"},
    {"GET", "/readyz", h_readyz, ACC_PUBLIC, "readiness"},
    {"GET", "/metrics", h_metrics, ACC_PUBLIC, "Prometheus metrics"},
    {"GET", "/v1/openapi.yaml", h_openapi, ACC_PUBLIC, "the OpenAPI document"},
    {"POST", "/v1/session", h_session_create, ACC_PUBLIC, "sign in (browser session)"},
    {"DELETE", "/v1/session", h_session_delete, ACC_PUBLIC, "sign out"},
    {"GET", "/v1/me", h_me, ACC_ANY_USER, "the caller's identity"},
    {"GET", "/v1/reference/hs", h_ref_hs_search, ACC_PUBLIC, "HS text search"},
    {"GET", "/v1/reference/hs/{code}", h_ref_hs_get, ACC_PUBLIC, "HS entry with parents"},
    {"GET", "/v1/reference/countries", h_ref_country_search, ACC_PUBLIC, "country search"},
    {"GET", "/v1/reference/countries/{code}", h_ref_country_get, ACC_PUBLIC, "country"},
    {"GET", "/v1/reference/currencies", h_ref_currency_search, ACC_PUBLIC, "currency search"},
    {"GET", "/v1/reference/currencies/{code}", h_ref_currency_get, ACC_PUBLIC, "currency"},
    {"GET", "/v1/reference/locations", h_ref_location_search, ACC_PUBLIC, "UN/LOCODE search"},
    {"GET", "/v1/reference/locations/{code}", h_ref_location_get, ACC_PUBLIC, "UN/LOCODE"},
    {"GET", "/v1/reference/check/{kind}/{value}", h_ref_check, ACC_PUBLIC,
     "IMO / ISO 6346 check digit"},
    {"GET", "/", h_static, ACC_PUBLIC, "web UI"},
    {"GET", "/{path*}", h_static, ACC_PUBLIC, "web UI files"},
    {0},
};
