"""`flowc lint`: discovery, raw ASL loaders, configuration, suppressions, formatters and the runner."""
