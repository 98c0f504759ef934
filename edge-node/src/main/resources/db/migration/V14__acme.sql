-- Automatic (ACME) certificates and the ACME account key, so that a restart of every node serves what was issued
-- before instead of asking the CA again (public CAs rate-limit). One row per name; a renewal replaces the row.
CREATE TABLE acme_accounts (
    directory VARCHAR(1000) NOT NULL PRIMARY KEY,
    key_pem VARCHAR(10000) NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE acme_certificates (
    name VARCHAR(253) NOT NULL PRIMARY KEY,
    tenant_id VARCHAR(200) NOT NULL,
    chain_pem VARCHAR(40000) NOT NULL,
    key_pem VARCHAR(10000) NOT NULL,
    not_before BIGINT NOT NULL,
    not_after BIGINT NOT NULL,
    issued_at BIGINT NOT NULL
);
CREATE INDEX acme_certificates_tenant ON acme_certificates (tenant_id);
