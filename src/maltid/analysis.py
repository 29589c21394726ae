"""Break-even and sensitivity of a comparison (filled in by the pipeline split)."""
