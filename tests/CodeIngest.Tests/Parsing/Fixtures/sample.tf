variable "region" {
  default = "eu-west-1"
}

resource "aws_instance" "web" {
  ami           = lookup(var.amis, var.region)
  instance_type = "t3.micro"
}

module "vpc" {
  source = "./modules/vpc"
}

output "ip" {
  value = upper(aws_instance.web.public_ip)
}
