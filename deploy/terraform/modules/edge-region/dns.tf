# *.domain: with latency routing every region publishes its own record under the same name, and each client is
# sent to the nearest region (a region that does not hold an endpoint relays to one that does). The connect
# name is where this region's agents dial in.
resource "aws_route53_record" "wildcard" {
  zone_id        = var.route53_zone_id
  name           = "*.${var.domain}"
  type           = "A"
  set_identifier = var.latency_routing ? local.region : null

  dynamic "latency_routing_policy" {
    for_each = var.latency_routing ? [data.aws_region.current.name] : []
    content {
      region = latency_routing_policy.value
    }
  }

  alias {
    name                   = aws_lb.edge.dns_name
    zone_id                = aws_lb.edge.zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "connect" {
  zone_id = var.route53_zone_id
  name    = local.connect_name
  type    = "A"

  alias {
    name                   = aws_lb.edge.dns_name
    zone_id                = aws_lb.edge.zone_id
    evaluate_target_health = true
  }
}
