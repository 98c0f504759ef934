output "ansible_inventory" {
  description = "Dynamic inventory (amazon.aws.aws_ec2) for deploy/ansible: write it to inventories/production/aws_ec2.yml."
  value       = yamlencode(local.inventory)
}

output "ansible_group_vars" {
  description = "Settings for inventories/production/group_vars/edge.yml (the same in both regions)."
  value       = yamlencode(module.edge_eu.ansible_group_vars)
}

output "connect_addresses" {
  description = "What agents pass as --server, per region."
  value = {
    (module.edge_eu.region) = module.edge_eu.connect_address
    (module.edge_us.region) = module.edge_us.connect_address
  }
}

output "load_balancer_dns_names" {
  description = "The regions' load balancers."
  value = {
    (module.edge_eu.region) = module.edge_eu.load_balancer_dns_name
    (module.edge_us.region) = module.edge_us.load_balancer_dns_name
  }
}
