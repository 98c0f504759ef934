# One network load balancer per region: public HTTP (and HTTPS when a certificate is given), the agent link port
# (TLS passes through to the nodes) and the listed TCP endpoint ports. Its health check is the node's /readyz,
# which turns 503 the moment a node starts draining, so new connections go to the other nodes.
resource "aws_lb" "edge" {
  name                             = trim(substr("${local.prefix}-edge", 0, 32), "-")
  load_balancer_type               = "network"
  internal                         = false
  subnets                          = local.subnet_ids
  enable_cross_zone_load_balancing = true
  tags                             = local.tags
}

locals {
  health_check = {
    protocol            = "HTTP"
    port                = tostring(var.ports.ops)
    path                = "/readyz"
    interval            = 10
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_target_group" "http" {
  name_prefix          = "bhttp-"
  port                 = var.ports.http
  protocol             = "TCP"
  vpc_id               = local.vpc_id
  target_type          = "instance"
  proxy_protocol_v2    = var.proxy_protocol_v2
  deregistration_delay = var.deregistration_delay_seconds
  tags                 = local.tags

  health_check {
    protocol            = local.health_check.protocol
    port                = local.health_check.port
    path                = local.health_check.path
    interval            = local.health_check.interval
    healthy_threshold   = local.health_check.healthy_threshold
    unhealthy_threshold = local.health_check.unhealthy_threshold
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_target_group" "tunnel" {
  name_prefix          = "btun-"
  port                 = var.ports.tunnel
  protocol             = "TCP"
  vpc_id               = local.vpc_id
  target_type          = "instance"
  deregistration_delay = var.deregistration_delay_seconds
  tags                 = local.tags

  health_check {
    protocol            = local.health_check.protocol
    port                = local.health_check.port
    path                = local.health_check.path
    interval            = local.health_check.interval
    healthy_threshold   = local.health_check.healthy_threshold
    unhealthy_threshold = local.health_check.unhealthy_threshold
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_target_group" "tcp" {
  for_each             = toset([for p in var.nlb_tcp_ports : tostring(p)])
  name_prefix          = "btcp-"
  port                 = tonumber(each.value)
  protocol             = "TCP"
  vpc_id               = local.vpc_id
  target_type          = "instance"
  proxy_protocol_v2    = var.proxy_protocol_v2
  deregistration_delay = var.deregistration_delay_seconds
  tags                 = merge(local.tags, { "burrow-port" = each.value })

  health_check {
    protocol            = local.health_check.protocol
    port                = local.health_check.port
    path                = local.health_check.path
    interval            = local.health_check.interval
    healthy_threshold   = local.health_check.healthy_threshold
    unhealthy_threshold = local.health_check.unhealthy_threshold
  }

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = tonumber(each.value) >= var.tcp_port_range.from && tonumber(each.value) <= var.tcp_port_range.to
      error_message = "nlb_tcp_ports: ${each.value} is outside tcp_port_range ${var.tcp_port_range.from}-${var.tcp_port_range.to}."
    }
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.edge.arn
  port              = 80
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.http.arn
  }
}

resource "aws_lb_listener" "https" {
  count             = var.acm_certificate_arn == null ? 0 : 1
  load_balancer_arn = aws_lb.edge.arn
  port              = 443
  protocol          = "TLS"
  certificate_arn   = var.acm_certificate_arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.http.arn
  }
}

resource "aws_lb_listener" "tunnel" {
  load_balancer_arn = aws_lb.edge.arn
  port              = var.ports.tunnel
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.tunnel.arn
  }
}

resource "aws_lb_listener" "tcp" {
  for_each          = aws_lb_target_group.tcp
  load_balancer_arn = aws_lb.edge.arn
  port              = each.value.port
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = each.value.arn
  }
}
