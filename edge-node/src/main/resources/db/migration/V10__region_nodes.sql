-- Region directory: every node of every region that shares this database keeps one row fresh (heartbeat_at, set from
-- the database's own clock, so node clocks may differ). Rows not refreshed within the directory's TTL are ignored and
-- later deleted. tcp_ports lists the TCP endpoint ports bound in the node's region as PORT=ENDPOINT_ID,... so that the
-- other regions can listen on them too.
CREATE TABLE region_nodes (
    region VARCHAR(64) NOT NULL,
    node_id VARCHAR(200) NOT NULL,
    relay_host VARCHAR(255) NOT NULL,
    relay_port INT NOT NULL,
    tcp_ports VARCHAR(60000) NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (region, node_id)
);
