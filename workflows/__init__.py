"""The workflow builder: definitions as data, each published version a viewflow flow."""
