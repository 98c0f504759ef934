-- Operator traffic policies: one for the whole cluster (id 'cluster') and one per tenant (id 'tenant:ID'), as the
-- other tenancy tables: the map key, the tenant (empty for the cluster's), the record as JSON.
CREATE TABLE operator_policies (id VARCHAR(300) PRIMARY KEY, tenant_id VARCHAR(100) NOT NULL, body VARCHAR(200000) NOT NULL);
