"""Infrastructure as code: the infrastructure spec, Terraform renderers, validation and export."""
