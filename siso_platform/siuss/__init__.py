"""The national feed: SIUSS flows to INPS (PS-PSA-SINA and SINBA), built from the intervention
ledger, validated against INPS's XSDs, and served to INPS through the WaaS e-service."""
