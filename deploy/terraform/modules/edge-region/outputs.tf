output "region" {
  description = "The region label (burrow_region in Ansible)."
  value       = local.region
}

output "aws_region" {
  description = "The AWS region of this module instance."
  value       = data.aws_region.current.name
}

output "load_balancer_dns_name" {
  description = "DNS name of the region's network load balancer."
  value       = aws_lb.edge.dns_name
}

output "connect_address" {
  description = "What this region's agents pass as --server."
  value       = "${local.connect_name}:${var.ports.tunnel}"
}

output "wildcard_name" {
  description = "The public wildcard record."
  value       = aws_route53_record.wildcard.name
}

output "security_group_id" {
  description = "Security group of the edge nodes."
  value       = aws_security_group.edge.id
}

output "autoscaling_group_name" {
  description = "Auto-scaling group of the edge nodes."
  value       = aws_autoscaling_group.edge.name
}

output "vpc_cidr" {
  description = "CIDR of the nodes' VPC (trusted source for PROXY protocol, if enabled)."
  value       = local.vpc_cidr
}

output "ansible_group_vars" {
  description = "Variables for this region's Ansible group (region_<label>), matching the ports above."
  value = {
    burrow_region       = local.region
    burrow_domain       = var.domain
    burrow_http_port    = var.ports.http
    burrow_tunnel_port  = var.ports.tunnel
    burrow_ops_port     = var.ports.ops
    burrow_cluster_port = var.ports.cluster
    burrow_relay_port   = var.ports.relay
    burrow_tcp_ports    = "${var.tcp_port_range.from}-${var.tcp_port_range.to}"
  }
}

output "target_group_arns" {
  description = "The load balancer's target groups (for the rolling restart's deregister/register hooks)."
  value       = concat([aws_lb_target_group.http.arn, aws_lb_target_group.tunnel.arn], [for tg in aws_lb_target_group.tcp : tg.arn])
}
