-- TCP ports bound in each region, published to the other regions (review2 M6: they no longer sit in the heartbeat row
-- of region_nodes, whose tcp_ports column is now always empty). Each node writes its own view of its region's ports,
-- changes only, in the same transaction as its heartbeat; readers take the rows of one live node per region. Rows of
-- a node whose region_nodes row is gone are deleted with it.
CREATE TABLE region_tcp_ports (
    region VARCHAR(64) NOT NULL,
    node_id VARCHAR(200) NOT NULL,
    port INT NOT NULL,
    endpoint_id VARCHAR(200) NOT NULL,
    tenant_id VARCHAR(100) NOT NULL,
    PRIMARY KEY (region, node_id, port)
);
