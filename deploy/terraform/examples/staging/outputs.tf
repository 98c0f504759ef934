output "ansible_inventory" {
  description = "Dynamic inventory (amazon.aws.aws_ec2) for deploy/ansible: write it to inventories/staging/aws_ec2.yml."
  value       = yamlencode(local.inventory)
}

output "ansible_group_vars" {
  description = "Settings for inventories/staging/group_vars/edge.yml."
  value       = yamlencode(module.edge.ansible_group_vars)
}

output "connect_address" {
  description = "What agents pass as --server."
  value       = module.edge.connect_address
}

output "load_balancer_dns_name" {
  description = "The region's load balancer."
  value       = module.edge.load_balancer_dns_name
}
