variable "domain" {
  description = "Base domain of the endpoints, for example tunnel.example.com."
  type        = string
}

variable "route53_zone_id" {
  description = "Hosted zone that holds domain."
  type        = string
}

variable "nodes_per_region" {
  description = "Edge nodes per region (3 or more: a cluster needs a majority to accept writes)."
  type        = number
  default     = 3

  validation {
    condition     = var.nodes_per_region >= 3
    error_message = "nodes_per_region must be at least 3 in production."
  }
}

variable "acm_certificate_arns" {
  description = "ACM certificate for *.domain per AWS region (HTTPS on 443 at the load balancer); a null value: no 443 listener there."
  type        = map(string)
  default     = { "eu-west-1" = null, "us-east-1" = null }

  validation {
    condition     = contains(keys(var.acm_certificate_arns), "eu-west-1") && contains(keys(var.acm_certificate_arns), "us-east-1")
    error_message = "acm_certificate_arns must have an entry (an ARN or null) for eu-west-1 and us-east-1."
  }
}

variable "key_name" {
  description = "EC2 key pair for Ansible's ssh (the same name must exist in both regions)."
  type        = string
  default     = null
}

variable "ssh_cidrs" {
  description = "Where Ansible connects from."
  type        = list(string)
  default     = []
}
