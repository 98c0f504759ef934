variable "aws_region" {
  description = "AWS region of the staging edge."
  type        = string
  default     = "eu-west-1"
}

variable "domain" {
  description = "Base domain of the staging endpoints, for example staging.tunnel.example.com."
  type        = string
}

variable "route53_zone_id" {
  description = "Hosted zone that holds domain."
  type        = string
}

variable "key_name" {
  description = "EC2 key pair for Ansible's ssh."
  type        = string
  default     = null
}

variable "ssh_cidrs" {
  description = "Where Ansible connects from."
  type        = list(string)
  default     = []
}
