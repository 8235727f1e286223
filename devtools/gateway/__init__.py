"""The local gateway: serves template.yaml's routes by building each provider's real event."""
