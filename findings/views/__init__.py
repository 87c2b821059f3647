"""The findings pages, one module per part: `public`, `manage`, `coding`, `reports`."""
