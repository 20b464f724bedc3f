"""The SIUSS e-service INPS calls through PDND ("Welfare as a Service"): docs/siuss.md."""
