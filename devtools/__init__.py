"""Development-only tools: template schema, local gateway, cloud emulator, CLI.

Nothing here ships in the layer.
"""
