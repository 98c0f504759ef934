-- Tenancy store: one table per Hazelcast map; the value is the record as JSON, the key is the map key.
CREATE TABLE tenants (id VARCHAR(300) PRIMARY KEY, tenant_id VARCHAR(100) NOT NULL, body VARCHAR(20000) NOT NULL);
CREATE TABLE authtokens (id VARCHAR(300) PRIMARY KEY, tenant_id VARCHAR(100) NOT NULL, body VARCHAR(20000) NOT NULL);
CREATE TABLE reservations (id VARCHAR(300) PRIMARY KEY, tenant_id VARCHAR(100) NOT NULL, body VARCHAR(20000) NOT NULL);
CREATE TABLE custom_domains (id VARCHAR(300) PRIMARY KEY, tenant_id VARCHAR(100) NOT NULL, body VARCHAR(20000) NOT NULL);
CREATE INDEX authtokens_tenant ON authtokens (tenant_id);
CREATE INDEX reservations_tenant ON reservations (tenant_id);
CREATE INDEX custom_domains_tenant ON custom_domains (tenant_id);
