"""The findings pages, one module per part: `index`, `reports`."""
