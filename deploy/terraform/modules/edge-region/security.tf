# Public: HTTP, the agent link port and the TCP endpoint range (the NLB keeps the client's address, so the
# rules see the public source). Ops: from inside the VPC only (the NLB's health checks). Cluster and relay:
# only between the nodes of this region.
resource "aws_security_group" "edge" {
  name_prefix = "${local.prefix}-edge-"
  description = "Burrow edge nodes (${local.region})"
  vpc_id      = local.vpc_id
  tags        = merge(local.tags, { Name = "${local.prefix}-edge" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id = aws_security_group.edge.id
  description       = "public HTTP"
  ip_protocol       = "tcp"
  from_port         = var.ports.http
  to_port           = var.ports.http
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "tunnel" {
  security_group_id = aws_security_group.edge.id
  description       = "agent links (TLS)"
  ip_protocol       = "tcp"
  from_port         = var.ports.tunnel
  to_port           = var.ports.tunnel
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "tcp_endpoints" {
  security_group_id = aws_security_group.edge.id
  description       = "TCP endpoints"
  ip_protocol       = "tcp"
  from_port         = var.tcp_port_range.from
  to_port           = var.tcp_port_range.to
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "ops" {
  security_group_id = aws_security_group.edge.id
  description       = "health checks and metrics from inside the VPC"
  ip_protocol       = "tcp"
  from_port         = var.ports.ops
  to_port           = var.ports.ops
  cidr_ipv4         = local.vpc_cidr
}

resource "aws_vpc_security_group_ingress_rule" "cluster" {
  security_group_id            = aws_security_group.edge.id
  description                  = "Hazelcast, between nodes only"
  ip_protocol                  = "tcp"
  from_port                    = var.ports.cluster
  to_port                      = var.ports.cluster
  referenced_security_group_id = aws_security_group.edge.id
}

resource "aws_vpc_security_group_ingress_rule" "relay" {
  security_group_id            = aws_security_group.edge.id
  description                  = "relay links, between nodes only"
  ip_protocol                  = "tcp"
  from_port                    = var.ports.relay
  to_port                      = var.ports.relay
  referenced_security_group_id = aws_security_group.edge.id
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  for_each          = toset(var.ssh_cidrs)
  security_group_id = aws_security_group.edge.id
  description       = "ssh for Ansible"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.edge.id
  description       = "packages, other nodes, agents' replies"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
