"""Security rules, shared by live scans and the analysis of generated Terraform specs.

Rules judge one normalised view (`GuestView` + `ClusterView`), so the same rule applies
to a VM read from the cluster and to a VM described by an infrastructure spec.
"""
