"""Instructions: one small function per opcode, grouped by category."""
