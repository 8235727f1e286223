"""Build, render and deploy the bundle described by template.yaml (dev-only; never shipped)."""
