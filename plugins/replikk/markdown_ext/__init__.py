"""Python-Markdown extensions for Replikk's content format (one module each)."""
