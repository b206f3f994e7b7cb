/* Migration 6: the channel a declaration arrived by. A row per declaration lodged over
 * UN/EDIFACT (POST /v1/edi): who sent it (the UNB sender, to whom CUSRES messages are
 * addressed) and which interchange and message carried it. Declarations without a row
 * arrived by the JSON API. */
#include "store/migrations.h"

const char MIGRATION_006[] =
    "CREATE TABLE decl_channels (decl_id BIGINT PRIMARY KEY REFERENCES declarations(id),"
    " channel TEXT NOT NULL, sender TEXT NOT NULL, sender_qual TEXT NOT NULL,"
    " interchange_ref TEXT NOT NULL, message_ref TEXT NOT NULL, message TEXT NOT NULL,"
    " received_at BIGINT NOT NULL);";
